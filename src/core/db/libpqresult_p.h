#pragma once

// Private to src/core/db: reading libpq answers the way QPSQL would present them, shared by the
// blocking executor (queryexecutor.cpp) and the pipeline connection (pgpipeline.cpp).

#include "core/db/queryexecutor.h"

#include <libpq-fe.h>

#include <memory>

namespace CacheScope::Detail {

struct ResultDeleter
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

/// The result's error message, else the connection's, on one line.
QString libpqMessage(const PGresult *result, PGconn *conn);

/// A successful libpq answer into `result`: its rows (TUPLES_OK) or the rows it changed
/// (COMMAND_OK), and the bytes the rows hold. The column names are the caller's.
/// (PQcmdTuples takes a non-const result.)
void readLibpqResult(PGresult *answer, ExecStatusType status, QueryResult &result);

/// The column names of a TUPLES_OK answer.
QStringList libpqColumnNames(const PGresult *answer);

} // namespace CacheScope::Detail
