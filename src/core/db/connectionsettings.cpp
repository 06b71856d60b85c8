#include "core/db/connectionsettings.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr int maxSimulatedDelayMs = 60'000;
constexpr int maxConnectTimeoutS = 600;

Error settingsError(const ConnectionSettings &settings, const QString &field, const QString &value,
    const QString &message)
{
    Error error;
    error.message = message;
    error.file = settings.description();
    error.field = field;
    error.value = value;
    return error;
}

} // namespace

Result<void> ConnectionSettings::validate() const
{
    if (database.trimmed().isEmpty())
        return settingsError(*this, u"database"_s, database,
            driver == DatabaseDriver::Sqlite ? u"is empty: give a file path"_s
                                             : u"is empty: give a database name"_s);
    if (driver == DatabaseDriver::Sqlite) {
        // Every :memory: connection is its own empty database, so worker threads would not share
        // it.
        if (database == ":memory:"_L1 || database.startsWith("file::memory:"_L1))
            return settingsError(*this, u"database"_s, database,
                u"is an in-memory SQLite database, which each connection sees "
                u"empty: use a file"_s);
    } else {
        if (host.trimmed().isEmpty())
            return settingsError(*this, u"host"_s, host, u"is empty"_s);
        if (port < 1 || port > 65535)
            return settingsError(
                *this, u"port"_s, QString::number(port), u"is not a TCP port (1 to 65535)"_s);
        static const QRegularExpression identifier(u"^[A-Za-z_][A-Za-z0-9_]{0,62}$"_s);
        if (!schema.isEmpty() && !identifier.match(schema).hasMatch())
            return settingsError(*this, u"schema"_s, schema,
                u"is not a plain SQL identifier (letters, digits, _)"_s);
        if (connectTimeoutS < 1 || connectTimeoutS > maxConnectTimeoutS)
            return settingsError(*this, u"connect-timeout"_s, QString::number(connectTimeoutS),
                u"is not between 1 and %1 seconds"_s.arg(maxConnectTimeoutS));
    }
    if (simulatedDelayMs < 0 || simulatedDelayMs > maxSimulatedDelayMs)
        return settingsError(*this, u"db-delay-ms"_s, QString::number(simulatedDelayMs),
            u"is not a simulated delay between 0 and %1 ms"_s.arg(maxSimulatedDelayMs));
    return {};
}

QString ConnectionSettings::description() const
{
    if (driver == DatabaseDriver::Sqlite)
        return u"sqlite:"_s + database;
    QString out = u"postgres://"_s;
    if (!user.isEmpty())
        out += user + u'@';
    out += host + u':' + QString::number(port) + u'/' + database;
    if (!schema.isEmpty())
        out += u"?schema="_s + schema;
    return out;
}

QString ConnectionSettings::qtDriverName() const
{
    return driver == DatabaseDriver::Sqlite ? u"QSQLITE"_s : u"QPSQL"_s;
}

QString driverName(DatabaseDriver driver)
{
    return driver == DatabaseDriver::Sqlite ? u"sqlite"_s : u"postgres"_s;
}

Result<DatabaseDriver> parseDriver(const QString &text)
{
    const QString name = text.trimmed().toLower();
    if (name == "sqlite"_L1 || name == "sqlite3"_L1)
        return DatabaseDriver::Sqlite;
    if (name == "postgres"_L1 || name == "postgresql"_L1 || name == "pg"_L1)
        return DatabaseDriver::Postgres;
    Error error;
    error.message = u"is not a database driver (sqlite or postgres)"_s;
    error.field = u"driver"_s;
    error.value = text;
    return error;
}

QString connectionModeName(ConnectionMode mode)
{
    return mode == ConnectionMode::PerThread ? u"per-thread"_s : u"per-query"_s;
}

Result<ConnectionMode> parseConnectionMode(const QString &text)
{
    const QString name = text.trimmed().toLower();
    if (name == "per-thread"_L1)
        return ConnectionMode::PerThread;
    if (name == "per-query"_L1)
        return ConnectionMode::PerQuery;
    Error error;
    error.message = u"is not a connection mode (per-thread or per-query)"_s;
    error.field = u"connection"_s;
    error.value = text;
    return error;
}

QString postgresProtocolName(PostgresProtocol protocol)
{
    return protocol == PostgresProtocol::Prepared ? u"prepared"_s : u"qt"_s;
}

Result<PostgresProtocol> parsePostgresProtocol(const QString &text)
{
    const QString name = text.trimmed().toLower();
    if (name == "prepared"_L1)
        return PostgresProtocol::Prepared;
    if (name == "qt"_L1)
        return PostgresProtocol::Qt;
    Error error;
    error.message = u"is not a PostgreSQL statement protocol (prepared or qt)"_s;
    error.field = u"pg-protocol"_s;
    error.value = text;
    return error;
}

Result<ConnectionSettings> postgresSettingsFromEnvironment()
{
    auto env = [](const char *name, const QString &fallback) {
        return qEnvironmentVariableIsSet(name) ? qEnvironmentVariable(name) : fallback;
    };
    Error error;
    error.field = u"CACHESCOPE_PG_PORT"_s;
    if (!qEnvironmentVariableIsSet("CACHESCOPE_PG_PORT")) {
        error.message = u"is not set: start a server with pgenv=$(scripts/pg start); "
                        u"eval \"$pgenv\""_s;
        return error;
    }
    const QString portText = qEnvironmentVariable("CACHESCOPE_PG_PORT");
    bool ok = false;
    const int port = portText.toInt(&ok);
    if (!ok) {
        error.value = portText;
        error.message = u"is not a TCP port number"_s;
        return error;
    }
    ConnectionSettings settings;
    settings.driver = DatabaseDriver::Postgres;
    settings.host = env("CACHESCOPE_PG_HOST", u"127.0.0.1"_s);
    settings.port = port;
    settings.database = env("CACHESCOPE_PG_DB", u"cachescope"_s);
    settings.user = env("CACHESCOPE_PG_USER", u"cachescope"_s);
    settings.password = env("CACHESCOPE_PG_PASSWORD", QString());
    return settings;
}

} // namespace CacheScope
