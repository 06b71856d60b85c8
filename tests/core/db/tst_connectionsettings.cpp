// ConnectionSettings: validation with field and value, parsing of the CLI spellings, and the
// settings scripts/pg exports. No database is needed.

#include "core/db/connectionsettings.h"

#include <QScopeGuard>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_ConnectionSettings : public QObject
{
    Q_OBJECT

private slots:
    void validSettingsPass()
    {
        ConnectionSettings sqlite;
        sqlite.database = u"/tmp/demo.sqlite"_s;
        QVERIFY(sqlite.validate());
        QCOMPARE(sqlite.qtDriverName(), u"QSQLITE"_s);
        QCOMPARE(sqlite.description(), u"sqlite:/tmp/demo.sqlite"_s);

        ConnectionSettings pg;
        pg.driver = DatabaseDriver::Postgres;
        pg.database = u"shop"_s;
        pg.user = u"alice"_s;
        pg.password = u"secret"_s;
        pg.port = 6543;
        QVERIFY(pg.validate());
        QCOMPARE(pg.qtDriverName(), u"QPSQL"_s);
        QCOMPARE(pg.description(), u"postgres://alice@127.0.0.1:6543/shop"_s); // no password
    }

    void invalidSettings_data()
    {
        QTest::addColumn<int>("driver"); // 0 sqlite, 1 postgres
        QTest::addColumn<QString>("database");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("schema");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<int>("timeoutS");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");

        QTest::newRow("empty sqlite path")
            << 0 << u""_s << 5432 << u"h"_s << u""_s << 0 << 5 << u"database"_s << u""_s;
        QTest::newRow("in-memory sqlite") << 0 << u":memory:"_s << 5432 << u"h"_s << u""_s << 0 << 5
                                          << u"database"_s << u":memory:"_s;
        QTest::newRow("empty pg name")
            << 1 << u"  "_s << 5432 << u"h"_s << u""_s << 0 << 5 << u"database"_s << u"  "_s;
        QTest::newRow("port 0") << 1 << u"db"_s << 0 << u"h"_s << u""_s << 0 << 5 << u"port"_s
                                << u"0"_s;
        QTest::newRow("port 65536")
            << 1 << u"db"_s << 65536 << u"h"_s << u""_s << 0 << 5 << u"port"_s << u"65536"_s;
        QTest::newRow("empty host")
            << 1 << u"db"_s << 5432 << u""_s << u""_s << 0 << 5 << u"host"_s << u""_s;
        QTest::newRow("schema with a quote") << 1 << u"db"_s << 5432 << u"h"_s << u"x'; DROP"_s << 0
                                             << 5 << u"schema"_s << u"x'; DROP"_s;
        QTest::newRow("negative delay")
            << 0 << u"a.db"_s << 5432 << u"h"_s << u""_s << -1 << 5 << u"db-delay-ms"_s << u"-1"_s;
        QTest::newRow("delay over a minute") << 0 << u"a.db"_s << 5432 << u"h"_s << u""_s << 60'001
                                             << 5 << u"db-delay-ms"_s << u"60001"_s;
        QTest::newRow("timeout 0")
            << 1 << u"db"_s << 5432 << u"h"_s << u""_s << 0 << 0 << u"connect-timeout"_s << u"0"_s;
    }

    void invalidSettings()
    {
        QFETCH(int, driver);
        QFETCH(QString, database);
        QFETCH(int, port);
        QFETCH(QString, host);
        QFETCH(QString, schema);
        QFETCH(int, delayMs);
        QFETCH(int, timeoutS);
        QFETCH(QString, field);
        QFETCH(QString, value);
        ConnectionSettings settings;
        settings.driver = driver == 0 ? DatabaseDriver::Sqlite : DatabaseDriver::Postgres;
        settings.database = database;
        settings.port = port;
        settings.host = host;
        settings.schema = schema;
        settings.simulatedDelayMs = delayMs;
        settings.connectTimeoutS = timeoutS;
        const Result<void> valid = settings.validate();
        QVERIFY(!valid);
        QCOMPARE(valid.error().field, field);
        QCOMPARE(valid.error().value, value);
        QVERIFY(!valid.error().message.isEmpty());
        QCOMPARE(valid.error().file, settings.description());
    }

    void parsesCliSpellings()
    {
        QCOMPARE(*parseDriver(u"sqlite"_s), DatabaseDriver::Sqlite);
        QCOMPARE(*parseDriver(u"Postgres"_s), DatabaseDriver::Postgres);
        QCOMPARE(*parseDriver(u"postgresql"_s), DatabaseDriver::Postgres);
        const auto badDriver = parseDriver(u"mysql"_s);
        QVERIFY(!badDriver);
        QCOMPARE(badDriver.error().toString(),
            u"driver: 'mysql' is not a database driver (sqlite or postgres)"_s);
        QCOMPARE(driverName(DatabaseDriver::Postgres), u"postgres"_s);

        QCOMPARE(*parseConnectionMode(u"per-thread"_s), ConnectionMode::PerThread);
        QCOMPARE(*parseConnectionMode(u"per-query"_s), ConnectionMode::PerQuery);
        const auto badMode = parseConnectionMode(u"pooled"_s);
        QVERIFY(!badMode);
        QCOMPARE(badMode.error().field, u"connection"_s);
        QCOMPARE(connectionModeName(ConnectionMode::PerQuery), u"per-query"_s);
    }

    void postgresFromEnvironment()
    {
        const QStringList names = { u"CACHESCOPE_PG_HOST"_s, u"CACHESCOPE_PG_PORT"_s,
            u"CACHESCOPE_PG_DB"_s, u"CACHESCOPE_PG_USER"_s, u"CACHESCOPE_PG_PASSWORD"_s };
        QHash<QString, QByteArray> saved;
        for (const QString &name : names) {
            if (qEnvironmentVariableIsSet(qPrintable(name)))
                saved.insert(name, qgetenv(qPrintable(name)));
        }
        const auto restore = qScopeGuard([&] {
            for (const QString &name : names) {
                if (saved.contains(name))
                    qputenv(qPrintable(name), saved.value(name));
                else
                    qunsetenv(qPrintable(name));
            }
        });

        qunsetenv("CACHESCOPE_PG_PORT");
        const auto unset = postgresSettingsFromEnvironment();
        QVERIFY(!unset);
        QCOMPARE(unset.error().field, u"CACHESCOPE_PG_PORT"_s);
        QVERIFY(unset.error().message.contains(u"scripts/pg start"_s));

        qputenv("CACHESCOPE_PG_PORT", "fifty");
        const auto bad = postgresSettingsFromEnvironment();
        QVERIFY(!bad);
        QCOMPARE(bad.error().value, u"fifty"_s);

        // What scripts/pg start prints.
        qputenv("CACHESCOPE_PG_HOST", "127.0.0.1");
        qputenv("CACHESCOPE_PG_PORT", "55433");
        qputenv("CACHESCOPE_PG_DB", "cachescope");
        qputenv("CACHESCOPE_PG_USER", "cachescope");
        qputenv("CACHESCOPE_PG_PASSWORD", "pw");
        const auto good = postgresSettingsFromEnvironment();
        QVERIFY(good);
        QCOMPARE(good->driver, DatabaseDriver::Postgres);
        QCOMPARE(good->host, u"127.0.0.1"_s);
        QCOMPARE(good->port, 55433);
        QCOMPARE(good->database, u"cachescope"_s);
        QCOMPARE(good->user, u"cachescope"_s);
        QCOMPARE(good->password, u"pw"_s);
        QVERIFY(good->validate());
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionSettings)
#include "tst_connectionsettings.moc"
