// Shadow policies beside a live run on a real SQLite demo file: at rate 1 the shadow `lru` makes
// exactly the real LRU cache's hits; with the adaptive rate its estimate stays near the real
// cache's ratio and the ranking is sorted; capacity changes and turning shadows on and off live.

#include "enginechecks.h"

#include "core/policy/policyregistry.h"

#include <QTemporaryDir>

#include <cmath>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::EngineChecks;

class tst_QueryEngineShadows : public QObject, private Checks
{
    Q_OBJECT

private:
    QTemporaryDir dir;

    /// One worker, one shard, `lru`: the real cache is then exactly LRU over the reads in the
    /// order the worker made them, which is the order its ring hands them to the shadows.
    RunConfig lruConfig(int threads, quint64 keys, qint64 capacity) const
    {
        RunConfig config = baseConfig(threads, keys);
        config.workload.kind = u"zipf"_s;
        config.workload.alpha = 0.9;
        config.cache.policy = u"lru"_s;
        config.cache.shardCount = 1;
        config.cache.capacity = capacity;
        config.shadows = true;
        return config;
    }

    static void checkRanked(const ShadowSnapshot &s)
    {
        const auto online = std::count_if(policyRegistry().begin(), policyRegistry().end(),
            [](const PolicyInfo &p) { return !p.needsFuture; });
        QCOMPARE(qsizetype(s.policies.size()), qsizetype(online)); // every policy but opt
        for (std::size_t i = 1; i < s.policies.size(); ++i)
            QVERIFY2(s.policies[i - 1].hitRatio >= s.policies[i].hitRatio,
                qPrintable(s.policies[i - 1].policy + u" ranked above "_s + s.policies[i].policy));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        settings.driver = DatabaseDriver::Sqlite;
        settings.database = dir.filePath(u"demo.sqlite"_s);
        initDemo();
    }

    void cleanupTestCase() { QCOMPARE(QSqlDatabase::connectionNames(), QStringList()); }

    void noShadowsUnlessAsked()
    {
        QueryEngine engine;
        QVERIFY(!engine.shadowSnapshot());
        QVERIFY(startAndWait(engine, baseConfig(1, 10)));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests > 100, waitMs);
        QVERIFY(stopAndWait(engine));
        QVERIFY(!engine.shadowSnapshot());
    }

    /// Rate 1, nothing dropped: the shadow lru (and qcache, LRU by cost) hits exactly where the
    /// real cache hit, and every counted read was offered.
    void shadowLruEqualsRealLru()
    {
        QueryEngine engine;
        ShadowConfig shadows;
        shadows.adaptive = false;
        shadows.ringCapacity = 1 << 18; // a quarter million reads of slack for the consumer
        engine.setShadowDefaults(shadows);
        // Keys beyond the demo's 1000 customers read empty results: cached all the same.
        QVERIFY(startAndWait(engine, lruConfig(1, 3'000, 200)));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests > 30'000, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r = engine.reading();
        QCOMPARE(r.counters.errors, quint64(0));
        const std::optional<ShadowSnapshot> s = engine.shadowSnapshot();
        QVERIFY(s);
        QCOMPARE(s->samplingRate, 1.0);
        QCOMPARE(s->dropped, quint64(0));
        QCOMPARE(s->offered, reads(r));
        QCOMPARE(s->sampled, reads(r));
        QCOMPARE(s->liveCapacity, qint64(200));
        for (const QString &id : { u"lru"_s, u"qcache"_s }) {
            const ShadowPolicyStats *shadow = s->find(id);
            QVERIFY(shadow);
            QCOMPARE(shadow->requests, reads(r));
            QCOMPARE(shadow->hits, r.counters.hits);
            QCOMPARE(shadow->capacity, qint64(200));
        }
        QVERIFY(r.counters.hits > 0 && r.counters.misses > 200);
        checkRanked(*s);
        // The SHARDS curve at rate 1 with every key in its sample: LRU's own miss ratio.
        QVERIFY(std::abs(s->hitRatioNow - *r.counters.hitRatio()) < 0.01);
        QVERIFY(s->hitRatioAtDoubleCapacity > s->hitRatioNow);
    }

    /// Two workers, adaptive rate: whatever rate the consumer settles at, the shadow lru's
    /// estimate stays near the real LRU cache's hit ratio. The budget is raised from the default
    /// 5% to 25% so that a machine busy with other builds (which shrinks the run's CPU time and
    /// the consumer's allowance with it) does not push the rate below what capacity 5000 can
    /// estimate well; adaptation itself is tst_shadowset's.
    void adaptiveShadowLruTracksRealLru()
    {
        QueryEngine engine;
        ShadowConfig shadows;
        shadows.cpuBudget = 0.25;
        engine.setShadowDefaults(shadows);
        QVERIFY(startAndWait(engine, lruConfig(2, 50'000, 5'000)));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests > 300'000, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r = engine.reading();
        const std::optional<ShadowSnapshot> s = engine.shadowSnapshot();
        QVERIFY(s);
        QCOMPARE(s->offered, reads(r));
        QVERIFY(s->sampled + s->dropped <= s->offered);
        QVERIFY(s->sampled > 0);
        const ShadowPolicyStats *lru = s->find(u"lru"_s);
        QVERIFY(lru);
        const double real = *r.counters.hitRatio();
        qInfo("shadow lru %.4f, SHARDS lru %.4f, real lru %.4f at rate %g (%llu changes, %llu "
              "dropped, %llu of %llu reads sampled)",
            lru->hitRatio, s->hitRatioNow, real, s->samplingRate, s->rateChanges, s->dropped,
            s->sampled, s->offered);
        QVERIFY2(std::abs(lru->hitRatio - real) < 0.05,
            qPrintable(u"shadow lru %1, real lru %2 (rate %3, %4 rate changes, %5 dropped)"_s
                           .arg(lru->hitRatio)
                           .arg(real)
                           .arg(s->samplingRate)
                           .arg(s->rateChanges)
                           .arg(s->dropped)));
        QVERIFY2(std::abs(s->hitRatioNow - real) < 0.05,
            qPrintable(u"SHARDS LRU %1, real %2"_s.arg(s->hitRatioNow).arg(real)));
        checkRanked(*s);
        for (const ShadowPolicyStats &p : s->policies)
            QCOMPARE(p.capacity, std::max<qint64>(1, std::llround(5000 * s->samplingRate)));
    }

    /// setCacheCapacity() reaches the shadows during the run: the live capacity and unit in the
    /// snapshot, each shadow at the new capacity × rate.
    void capacityChangeReachesShadows()
    {
        QueryEngine engine;
        QVERIFY(startAndWait(engine, lruConfig(2, 2'000, 1'000)));
        QTRY_VERIFY_WITH_TIMEOUT(engine.shadowSnapshot()->sampled > 1'000, waitMs);
        QVERIFY(engine.setCacheCapacity(300, SizeUnit::Objects));
        QTRY_COMPARE_WITH_TIMEOUT(engine.shadowSnapshot()->liveCapacity, qint64(300), waitMs);
        ShadowSnapshot s = *engine.shadowSnapshot();
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, std::max<qint64>(1, std::llround(300 * s.samplingRate)));
        QCOMPARE(s.lruCurve.back().capacity, qint64(1'200));

        QVERIFY(engine.setCacheCapacity(1 << 20, SizeUnit::Bytes));
        QTRY_COMPARE_WITH_TIMEOUT(engine.shadowSnapshot()->unit, SizeUnit::Bytes, waitMs);
        s = *engine.shadowSnapshot();
        QCOMPARE(s.liveCapacity, qint64(1 << 20));
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, std::max<qint64>(1, std::llround((1 << 20) * s.samplingRate)));
        QVERIFY(stopAndWait(engine));
    }

    /// Shadows turned on in the middle of a run start then; turned off, the workers stop
    /// offering keys, and what the shadows saw stays readable.
    void shadowsOnAndOffLive()
    {
        QueryEngine engine;
        RunConfig config = lruConfig(2, 500, 100);
        config.shadows = false;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests > 1'000, waitMs);
        QVERIFY(!engine.shadowSnapshot());
        QVERIFY(engine.setShadows(true));
        QVERIFY(engine.config().shadows);
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.shadowSnapshot() && engine.shadowSnapshot()->offered > 1'000, waitMs);
        QVERIFY(engine.setShadows(false));
        const quint64 readsAtPause = reads(engine.reading());
        QTRY_VERIFY_WITH_TIMEOUT(reads(engine.reading()) > readsAtPause + 5'000, waitMs);
        QVERIFY(stopAndWait(engine));
        const std::optional<ShadowSnapshot> s = engine.shadowSnapshot();
        QVERIFY(s);
        // Nothing offered after the pause, but a request each worker had under way.
        QVERIFY(s->offered <= readsAtPause + quint64(config.threads));
        QVERIFY(s->offered > 1'000);
    }
};

QTEST_GUILESS_MAIN(tst_QueryEngineShadows)
#include "tst_queryengineshadows.moc"
