// The live engine with Redis as its shared second tier (RunConfig::l2), on a real SQLite demo
// database and a real redis-server of the test's own: two engines (two app instances) on one
// Redis serve each other's results; a write removes its keys from Redis; Redis killed mid-run
// and started again is survived; an unreachable Redis fails the start.
#include "enginechecks.h"
#include "serverprocess.h"

#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::EngineChecks;
using namespace CacheScope::TestSupport;

class tst_L2Engine : public QObject, private Checks
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ServerProcess m_redis;

    RunConfig l2Config(int threads, quint64 keys) const
    {
        RunConfig config = baseConfig(threads, keys);
        config.l2.url = u"redis://127.0.0.1:%1"_s.arg(m_redis.port());
        config.l2.prefix = u"tst-l2:%1:"_s.arg(QCoreApplication::applicationPid());
        return config;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        settings.database = m_dir.filePath(u"demo.sqlite"_s);
        initDemo();
        if (!m_redis.start(ServerProcess::Kind::Redis))
            QSKIP(qPrintable(m_redis.error()));
    }

    /// Instance A fills Redis; instance B, with an empty in-process cache, finds every key
    /// there: its first read of each key is an L2 hit and the database is not asked at all.
    void twoInstancesShareTheSecondTier()
    {
        const RunConfig config = l2Config(1, 60);
        {
            QueryEngine a;
            QVERIFY(startAndWait(a, config));
            QTRY_COMPARE_WITH_TIMEOUT(a.reading().entries, qint64(60), waitMs);
            QVERIFY(stopAndWait(a));
            const CounterValues c = a.reading().counters;
            QCOMPARE(c.dbQueries, quint64(60)); // each key once: L1 and L2 were cold
            QCOMPARE(c.l2Hits, quint64(0));
            QCOMPARE(c.misses, quint64(60));
            QCOMPARE(c.l2Errors, quint64(0));
        }
        QueryEngine b;
        QVERIFY(startAndWait(b, config));
        QTRY_COMPARE_WITH_TIMEOUT(b.reading().entries, qint64(60), waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(b.reading().counters.requests >= 2'000, waitMs);
        QVERIFY(stopAndWait(b));
        const MetricsReading r = b.reading();
        QCOMPARE(r.counters.dbQueries, quint64(0));
        QCOMPARE(r.counters.l2Hits, quint64(60));
        QCOMPARE(r.counters.misses, quint64(0));
        QCOMPARE(r.counters.hits, r.counters.requests); // L1 hits + L2 hits
        QCOMPARE(r.l2Latency.count(), quint64(60));
        QCOMPARE(r.counters.l2Errors, quint64(0));

        // --l2-only: no L1, every read is an L2 hit.
        RunConfig only = config;
        only.l2.only = true;
        only.cache.policy = u"none"_s;
        QVERIFY(startAndWait(b, only));
        QTRY_VERIFY_WITH_TIMEOUT(b.reading().counters.requests >= 500, waitMs);
        QVERIFY(stopAndWait(b));
        const CounterValues o = b.reading().counters;
        QCOMPARE(o.l2Hits, o.hits);
        QCOMPARE(o.hits, o.requests);
        QCOMPARE(o.dbQueries, quint64(0));
    }

    /// A write removes what it changed from both tiers: another instance that starts after
    /// the writes finds no value for those keys in Redis and asks the database.
    void writesRemoveTheirKeys()
    {
        RunConfig config = l2Config(1, 20);
        config.l2.prefix += u"w:"_s;
        QueryEngine a;
        QVERIFY(startAndWait(a, config));
        QTRY_COMPARE_WITH_TIMEOUT(a.reading().entries, qint64(20), waitMs);
        QVERIFY(stopAndWait(a));
        RunConfig writing = config;
        writing.writeRatio = 1.0; // only writes: every key gets written, none read back
        QVERIFY(startAndWait(a, writing));
        QTRY_VERIFY_WITH_TIMEOUT(a.reading().counters.writes >= 200, waitMs);
        QVERIFY(stopAndWait(a));
        QCOMPARE(a.reading().counters.l2Errors, quint64(0));
        QueryEngine b;
        QVERIFY(startAndWait(b, config));
        QTRY_COMPARE_WITH_TIMEOUT(b.reading().entries, qint64(20), waitMs);
        QVERIFY(stopAndWait(b));
        QCOMPARE(b.reading().counters.l2Hits, quint64(0));
        QCOMPARE(b.reading().counters.dbQueries, quint64(20));
    }

    /// A Redis whose maxmemory is too small for what the run stores evicts (allkeys-lru): the
    /// run reads its evictions and memory from INFO, and L2 misses go to the database.
    void smallRedisEvicts()
    {
        ServerProcess small;
        if (!small.start(ServerProcess::Kind::Redis,
                { u"--maxmemory"_s, u"2mb"_s, u"--maxmemory-policy"_s, u"allkeys-lru"_s }))
            QSKIP(qPrintable(small.error()));
        RunConfig config = l2Config(2, 20'000);
        config.l2.url = u"redis://127.0.0.1:%1"_s.arg(small.port());
        config.cache.capacity = 100; // L1 small: most reads ask Redis, most keys get stored
        QueryEngine engine;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.l2Evictions > 100, waitMs);
        const MetricsReading r = engine.reading();
        QCOMPARE(r.l2MaxBytes, qint64(2 * 1024 * 1024));
        QVERIFY(r.l2UsedBytes > 0);
        QVERIFY(stopAndWait(engine));
        QCOMPARE(engine.reading().counters.l2Errors, quint64(0)); // evicting is not failing
        // Every key Redis evicted was stored after a database query (no writes here).
        const CounterValues c = engine.reading().counters;
        QVERIFY2(c.dbQueries >= c.l2Evictions,
            qPrintable(u"%1 evictions, %2 queries"_s.arg(c.l2Evictions).arg(c.dbQueries)));
    }

    /// Redis killed mid-run: the run goes on from L1 and the database, counting L2 errors; once
    /// Redis is back the workers reconnect by themselves and L2 serves again.
    void redisKilledMidRun()
    {
        RunConfig config = l2Config(2, 2'000);
        config.l2.prefix += u"k:"_s;
        config.cache.capacity = 50; // L1 small: Redis is asked all the time
        QueryEngine engine;
        QSignalSpy errors(&engine, &QueryEngine::errorOccurred);
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.l2Hits >= 500, waitMs);
        m_redis.kill();
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.l2Errors >= 3, waitMs);
        const quint64 queriesThen = engine.reading().counters.dbQueries;
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.dbQueries >= queriesThen + 500, waitMs);
        QCOMPARE(engine.state(), EngineState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), waitMs);
        QVERIFY2(errors.first().first().value<Error>().toString().contains(u"Redis at 127.0.0.1"_s),
            qPrintable(errors.first().first().value<Error>().toString()));

        QVERIFY(m_redis.restart());
        const quint64 l2HitsThen = engine.reading().counters.l2Hits;
        // The restarted Redis is empty: the workers refill it, then hit it again.
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.l2Hits >= l2HitsThen + 200, waitMs);
        QVERIFY(stopAndWait(engine));
        const CounterValues c = engine.reading().counters;
        QCOMPARE(c.errors, quint64(0)); // the database never failed
        QCOMPARE(c.hits + c.misses, c.requests);
        // Failed L2 commands are a handful per worker (each failure waits a backoff), not one
        // per request while Redis was down.
        QVERIFY2(c.l2Errors < 200, qPrintable(QString::number(c.l2Errors)));
    }

    void unreachableRedisFailsTheStart()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.l2.url = u"redis://127.0.0.1:1"_s;
        config.l2.timeoutMs = 500;
        QSignalSpy failed(&engine, &QueryEngine::startFailed);
        QVERIFY(engine.start(config));
        QVERIFY(failed.wait(waitMs));
        const Error error = failed.first().first().value<Error>();
        QVERIFY2(error.message.startsWith(u"cannot connect to Redis at 127.0.0.1:1"_s),
            qPrintable(error.toString()));
        QCOMPARE(engine.state(), EngineState::Idle);

        config.l2.url = u"redis:/nohost"_s;
        const Result<void> bad = engine.start(config);
        QVERIFY(!bad);
        QCOMPARE(bad.error().field, u"l2"_s);
        config.l2.url = u"redis://127.0.0.1:6379"_s;
        config.io = IoModel::Pipeline;
        QVERIFY(!config.validate());
    }
};

QTEST_GUILESS_MAIN(tst_L2Engine)
#include "tst_l2engine.moc"
