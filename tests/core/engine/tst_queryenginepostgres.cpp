// The live engine against the real PostgreSQL that scripts/pg starts (skipped without
// CACHESCOPE_PG_PORT): the core checks in a schema of this process's own, and a database that
// dies mid-run, on a private cluster of its own so that other tests keep their server.

#include "enginechecks.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::EngineChecks;

namespace {

QString pgScript()
{
    return QDir(QStringLiteral(CACHESCOPE_TEST_DATA)).filePath(u"../../scripts/pg"_s);
}

/// Runs scripts/pg `command` on the cluster in `clusterDir`; its stdout, or an error.
Result<QString> runPg(const QString &clusterDir, const QString &command)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CACHESCOPE_PG_DIR"_s, clusterDir);
    process.setProcessEnvironment(env);
    process.start(u"bash"_s, { pgScript(), command });
    if (!process.waitForFinished(120'000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0)
        return Error { u"scripts/pg %1 failed: %2"_s.arg(
                           command, QString::fromLocal8Bit(process.readAllStandardError())),
            {}, 0, {}, {} };
    return QString::fromLocal8Bit(process.readAllStandardOutput());
}

} // namespace

class tst_QueryEnginePostgres : public QObject, private Checks
{
    Q_OBJECT

private:
    QSqlDatabase plain;
    QString privateCluster; // the dies-mid-run test's own cluster dir, when started

    QString schemaName() const
    {
        return u"tst_engine_%1"_s.arg(QCoreApplication::applicationPid());
    }

private slots:
    void initTestCase()
    {
        const auto env = postgresSettingsFromEnvironment();
        if (!env)
            QSKIP(qPrintable(env.error().toString()));
        settings = *env;
        settings.connectTimeoutS = 3;
        settings.schema = schemaName();
        initDemo();
        plain = QSqlDatabase::addDatabase(u"QPSQL"_s, u"tst-plain"_s);
        plain.setHostName(settings.host);
        plain.setPort(settings.port);
        plain.setUserName(settings.user);
        plain.setPassword(settings.password);
        plain.setDatabaseName(settings.database);
        QVERIFY2(plain.open(), qPrintable(plain.lastError().text()));
        QVERIFY(QSqlQuery(plain).exec(u"SET search_path TO "_s + settings.schema));
    }

    void cleanupTestCase()
    {
        if (plain.isOpen())
            QSqlQuery(plain).exec(u"DROP SCHEMA IF EXISTS "_s + schemaName() + u" CASCADE"_s);
        plain = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"tst-plain"_s);
        if (!privateCluster.isEmpty())
            (void)runPg(privateCluster, u"stop"_s);
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
    }

    void onlyColdMisses() { Checks::onlyColdMisses(); }
    void readAfterWriteSeesNewRow() { Checks::readAfterWriteSeesNewRow(plain); }
    void ttlExpires() { Checks::ttlExpires(); }
    void singleFlightCollapsesMisses() { Checks::singleFlightCollapsesMisses(); }
    void connectionsStayOnTheirThread() { Checks::connectionsStayOnTheirThread(); }
    void stopUnderSlowQuery() { Checks::stopUnderSlowQuery(); }
    void badCustomSqlFailsStart()
    {
        Checks::badCustomSqlFailsStart(u"relation \"no_such_table\" does not exist"_s);
    }
    void liveChanges() { Checks::liveChanges(); }
    void openLoop() { Checks::openLoop(); }

    void unreachableServerFailsStart()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.database.port = 1; // nothing listens there
        QSignalSpy failed(&engine, &QueryEngine::startFailed);
        QVERIFY(engine.start(config));
        QVERIFY(failed.wait(waitMs));
        const Error error = failed.first().first().value<Error>();
        QVERIFY2(error.message.startsWith(
                     u"cannot connect to PostgreSQL at "_s + settings.host + u":1: "_s),
            qPrintable(error.toString()));
        QCOMPARE(engine.state(), EngineState::Idle);
    }

    /// The server stops mid-run and comes back on the same port: failed queries count as
    /// errors, errorOccurred() reports the streak (not every query), the run goes on, and once
    /// the server is back requests succeed again.
    void databaseDiesMidRun()
    {
        privateCluster = u"/tmp/cachescope-pg-engine-%1"_s.arg(QCoreApplication::applicationPid());
        const Result<QString> exports = runPg(privateCluster, u"start"_s);
        if (!exports)
            QSKIP(qPrintable(u"no private PostgreSQL cluster: "_s + exports.error().message));
        const QRegularExpressionMatch port
            = QRegularExpression(u"CACHESCOPE_PG_PORT=(\\d+)"_s).match(*exports);
        QVERIFY2(port.hasMatch(), qPrintable(*exports));
        ConnectionSettings own = settings;
        own.port = port.captured(1).toInt();
        own.schema.clear();
        own.connectTimeoutS = 2;
        const Result<void> created = createDemoDatabase(own, testScale, testSeed);
        QVERIFY2(created, qPrintable(errorText(created)));

        QueryEngine engine;
        QSignalSpy errors(&engine, &QueryEngine::errorOccurred);
        RunConfig config = baseConfig(4, 1'000);
        config.database = own;
        config.cache.capacity = 100; // mostly misses: the database is asked all the time
        config.writeRatio = 0.1;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.misses >= 200, waitMs);
        QCOMPARE(engine.reading().counters.errors, quint64(0));

        const Result<QString> paused = runPg(privateCluster, u"pause"_s);
        QVERIFY2(paused, qPrintable(paused ? QString() : paused.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.errors >= 20, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), waitMs);
        QCOMPARE(engine.state(), EngineState::Running);
        QCOMPARE(engine.activeWorkers(), 4);
        const Error first = errors.first().first().value<Error>();
        QVERIFY2(first.file.contains(u":%1/"_s.arg(own.port)), qPrintable(first.toString()));

        const Result<QString> resumed = runPg(privateCluster, u"resume"_s);
        QVERIFY2(resumed, qPrintable(resumed ? QString() : resumed.error().message));
        // Back: errors stop growing while misses (database queries) go on.
        quint64 lastErrors = engine.reading().counters.errors;
        quint64 missesThen = engine.reading().counters.misses;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const MetricsReading r = engine.reading();
                if (r.counters.errors != lastErrors) {
                    lastErrors = r.counters.errors;
                    missesThen = r.counters.misses;
                    return false;
                }
                return r.counters.misses >= missesThen + 300;
            }(),
            waitMs);
        const MetricsReading r = engine.reading();
        QVERIFY(stopAndWait(engine));
        // One report per streak, throttled: far fewer than the failed queries.
        QVERIFY2(errors.size() <= 5 && quint64(errors.size()) * 4 <= r.counters.errors,
            qPrintable(u"%1 reports for %2 errors"_s.arg(errors.size()).arg(r.counters.errors)));
        QCOMPARE(r.counters.hits + r.counters.misses + r.counters.writes, r.counters.requests);

        (void)runPg(privateCluster, u"stop"_s);
        privateCluster.clear();
    }
};

QTEST_GUILESS_MAIN(tst_QueryEnginePostgres)
#include "tst_queryenginepostgres.moc"
