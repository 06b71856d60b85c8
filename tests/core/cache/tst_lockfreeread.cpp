// The pieces of the ResultCache's lock-free read path: the shard index read without a lock,
// epoch-based reclamation, and the striped read buffer that carries hits to the policy.
#include "core/cache/epoch.h"
#include "core/cache/readbuffer.h"
#include "core/cache/resultcache.h"
#include "core/cache/shardindex.h"

#include <QTest>

#include <atomic>
#include <latch>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

CacheEntry *entryFor(Key key)
{
    auto *e = new CacheEntry;
    e->key = key;
    e->value.rows = { QVariantList { QVariant::fromValue(key) } };
    e->value.sizeBytes = 100;
    return e;
}

Key keyOf(const CachedResult &r) { return r.rows.first().first().toULongLong(); }

std::unique_ptr<ResultCache> make(const ResultCacheConfig &config)
{
    auto cache = ResultCache::create(config);
    if (!cache)
        qFatal("%s", qPrintable(cache.error().toString()));
    return std::move(cache).value();
}

CachedResult valueFor(Key key)
{
    CachedResult r;
    r.rows = { QVariantList { QVariant::fromValue(key) } };
    r.sizeBytes = 100;
    return r;
}

} // namespace

class tst_LockFreeRead : public QObject
{
    Q_OBJECT

private slots:
    void indexMatchesAMap();
    void indexEraseByEntry();
    void pinnedReaderHoldsReclamationBack();
    void guardsNest();
    void readBufferKeepsOrderAndFills();
    void threadCountersAddUp();
    void readBufferSharedStripeLosesNothingItKept();
    void concurrentReadersSeeWholeEntries();
    void replacingNeverShowsAMiss();
    void otherThreadsHitsReachThePolicy();
    void expiredEntryFoundWithoutLockIsRemoved();
};

void tst_LockFreeRead::indexMatchesAMap()
{
    // Random inserts and erases, through growth, shrinking rebuilds and tombstone reuse, give
    // the same answers as std::unordered_map.
    ShardIndex index;
    std::unordered_map<Key, CacheEntry *> model;
    std::vector<CacheEntry *> gone;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 50'000; ++i) {
        const Key k = rng() % (i < 25'000 ? 3000 : 300); // grow, then mostly erase
        if (const auto it = model.find(k); it != model.end()) {
            QCOMPARE(index.erase(k), it->second);
            gone.push_back(it->second);
            model.erase(it);
        } else {
            CacheEntry *e = entryFor(k);
            if (ShardIndex::Table *old = index.insert(e))
                delete old;
            model.emplace(k, e);
        }
        QCOMPARE(index.size(), qint64(model.size()));
        const Key probe = rng() % 3000;
        const auto it = model.find(probe);
        QCOMPARE(index.find(probe), it == model.end() ? nullptr : it->second);
    }
    qint64 seen = 0;
    index.forEach([&](CacheEntry *e) {
        ++seen;
        QCOMPARE(model.at(e->key), e);
    });
    QCOMPARE(seen, qint64(model.size()));
    for (auto &[k, e] : model)
        delete e;
    for (CacheEntry *e : gone)
        delete e;
}

void tst_LockFreeRead::indexEraseByEntry()
{
    ShardIndex index;
    std::vector<CacheEntry *> all;
    for (Key k = 1; k <= 1000; ++k) { // several rebuilds move the entries' buckets
        all.push_back(entryFor(k));
        if (ShardIndex::Table *old = index.insert(all.back()))
            delete old;
    }
    for (Key k = 1; k <= 1000; k += 2)
        index.erase(all[std::size_t(k - 1)]);
    QCOMPARE(index.size(), 500);
    for (Key k = 1; k <= 1000; ++k)
        QCOMPARE(index.find(k) != nullptr, k % 2 == 0);
    for (CacheEntry *e : all)
        delete e;
}

void tst_LockFreeRead::pinnedReaderHoldsReclamationBack()
{
    std::latch pinned(1);
    std::atomic<bool> release { false };
    std::thread reader([&] {
        EpochGuard guard;
        pinned.count_down();
        while (!release.load())
            std::this_thread::yield();
    });
    pinned.wait();
    const quint64 stamp = Epoch::current();
    for (int i = 0; i < 10; ++i)
        Epoch::tryAdvance();
    // The reader may have pinned one epoch before `stamp`; either way two steps past it need
    // the reader to have left.
    QVERIFY(!Epoch::isSafe(stamp));
    QVERIFY(Epoch::current() <= stamp + 1);
    release = true;
    reader.join();
    for (int i = 0; i < 3; ++i)
        QVERIFY(Epoch::tryAdvance());
    QVERIFY(Epoch::isSafe(stamp));
}

void tst_LockFreeRead::guardsNest()
{
    std::latch pinned(1);
    std::latch checked(1);
    quint64 stamp = 0;
    std::thread reader([&] {
        EpochGuard outer;
        {
            EpochGuard inner; // leaving the inner guard must not unpin the outer one
        }
        stamp = Epoch::current();
        pinned.count_down();
        checked.wait();
    });
    pinned.wait();
    for (int i = 0; i < 10; ++i)
        Epoch::tryAdvance();
    QVERIFY(!Epoch::isSafe(stamp));
    checked.count_down();
    reader.join();
}

void tst_LockFreeRead::readBufferKeepsOrderAndFills()
{
    ReadBuffer buffer;
    for (Key k = 1; k <= ReadBuffer::slotsPerStripe; ++k)
        QCOMPARE(buffer.offer(0, k), ReadBuffer::Offer::Added);
    QCOMPARE(buffer.offer(0, 99), ReadBuffer::Offer::Full);
    QCOMPARE(buffer.offer(1, 99), ReadBuffer::Offer::Added); // another stripe has room
    std::vector<Key> drained;
    buffer.drain(0, [&](Key k) { drained.push_back(k); });
    QCOMPARE(drained.size(), std::size_t(ReadBuffer::slotsPerStripe));
    for (std::size_t i = 0; i < drained.size(); ++i)
        QCOMPARE(drained[i], Key(i + 1));
    // Around the ring a few times: still in order, nothing left behind.
    for (int lap = 0; lap < 5; ++lap) {
        drained.clear();
        for (Key k = 0; k < 10; ++k)
            QCOMPARE(buffer.offer(0, 100 * Key(lap) + k), ReadBuffer::Offer::Added);
        buffer.drain(0, [&](Key k) { drained.push_back(k); });
        QCOMPARE(drained.size(), std::size_t(10));
        QCOMPARE(drained.front(), 100 * Key(lap));
        QCOMPARE(drained.back(), 100 * Key(lap) + 9);
    }
    drained.clear();
    buffer.drainAll([&](Key k) { drained.push_back(k); });
    QCOMPARE(drained, std::vector<Key> { 99 });
}

void tst_LockFreeRead::threadCountersAddUp()
{
    // Owned slots (plain load and store), the shared overflow slot (atomic adds from several
    // threads at once), and a thread index reused after its thread exited.
    ThreadCounters counters;
    counters.addHit(0);
    counters.addHit(ThreadCounters::ownedSlots - 1);
    counters.addMiss(3);
    std::vector<std::thread> overflow;
    for (int t = 0; t < 3; ++t) {
        overflow.emplace_back([&counters, t] {
            for (int i = 0; i < 10'000; ++i)
                counters.addHit(ThreadCounters::ownedSlots + unsigned(t));
        });
    }
    for (std::thread &t : overflow)
        t.join();
    QCOMPARE(counters.hits(), 30'002u);
    QCOMPARE(counters.misses(), 1u);

    auto cache = make({ u"qcache"_s, 100, SizeUnit::Objects, 1, 0, false, 42 });
    cache->insert(1, valueFor(1));
    for (int round = 0; round < 4; ++round) { // each thread likely reuses the last one's index
        std::thread t([&] {
            for (int i = 0; i < 1000; ++i) {
                QVERIFY(cache->lookup(1));
                QVERIFY(!cache->lookup(2));
            }
        });
        t.join();
    }
    QCOMPARE(cache->stats().hits, 4000u);
    QCOMPARE(cache->stats().misses, 4000u);
}

void tst_LockFreeRead::readBufferSharedStripeLosesNothingItKept()
{
    // Three threads share stripe 0 while a consumer drains it: every key the buffer reported
    // Added is drained exactly once, and nothing else is.
    ReadBuffer buffer;
    constexpr int producers = 3;
    constexpr Key perProducer = 200'000;
    std::atomic<int> running { producers };
    std::vector<std::vector<Key>> added(producers);
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (Key i = 0; i < perProducer; ++i) {
                const Key k = Key(p) * perProducer + i;
                if (buffer.offer(0, k) == ReadBuffer::Offer::Added)
                    added[std::size_t(p)].push_back(k);
            }
            --running;
        });
    }
    std::vector<Key> drained;
    std::mutex consumer; // stands for the shard lock
    while (running.load() > 0) {
        std::lock_guard lock(consumer);
        buffer.drain(0, [&](Key k) { drained.push_back(k); });
    }
    for (std::thread &t : threads)
        t.join();
    buffer.drain(0, [&](Key k) { drained.push_back(k); });

    std::multiset<Key> expected;
    for (const auto &keys : added)
        expected.insert(keys.begin(), keys.end());
    QCOMPARE(std::multiset<Key>(drained.begin(), drained.end()), expected);
    QVERIFY(!drained.empty());
    // One producer's keys come out in the order it added them.
    std::vector<Key> first;
    for (Key k : drained) {
        if (k < perProducer)
            first.push_back(k);
    }
    QVERIFY(std::is_sorted(first.begin(), first.end()));
}

void tst_LockFreeRead::concurrentReadersSeeWholeEntries()
{
    // A writer churns a small cache (evictions, replacements, invalidations, index rebuilds)
    // while readers look up without locks: every value found is the one for its key, and
    // under ASan a reclaimed entry read by a reader would be caught.
    for (const QString &policy : { u"qcache"_s, u"lru"_s, u"wtinylfu"_s }) {
        auto cache = make({ policy, 64, SizeUnit::Objects, 2, 0, false, 42 });
        std::atomic<bool> stop { false };
        std::atomic<quint64> found { 0 };
        std::atomic<int> wrong { 0 };
        std::vector<std::thread> readers;
        for (int r = 0; r < 2; ++r) {
            readers.emplace_back([&, r] {
                std::mt19937_64 rng(quint64(r) + 1);
                while (!stop.load(std::memory_order_relaxed)) {
                    const Key k = rng() % 256;
                    if (const auto v = cache->lookup(k)) {
                        found.fetch_add(1, std::memory_order_relaxed);
                        if (keyOf(*v) != k)
                            wrong.fetch_add(1);
                    }
                }
            });
        }
        std::mt19937_64 rng(99);
        for (int i = 0; i < 60'000; ++i) {
            const Key k = rng() % 256;
            if (i % 7 == 0)
                cache->invalidate(k);
            else
                cache->insert(k, valueFor(k));
        }
        stop = true;
        for (std::thread &t : readers)
            t.join();
        QCOMPARE(wrong.load(), 0);
        QVERIFY2(found.load() > 0, qPrintable(policy));
        QVERIFY(cache->entries() <= 64);
        QCOMPARE(cache->bytes(), cache->entries() * 100);
    }
}

void tst_LockFreeRead::replacingNeverShowsAMiss()
{
    // A newer value takes the older one's place in one store: a reader polling the key while
    // it is rewritten always finds one of the two values, never nothing.
    auto cache = make({ u"qcache"_s, 100, SizeUnit::Objects, 1, 0, false, 42 });
    cache->insert(1, valueFor(1));
    std::atomic<bool> stop { false };
    std::atomic<int> misses { 0 };
    std::atomic<int> reads { 0 };
    std::thread reader([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            if (!cache->lookup(1))
                misses.fetch_add(1);
            reads.fetch_add(1, std::memory_order_relaxed);
        }
    });
    for (int i = 0; i < 20'000 || reads.load() < 1000; ++i)
        cache->insert(1, valueFor(1));
    stop = true;
    reader.join();
    QCOMPARE(misses.load(), 0);
    QCOMPARE(cache->entries(), 1);
    QVERIFY(cache->stats().replaced >= 20'000u);
}

void tst_LockFreeRead::otherThreadsHitsReachThePolicy()
{
    // LRU of 16 in one shard, keys 1..16 resident, oldest first. Another thread reads key 1
    // more often than a read-buffer stripe holds, so its hits are replayed into the policy:
    // the next insert evicts key 2, not key 1.
    auto cache = make({ u"lru"_s, 16, SizeUnit::Objects, 1, 0, false, 42 });
    for (Key k = 1; k <= 16; ++k)
        cache->insert(k, valueFor(k));
    std::thread reader([&] {
        for (quint32 i = 0; i <= ReadBuffer::slotsPerStripe; ++i)
            QVERIFY(cache->lookup(1));
    });
    reader.join();
    cache->insert(17, valueFor(17));
    QVERIFY(cache->contains(1));
    QVERIFY(!cache->contains(2));
    QCOMPARE(cache->stats().hits, quint64(ReadBuffer::slotsPerStripe + 1));
}

void tst_LockFreeRead::expiredEntryFoundWithoutLockIsRemoved()
{
    std::atomic<qint64> now { 1000 };
    auto created = ResultCache::create(
        { u"qcache"_s, 10, SizeUnit::Objects, 1, 50, false, 42 }, [&] { return now.load(); });
    QVERIFY(created);
    auto cache = std::move(created).value();
    cache->insert(1, valueFor(1));
    now = 1049;
    QVERIFY(cache->lookup(1));
    now = 1050;
    std::thread other([&] { QVERIFY(!cache->lookup(1)); });
    other.join();
    QVERIFY(!cache->contains(1));
    QCOMPARE(cache->entries(), 0);
    QCOMPARE(cache->stats().evictionCount(EvictionReason::Expired), 1u);
    QCOMPARE(cache->stats().misses, 1u);
}

QTEST_GUILESS_MAIN(tst_LockFreeRead)
#include "tst_lockfreeread.moc"
