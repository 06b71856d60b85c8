#pragma once

// Private to src/core/db: the per-thread bookkeeping behind threadConnection() and execute().

#include <QSqlQuery>
#include <QString>
#include <QStringList>

#include <memory>
#include <unordered_map>

class QSqlDriver;

namespace CacheScope::Detail {

/// A statement prepared once on one connection and executed many times: a QSqlQuery, or a
/// statement prepared with libpq on the QPSQL connection's handle (PostgresProtocol::Prepared).
struct PreparedQuery
{
    QSqlQuery query; // unused for a libpq statement
    QByteArray libpqName; // non-empty: a libpq statement of this name
    const QSqlDriver *driver = nullptr; // the driver it was prepared on, to notice a reopened name
    QStringList columns; // filled on the first execution, shared by every result
};

/// What this thread knows about one of its connections.
struct ConnectionState
{
    QString description; // ConnectionSettings::description() of a connection we opened
    int simulatedDelayMs = 0;
    bool libpq = false; // PostgreSQL with PostgresProtocol::Prepared
    bool suspect = false; // a statement failed: ping before reuse, reopen if the server went away
    std::unordered_map<QString, std::unique_ptr<PreparedQuery>> prepared; // by SQL text
};

/// The calling thread's state of connection `name`, created empty on first use.
ConnectionState &connectionState(const QString &name);
/// Drops this thread's state of `name` (its prepared queries first). No-op when unknown.
void forgetConnectionState(const QString &name);

/// A number naming the calling thread in connection names; never reused within the process.
quint64 threadSerial();
/// A new number per call on the calling thread, for per-query connection names.
quint64 nextQuerySerial();

/// Sleeps the calling (worker) thread: the SIMULATED network round trip.
void simulateRoundTrip(int simulatedDelayMs);

} // namespace CacheScope::Detail
