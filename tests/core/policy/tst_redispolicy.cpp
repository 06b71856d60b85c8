#include "core/policy/lrupolicy.h"
#include "core/policy/policyregistry.h"
#include "core/policy/redispolicy.h"
#include "testsupport.h"

#include <QTest>

#include <set>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_RedisPolicy : public QObject
{
    Q_OBJECT

private slots:
    void registered();
    void poolOfOneWithFullSampleIsLru_data();
    void poolOfOneWithFullSampleIsLru();
    void fullPoolKeepsStaleScores();
    void coarseClockTiesGoToTheOldestSecond();
    void lfuCountersDecayAndNewKeysCompete();
    void lfuLogIncrementSlowsDown();
    void sameSeedSameResult();
    void samplesMatter();
    void randomMayEvictTheNewKey();
};

namespace {

PolicyConfig config(qint64 capacity, RedisEvictionOptions redis, quint64 seed = 42)
{
    return PolicyConfig { capacity, SizeUnit::Objects, seed, redis };
}

/// One request per second (a clock as fine as the request index).
RedisEvictionOptions fineClock(int samples)
{
    RedisEvictionOptions o;
    o.samples = samples;
    o.traceTimes = false;
    o.assumedRate = 1;
    return o;
}

RedisEvictionOptions timed(int samples = 5)
{
    RedisEvictionOptions o;
    o.samples = samples;
    o.traceTimes = true;
    return o;
}

Request at(Key key, quint32 second) { return Request { key, -1, 1, second }; }

std::vector<Key> residents(const CachePolicy &p, Key maxKey)
{
    std::vector<Key> out;
    for (Key k = 0; k <= maxKey; ++k)
        if (p.contains(k))
            out.push_back(k);
    return out;
}

} // namespace

void tst_RedisPolicy::registered()
{
    for (const QString &id : { u"redis-lru"_s, u"redis-lfu"_s, u"redis-random"_s }) {
        const PolicyInfo *info = findPolicy(id);
        QVERIFY2(info, qPrintable(id));
        QVERIFY(!info->needsFuture);
        auto p = createPolicy(id, config(10, {}));
        QVERIFY(p);
    }
}

void tst_RedisPolicy::poolOfOneWithFullSampleIsLru_data()
{
    QTest::addColumn<QString>("trace");
    QTest::addColumn<qint64>("capacity");
    QTest::newRow("web07 100") << u"cache2k_web07.trace"_s << qint64(100);
    QTest::newRow("web07 1000") << u"cache2k_web07.trace"_s << qint64(1000);
    QTest::newRow("multi1 300") << u"lirs_multi1.trace"_s << qint64(300);
}

void tst_RedisPolicy::poolOfOneWithFullSampleIsLru()
{
    // The sanity check of the sampling and the clock: sampling every key (K >= capacity) on a
    // clock that ticks every request, into a pool of one entry, the victim is the least
    // recently used key: the same hits and the same victims as lru, request by request.
    QFETCH(QString, trace);
    QFETCH(qint64, capacity);
    const std::vector<Request> reqs
        = TestSupport::requestsFromKeys(TestSupport::loadSharedTraceKeys(trace));
    RedisPolicy redis(config(capacity, fineClock(int(capacity) + 1)), RedisEviction::Lru, 1);
    LruPolicy lru(config(capacity, {}));
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        const bool a = redis.access(reqs[i]);
        const bool b = lru.access(reqs[i]);
        QVERIFY2(a == b && redis.lastEvicted() == lru.lastEvicted(),
            qPrintable(u"request %1 differs"_s.arg(i)));
    }
    QCOMPARE(redis.stats().hits, lru.stats().hits);
    QVERIFY(lru.stats().evictions > 1000);

    // Redis's real pool (16 entries) keeps the score a key had when it was pooled, so it
    // strays from LRU now and then, but only a little.
    RedisPolicy pooled(config(capacity, fineClock(int(capacity) + 1)), RedisEviction::Lru);
    pooled.accessBatch(reqs);
    const double gap
        = std::abs(pooled.stats().missRatio() - lru.stats().missRatio()) * 100.0; // points
    QVERIFY2(gap < 0.5, qPrintable(QString::number(gap)));
}

void tst_RedisPolicy::fullPoolKeepsStaleScores()
{
    // Hand-derived, every key sampled (K = 10) on a one-request-per-second clock, capacity 3.
    // Request i happens at second i.
    //  0 a, 1 b, 2..10 c (hits): a idle longest, then b.
    //  11 x: miss, evicts a (idle 11); the pool keeps c(1) and b(10) from that sampling.
    //  12 b: hit, b is now the most recent key but the pool still holds b with score 10.
    //  13 y: miss; the fresh scores are c 3, x 2, b 1, y 0, yet the pooled b(10) is the best
    //        entry and Redis evicts b. LRU evicts c.
    const QList<Key> keys { 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 2, 5 }; // a=1 b=2 c=3 x=4 y=5
    RedisPolicy redis(config(3, fineClock(10)), RedisEviction::Lru);
    RedisPolicy poolOfOne(config(3, fineClock(10)), RedisEviction::Lru, 1);
    LruPolicy lru(config(3, {}));
    std::vector<Key> evictedRedis;
    std::vector<Key> evictedOne;
    for (const Key k : keys) {
        redis.access(Request { k, -1, 1, 0 });
        poolOfOne.access(Request { k, -1, 1, 0 });
        lru.access(Request { k, -1, 1, 0 });
        evictedRedis.insert(
            evictedRedis.end(), redis.lastEvicted().begin(), redis.lastEvicted().end());
        evictedOne.insert(
            evictedOne.end(), poolOfOne.lastEvicted().begin(), poolOfOne.lastEvicted().end());
    }
    QCOMPARE(evictedRedis, (std::vector<Key> { 1, 2 }));
    QCOMPARE(evictedOne, (std::vector<Key> { 1, 3 }));
    QCOMPARE(residents(redis, 5), (std::vector<Key> { 3, 4, 5 }));
    QCOMPARE(residents(lru, 5), (std::vector<Key> { 2, 4, 5 }));
}

void tst_RedisPolicy::coarseClockTiesGoToTheOldestSecond()
{
    // The LRU clock counts seconds: a and b, both read in second 0, are equally old; c read
    // in second 1 is younger. The victim of d (second 2) is a or b, never c, and over seeds
    // both happen (the sample order decides among equals).
    std::set<Key> victims;
    for (quint64 seed = 1; seed <= 40; ++seed) {
        RedisPolicy p(config(3, timed(10), seed), RedisEviction::Lru);
        for (const Request &r : { at(1, 0), at(2, 0), at(3, 1), at(4, 2) })
            p.access(r);
        QCOMPARE(p.lastEvicted().size(), std::size_t(1));
        victims.insert(p.lastEvicted().front());
        QCOMPARE(p.lastAccessSecond(3), qint64(1));
        QCOMPARE(p.lastAccessSecond(4), qint64(2));
    }
    QCOMPARE(victims, (std::set<Key> { 1, 2 }));
}

void tst_RedisPolicy::lfuCountersDecayAndNewKeysCompete()
{
    // lfu-log-factor 0 makes every increment certain: a counter is 5 + hits. Capacity 2.
    RedisEvictionOptions o = timed(10);
    o.lfuLogFactor = 0;
    o.lfuDecayTime = 1;
    RedisPolicy p(config(2, o), RedisEviction::Lfu);
    for (const Request &r : { at(1, 0), at(1, 0), at(1, 0), at(2, 0), at(2, 0) })
        p.access(r);
    QCOMPARE(p.frequency(1), 7);
    QCOMPARE(p.frequency(2), 6);
    // c at second 1 enters with 5, the lowest counter: Redis evicts the key it just wrote.
    QVERIFY(!p.access(at(3, 1)));
    QCOMPARE(p.lastEvicted(), (std::vector<Key> { 3 }));
    // Three minutes later a has decayed to 4 and b to 3: d (5) stays, b goes.
    QCOMPARE(p.frequency(1), 7);
    QVERIFY(!p.access(at(4, 180)));
    QCOMPARE(p.lastEvicted(), (std::vector<Key> { 2 }));
    QCOMPARE(p.frequency(1), 4);
    QCOMPARE(p.frequency(4), 5);
    // A hit first applies the decay, then increments: 4 -> 5, stamped now.
    QVERIFY(p.access(at(1, 185)));
    QCOMPARE(p.frequency(1), 5);
    // Decay time 0: counters never fall.
    o.lfuDecayTime = 0;
    RedisPolicy noDecay(config(2, o), RedisEviction::Lfu);
    noDecay.access(at(1, 0));
    noDecay.access(at(1, 0));
    noDecay.access(at(1, 100000));
    QCOMPARE(noDecay.frequency(1), 7);
}

void tst_RedisPolicy::lfuLogIncrementSlowsDown()
{
    // Default lfu-log-factor 10: Redis's table says about 100 hits reach a counter near 10
    // (p = 1 / ((c - 5) * 10 + 1)), 1000 hits near 18. No decay within one second.
    RedisPolicy p(config(4, timed()), RedisEviction::Lfu);
    p.access(at(1, 0));
    for (int i = 0; i < 100; ++i)
        p.access(at(1, 0));
    QVERIFY2(
        p.frequency(1) >= 8 && p.frequency(1) <= 12, qPrintable(QString::number(p.frequency(1))));
    for (int i = 0; i < 900; ++i)
        p.access(at(1, 0));
    QVERIFY2(
        p.frequency(1) >= 15 && p.frequency(1) <= 21, qPrintable(QString::number(p.frequency(1))));
}

void tst_RedisPolicy::sameSeedSameResult()
{
    const std::vector<Request> reqs
        = TestSupport::requestsFromKeys(TestSupport::loadSharedTraceKeys(u"cache2k_web07.trace"_s));
    for (const QString &id : { u"redis-lru"_s, u"redis-lfu"_s, u"redis-random"_s }) {
        auto a = createPolicy(id, config(500, {}, 7));
        auto b = createPolicy(id, config(500, {}, 7));
        auto c = createPolicy(id, config(500, {}, 8));
        QVERIFY(a && b && c);
        a.value()->accessBatch(reqs);
        b.value()->accessBatch(reqs);
        c.value()->accessBatch(reqs);
        QCOMPARE(a.value()->stats().hits, b.value()->stats().hits);
        QVERIFY2(a.value()->stats().hits != c.value()->stats().hits, qPrintable(id));
    }
}

void tst_RedisPolicy::samplesMatter()
{
    // maxmemory-samples reaches the policy through PolicyConfig: more samples, closer to LRU.
    const std::vector<Request> reqs
        = TestSupport::requestsFromKeys(TestSupport::loadSharedTraceKeys(u"cache2k_web07.trace"_s));
    std::vector<double> missRatios;
    for (const int k : { 1, 5, 64 }) {
        auto p = createPolicy(u"redis-lru"_s, config(1000, fineClock(k)));
        QVERIFY(p);
        p.value()->accessBatch(reqs);
        missRatios.push_back(p.value()->stats().missRatio());
    }
    LruPolicy lru(config(1000, {}));
    lru.accessBatch(reqs);
    QVERIFY2(missRatios[0] > missRatios[1] && missRatios[1] > missRatios[2],
        qPrintable(u"%1 %2 %3"_s.arg(missRatios[0]).arg(missRatios[1]).arg(missRatios[2])));
    QVERIFY(std::abs(missRatios[2] - lru.stats().missRatio()) < 0.005);
}

void tst_RedisPolicy::randomMayEvictTheNewKey()
{
    // allkeys-random picks among every key, the one just written included: over many misses
    // at capacity 2 the new key is the victim about a third of the time.
    RedisPolicy p(config(2, {}), RedisEviction::Random);
    int newKeyEvicted = 0;
    for (Key k = 0; k < 3000; ++k) {
        p.access(Request { k, -1, 1, 0 });
        if (!p.lastEvicted().empty() && p.lastEvicted().front() == k)
            ++newKeyEvicted;
    }
    QVERIFY2(
        newKeyEvicted > 850 && newKeyEvicted < 1150, qPrintable(QString::number(newKeyEvicted)));
}

QTEST_APPLESS_MAIN(tst_RedisPolicy)
#include "tst_redispolicy.moc"
