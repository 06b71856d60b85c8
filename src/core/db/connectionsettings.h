#pragma once

#include "core/error.h"

#include <QString>

namespace CacheScope {

enum class DatabaseDriver { Sqlite, Postgres };

/// PerThread: each worker thread keeps one connection for the whole run (the normal case).
/// PerQuery: every query opens and closes its own connection, to show what reuse saves.
enum class ConnectionMode { PerThread, PerQuery };

/// How statements reach PostgreSQL. Prepared: libpq's extended protocol on the QPSQL
/// connection's own handle (PQprepare once per connection, then PQexecPrepared with the key as
/// its parameter), the way pgbench -M prepared and most drivers run a hot query. Qt: QSqlQuery's
/// prepared statements, which QPSQL sends as "EXECUTE name (value)" text over the simple-query
/// protocol, so the server parses every call again (about half the throughput on a busy server).
enum class PostgresProtocol { Prepared, Qt };

/// Where and how to connect. A plain value: copy it into worker lambdas freely.
struct ConnectionSettings
{
    DatabaseDriver driver = DatabaseDriver::Sqlite;
    QString database; // SQLite: file path (never ":memory:"); PostgreSQL: database name
    QString host = QStringLiteral("127.0.0.1"); // PostgreSQL only
    int port = 5432; // PostgreSQL only
    QString user; // PostgreSQL only; empty: libpq's default (the OS user)
    QString password; // PostgreSQL only; never shown in descriptions or errors
    QString schema; // PostgreSQL only: search_path for the session; empty: the default
    int connectTimeoutS = 5; // PostgreSQL connect_timeout, so an unreachable host fails fast
    /// SIMULATED network latency: a sleep on the worker thread before every database round trip
    /// (each query execution and each connection open), so a local demo behaves like a remote
    /// database. 0 = off. It is added time, not a measurement of any real network.
    int simulatedDelayMs = 0;
    ConnectionMode connectionMode = ConnectionMode::PerThread;
    PostgresProtocol postgresProtocol = PostgresProtocol::Prepared; // PostgreSQL only

    /// Rejects values that cannot work (empty database, port out of range, ...) with the field
    /// and value at fault, before anything connects.
    Result<void> validate() const;
    /// "sqlite:/path/demo.sqlite" or "postgres://user@host:port/db" (no password): for Error::file.
    QString description() const;
    /// The Qt SQL driver name: "QSQLITE" or "QPSQL".
    QString qtDriverName() const;

    friend bool operator==(const ConnectionSettings &, const ConnectionSettings &) = default;
};

/// "sqlite" / "postgres", as the CLI spells them.
QString driverName(DatabaseDriver driver);
/// Parses "sqlite" or "postgres" (also "postgresql", "pg"); field "driver" in the error.
Result<DatabaseDriver> parseDriver(const QString &text);
/// "per-thread" / "per-query", as the CLI spells them.
QString connectionModeName(ConnectionMode mode);
/// Parses "per-thread" or "per-query"; field "connection" in the error.
Result<ConnectionMode> parseConnectionMode(const QString &text);

/// "prepared" / "qt", as the CLI spells them.
QString postgresProtocolName(PostgresProtocol protocol);
/// Parses "prepared" or "qt"; field "pg-protocol" in the error.
Result<PostgresProtocol> parsePostgresProtocol(const QString &text);

/// PostgreSQL settings from CACHESCOPE_PG_HOST, _PORT, _DB, _USER and _PASSWORD, as printed by
/// `scripts/pg start`. Fails (field: the variable) when CACHESCOPE_PG_PORT is unset or bad.
Result<ConnectionSettings> postgresSettingsFromEnvironment();

} // namespace CacheScope
