// The live engine against real SQLite demo files (QTemporaryDir): hit and miss counts with a
// known answer, invalidation after writes, TTL, single-flight, connections per thread, stop
// under a slow query, live changes, open loop, validation, and the all-hits speed.

#include "enginechecks.h"

#include "core/workload/generator.h"

#include <QTemporaryDir>

#include <algorithm>
#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::EngineChecks;

class tst_QueryEngine : public QObject, private Checks
{
    Q_OBJECT

private:
    QTemporaryDir dir;
    QSqlDatabase plain;

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        settings.driver = DatabaseDriver::Sqlite;
        settings.database = dir.filePath(u"demo.sqlite"_s);
        initDemo();
        plain = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst-plain"_s);
        plain.setDatabaseName(settings.database);
        QVERIFY(plain.open());
    }

    void cleanupTestCase()
    {
        plain.close();
        plain = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"tst-plain"_s);
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
    }

    void validation_data()
    {
        QTest::addColumn<RunConfig>("config");
        QTest::addColumn<QString>("error");
        const RunConfig good = baseConfig(2, 100);
        RunConfig c = good;
        c.threads = 0;
        QTest::newRow("no threads") << c << u"threads: '0' must be between 1 and 256"_s;
        c.threads = 257;
        QTest::newRow("too many threads") << c << u"threads: '257' must be between 1 and 256"_s;
        c = good;
        c.writeRatio = 1.5;
        QTest::newRow("write ratio") << c << u"write-ratio: '1.5' must be between 0 and 1"_s;
        c.writeRatio = -0.1;
        QTest::newRow("negative write ratio")
            << c << u"write-ratio: '-0.1' must be between 0 and 1"_s;
        c = good;
        c.loadModel = LoadModel::OpenLoop;
        QTest::newRow("open loop without rate")
            << c << u"rate: '0' must be a positive number of requests per second"_s;
        c.targetRate = -5;
        QTest::newRow("negative rate")
            << c << u"rate: '-5' must be a positive number of requests per second"_s;
        c = good;
        c.thinkTimeMs = -1;
        QTest::newRow("think time")
            << c << u"think-time-ms: '-1' must be 0 or a positive number of milliseconds"_s;
        c = good;
        c.cache.capacity = 0;
        QTest::newRow("capacity") << c << u"capacity: '0' must be a positive number of entries"_s;
        c.cache.capacity = -1;
        c.cache.sizeUnit = SizeUnit::Bytes;
        QTest::newRow("capacity bytes")
            << c << u"capacity: '-1' must be a positive number of bytes"_s;
        c = good;
        c.cache.policy = u"nosuch"_s;
        QTest::newRow("unknown policy")
            << c
            << u"policy: 'nosuch' is not a policy the live cache can run; valid ids: "_s
                + ResultCache::policyIds().join(u", "_s);
        c.cache.policy = u"opt"_s;
        QTest::newRow("opt")
            << c
            << u"policy: 'opt' needs the future of the trace, so it can only be simulated offline"_s;
        c = good;
        c.cache.ttlMs = -3;
        QTest::newRow("ttl")
            << c << u"ttl-ms: '-3' must be 0 (no expiry) or a positive number of milliseconds"_s;
        c = good;
        c.database.database = u":memory:"_s;
        QTest::newRow("in-memory database")
            << c
            << u"sqlite::memory:: database: ':memory:' is an in-memory SQLite database, which each "
               u"connection sees empty: use a file"_s;
        c = good;
        c.database.driver = DatabaseDriver::Postgres;
        c.database.database = u"cachescope"_s;
        c.database.port = 70000;
        QTest::newRow("port") << c
                              << u"postgres://127.0.0.1:70000/cachescope: port: '70000' is not a "
                                 u"TCP port (1 to 65535)"_s;
        c = good;
        c.customSql = u"SELECT * FROM customers WHERE id = 1"_s;
        QTest::newRow("custom sql without :key")
            << c
            << u"sql: 'SELECT * FROM customers WHERE id = 1' has no :key placeholder for the key"_s;
        c.customSql = u"UPDATE customers SET name = 'x' WHERE id = :key"_s;
        QTest::newRow("custom write")
            << c
            << u"sql: 'UPDATE customers SET name = 'x' WHERE id = :key' is a write statement; give "
               u"a read template (writes come from the write ratio)"_s;
        c = good;
        c.mix = QueryMix { 0, 0, 0 };
        QTest::newRow("empty mix")
            << c
            << u"query: 'point 0, range 0, aggregate 0' has no template: give point, range or "
               u"aggregate a positive weight"_s;
        c.mix = QueryMix { 1, -1, 0 };
        QTest::newRow("negative weight")
            << c
            << u"query: 'point 1, range -1, aggregate 0' weights must be finite numbers >= 0"_s;
        c = good;
        c.workload.kind = u"pareto"_s;
        QTest::newRow("workload")
            << c
            << u"--workload: 'pareto' is not a workload; use uniform, zipf, hotspot, scan, "
               u"shifting"_s;
        c = good;
        c.workload.keys = 0;
        QTest::newRow("keys") << c << u"--keys: '0' must be at least 1"_s;
    }

    void validation()
    {
        QFETCH(RunConfig, config);
        QFETCH(QString, error);
        QCOMPARE(errorText(config.validate()), error);
        QueryEngine engine;
        QSignalSpy states(&engine, &QueryEngine::stateChanged);
        QCOMPARE(errorText(engine.start(config)), error);
        QCOMPARE(engine.state(), EngineState::Idle);
        QVERIFY(states.isEmpty());
        QVERIFY(!engine.cache());
        QVERIFY(baseConfig(2, 100).validate());
    }

    void settersValidateBeforeStart()
    {
        QueryEngine engine;
        QSignalSpy changes(&engine, &QueryEngine::configChanged);
        QCOMPARE(errorText(engine.setWriteRatio(2)), u"write-ratio: '2' must be between 0 and 1"_s);
        QCOMPARE(errorText(engine.setTargetRate(0)),
            u"rate: '0' must be a positive number of requests per second"_s);
        QCOMPARE(errorText(engine.setCacheCapacity(0, SizeUnit::Objects)),
            u"capacity: '0' must be a positive number of entries"_s);
        QCOMPARE(errorText(engine.setTtlMs(-1)),
            u"ttl-ms: '-1' must be 0 (no expiry) or a positive number of milliseconds"_s);
        QCOMPARE(errorText(engine.setClosedLoop(-2)),
            u"think-time-ms: '-2' must be 0 or a positive number of milliseconds"_s);
        QVERIFY(changes.isEmpty());
        // Before a run they shape the next one.
        QVERIFY(engine.setThreads(3));
        QVERIFY(engine.setCachePolicy(u"sieve"_s));
        QVERIFY(engine.setCacheCapacity(64, SizeUnit::Objects));
        QCOMPARE(changes.size(), 3);
        QCOMPARE(engine.config().threads, 3);
        QCOMPARE(engine.config().cache.policy, u"sieve"_s);
        QCOMPARE(engine.reading().capacity, qint64(64));
        QVERIFY(engine.setThreads(3)); // unchanged: no signal
        QCOMPARE(changes.size(), 3);
    }

    /// Each worker draws its own stream, yet all share one hot set (generator.h streams).
    void workerStreamsShareHotSet()
    {
        WorkloadSpec spec;
        spec.kind = u"zipf"_s;
        spec.keys = 1'000;
        const auto top = [](WorkloadSpec s) {
            auto generator = std::move(createGenerator(s)).value();
            std::map<Key, int> counts;
            std::vector<Key> keys;
            for (int i = 0; i < 20'000; ++i) {
                keys.push_back(generator->next());
                ++counts[keys.back()];
            }
            const auto best = std::max_element(counts.begin(), counts.end(),
                [](const auto &a, const auto &b) { return a.second < b.second; });
            return std::pair(best->first, keys);
        };
        const auto [top0, keys0] = top(spec);
        spec.stream = 1;
        const auto [top1, keys1] = top(spec);
        QCOMPARE(top1, top0);
        QVERIFY(keys0 != keys1);
    }

    void onlyColdMisses() { Checks::onlyColdMisses(); }
    void readAfterWriteSeesNewRow() { Checks::readAfterWriteSeesNewRow(plain); }
    void ttlExpires() { Checks::ttlExpires(); }
    void singleFlightCollapsesMisses() { Checks::singleFlightCollapsesMisses(); }
    void connectionsStayOnTheirThread() { Checks::connectionsStayOnTheirThread(); }
    void stopUnderSlowQuery() { Checks::stopUnderSlowQuery(); }
    void badCustomSqlFailsStart() { Checks::badCustomSqlFailsStart(u"no such table"_s); }
    void liveChanges() { Checks::liveChanges(); }
    void openLoop() { Checks::openLoop(); }

    void missingDatabaseFailsStart()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.database.database = dir.filePath(u"missing.sqlite"_s);
        QSignalSpy failed(&engine, &QueryEngine::startFailed);
        QVERIFY(engine.start(config));
        QVERIFY(failed.wait(waitMs));
        const Error error = failed.first().first().value<Error>();
        QCOMPARE(error.field, u"database"_s);
        QVERIFY2(error.message.startsWith(u"does not exist"_s), qPrintable(error.toString()));
        QCOMPARE(engine.state(), EngineState::Idle);
        QVERIFY(!QFileInfo::exists(config.database.database)); // not created by the attempt
    }

    /// Stop while the start check still runs: stopped() and no started().
    void stopWhileStarting()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.database.simulatedDelayMs = 300;
        QSignalSpy started(&engine, &QueryEngine::started);
        QSignalSpy stopped(&engine, &QueryEngine::stopped);
        QVERIFY(engine.start(config));
        QCOMPARE(engine.state(), EngineState::Starting);
        engine.stop();
        QCOMPARE(engine.state(), EngineState::Stopping);
        QVERIFY(stopped.wait(waitMs));
        QCOMPARE(engine.state(), EngineState::Idle);
        QVERIFY(started.isEmpty());
        QCOMPARE(engine.reading().counters.requests, quint64(0));
    }

    /// The destructor stops the run and waits for the workers in their slow round trip.
    void destroyWhileRunning()
    {
        auto engine = std::make_unique<QueryEngine>();
        RunConfig config = baseConfig(3, 10);
        config.database.simulatedDelayMs = 300;
        QVERIFY(startAndWait(*engine, config));
        engine.reset(); // returns once every worker has left
        const QStringList names = QSqlDatabase::connectionNames();
        QVERIFY(std::none_of(names.begin(), names.end(),
            [](const QString &n) { return n.startsWith(u"cachescope-"_s); }));
    }

    /// What the engine adds on a hit: an all-hits point run, 2 workers, every key resident.
    /// Prints requests/s; asserts only that every request of the window hit.
    void allHitsThroughput()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 1'000);
        QVERIFY(startAndWait(engine, config));
        QTRY_COMPARE_WITH_TIMEOUT(engine.reading().entries, qint64(1'000), waitMs);
        // Every miss the cache saw has come back to its worker: from now on only hits.
        QTRY_COMPARE_WITH_TIMEOUT(
            engine.reading().counters.misses, engine.cache()->stats().misses, waitMs);
        const MetricsReading before = engine.reading();
        QTest::qWait(qEnvironmentVariableIntValue("CACHESCOPE_ENGINE_BENCH_MS") > 0
                ? qEnvironmentVariableIntValue("CACHESCOPE_ENGINE_BENCH_MS")
                : 1'000);
        const MetricsReading after = engine.reading();
        QVERIFY(stopAndWait(engine));
        const quint64 requests = after.counters.requests - before.counters.requests;
        const double seconds = double(after.elapsedMs - before.elapsedMs) / 1000.0;
        QCOMPARE(after.counters.misses, before.counters.misses);
        QVERIFY(requests > 0);
        const MetricsSnapshot window = makeSnapshot(before, after);
        qInfo("all hits, 2 workers: %.0f requests/s (%llu in %.2f s), hit p50 %lld ns, p99 %lld "
              "ns",
            double(requests) / seconds, requests, seconds, window.hitLatency.p50Ns,
            window.hitLatency.p99Ns);
    }
};

QTEST_GUILESS_MAIN(tst_QueryEngine)
#include "tst_queryengine.moc"
