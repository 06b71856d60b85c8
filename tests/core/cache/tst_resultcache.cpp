#include "core/cache/resultcache.h"
#include "core/policy/lrupolicy.h"
#include "core/policy/policyregistry.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <latch>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A one-row result whose row names its key, so a test can tell whose value it got.
CachedResult valueFor(Key key, qint64 sizeBytes = 100)
{
    CachedResult r;
    r.rows = { QVariantList { QVariant::fromValue(key) } };
    r.sizeBytes = sizeBytes;
    return r;
}

Error failure(const QString &message)
{
    Error e;
    e.message = message;
    return e;
}

Key keyOf(const CachedResult &r)
{
    return r.rows.isEmpty() ? Key(-1) : r.rows.first().first().toULongLong();
}

std::unique_ptr<ResultCache> make(const ResultCacheConfig &config, ResultCache::Clock clock = {})
{
    auto cache = ResultCache::create(config, std::move(clock));
    if (!cache)
        qFatal("%s", qPrintable(cache.error().toString()));
    return std::move(cache).value();
}

/// entries == inserts - replaced - evictions: every stored value leaves once, for one reason.
bool accountsBalance(const ResultCacheStats &s)
{
    const quint64 gone = s.replaced + s.evictions[0] + s.evictions[1] + s.evictions[2];
    return s.inserts >= gone && qint64(s.inserts - gone) == s.entries;
}

/// Waits (bounded) until `n` getOrLoad() calls are waiting on a flight.
void waitForWaiters(const ResultCache &cache, quint64 n)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (cache.stats().singleFlightWaits < n && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void addPolicyRows()
{
    QTest::addColumn<QString>("policy");
    for (const QString &id : ResultCache::policyIds()) {
        if (id != u"none"_s)
            QTest::newRow(qPrintable(id)) << id;
    }
}

} // namespace

class tst_ResultCache : public QObject
{
    Q_OBJECT

private slots:
    void rejectsBadConfiguration();
    void optIsRefused();
    void shardCounts();
    void onlyColdMissesWhenKeysFit_data();
    void onlyColdMissesWhenKeysFit();
    void capacityBound_data();
    void capacityBound();
    void qcacheBytesModeCountsBytes();
    void qcacheMatchesLru();
    void valuesOutliveEviction();
    void invalidateDropsAndCounts();
    void replaceIsNotAnEviction_data();
    void replaceIsNotAnEviction();
    void ttlExpiresAfterWrite();
    void noneNeverHits();
    void setPolicyCarriesRecency();
    void setPolicyToNoneAndBack();
    void setCapacityShrinksAndChangesUnit();
    void singleFlightCollapsesMisses();
    void failingLoaderReachesAllWaiters_data();
    void failingLoaderReachesAllWaiters();
    void withoutSingleFlightEveryMissLoads();
    void invalidateDuringLoadKeepsOldValueOut();
    void loaderAskingForItsOwnKeyGetsAnError();
    void nonBlockingLoads();
    void reconfigureUnderLoad();
    void stress_data();
    void stress();
};

void tst_ResultCache::rejectsBadConfiguration()
{
    ResultCacheConfig c;
    c.capacity = 0;
    auto zero = ResultCache::create(c);
    QVERIFY(!zero);
    QCOMPARE(zero.error().field, u"capacity"_s);
    c.capacity = 10;
    c.ttlMs = -1;
    QCOMPARE(ResultCache::create(c).error().field, u"ttl-ms"_s);
    c.ttlMs = 0;
    c.policy = u"nope"_s;
    auto unknown = ResultCache::create(c);
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().field, u"policy"_s);
    QCOMPARE(unknown.error().value, u"nope"_s);
    QVERIFY(unknown.error().message.contains(u"qcache"_s));
    QVERIFY(unknown.error().message.contains(u"none"_s));

    auto cache = make({});
    QVERIFY(!cache->setCapacity(0));
    QVERIFY(!cache->setTtlMs(-5));
    QVERIFY(!cache->setPolicy(u"nope"_s));
    QCOMPARE(cache->policy(), u"qcache"_s);
    QCOMPARE(cache->capacity(), 10000);
}

void tst_ResultCache::optIsRefused()
{
    ResultCacheConfig c;
    c.policy = u"opt"_s;
    auto opt = ResultCache::create(c);
    QVERIFY(!opt);
    QCOMPARE(opt.error().field, u"policy"_s);
    QCOMPARE(opt.error().value, u"opt"_s);
    if (const PolicyInfo *info = findPolicy(u"opt"))
        QVERIFY(info->needsFuture && opt.error().message.contains(u"offline"_s));
    QVERIFY(!ResultCache::policyIds().contains(u"opt"_s));

    auto cache = make({});
    QVERIFY(cache->insert(1, valueFor(1)));
    QVERIFY(!cache->setPolicy(u"opt"_s));
    QCOMPARE(cache->policy(), u"qcache"_s); // unchanged, contents kept
    QVERIFY(cache->lookup(1));
}

void tst_ResultCache::shardCounts()
{
    QCOMPARE(ResultCache::defaultShardCount(1), 8);
    QCOMPARE(ResultCache::defaultShardCount(2), 16);
    QCOMPARE(ResultCache::defaultShardCount(3), 32);
    QCOMPARE(ResultCache::defaultShardCount(10'000), 1024);
    QVERIFY(ResultCache::defaultShardCount() >= 8);
    ResultCacheConfig c;
    c.shardCount = 5;
    QCOMPARE(make(c)->shardCount(), 8);
    c.capacity = 3; // never more shards than entries: each keeps room for one
    QCOMPARE(make(c)->shardCount(), 2);

    // Automatic: at least 128 entries (128 KiB) a shard, so an LRU of 100 stays one LRU (with
    // 64 shards of one or two entries it hit 0.23 where cachetools' single LRU hit 0.27).
    QCOMPARE(ResultCache::automaticShardCount(10, 100, SizeUnit::Objects), 1);
    QCOMPARE(ResultCache::automaticShardCount(10, 256, SizeUnit::Objects), 2);
    QCOMPARE(ResultCache::automaticShardCount(10, 10'000, SizeUnit::Objects), 64);
    QCOMPARE(ResultCache::automaticShardCount(2, 10'000, SizeUnit::Objects), 16);
    QCOMPARE(ResultCache::automaticShardCount(2, 1 << 20, SizeUnit::Bytes), 8);
    QCOMPARE(ResultCache::automaticShardCount(2, 100'000, SizeUnit::Bytes), 1);
    ResultCacheConfig automatic;
    automatic.capacity = 100;
    QCOMPARE(make(automatic)->shardCount(), 1);
}

void tst_ResultCache::onlyColdMissesWhenKeysFit_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<int>("shards");
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<int>("keys");
    for (const QString &id : ResultCache::policyIds()) {
        if (id == u"none"_s)
            continue;
        // One shard: 80 keys in 100 slots. Sixteen shards: 100 keys in 10,000 slots (625 each).
        QTest::addRow("%s, 1 shard", qPrintable(id)) << id << 1 << qint64(100) << 80;
        QTest::addRow("%s, 16 shards", qPrintable(id)) << id << 16 << qint64(10'000) << 100;
    }
}

void tst_ResultCache::onlyColdMissesWhenKeysFit()
{
    QFETCH(QString, policy);
    QFETCH(int, shards);
    QFETCH(qint64, capacity);
    QFETCH(int, keys);
    auto cache = make({ policy, capacity, SizeUnit::Objects, shards, 0, false, 42 });
    int loads = 0;
    for (int pass = 0; pass < 10; ++pass) {
        for (Key k = 1; k <= Key(keys); ++k) {
            const LoadResult r = cache->getOrLoad(k, [&] {
                ++loads;
                return valueFor(k);
            });
            QVERIFY(r.result);
            QCOMPARE(keyOf(*r.result), k);
            QCOMPARE(r.outcome, pass == 0 ? LoadOutcome::Loaded : LoadOutcome::Hit);
        }
    }
    const ResultCacheStats s = cache->stats();
    QCOMPARE(loads, keys);
    QCOMPARE(s.misses, quint64(keys));
    QCOMPARE(s.hits, quint64(9 * keys));
    QCOMPARE(s.evictions, (std::array<quint64, 3> {}));
    QCOMPARE(cache->entries(), qint64(keys));
    QCOMPARE(cache->bytes(), qint64(keys) * 100);
    QCOMPARE(*s.hitRatio(), 0.9);
}

void tst_ResultCache::capacityBound_data() { addPolicyRows(); }

void tst_ResultCache::capacityBound()
{
    QFETCH(QString, policy);
    constexpr qint64 capacity = 50;
    auto cache = make({ policy, capacity, SizeUnit::Objects, 4, 0, false, 42 });
    std::mt19937_64 rng(1);
    for (int i = 0; i < 5000; ++i) {
        const Key k = rng() % 400;
        if (!cache->lookup(k))
            cache->insert(k, valueFor(k));
        QVERIFY(cache->entries() <= capacity);
    }
    const ResultCacheStats s = cache->stats();
    QVERIFY(s.evictionCount(EvictionReason::Capacity) > 0);
    QVERIFY(accountsBalance(s));
    QCOMPARE(s.hits + s.misses, 5000u);
    QCOMPARE(cache->bytes(), cache->entries() * 100);
}

void tst_ResultCache::qcacheBytesModeCountsBytes()
{
    constexpr qint64 capacity = 10'000;
    auto cache = make({ u"qcache"_s, capacity, SizeUnit::Bytes, 4, 0, false, 42 });
    QCOMPARE(cache->sizeUnit(), SizeUnit::Bytes);
    std::mt19937_64 rng(2);
    for (int i = 0; i < 3000; ++i) {
        const Key k = rng() % 500;
        if (!cache->lookup(k))
            QVERIFY(cache->insert(k, valueFor(k, 50 + qint64(k % 10) * 50))); // 50..500 bytes
        QVERIFY(cache->bytes() <= capacity);
    }
    QVERIFY(cache->entries() < 500);
    QVERIFY(cache->bytes() > capacity / 2);
    QVERIFY(accountsBalance(cache->stats()));
    // A result larger than its shard's 2,500 bytes is never admitted.
    QVERIFY(!cache->insert(9999, valueFor(9999, 3000)));
    QCOMPARE(cache->stats().rejected, 1u);
    QVERIFY(!cache->lookup(9999));
}

void tst_ResultCache::qcacheMatchesLru()
{
    // QCache is LRU at one unit of cost per entry: the same stream must give the same misses
    // through a qcache ResultCache, an lru ResultCache and a bare LruPolicy.
    auto viaQCache = make({ u"qcache"_s, 100, SizeUnit::Objects, 1, 0, false, 42 });
    auto viaLru = make({ u"lru"_s, 100, SizeUnit::Objects, 1, 0, false, 42 });
    LruPolicy bare({ 100, SizeUnit::Objects, 42 });
    std::mt19937_64 rng(3);
    std::geometric_distribution<int> skewed(0.01);
    for (int i = 0; i < 20'000; ++i) {
        const Key k = Key(skewed(rng));
        for (ResultCache *c : { viaQCache.get(), viaLru.get() }) {
            if (!c->lookup(k))
                c->insert(k, valueFor(k));
        }
        bare.access({ k, -1, 1, 0 });
    }
    QCOMPARE(viaQCache->stats().misses, bare.stats().misses);
    QCOMPARE(viaLru->stats().misses, bare.stats().misses);
    QCOMPARE(viaQCache->stats().evictions, viaLru->stats().evictions);
    QVERIFY(bare.stats().hits > 1000 && bare.stats().misses > 1000); // both paths exercised
}

void tst_ResultCache::valuesOutliveEviction()
{
    auto cache = make({ u"qcache"_s, 2, SizeUnit::Objects, 1, 0, false, 42 });
    cache->insert(1, valueFor(1));
    const std::optional<CachedResult> held = cache->lookup(1);
    QVERIFY(held);
    cache->insert(2, valueFor(2));
    cache->insert(3, valueFor(3));
    cache->insert(4, valueFor(4)); // 1 is gone from the cache ...
    QVERIFY(!cache->contains(1));
    QCOMPARE(keyOf(*held), Key(1)); // ... and the copy handed out is still whole
}

void tst_ResultCache::invalidateDropsAndCounts()
{
    auto cache = make({ u"lru"_s, 10, SizeUnit::Objects, 2, 0, false, 42 });
    QVERIFY(cache->insert(7, valueFor(7, 300)));
    QCOMPARE(cache->bytes(), 300);
    QVERIFY(cache->invalidate(7));
    QVERIFY(!cache->lookup(7));
    QVERIFY(!cache->invalidate(7)); // absent: not counted twice
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Invalidated), 1u);
    QCOMPARE(cache->entries(), 0);
    QCOMPARE(cache->bytes(), 0);
    QVERIFY(cache->insert(7, valueFor(7)));
    QVERIFY(cache->insert(8, valueFor(8)));
    cache->clear();
    QCOMPARE(cache->entries(), 0);
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Invalidated), 3u);
    QVERIFY(accountsBalance(cache->stats()));
}

void tst_ResultCache::replaceIsNotAnEviction_data() { addPolicyRows(); }

void tst_ResultCache::replaceIsNotAnEviction()
{
    QFETCH(QString, policy);
    auto cache = make({ policy, 1000, SizeUnit::Bytes, 1, 0, false, 42 });
    QVERIFY(cache->insert(1, valueFor(1, 100)));
    QVERIFY(cache->insert(2, valueFor(2, 100)));
    QVERIFY(cache->insert(1, valueFor(1, 300))); // the newer value replaces the older
    QCOMPARE(cache->entries(), 2);
    QCOMPARE(cache->bytes(), 400);
    QCOMPARE(cache->lookup(1)->sizeBytes, 300);
    // Too large to admit: the older value leaves all the same, so no stale row survives.
    QVERIFY(!cache->insert(2, valueFor(2, 5000)));
    QVERIFY(!cache->contains(2));
    const ResultCacheStats s = cache->stats();
    QCOMPARE(s.replaced, 2u);
    QCOMPARE(s.rejected, 1u);
    QCOMPARE(s.evictions, (std::array<quint64, 3> {}));
    QCOMPARE(cache->bytes(), 300);
    QVERIFY(accountsBalance(s));
}

void tst_ResultCache::ttlExpiresAfterWrite()
{
    std::atomic<qint64> nowMs { 1000 };
    auto cache = make({ u"qcache"_s, 10, SizeUnit::Objects, 1, 100, false, 42 },
        [&nowMs] { return nowMs.load(); });
    QVERIFY(cache->insert(1, valueFor(1)));
    QCOMPARE(cache->lookup(1)->insertedMs, 1000);
    nowMs = 1099;
    QVERIFY(cache->lookup(1)); // reads do not extend the life: expire after write
    nowMs = 1100;
    QVERIFY(!cache->lookup(1));
    QCOMPARE(cache->entries(), 0);
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Expired), 1u);
    QCOMPARE(cache->stats().misses, 1u);

    // A load stamps the value when it arrives; a fresh write restarts the clock.
    LoadResult loaded = cache->getOrLoad(2, [] { return valueFor(2); });
    QCOMPARE(loaded.outcome, LoadOutcome::Loaded);
    nowMs = 1150;
    QVERIFY(cache->insert(3, valueFor(3)));
    nowMs = 1201;
    QVERIFY(!cache->lookup(2));
    QVERIFY(cache->lookup(3));

    // The TTL changes for entries already held; 0 turns expiry off.
    QVERIFY(cache->setTtlMs(0));
    nowMs = 1'000'000;
    QVERIFY(cache->lookup(3));
    QVERIFY(cache->setTtlMs(10));
    QVERIFY(!cache->lookup(3));
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Expired), 3u);
    QVERIFY(accountsBalance(cache->stats()));
}

void tst_ResultCache::noneNeverHits()
{
    auto cache = make({ u"none"_s, 100, SizeUnit::Objects, 0, 0, true, 42 });
    int loads = 0;
    for (int i = 0; i < 50; ++i) {
        QVERIFY(!cache->insert(1, valueFor(1)));
        QVERIFY(!cache->lookup(1));
        const LoadResult r = cache->getOrLoad(1, [&] {
            ++loads;
            return valueFor(1);
        });
        QCOMPARE(r.outcome, LoadOutcome::Loaded);
        QCOMPARE(keyOf(*r.result), Key(1));
    }
    const ResultCacheStats s = cache->stats();
    QCOMPARE(loads, 50);
    QCOMPARE(s.hits, 0u);
    QCOMPARE(s.misses, 100u);
    QCOMPARE(s.inserts, 0u);
    QCOMPARE(s.rejected, 100u);
    QCOMPARE(cache->entries(), 0);
}

void tst_ResultCache::setPolicyCarriesRecency()
{
    // LRU, 10 slots: insert 1..10, then use 1..5, so oldest use first is 6..10, 1..5.
    auto cache = make({ u"lru"_s, 10, SizeUnit::Objects, 1, 0, false, 42 });
    for (Key k = 1; k <= 10; ++k)
        cache->insert(k, valueFor(k));
    for (Key k = 1; k <= 5; ++k)
        QVERIFY(cache->lookup(k));
    // FIFO takes them in that order, so it evicts 6..10 first when 11..15 arrive.
    QVERIFY(cache->setPolicy(u"fifo"_s));
    QCOMPARE(cache->policy(), u"fifo"_s);
    QCOMPARE(cache->entries(), 10);
    for (Key k = 11; k <= 15; ++k)
        cache->insert(k, valueFor(k));
    for (Key k = 1; k <= 5; ++k)
        QVERIFY2(cache->contains(k), qPrintable(QString::number(k)));
    for (Key k = 6; k <= 10; ++k)
        QVERIFY(!cache->contains(k));

    // The same through the real QCache: use 11, 12 and 1, 2, then switch to lru and add 3 keys:
    // the LRU victims are the least recently used survivors 3, 4, 5.
    QVERIFY(cache->setPolicy(u"qcache"_s));
    for (Key k : { 11, 12, 13, 14, 15, 1, 2 })
        QVERIFY(cache->lookup(k));
    QVERIFY(cache->setPolicy(u"lru"_s));
    for (Key k = 21; k <= 23; ++k)
        cache->insert(k, valueFor(k));
    for (Key k : { 3, 4, 5 })
        QVERIFY(!cache->contains(k));
    for (Key k : { 11, 12, 13, 14, 15, 1, 2, 21, 22, 23 })
        QVERIFY(cache->contains(k));
    QVERIFY(accountsBalance(cache->stats()));
}

void tst_ResultCache::setPolicyToNoneAndBack()
{
    std::atomic<qint64> nowMs { 0 };
    auto cache = make({ u"qcache"_s, 8, SizeUnit::Objects, 1, 100, false, 42 },
        [&nowMs] { return nowMs.load(); });
    for (Key k = 1; k <= 4; ++k)
        cache->insert(k, valueFor(k));
    nowMs = 50;
    for (Key k = 5; k <= 8; ++k)
        cache->insert(k, valueFor(k));
    nowMs = 120; // 1..4 expired, 5..8 alive
    QVERIFY(cache->setPolicy(u"sieve"_s).has_value() || !findPolicy(u"sieve"));
    const bool sieve = findPolicy(u"sieve") != nullptr;
    if (sieve) {
        QCOMPARE(cache->entries(), 4); // expired entries are not carried over
        QCOMPARE(cache->stats().evictionCount(EvictionReason::Expired), 4u);
    }
    QVERIFY(cache->setPolicy(u"none"_s));
    QCOMPARE(cache->entries(), 0);
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Capacity), sieve ? 4u : 8u);
    QVERIFY(cache->setPolicy(u"qcache"_s));
    QVERIFY(cache->insert(1, valueFor(1)));
    QVERIFY(cache->lookup(1));
    QVERIFY(accountsBalance(cache->stats()));
}

void tst_ResultCache::setCapacityShrinksAndChangesUnit()
{
    auto cache = make({ u"qcache"_s, 10, SizeUnit::Objects, 1, 0, false, 42 });
    for (Key k = 1; k <= 10; ++k)
        cache->insert(k, valueFor(k, 100));
    for (Key k = 6; k <= 10; ++k)
        cache->lookup(k);
    QVERIFY(cache->setCapacity(5));
    QCOMPARE(cache->capacity(), 5);
    QCOMPARE(cache->entries(), 5);
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Capacity), 5u);
    for (Key k = 6; k <= 10; ++k)
        QVERIFY(cache->contains(k)); // the recently used stay
    QVERIFY(cache->setCapacity(20));
    for (Key k = 11; k <= 20; ++k)
        cache->insert(k, valueFor(k, 100));
    QCOMPARE(cache->entries(), 15);

    // Entries -> bytes: 1,000 bytes hold ten 100-byte results, the most recently used.
    QVERIFY(cache->setCapacity(1000, SizeUnit::Bytes));
    QCOMPARE(cache->sizeUnit(), SizeUnit::Bytes);
    QCOMPARE(cache->entries(), 10);
    QCOMPARE(cache->bytes(), 1000);
    for (Key k = 11; k <= 20; ++k)
        QVERIFY(cache->contains(k));
    QVERIFY(accountsBalance(cache->stats()));
}

void tst_ResultCache::singleFlightCollapsesMisses()
{
    constexpr int callers = 8;
    auto cache = make({ u"qcache"_s, 100, SizeUnit::Objects, 4, 0, true, 42 });
    std::atomic<int> calls { 0 };
    std::latch ready(callers);
    std::vector<std::optional<LoadResult>> results(callers);
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i) {
        threads.emplace_back([&, i] {
            ready.arrive_and_wait();
            results[std::size_t(i)] = cache->getOrLoad(42, [&] {
                ++calls;
                waitForWaiters(*cache, callers - 1); // hold the flight until all others wait
                return valueFor(42);
            });
        });
    }
    for (std::thread &t : threads)
        t.join();
    QCOMPARE(calls.load(), 1);
    int loaded = 0;
    for (const auto &r : results) {
        QVERIFY(r && r->result);
        QCOMPARE(keyOf(*r->result), Key(42));
        loaded += r->outcome == LoadOutcome::Loaded;
        QVERIFY(r->outcome != LoadOutcome::Hit);
    }
    QCOMPARE(loaded, 1);
    const ResultCacheStats s = cache->stats();
    QCOMPARE(s.misses, quint64(callers));
    QCOMPARE(s.loads, 1u);
    QCOMPARE(s.singleFlightWaits, quint64(callers - 1));
    QCOMPARE(cache->getOrLoad(42, [] { return valueFor(0); }).outcome, LoadOutcome::Hit);
}

void tst_ResultCache::failingLoaderReachesAllWaiters_data()
{
    QTest::addColumn<bool>("throws");
    QTest::newRow("returns an Error") << false;
    QTest::newRow("throws") << true;
}

void tst_ResultCache::failingLoaderReachesAllWaiters()
{
    QFETCH(bool, throws);
    constexpr int callers = 6;
    auto cache = make({ u"lru"_s, 100, SizeUnit::Objects, 2, 0, true, 42 });
    std::atomic<int> calls { 0 };
    std::latch ready(callers);
    std::vector<std::optional<LoadResult>> results(callers);
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i) {
        threads.emplace_back([&, i] {
            ready.arrive_and_wait();
            results[std::size_t(i)] = cache->getOrLoad(5, [&]() -> Result<CachedResult> {
                ++calls;
                waitForWaiters(*cache, callers - 1);
                if (throws)
                    throw std::runtime_error("connection reset");
                return failure(u"database down"_s);
            });
        });
    }
    for (std::thread &t : threads)
        t.join();
    QCOMPARE(calls.load(), 1);
    for (const auto &r : results) {
        QVERIFY(r && !r->result);
        QVERIFY(r->result.error().message.contains(
            throws ? u"connection reset"_s : u"database down"_s));
    }
    QCOMPARE(cache->stats().loadErrors, 1u);
    QCOMPARE(cache->entries(), 0);
    // Nothing is left hanging: the next miss loads again, and succeeds.
    const LoadResult again = cache->getOrLoad(5, [&] {
        ++calls;
        return valueFor(5);
    });
    QCOMPARE(again.outcome, LoadOutcome::Loaded);
    QVERIFY(again.result);
    QCOMPARE(calls.load(), 2);
}

void tst_ResultCache::withoutSingleFlightEveryMissLoads()
{
    constexpr int callers = 4;
    auto cache = make({ u"qcache"_s, 100, SizeUnit::Objects, 1, 0, false, 42 });
    std::atomic<int> calls { 0 };
    std::latch inLoader(callers); // passes only when all callers are loading at once
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i) {
        threads.emplace_back([&] {
            const LoadResult r = cache->getOrLoad(9, [&] {
                ++calls;
                inLoader.arrive_and_wait();
                return valueFor(9);
            });
            QCOMPARE(r.outcome, LoadOutcome::Loaded);
        });
    }
    for (std::thread &t : threads)
        t.join();
    QCOMPARE(calls.load(), callers);
    const ResultCacheStats s = cache->stats();
    QCOMPARE(s.loads, quint64(callers));
    QCOMPARE(s.singleFlightWaits, 0u);
    QCOMPARE(s.replaced, quint64(callers - 1));
    QCOMPARE(cache->entries(), 1);
}

void tst_ResultCache::invalidateDuringLoadKeepsOldValueOut()
{
    // A read starts, the row is written and the key invalidated, then the read's (old) row
    // arrives: it answers that read but must not be cached for reads after the write.
    for (bool singleFlight : { false, true }) {
        auto cache = make({ u"qcache"_s, 100, SizeUnit::Objects, 1, 0, singleFlight, 42 });
        std::latch loading(2);
        std::latch written(2);
        std::thread reader([&] {
            const LoadResult r = cache->getOrLoad(3, [&] {
                loading.arrive_and_wait();
                written.arrive_and_wait();
                return valueFor(3);
            });
            QVERIFY(r.result);
        });
        loading.arrive_and_wait();
        QVERIFY(!cache->invalidate(3)); // nothing held yet, but the flight is marked
        written.arrive_and_wait();
        reader.join();
        QVERIFY(!cache->contains(3));
        QCOMPARE(cache->stats().inserts, 0u);
        // A load that starts after the write is cached as usual.
        QVERIFY(cache->getOrLoad(3, [] { return valueFor(3); }).result);
        QVERIFY(cache->lookup(3));
    }
}

/// beginLoad()/finishLoad(), the event loop's getOrLoad(): a load stores its value; a write
/// (invalidate) during the load keeps it out and makes the load no longer current; an error is
/// a failed load; loads interleave, and a blocking getOrLoad() waiter of the same key gets the
/// value of a non-blocking load.
void tst_ResultCache::nonBlockingLoads()
{
    auto cache = make({ u"lru"_s, 100, SizeUnit::Objects, 1, 0, true, 42 });
    QVERIFY(!cache->lookup(1));
    ResultCache::LoadTicket one = cache->beginLoad(1);
    ResultCache::LoadTicket two = cache->beginLoad(2);
    QVERIFY(one.isActive() && cache->isLoadCurrent(one));
    QCOMPARE(one.key(), Key(1));
    QVERIFY(cache->finishLoad(two, valueFor(2))); // answers may come in any order
    QVERIFY(cache->finishLoad(one, valueFor(1)));
    QVERIFY(!one.isActive()); // spent
    QVERIFY(!cache->finishLoad(one, valueFor(1)));
    QCOMPARE(keyOf(*cache->lookup(1)), Key(1));
    QCOMPARE(keyOf(*cache->lookup(2)), Key(2));

    ResultCache::LoadTicket stale = cache->beginLoad(3);
    QVERIFY(!cache->invalidate(3)); // a write of 3 while its read is out
    QVERIFY(!cache->isLoadCurrent(stale));
    QVERIFY(!cache->finishLoad(stale, valueFor(3))); // the old row stays out
    QVERIFY(!cache->contains(3));

    ResultCache::LoadTicket failing = cache->beginLoad(4);
    QVERIFY(!cache->finishLoad(failing, failure(u"division by zero"_s)));
    cache->countSingleFlightWait(4);
    const ResultCacheStats s = cache->stats();
    QCOMPARE(s.loads, 4u);
    QCOMPARE(s.loadErrors, 1u);
    QCOMPARE(s.singleFlightWaits, 1u);
    QCOMPARE(s.inserts, 2u);
    QVERIFY(accountsBalance(s));

    // A thread's blocking getOrLoad() of a key another caller is loading without blocking
    // waits for that load and gets its value.
    ResultCache::LoadTicket shared = cache->beginLoad(5);
    LoadResult waited { failure(u"not run"_s), LoadOutcome::Hit };
    std::thread waiter(
        [&] { waited = cache->getOrLoad(5, [] { return failure(u"must not run"_s); }); });
    waitForWaiters(*cache, 2);
    QVERIFY(cache->finishLoad(shared, valueFor(5)));
    waiter.join();
    QCOMPARE(waited.outcome, LoadOutcome::Waited);
    QVERIFY(waited.result);
    QCOMPARE(keyOf(*waited.result), Key(5));
}

void tst_ResultCache::loaderAskingForItsOwnKeyGetsAnError()
{
    auto cache = make({ u"qcache"_s, 100, SizeUnit::Objects, 1, 0, true, 42 });
    bool innerFailed = false;
    const LoadResult outer = cache->getOrLoad(1, [&] {
        const LoadResult inner = cache->getOrLoad(1, [] { return valueFor(1); });
        innerFailed = !inner.result;
        return valueFor(1);
    });
    QVERIFY(innerFailed); // instead of waiting for itself forever
    QVERIFY(outer.result);
    QVERIFY(cache->lookup(1));
}

void tst_ResultCache::reconfigureUnderLoad()
{
    constexpr Key keys = 2000;
    auto cache = make({ u"qcache"_s, 300, SizeUnit::Objects, 8, 0, false, 42 });
    std::atomic<bool> stop { false };
    std::atomic<quint64> reads { 0 };
    std::atomic<int> wrongValues { 0 };
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937_64 rng { quint64(t) + 100 };
            quint64 myReads = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                const Key k = rng() % keys;
                const unsigned op = rng() % 10;
                if (op < 6) {
                    ++myReads;
                    const LoadResult r = cache->getOrLoad(k, [k] { return valueFor(k); });
                    if (!r.result || keyOf(*r.result) != k)
                        ++wrongValues;
                } else if (op < 8) {
                    ++myReads;
                    if (const auto v = cache->lookup(k); v && keyOf(*v) != k)
                        ++wrongValues;
                } else if (op < 9) {
                    cache->insert(k, valueFor(k, 10 + qint64(k % 50)));
                } else {
                    cache->invalidate(k);
                }
            }
            reads += myReads;
        });
    }
    const QStringList policies = ResultCache::policyIds();
    const qint64 capacities[] = { 50, 1000, 7, 300 };
    for (int round = 0; round < 3 * policies.size(); ++round) {
        QVERIFY(cache->setPolicy(policies[round % policies.size()]));
        QVERIFY(cache->setCapacity(capacities[round % 4]));
        QVERIFY(cache->setTtlMs(round % 3 == 0 ? 5 : 0));
        cache->setSingleFlight(round % 2 == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QVERIFY(cache->entries() <= std::max<qint64>(capacities[round % 4], 1000));
    }
    QVERIFY(cache->setPolicy(u"lru"_s));
    QVERIFY(cache->setCapacity(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop = true;
    for (std::thread &w : workers)
        w.join();
    const ResultCacheStats s = cache->stats();
    QCOMPARE(wrongValues.load(), 0);
    QVERIFY(cache->entries() <= 100);
    QCOMPARE(s.hits + s.misses, reads.load());
    QVERIFY(accountsBalance(s));
    QVERIFY(s.hits > 0 && s.misses > 0);
}

void tst_ResultCache::stress_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<bool>("singleFlight");
    QTest::newRow("qcache") << u"qcache"_s << false;
    QTest::newRow("qcache, single-flight") << u"qcache"_s << true;
    QTest::newRow("lru, single-flight") << u"lru"_s << true;
}

void tst_ResultCache::stress()
{
    // Plain std::threads on every entry point at once: run under ThreadSanitizer too.
    QFETCH(QString, policy);
    QFETCH(bool, singleFlight);
    constexpr int threads = 4;
    constexpr int opsPerThread = 40'000;
    std::atomic<qint64> nowMs { 0 };
    auto cache = make({ policy, 64, SizeUnit::Objects, 4, 3, singleFlight, 42 },
        [&nowMs] { return nowMs.load(std::memory_order_relaxed); });
    std::atomic<quint64> reads { 0 };
    std::atomic<quint64> loaderCalls { 0 };
    std::atomic<int> wrongValues { 0 };
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937_64 rng { quint64(t) };
            std::geometric_distribution<int> skewed(0.02);
            for (int i = 0; i < opsPerThread; ++i) {
                const Key k = Key(skewed(rng));
                switch (rng() % 8) {
                case 0:
                    cache->invalidate(k);
                    break;
                case 1:
                    cache->insert(k, valueFor(k));
                    break;
                case 2:
                    reads.fetch_add(1, std::memory_order_relaxed);
                    if (const auto v = cache->lookup(k); v && keyOf(*v) != k)
                        ++wrongValues;
                    break;
                case 3:
                    nowMs.fetch_add(1, std::memory_order_relaxed); // expiry keeps happening
                    [[fallthrough]];
                default: {
                    reads.fetch_add(1, std::memory_order_relaxed);
                    const LoadResult r = cache->getOrLoad(k, [&]() -> Result<CachedResult> {
                        loaderCalls.fetch_add(1, std::memory_order_relaxed);
                        if (k % 97 == 13)
                            return failure(u"unlucky key"_s);
                        return valueFor(k);
                    });
                    if (r.result && keyOf(*r.result) != k)
                        ++wrongValues;
                    break;
                }
                }
                if (t == 0 && i % 5000 == 0)
                    (void)cache->stats(); // a sampler reading while the others work
            }
        });
    }
    for (std::thread &w : workers)
        w.join();
    const ResultCacheStats s = cache->stats();
    QCOMPARE(wrongValues.load(), 0);
    QCOMPARE(s.hits + s.misses, reads.load());
    QCOMPARE(s.loads, loaderCalls.load());
    QVERIFY(cache->entries() <= 64);
    QVERIFY(accountsBalance(s));
    QVERIFY(s.evictionCount(EvictionReason::Capacity) > 0);
    QVERIFY(s.evictionCount(EvictionReason::Expired) > 0);
    QVERIFY(s.evictionCount(EvictionReason::Invalidated) > 0);
}

QTEST_GUILESS_MAIN(tst_ResultCache)
#include "tst_resultcache.moc"
