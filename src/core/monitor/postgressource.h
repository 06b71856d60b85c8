#pragma once

#include "core/db/connectionsettings.h"
#include "core/monitor/monitorsource.h"

namespace CacheScope {

/// Watches PostgreSQL's own buffer cache for the connected database: `pg_stat_database`'s
/// blks_hit (found in shared buffers) and blks_read (asked of the kernel) are the hits and
/// misses, transactions are the operations, `shared_buffers` the limit; the busiest tables come
/// from `pg_statio_user_tables`. The QSqlDatabase is opened by connect() and used only on the
/// calling thread (the session's own), as every connection in CacheScope.
class PostgresSource final : public MonitorSource
{
public:
    static constexpr int roundTripsPerPoll = 3;
    static constexpr int topTables = 5;

    explicit PostgresSource(ConnectionSettings settings);
    ~PostgresSource() override;
    PostgresSource(const PostgresSource &) = delete;
    PostgresSource &operator=(const PostgresSource &) = delete;

    Result<MonitorServerInfo> connect() override;
    Result<MonitorSample> poll() override;
    void disconnect() override;
    QString kind() const override { return QStringLiteral("postgres"); }
    QString address() const override;

private:
    Result<MonitorSample> pollOnce();

    ConnectionSettings m_settings;
    QString m_connectionName; // empty while not connected
    quint64 m_ownTransactions = 0; // for MonitorSample::ownOperations
};

} // namespace CacheScope
