#include "postgressource.h"

#include "core/db/threadconnection.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

std::atomic<int> g_serial { 0 };

Error queryError(const PostgresSource &source, const QSqlQuery &query)
{
    return monitorError(
        u"PostgreSQL at "_s + source.address() + u": "_s + query.lastError().text());
}

} // namespace

PostgresSource::PostgresSource(ConnectionSettings settings)
    : m_settings(std::move(settings))
{
    m_settings.driver = DatabaseDriver::Postgres;
}

PostgresSource::~PostgresSource() { disconnect(); }

QString PostgresSource::address() const
{
    return m_settings.host + u':' + QString::number(m_settings.port) + u'/' + m_settings.database;
}

void PostgresSource::disconnect()
{
    if (!m_connectionName.isEmpty())
        closeConnection(m_connectionName);
    m_connectionName.clear();
}

Result<MonitorServerInfo> PostgresSource::connect()
{
    disconnect();
    const QString name = u"cachescope-monitor-"_s + QString::number(++g_serial);
    std::optional<Error> error;
    {
        const Result<QSqlDatabase> opened = openConnection(m_settings, name);
        if (!opened) {
            error = opened.error();
            error->message
                = u"cannot connect to PostgreSQL at "_s + address() + u": "_s + error->message;
        }
    }
    if (error) {
        closeConnection(name);
        return *error;
    }
    m_connectionName = name;
    MonitorServerInfo info;
    info.source = kind();
    info.address = address();
    {
        QSqlQuery q(QSqlDatabase::database(name, false));
        if (!q.exec(u"SELECT current_setting('server_version'), current_setting('shared_buffers'), "
                    "current_setting('effective_cache_size')"_s)
            || !q.next()) {
            error = queryError(*this, q);
        } else {
            info.version = q.value(0).toString();
            info.settings.append({ u"shared_buffers"_s, q.value(1).toString() });
            info.settings.append({ u"effective_cache_size"_s, q.value(2).toString() });
        }
    }
    if (error) {
        disconnect();
        return *error;
    }
    info.notes.append(u"hits are blocks found in shared_buffers, misses blocks read from the "
                      "kernel (which may still be in its page cache)"_s);
    return info;
}

Result<MonitorSample> PostgresSource::poll()
{
    if (m_connectionName.isEmpty())
        return monitorError(u"not connected to PostgreSQL at "_s + address());
    Result<MonitorSample> sample = pollOnce();
    if (!sample)
        disconnect(); // after pollOnce's handles on the connection are gone
    return sample;
}

Result<MonitorSample> PostgresSource::pollOnce()
{
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    auto lost = [this](const QSqlQuery &failed) { return queryError(*this, failed); };
    MonitorSample s;
    for (int i = 0; i < roundTripsPerPoll; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (!q.exec(u"SELECT 1"_s))
            return lost(q);
        s.roundTripNs.push_back(timer.nsecsElapsed());
    }
    // The postmaster's start time tells a restart; stats_reset a pg_stat_reset().
    if (!q.exec(u"SELECT blks_hit, blks_read, xact_commit + xact_rollback, numbackends, "
                "pg_postmaster_start_time()::text || ' ' || coalesce(stats_reset::text, ''), "
                "(SELECT setting::bigint * current_setting('block_size')::bigint FROM pg_settings "
                "WHERE name = 'shared_buffers'), "
                "extract(epoch FROM now() - pg_postmaster_start_time())::bigint "
                "FROM pg_stat_database WHERE datname = current_database()"_s)
        || !q.next())
        return lost(q);
    s.hits = quint64(std::max<qint64>(0, q.value(0).toLongLong()));
    s.misses = quint64(std::max<qint64>(0, q.value(1).toLongLong()));
    s.operations = quint64(std::max<qint64>(0, q.value(2).toLongLong()));
    s.clients = q.value(3).toLongLong();
    s.instance = q.value(4).toString();
    s.memoryLimitBytes = q.value(5).toLongLong();
    s.uptimeSeconds = q.value(6).toLongLong();
    // This poll's own transactions (each statement above is one) are not the watched load.
    m_ownTransactions += roundTripsPerPoll + 2;
    s.ownOperations = m_ownTransactions;

    if (!q.exec(u"SELECT relname, coalesce(heap_blks_hit, 0), coalesce(heap_blks_read, 0) "
                "FROM pg_statio_user_tables ORDER BY coalesce(heap_blks_hit, 0) + "
                "coalesce(heap_blks_read, 0) DESC, relname LIMIT "_s
            + QString::number(topTables)))
        return lost(q);
    while (q.next())
        s.tables.append(
            { q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong() });
    return s;
}

} // namespace CacheScope
