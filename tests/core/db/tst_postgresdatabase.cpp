// The database layer against the real PostgreSQL that scripts/pg starts (skipped without
// CACHESCOPE_PG_PORT). Each run works in its own schemas, so parallel tests do not collide.

#include "databasechecks.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::DatabaseChecks;

Q_DECLARE_METATYPE(CacheScope::PostgresProtocol)

class tst_PostgresDatabase : public QObject, private Checks
{
    Q_OBJECT

private:
    QString schemaName(const QString &suffix) const
    {
        return u"tst_pg_%1_%2"_s.arg(QCoreApplication::applicationPid()).arg(suffix);
    }
    ConnectionSettings inSchema(const QString &suffix) const
    {
        ConnectionSettings other = settings;
        other.schema = schemaName(suffix);
        return other;
    }

private slots:
    void initTestCase()
    {
        const auto env = postgresSettingsFromEnvironment();
        if (!env)
            QSKIP(qPrintable(env.error().toString()));
        settings = *env;
        settings.connectTimeoutS = 3;
        settings.schema = schemaName(u"main"_s);
        initDemo();
        plain = openPlain(settings, u"tst-plain"_s);
        QVERIFY(plain.isOpen());
        initialChecksum = demoChecksum(plain);
        QCOMPARE(plainValue(plain, u"SELECT current_schema()"_s).toString(), settings.schema);
    }

    void cleanupTestCase()
    {
        releaseThreadConnection();
        if (plain.isOpen()) {
            for (const QString &suffix : { u"main"_s, u"other"_s, u"scratch"_s, u"full"_s })
                QSqlQuery(plain).exec(
                    u"DROP SCHEMA IF EXISTS "_s + schemaName(suffix) + u" CASCADE"_s);
        }
        plain = QSqlDatabase();
        for (const QString &name : { u"tst-plain"_s, u"tst-other"_s, u"tst-scratch"_s })
            QSqlDatabase::removeDatabase(name);
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
    }

    void rowCounts() { Checks::rowCounts(); }
    void metadataRecordsScaleAndSeed() { metadata(); }
    void indexesExist() { Checks::indexesExist(); }
    void deterministicBySeed()
    {
        Checks::deterministicBySeed(inSchema(u"other"_s), u"tst-other"_s);
    }

    /// One SQL text, one generator: PostgreSQL holds exactly the data SQLite does for a seed.
    void sameDataAsSqlite()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ConnectionSettings sqlite;
        sqlite.database = dir.filePath(u"demo.sqlite"_s);
        const Result<void> created = createDemoDatabase(sqlite, testScale, testSeed);
        QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
        QByteArray sqliteSum;
        {
            QSqlDatabase db = openPlain(sqlite, u"tst-sqlite"_s);
            sqliteSum = demoChecksum(db);
        }
        QSqlDatabase::removeDatabase(u"tst-sqlite"_s);
        // Fresh PostgreSQL copy: the main one has been written to by other checks.
        const ConnectionSettings other = inSchema(u"other"_s);
        QVERIFY(createDemoDatabase(other, testScale, testSeed));
        QByteArray postgresSum;
        {
            QSqlDatabase db = openPlain(other, u"tst-other-copy"_s);
            postgresSum = demoChecksum(db);
        }
        QSqlDatabase::removeDatabase(u"tst-other-copy"_s);
        QCOMPARE(postgresSum, sqliteSum);
    }

    void pointTemplate() { Checks::pointTemplate(); }
    void rangeTemplate() { Checks::rangeTemplate(); }
    void aggregateTemplate() { Checks::aggregateTemplate(); }
    void writeIsVisibleToFollowingRead() { Checks::writeIsVisibleToFollowingRead(); }
    void customTemplate() { Checks::customTemplate(); }
    void badCustomTemplate_data() { Checks::badCustomTemplate_data(); }
    void badCustomTemplate() { Checks::badCustomTemplate(); }

    /// Prepare once, execute many: the server holds one prepared statement for the template.
    void preparesOncePerConnection()
    {
        for (qint64 key : { 1, 2, 3, 4, 5 })
            QVERIFY(run(SqlTemplate::point(), key));
        Result<QSqlDatabase> db = threadConnection(settings, runId);
        QVERIFY(db);
        QSqlQuery query(*db);
        QVERIFY(query.exec(u"SELECT COUNT(*) FROM pg_prepared_statements "
                           u"WHERE statement LIKE '%, version FROM customers WHERE id = $1'"_s));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toLongLong(), 1);
    }

    void perThreadConnectionsNeverCrossThreads()
    {
        Checks::perThreadConnectionsNeverCrossThreads();
    }
    void connectionRemovedWhenThreadEnds() { Checks::connectionRemovedWhenThreadEnds(); }
    void runIdChangeReopens() { Checks::runIdChangeReopens(); }
    void perQueryMode() { Checks::perQueryMode(); }
    void simulatedDelay() { Checks::simulatedDelay(); }
    void cancelKeepsPreviousDemo()
    {
        Checks::cancelKeepsPreviousDemo(inSchema(u"scratch"_s), u"tst-scratch"_s);
    }

    /// libpq's prepared statements and QSqlQuery's give the same rows, with the same types, and
    /// the same rows-affected count for a write.
    void bothProtocolsGiveTheSameRows()
    {
        ConnectionSettings viaQt = settings;
        viaQt.postgresProtocol = PostgresProtocol::Qt;
        QCOMPARE(settings.postgresProtocol, PostgresProtocol::Prepared); // the default
        const qint64 busiest = busiestCustomer(plain);
        for (const SqlTemplate &t :
            { SqlTemplate::point(), SqlTemplate::range(), SqlTemplate::aggregate() }) {
            for (qint64 key : { busiest, qint64(1), qint64(1'000'001) }) {
                const auto fast = execute(settings, runId, t, key);
                const auto viaQtResult = execute(viaQt, runId, t, key);
                QVERIFY2(fast && viaQtResult, qPrintable(t.name()));
                QCOMPARE(fast->columns, viaQtResult->columns);
                QCOMPARE(fast->rows.size(), viaQtResult->rows.size());
                for (qsizetype r = 0; r < fast->rows.size(); ++r) {
                    const QVariantList &a = fast->rows.at(r);
                    const QVariantList &b = viaQtResult->rows.at(r);
                    QCOMPARE(a.size(), b.size());
                    for (qsizetype c = 0; c < a.size(); ++c) {
                        // QPSQL gives bigint as qulonglong; a bigint is signed, so we keep
                        // qlonglong (same value for every non-negative one).
                        const bool bigint = a.at(c).metaType() == QMetaType::fromType<qlonglong>()
                            && b.at(c).metaType() == QMetaType::fromType<qulonglong>();
                        QVERIFY2(bigint || a.at(c).metaType() == b.at(c).metaType(),
                            qPrintable(u"%1 column %2: %3 vs Qt's %4"_s.arg(t.name(),
                                fast->columns.at(c), QString::fromLatin1(a.at(c).typeName()),
                                QString::fromLatin1(b.at(c).typeName()))));
                        if (bigint)
                            QCOMPARE(a.at(c).toLongLong(), b.at(c).toLongLong());
                        else
                            QCOMPARE(a.at(c), b.at(c));
                    }
                }
                QCOMPARE(fast->approximateBytes, viaQtResult->approximateBytes);
            }
        }
        const auto written = execute(settings, runId, SqlTemplate::write(), busiest);
        const auto writtenViaQt = execute(viaQt, runId, SqlTemplate::write(), busiest);
        QVERIFY(written && writtenViaQt);
        QCOMPARE(written->rowsAffected, 1);
        QCOMPARE(writtenViaQt->rowsAffected, 1);
        QCOMPARE(execute(settings, runId, SqlTemplate::write(), 1'000'001)->rowsAffected, 0);
    }

    /// A server that kills our session: the failed query is an error, the next one reconnects.
    void reconnectsAfterTheServerDropsTheConnection_data()
    {
        QTest::addColumn<PostgresProtocol>("protocol");
        QTest::newRow("prepared") << PostgresProtocol::Prepared;
        QTest::newRow("qt") << PostgresProtocol::Qt;
    }
    void reconnectsAfterTheServerDropsTheConnection()
    {
        QFETCH(PostgresProtocol, protocol);
        const ConnectionSettings saved = settings;
        settings.postgresProtocol = protocol;
        auto restore = qScopeGuard([&] { settings = saved; });
        QVERIFY(run(SqlTemplate::point(), 2)); // prepared: the execution is what fails below
        qint64 pid = 0;
        {
            Result<QSqlDatabase> db = threadConnection(settings, runId);
            QVERIFY(db);
            QSqlQuery query(*db);
            QVERIFY(query.exec(u"SELECT pg_backend_pid()"_s) && query.next());
            pid = query.value(0).toLongLong();
        }
        QVERIFY(plainValue(plain, u"SELECT pg_terminate_backend(?)"_s, { pid }).toBool());
        // Qt says so when the dead connection's prepared statement is dropped; expected here.
        if (protocol == PostgresProtocol::Qt)
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Unable to free statement"_s));
        const auto failed = run(SqlTemplate::point(), 1);
        QVERIFY(!failed);
        QCOMPARE(failed.error().field, u"key"_s);
        QCOMPARE(failed.error().value, u"1"_s);
        QVERIFY2(failed.error().message.contains(u"query 'point' failed"_s),
            qPrintable(failed.error().toString()));
        const auto recovered = run(SqlTemplate::point(), 1);
        QVERIFY2(recovered, qPrintable(recovered ? QString() : recovered.error().toString()));
        QCOMPARE(recovered->rows.first().first().toLongLong(), 1);
    }

    void unreachableServer_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        // Port 1 is closed: refused at once. 192.0.2.1 (TEST-NET-1) routes nowhere:
        // connect_timeout.
        QTest::newRow("refused") << u"127.0.0.1"_s << 1;
        QTest::newRow("no route") << u"192.0.2.1"_s << 5432;
    }

    void unreachableServer()
    {
        QFETCH(QString, host);
        QFETCH(int, port);
        ConnectionSettings unreachable = settings;
        unreachable.host = host;
        unreachable.port = port;
        unreachable.connectTimeoutS = 3;
        QElapsedTimer timer;
        timer.start();
        const Result<QSqlDatabase> db = threadConnection(unreachable, 77);
        const qint64 ms = timer.elapsed();
        QVERIFY(!db);
        const QString where = host + u':' + QString::number(port);
        QVERIFY2(db.error().message.startsWith(u"cannot connect to PostgreSQL at "_s + where),
            qPrintable(db.error().toString()));
        QVERIFY(db.error().file.contains(where));
        QVERIFY2(ms < 3'000 + 2'000, qPrintable(QString::number(ms)));
        for (const QString &name : QSqlDatabase::connectionNames()) // nothing left half-open
            QVERIFY2(!name.startsWith(u"cachescope-r77-"_s), qPrintable(name));
        QCOMPARE(threadConnectionName(), QString());
    }

    void wrongPassword()
    {
        ConnectionSettings wrong = settings;
        wrong.password = u"not-the-password"_s;
        const Result<QSqlDatabase> db = threadConnection(wrong, 78);
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(u"password authentication failed"_s),
            qPrintable(db.error().toString()));
        QVERIFY(!db.error().toString().contains(u"not-the-password"_s)); // never echo a password
    }

    void fullSizeDemoTime()
    {
        if (qEnvironmentVariableIntValue("CACHESCOPE_FULL_DEMO") != 1)
            QSKIP("set CACHESCOPE_FULL_DEMO=1 to build and time the full-size demo database");
        const ConnectionSettings full = inSchema(u"full"_s);
        QElapsedTimer timer;
        timer.start();
        const Result<void> created = createDemoDatabase(full, 1.0, defaultDemoSeed);
        const qint64 ms = timer.elapsed();
        QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
        qInfo("full-size PostgreSQL demo (100k customers, 50k products, 1M orders): %lld ms", ms);
        const auto info = readDemoDatabaseInfo(full);
        QVERIFY(info && info->has_value());
        QCOMPARE((*info)->orders, 1'000'000);
    }
};

QTEST_GUILESS_MAIN(tst_PostgresDatabase)
#include "tst_postgresdatabase.moc"
