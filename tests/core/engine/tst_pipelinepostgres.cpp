// The pipeline I/O model (RunConfig::io = Pipeline) against the real PostgreSQL that scripts/pg
// starts (skipped without CACHESCOPE_PG_PORT): the engine's shared checks run on it, its results
// match the thread model's on the same seeded stream, a failing statement inside a pipeline
// group, a server restart mid-pipeline (on a private cluster), and a stop with thousands of
// requests in flight.

#include "enginechecks.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::EngineChecks;

namespace {

Result<QString> runPgScript(const QString &clusterDir, const QString &command)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CACHESCOPE_PG_DIR"_s, clusterDir);
    process.setProcessEnvironment(env);
    process.start(u"bash"_s,
        { QDir(QStringLiteral(CACHESCOPE_TEST_DATA)).filePath(u"../../scripts/pg"_s), command });
    if (!process.waitForFinished(120'000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0)
        return Error { u"scripts/pg %1 failed: %2"_s.arg(
                           command, QString::fromLocal8Bit(process.readAllStandardError())),
            {}, 0, {}, {} };
    return QString::fromLocal8Bit(process.readAllStandardOutput());
}

/// One request as the single client of a model saw it, in order.
struct Step
{
    qint64 parameter;
    LoadOutcome outcome;
    QList<QVariantList> rows;
    friend bool operator==(const Step &, const Step &) = default;
};

} // namespace

class tst_PipelinePostgres : public QObject, private Checks
{
    Q_OBJECT

private:
    QSqlDatabase plain;
    QString privateCluster;

    QString schemaName() const
    {
        return u"tst_pipeline_%1"_s.arg(QCoreApplication::applicationPid());
    }

    /// The first `count` requests one client makes in `model` (one worker or one client on one
    /// loop: the same key stream), through an LRU of `capacity`.
    std::vector<Step> firstSteps(IoModel model, int count, qint64 capacity)
    {
        auto recorder = std::make_shared<QList<Step>>();
        auto mutex = std::make_shared<QMutex>();
        QueryEngine engine;
        engine.setRequestObserver([recorder, mutex](const ObservedRequest &r) {
            QMutexLocker lock(mutex.get());
            recorder->append(
                { r.parameter, r.outcome, r.ok ? r.result.rows : QList<QVariantList>() });
        });
        RunConfig config = baseConfig(1, 300);
        config.io = model;
        config.workload.kind = u"zipf"_s;
        config.workload.alpha = 0.9;
        config.cache.policy = u"lru"_s;
        config.cache.capacity = capacity;
        config.cache.shardCount = 1; // one LRU, so that evictions follow the stream exactly
        if (!startAndWait(engine, config))
            return {};
        QElapsedTimer timer;
        timer.start();
        const auto enough = [&] {
            QMutexLocker lock(mutex.get());
            return recorder->size() >= count;
        };
        while (!enough() && timer.elapsed() < waitMs)
            QTest::qWait(10);
        stopAndWait(engine);
        QMutexLocker lock(mutex.get());
        if (recorder->size() < count)
            return {};
        return std::vector<Step>(recorder->begin(), recorder->begin() + count);
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
        io = IoModel::Pipeline;
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
            (void)runPgScript(privateCluster, u"stop"_s);
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
    }

    // The thread model's checks, on the pipeline.
    void onlyColdMisses() { Checks::onlyColdMisses(); }
    void readAfterWriteSeesNewRow() { Checks::readAfterWriteSeesNewRow(plain); }
    void ttlExpires() { Checks::ttlExpires(); }
    void singleFlightCollapsesMisses() { Checks::singleFlightCollapsesMisses(); }
    void stopUnderSlowQuery() { Checks::stopUnderSlowQuery(); }
    void badCustomSqlFailsStart()
    {
        Checks::badCustomSqlFailsStart(u"relation \"no_such_table\" does not exist"_s);
    }
    void openLoop() { Checks::openLoop(); }

    /// Stale reads on the pipeline: a reader and a writer (two instances: two engines sharing
    /// a version board file), both in pipeline mode. The writer's versions reach the board at
    /// their sync; the reader's cached rows then all count as stale, with ages.
    void staleReadsAcrossInstances()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        RunConfig config = baseConfig(4, 20);
        config.staleBoard = dir.filePath(u"board"_s);
        QueryEngine reader;
        QVERIFY(startAndWait(reader, config));
        QTRY_COMPARE_WITH_TIMEOUT(reader.reading().entries, qint64(20), waitMs);
        RunConfig writing = config;
        writing.writeRatio = 1.0;
        QueryEngine writer;
        QVERIFY(startAndWait(writer, writing));
        QTRY_VERIFY_WITH_TIMEOUT(writer.reading().counters.writes >= 600, waitMs); // every row
        QVERIFY(stopAndWait(writer));
        const CounterValues before = reader.reading().counters;
        QTest::qWait(300);
        const CounterValues after = reader.reading().counters - before;
        QVERIFY(stopAndWait(reader));
        QVERIFY(after.hits > 100);
        QCOMPARE(after.misses, quint64(0));
        QVERIFY2(qAbs(qint64(after.staleReads) - qint64(after.hits)) <= 4, // 4 clients in flight
            qPrintable(u"%1 stale of %2 hits"_s.arg(after.staleReads).arg(after.hits)));
        QVERIFY(reader.reading().staleness.percentileNs(100) >= 200'000'000);
    }

    void sqliteIsRefused()
    {
        RunConfig config = baseConfig(2, 10);
        config.database = ConnectionSettings {};
        config.database.database = u"/tmp/demo.sqlite"_s;
        const Result<void> valid = config.validate();
        QVERIFY(!valid);
        QCOMPARE(valid.error().field, u"io"_s);
        QVERIFY2(valid.error().message.contains(u"SQLite has no pipeline mode"_s),
            qPrintable(valid.error().toString()));
        QCOMPARE(parseIoModel(u"fibers"_s).error().toString(),
            u"io: 'fibers' must be threads or pipeline"_s);
    }

    /// One client on one loop draws the same stream as one worker: the same keys hit and miss
    /// in the same order through the same LRU, with the same rows.
    void sameResultsAsThreads()
    {
        const std::vector<Step> threads = firstSteps(IoModel::Threads, 3'000, 50);
        const std::vector<Step> pipeline = firstSteps(IoModel::Pipeline, 3'000, 50);
        QCOMPARE(threads.size(), std::size_t(3'000));
        QCOMPARE(pipeline.size(), std::size_t(3'000));
        int hits = 0;
        for (std::size_t i = 0; i < threads.size(); ++i) {
            QVERIFY2(threads[i].parameter == pipeline[i].parameter
                    && threads[i].outcome == pipeline[i].outcome,
                qPrintable(u"request %1: key %2 (%3) vs key %4 (%5)"_s.arg(i)
                               .arg(threads[i].parameter)
                               .arg(int(threads[i].outcome))
                               .arg(pipeline[i].parameter)
                               .arg(int(pipeline[i].outcome))));
            QCOMPARE(pipeline[i].rows, threads[i].rows);
            QCOMPARE(pipeline[i].rows.size(), 1);
            hits += threads[i].outcome == LoadOutcome::Hit ? 1 : 0;
        }
        QVERIFY2(hits > 300 && hits < 2'700, qPrintable(QString::number(hits)));
    }

    /// Many clients, some of whose statements fail (division by zero for every fifth key): a
    /// failing statement aborts the rest of its pipeline group, which goes again; each failing
    /// request counts one error, every other request succeeds.
    void statementErrorInsidePipeline()
    {
        auto recorder = std::make_shared<Recorder>();
        QueryEngine engine;
        QVERIFY(engine.setRequestObserver(recorder->observer()));
        RunConfig config = baseConfig(32, 400);
        config.customSql = u"SELECT id, 100 / (id % 5) AS x FROM customers WHERE id = :key"_s;
        config.cache.capacity = 50; // mostly misses: the statements keep running
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.errors >= 300, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.pipelineSyncs >= 100, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r = engine.reading();
        quint64 failed = 0;
        quint64 succeeded = 0;
        for (const Seen &s : recorder->seen()) {
            if (s.ok) {
                QVERIFY2(s.parameter % 5 != 0, qPrintable(QString::number(s.parameter)));
                ++succeeded;
            } else {
                QVERIFY2(s.parameter % 5 == 0, qPrintable(QString::number(s.parameter)));
                ++failed;
            }
        }
        QCOMPARE(r.counters.errors, failed);
        QCOMPARE(r.counters.requests, failed + succeeded);
        QVERIFY(succeeded > failed); // the rest of an aborted group ran again and succeeded
        QCOMPARE(r.counters.hits + r.counters.misses, r.counters.requests);
        // Fewer groups than statements: a group carries several.
        QVERIFY2(r.counters.pipelineSyncs < r.counters.misses,
            qPrintable(
                u"%1 syncs, %2 misses"_s.arg(r.counters.pipelineSyncs).arg(r.counters.misses)));
    }

    /// The in-flight count changes live: the loop grows and shrinks its clients.
    void inFlightChangesLive()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(4, 10'000);
        config.cache.policy = u"none"_s;
        config.database.simulatedDelayMs = 50; // answers stay out 50 ms: the gauge sees them
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().inFlight == 4, waitMs);
        QVERIFY(engine.setInFlight(200));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().inFlight > 100, waitMs);
        QVERIFY(engine.setInFlight(2));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().inFlight <= 2, waitMs);
        QCOMPARE(engine.setInFlight(0).error().toString(),
            u"in-flight: '0' must be between 1 and 100000"_s);
        QVERIFY(stopAndWait(engine));
        QCOMPARE(engine.reading().counters.errors, quint64(0));
        QCOMPARE(engine.reading().inFlight, 0);
    }

    /// Thousands of requests in flight, each answer held 5 s (simulated): stop() is not held up
    /// by them; the loop leaves and closes its connection.
    void stopWithThousandsInFlight()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(4, 100'000);
        config.inFlight = 4'000;
        config.cache.policy = u"none"_s;
        config.database.simulatedDelayMs = 5'000;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().inFlight >= 3'000, waitMs);
        QSignalSpy stopped(&engine, &QueryEngine::stopped);
        QElapsedTimer timer;
        timer.start();
        engine.stop();
        QVERIFY(stopped.wait(waitMs));
        // Well under the 5 s an answer takes: nothing waited for them.
        QVERIFY2(timer.elapsed() < 4'000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(engine.state(), EngineState::Idle);
        QCOMPARE(engine.reading().counters.errors, quint64(0));
    }

    /// The server stops mid-pipeline and comes back on the same port: the requests in flight
    /// fail (counted as errors), the loop reconnects with backoff, and the run goes on.
    void serverRestartMidPipeline()
    {
        privateCluster
            = u"/tmp/cachescope-pg-pipeline-%1"_s.arg(QCoreApplication::applicationPid());
        const Result<QString> exports = runPgScript(privateCluster, u"start"_s);
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
        RunConfig config = baseConfig(64, 1'000);
        config.database = own;
        config.cache.capacity = 100;
        config.writeRatio = 0.1;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.misses >= 500, waitMs);
        QCOMPARE(engine.reading().counters.errors, quint64(0));

        const Result<QString> paused = runPgScript(privateCluster, u"pause"_s);
        QVERIFY2(paused, qPrintable(paused ? QString() : paused.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.errors >= 20, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), waitMs);
        QCOMPARE(engine.state(), EngineState::Running);
        const Error first = errors.first().first().value<Error>();
        QVERIFY2(first.file.contains(u":%1/"_s.arg(own.port)), qPrintable(first.toString()));

        const Result<QString> resumed = runPgScript(privateCluster, u"resume"_s);
        QVERIFY2(resumed, qPrintable(resumed ? QString() : resumed.error().message));
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
                return r.counters.misses >= missesThen + 500;
            }(),
            waitMs);
        const MetricsReading r = engine.reading();
        QVERIFY(stopAndWait(engine));
        QVERIFY2(errors.size() <= 5,
            qPrintable(u"%1 reports for %2 errors"_s.arg(errors.size()).arg(r.counters.errors)));
        QCOMPARE(r.counters.hits + r.counters.misses + r.counters.writes, r.counters.requests);

        (void)runPgScript(privateCluster, u"stop"_s);
        privateCluster.clear();
    }
};

QTEST_GUILESS_MAIN(tst_PipelinePostgres)
#include "tst_pipelinepostgres.moc"
