#include "dboptions.h"

#include "cliutil.h"

#include "core/db/demodatabase.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

void addDatabaseOptions(QCommandLineParser &p)
{
    p.addOptions({
        { u"driver"_s, u"sqlite (default) or postgres."_s, u"D"_s },
        { u"database"_s,
            u"SQLite file, or PostgreSQL database name (default: the demo database)."_s,
            u"PATH|NAME"_s },
        { u"host"_s, u"PostgreSQL host (default $CACHESCOPE_PG_HOST or 127.0.0.1)."_s, u"H"_s },
        { u"port"_s, u"PostgreSQL port (default $CACHESCOPE_PG_PORT or 5432)."_s, u"P"_s },
        { u"user"_s, u"PostgreSQL user (default $CACHESCOPE_PG_USER)."_s, u"U"_s },
        { u"password-env"_s,
            u"Name of the environment variable holding the password (default CACHESCOPE_PG_PASSWORD)."_s,
            u"VAR"_s },
        { u"connection"_s,
            u"per-thread (default: each worker reuses its own connection) or per-query."_s,
            u"MODE"_s },
        { u"pg-protocol"_s,
            u"PostgreSQL statements: prepared (default: libpq extended protocol, prepared once per connection) or qt (QSqlQuery: EXECUTE text, parsed on every call)."_s,
            u"MODE"_s },
        { u"db-delay-ms"_s,
            u"SIMULATED network delay added to every database round trip (default 0)."_s, u"N"_s },
    });
}

Result<void> readPostgresOptions(const QCommandLineParser &p, ConnectionSettings &s)
{
    const QByteArray envHost = qgetenv("CACHESCOPE_PG_HOST");
    const QByteArray envPort = qgetenv("CACHESCOPE_PG_PORT");
    const QByteArray envDb = qgetenv("CACHESCOPE_PG_DB");
    const QByteArray envUser = qgetenv("CACHESCOPE_PG_USER");
    s.host = p.isSet(u"host"_s) ? p.value(u"host"_s)
        : envHost.isEmpty()     ? u"127.0.0.1"_s
                                : QString::fromLocal8Bit(envHost);
    s.database = p.isSet(u"database"_s) ? p.value(u"database"_s)
        : envDb.isEmpty()               ? u"cachescope"_s
                                        : QString::fromLocal8Bit(envDb);
    s.user = p.isSet(u"user"_s) ? p.value(u"user"_s) : QString::fromLocal8Bit(envUser);
    const Result<qint64> port
        = integerOption(p, u"port"_s, envPort.isEmpty() ? 5432 : envPort.toLongLong(), 1, 65535);
    if (!port)
        return port.error();
    s.port = int(port.value());
    const QString passwordVar
        = p.isSet(u"password-env"_s) ? p.value(u"password-env"_s) : u"CACHESCOPE_PG_PASSWORD"_s;
    if (p.isSet(u"password-env"_s)
        && !qEnvironmentVariableIsSet(passwordVar.toLocal8Bit().constData()))
        return Error { u"names an environment variable that is not set"_s, {}, 0,
            u"--password-env"_s, passwordVar };
    s.password = qEnvironmentVariable(passwordVar.toLocal8Bit().constData());
    return {};
}

Result<ConnectionSettings> databaseSettings(const QCommandLineParser &p, bool forCreation)
{
    ConnectionSettings s;
    if (p.isSet(u"driver"_s)) {
        Result<DatabaseDriver> d = parseDriver(p.value(u"driver"_s));
        if (!d)
            return Error { d.error().message, {}, 0, u"--driver"_s, p.value(u"driver"_s) };
        s.driver = d.value();
    }
    if (s.driver == DatabaseDriver::Sqlite) {
        s.database = p.isSet(u"database"_s) ? p.value(u"database"_s) : defaultDemoDatabasePath();
        if (forCreation) {
            const QFileInfo fi(s.database);
            QDir().mkpath(fi.absolutePath());
        }
    } else {
        if (Result<void> pg = readPostgresOptions(p, s); !pg)
            return pg.error();
    }
    if (p.isSet(u"connection"_s)) {
        Result<ConnectionMode> m = parseConnectionMode(p.value(u"connection"_s));
        if (!m)
            return Error { m.error().message, {}, 0, u"--connection"_s, p.value(u"connection"_s) };
        s.connectionMode = m.value();
    }
    if (p.isSet(u"pg-protocol"_s)) {
        Result<PostgresProtocol> protocol = parsePostgresProtocol(p.value(u"pg-protocol"_s));
        if (!protocol)
            return Error { protocol.error().message, {}, 0, u"--pg-protocol"_s,
                p.value(u"pg-protocol"_s) };
        s.postgresProtocol = protocol.value();
    }
    const Result<qint64> delay = integerOption(p, u"db-delay-ms"_s, 0, 0, 60000);
    if (!delay)
        return delay.error();
    s.simulatedDelayMs = int(delay.value());
    if (Result<void> v = s.validate(); !v)
        return v.error();
    return s;
}

} // namespace CacheScope::Cli
