#pragma once

#include "core/db/connectionsettings.h"
#include "core/error.h"

#include <QSqlDatabase>
#include <QString>

namespace CacheScope {

/// The connection for one query, in either connection mode. PerThread: the calling thread's
/// connection for the run (threadConnection()), left open for the next query. PerQuery: a fresh
/// connection opened by acquire() and closed and removed by the destructor, so every query pays
/// the connect cost that a pool of per-thread connections saves. Lives on one thread, move-only.
class QueryConnection
{
public:
    static Result<QueryConnection> acquire(const ConnectionSettings &settings, quint64 runId);

    QueryConnection(QueryConnection &&other) noexcept;
    QueryConnection &operator=(QueryConnection &&other) noexcept;
    QueryConnection(const QueryConnection &) = delete;
    QueryConnection &operator=(const QueryConnection &) = delete;
    ~QueryConnection();

    /// A handle to the connection; drop it before this object dies.
    QSqlDatabase database() const;
    const QString &connectionName() const { return m_name; }
    /// True when this object opened the connection and closes it (PerQuery mode).
    bool isPerQuery() const { return m_owned; }

private:
    QueryConnection(QString name, bool owned);

    QString m_name;
    bool m_owned = false;
};

} // namespace CacheScope
