#pragma once

#include "core/db/connectionsettings.h"
#include "core/db/sqltemplate.h"
#include "core/error.h"

#include <QList>
#include <QSqlDatabase>
#include <QStringList>
#include <QVariantList>

namespace CacheScope {

/// The outcome of one template execution, as a value: the rows are implicitly shared, so copies
/// (into the cache, out of it, across threads) cost a reference count, not the data.
struct QueryResult
{
    QStringList columns; // column names, shared by every result of the same statement
    QList<QVariantList> rows; // row-major values (qlonglong, double, QString, null QVariant)
    qint64 rowsAffected = -1; // writes: rows changed; reads: -1
    qint64 approximateBytes = 0; // estimated memory held by rows: the cost for byte-based caching
    /// SIMULATED network latency slept before this round trip (ConnectionSettings::
    /// simulatedDelayMs of the connection); 0 when off. Not a measurement.
    qint64 simulatedDelayMs = 0;
};

/// Prepares `sqlTemplate` on `db` (once per connection and SQL text; later calls reuse it). A
/// statement the database rejects gives an Error with field "sql", the SQL as value and the
/// database's own message; Error::file names the connection.
Result<void> prepareTemplate(QSqlDatabase &db, const SqlTemplate &sqlTemplate);

/// Runs `sqlTemplate` with `key` on `db`, which must belong to the calling thread: prepares it on
/// first use on this connection, then binds and executes the prepared statement (prepare once,
/// exec many). Sleeps the connection's simulated delay first, if any. A failing execution gives
/// an Error (field "key") with the database's message and marks the thread connection for a
/// liveness check on its next threadConnection() call.
Result<QueryResult> execute(QSqlDatabase &db, const SqlTemplate &sqlTemplate, qint64 key);

/// Runs one query the way `settings.connectionMode` says: PerThread on the calling thread's
/// connection for `runId` (threadConnection()), PerQuery on a fresh connection opened for this
/// query alone and closed after it (QueryConnection).
Result<QueryResult> execute(
    const ConnectionSettings &settings, quint64 runId, const SqlTemplate &sqlTemplate, qint64 key);

/// Runs one statement given as text (a replayed log's), unprepared, the way `settings.
/// connectionMode` says. PostgreSQL: PQexec on the connection's libpq handle (the simple
/// protocol, as psql sends it); SQLite: QSqlQuery::exec. Sleeps the simulated delay first, if
/// any. A failure gives an Error (field "sql", the statement as value, the database's message)
/// and marks the thread connection for a liveness check, as execute() does.
Result<QueryResult> executeText(
    const ConnectionSettings &settings, quint64 runId, const QString &sql);

/// Estimated bytes held by `rows` (QList and QVariant overheads plus string payloads).
qint64 approximateBytes(const QList<QVariantList> &rows);

} // namespace CacheScope
