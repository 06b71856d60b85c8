#include "core/cache/resultcache.h"

#include "core/cache/epoch.h"
#include "core/cache/readbuffer.h"
#include "core/cache/shardindex.h"
#include "core/cache/shardlock.h"
#include "core/cache/shardstore.h"
#include "core/policy/policyregistry.h"

#include <QHash>
#include <QThread>

#include <algorithm>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr int maxShards = 1024;

/// For counters written only under their shard's mutex and read lock-free by stats(): a plain
/// load and store, no read-modify-write on the hot path.
void bump(std::atomic<quint64> &counter, quint64 n = 1)
{
    counter.store(counter.load(relaxed) + n, relaxed);
}

/// The default TTL clock. Every insert reads it, so it must be cheap: the coarse monotonic
/// clock is a memory read in the vDSO (the precise one was 8% of a get-or-put benchmark), and
/// its few milliseconds of resolution are fine for expiry.
qint64 monotonicMs()
{
#ifdef CLOCK_MONOTONIC_COARSE
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
#else
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
#endif
}

/// One load in progress for a key. Guarded by the shard mutex; waiters hold a reference, so it
/// outlives its map entry.
struct Flight
{
    std::condition_variable_any done;
    std::optional<Result<CachedResult>> result; // the first loader's answer
    std::thread::id leader; // the thread that started the flight
    int loaders = 0; // calls running a loader for it (several when single-flight is off)
    bool stale = false; // invalidated while loading: answer the callers, store nothing
};

Result<CachedResult> callLoader(Key key, Result<CachedResult> (*call)(void *), void *loader)
{
    // Exceptions stay inside the job (STYLE.md): every caller gets an Error instead.
    try {
        return call(loader);
    } catch (const std::exception &e) {
        return Error { u"the loader threw: "_s + QString::fromLocal8Bit(e.what()), {}, 0, u"key"_s,
            QString::number(key) };
    } catch (...) {
        return Error { u"the loader threw an exception"_s, {}, 0, u"key"_s, QString::number(key) };
    }
}

} // namespace

struct alignas(cacheLineBytes) ResultCache::Shard
{
    // Lock-free side: lookups read the index inside an EpochGuard and record hits here.
    ShardIndex index; // find() without the lock; changes under it
    ReadBuffer reads; // hits on their way to the store (recency, frequency)

    ShardLock mutex;
    // Guarded by the mutex.
    std::unique_ptr<ShardStore> store;
    QHash<Key, std::shared_ptr<Flight>> flights;
    quint64 tick = 0; // use counter: CacheEntry::lastUse
    qint64 byteCount = 0;
    ShardStore::EvictedList evictedKeys; // the store's report, scratch
    struct Retired
    {
        quint64 stamp; // Epoch::current() once unlinked
        CacheEntry *entry;
        ShardIndex::Table *table;
    };
    std::vector<Retired> retired; // oldest first
    std::size_t reclaimAt = reclaimBatch;
    std::vector<CacheEntry *> spareEntries; // reclaimed, for the next misses

    // Written under the mutex, read without it by stats() and entries().
    std::atomic<quint64> inserts { 0 };
    std::atomic<quint64> rejected { 0 };
    std::atomic<quint64> replaced { 0 };
    std::atomic<quint64> loads { 0 };
    std::atomic<quint64> loadErrors { 0 };
    std::atomic<quint64> waits { 0 };
    std::array<std::atomic<quint64>, evictionReasonCount> evictions {};
    std::atomic<qint64> entries { 0 };
    std::atomic<qint64> bytes { 0 };

    static constexpr std::size_t reclaimBatch = 64;
    static constexpr std::size_t maxSpareEntries = 256;

    Shard() = default;
    Shard(const Shard &) = delete;
    Shard &operator=(const Shard &) = delete;

    ~Shard()
    {
        // No reader can run any more (the cache is going away): free everything now, the
        // store first (its nodes live inside the entries).
        store.reset();
        index.forEach([](CacheEntry *e) { delete e; });
        for (const Retired &r : retired) {
            delete r.entry;
            delete r.table;
        }
        for (CacheEntry *e : spareEntries)
            delete e;
    }

    void evicted(EvictionReason reason, quint64 n = 1) { bump(evictions[int(reason)], n); }
    void publish()
    {
        entries.store(index.size(), relaxed);
        bytes.store(byteCount, relaxed);
    }

    CacheEntry *newEntry(Key key, CachedResult value)
    {
        CacheEntry *e;
        if (spareEntries.empty()) {
            e = new CacheEntry;
        } else {
            e = spareEntries.back();
            spareEntries.pop_back();
        }
        e->key = key;
        e->value = std::move(value);
        e->lastUse = ++tick;
        e->sizeBytes = e->value.sizeBytes;
        return e;
    }
    /// An entry no reader can reach any more (never published, or reclaimed).
    void recycle(CacheEntry *e)
    {
        if (spareEntries.size() >= maxSpareEntries) {
            delete e;
            return;
        }
        e->value = {}; // the rows go now
        spareEntries.push_back(e);
    }

    // Reclamation: what lock-free readers may still hold is reused two epochs later.
    void retire(CacheEntry *entry, ShardIndex::Table *table)
    {
        retired.push_back({ Epoch::current(), entry, table });
        if (retired.size() < reclaimAt)
            return;
        Epoch::tryAdvance();
        const auto safe = std::find_if(retired.begin(), retired.end(),
            [](const Retired &r) { return !Epoch::isSafe(r.stamp); });
        for (auto it = retired.begin(); it != safe; ++it) {
            if (it->entry)
                recycle(it->entry);
            delete it->table;
        }
        retired.erase(retired.begin(), safe);
        // A reader pinned in an old epoch holds everything back: look again after as many more.
        reclaimAt = std::max(reclaimBatch, 2 * retired.size());
    }

    /// Takes key's entry out of the index (the store has let it go or is told by the caller).
    bool unlink(Key key, EvictionReason reason)
    {
        CacheEntry *e = index.erase(key);
        if (!e)
            return false;
        forget(e, reason);
        return true;
    }
    void forget(CacheEntry *e, EvictionReason reason)
    {
        byteCount -= e->sizeBytes;
        evicted(reason);
        retire(e, nullptr);
    }
    /// Removes a resident key from store and index (the store does not evict it itself).
    bool drop(Key key, EvictionReason reason)
    {
        CacheEntry *e = index.erase(key);
        if (!e)
            return false;
        store->remove(key);
        forget(e, reason);
        return true;
    }
    /// drop() for every key held.
    void dropAll(EvictionReason reason)
    {
        std::vector<Key> keys;
        keys.reserve(std::size_t(index.size()));
        index.forEach([&keys](const CacheEntry *e) { keys.push_back(e->key); });
        for (Key k : keys)
            drop(k, reason);
    }
    /// Unlinks what the store reported evicted.
    void applyEvictions()
    {
        for (const ShardStore::Evicted &v : evictedKeys) {
            if (v.entry) {
                index.erase(v.entry);
                forget(v.entry, EvictionReason::Capacity);
            } else {
                unlink(v.key, EvictionReason::Capacity);
            }
        }
        evictedKeys.clear();
    }

    /// A hit reaching the store: its recency and the entry's use tick.
    void replay(Key key)
    {
        if (CacheEntry *e = store->touch(key, index))
            e->lastUse = ++tick;
    }
    void drain(unsigned stripe)
    {
        reads.drain(stripe, [this](Key k) { replay(k); });
    }
    void drainAll()
    {
        reads.drainAll([this](Key k) { replay(k); });
    }
    /// After a lock-free hit: queue it for the store. A full stripe is drained at once if the
    /// lock is free (always, on one thread, so one thread sees exact LRU); otherwise the hit's
    /// recency is dropped, as Caffeine drops it.
    void recordHit(Key key, unsigned stripe)
    {
        if (reads.offer(stripe, key) != ReadBuffer::Offer::Full)
            return;
        if (!mutex.try_lock())
            return;
        drainAll();
        mutex.unlock();
        reads.offer(stripe, key);
    }

    /// The live entry for key under the lock; an expired one is removed (Expired) and missed.
    CacheEntry *findLive(Key key, qint64 ttlMs, const ResultCache &cache)
    {
        CacheEntry *e = index.find(key);
        if (!e)
            return nullptr;
        if (ttlMs > 0 && cache.isExpired(e->value, ttlMs)) {
            drop(key, EvictionReason::Expired);
            publish();
            return nullptr;
        }
        return e;
    }
    /// A lookup under the lock, after the lock-free one found nothing live: replays this
    /// thread's hits first (so one thread's order holds), then counts a hit or a miss.
    CacheEntry *lookupLocked(
        Key key, qint64 ttlMs, unsigned stripe, const ResultCache &cache, ThreadCounters &counters)
    {
        drain(stripe);
        CacheEntry *e = findLive(key, ttlMs, cache);
        if (!e) {
            counters.addMiss(stripe);
            return nullptr;
        }
        counters.addHit(stripe); // stored (or replaced) by another caller since the first look
        replay(key);
        return e;
    }

    bool insertLocked(Key key, CachedResult value)
    {
        // A value already held leaves either way; when the new one is admitted it takes the
        // old one's place in one store, so concurrent readers never miss the key meanwhile.
        CacheEntry *old = index.find(key);
        if (old) {
            store->remove(key);
            byteCount -= old->sizeBytes;
            bump(replaced); // not an eviction
        }
        CacheEntry *entry = newEntry(key, std::move(value));
        if (!store->admit(*entry, evictedKeys)) {
            recycle(entry); // never published
            if (old) {
                index.erase(old);
                retire(old, nullptr);
            }
            applyEvictions();
            bump(rejected);
            publish();
            return false;
        }
        byteCount += entry->sizeBytes;
        if (old) {
            index.replace(old, entry);
            retire(old, nullptr);
        } else if (ShardIndex::Table *retiredTable = index.insert(entry)) {
            retire(nullptr, retiredTable);
        }
        applyEvictions();
        bump(inserts);
        publish();
        return true;
    }

    /// Loads in flight for key will not store their (possibly older) value.
    /// Registers a load of key: joins its flight, or starts one with this thread as leader.
    std::shared_ptr<Flight> startLoadLocked(Key key)
    {
        std::shared_ptr<Flight> flight = flights.value(key);
        if (!flight) {
            flight = std::make_shared<Flight>();
            flight->leader = std::this_thread::get_id();
            flights.insert(key, flight);
        }
        ++flight->loaders;
        bump(loads);
        return flight;
    }

    /// A load of key ended with `loaded` (stamped by the caller): stored unless the key was
    /// invalidated meanwhile, the flight's waiters given the first answer, and the flight gone
    /// with its last loader. Whether the value was stored.
    bool landLoadLocked(Key key, const std::shared_ptr<Flight> &flight,
        const Result<CachedResult> &loaded, unsigned stripe)
    {
        bool stored = false;
        if (loaded) {
            if (!flight->stale) {
                drain(stripe);
                stored = insertLocked(key, *loaded);
            }
        } else {
            bump(loadErrors);
        }
        if (!flight->result) {
            flight->result = loaded;
            flight->done.notify_all();
        }
        if (--flight->loaders == 0) {
            const auto it = flights.find(key);
            if (it != flights.end() && it.value() == flight)
                flights.erase(it);
        }
        return stored;
    }

    void detachFlight(Key key)
    {
        const auto it = flights.find(key);
        if (it == flights.end())
            return;
        it.value()->stale = true;
        flights.erase(it);
    }
};

Result<std::unique_ptr<ResultCache>> ResultCache::create(
    const ResultCacheConfig &config, Clock clock)
{
    if (config.capacity <= 0)
        return Error { u"must be a positive number of "_s
                + (config.sizeUnit == SizeUnit::Bytes ? u"bytes"_s : u"entries"_s),
            {}, 0, u"capacity"_s, QString::number(config.capacity) };
    if (config.ttlMs < 0)
        return Error { u"must be 0 (no expiry) or a positive number of milliseconds"_s, {}, 0,
            u"ttl-ms"_s, QString::number(config.ttlMs) };
    if (config.shardCount < 0)
        return Error { u"must be 0 (automatic) or a positive number"_s, {}, 0, u"shards"_s,
            QString::number(config.shardCount) };
    int shards = config.shardCount > 0
        ? int(std::bit_ceil(unsigned(std::min(config.shardCount, maxShards))))
        : automaticShardCount(0, config.capacity, config.sizeUnit);
    while (shards > 1 && shards > config.capacity)
        shards /= 2; // every shard keeps room for one entry at least

    std::unique_ptr<ResultCache> cache(
        new ResultCache(config, shards, clock ? std::move(clock) : Clock(monotonicMs)));
    for (int i = 0; i < shards; ++i) {
        auto store = ShardStore::create(config.policy, cache->shardCapacity(i, config.capacity),
            config.sizeUnit, config.seed + quint64(i));
        if (!store)
            return store.error();
        cache->m_shards[i].store = std::move(store).value();
    }
    return cache;
}

ResultCache::ResultCache(const ResultCacheConfig &config, int shardCount, Clock clock)
    : m_shards(std::make_unique<Shard[]>(std::size_t(shardCount)))
    , m_counters(std::make_unique<ThreadCounters>())
    , m_shardCount(shardCount)
    , m_shardMask(quint64(shardCount - 1))
    , m_seed(config.seed)
    , m_clock(std::move(clock))
    , m_policy(config.policy)
    , m_capacity(config.capacity)
    , m_sizeUnit(config.sizeUnit)
    , m_ttlMs(config.ttlMs)
    , m_singleFlight(config.singleFlight)
{
}

ResultCache::~ResultCache() = default;

ResultCache::Shard &ResultCache::shardFor(Key key) const
{
    // Not mixKey()'s bits: the policies index their own tables (KeyIndexMap, the W-TinyLFU
    // sketch) by mixKey(key)'s low bits, and the shard index by its high ones. With the shard
    // taken from the low bits too, every key of a 16-shard cache shared 4 of them, so a policy
    // used one slot in 16 of its table (long probe runs) and one sketch block in 16.
    // Fibonacci hashing of the key itself is independent of both (10 bits: maxShards).
    return m_shards[((key * 0x9E3779B97F4A7C15ULL) >> 54) & m_shardMask];
}

qint64 ResultCache::shardCapacity(int index, qint64 capacity) const
{
    const qint64 n = m_shardCount;
    return capacity / n + (index < capacity % n ? 1 : 0);
}

bool ResultCache::isExpired(const CachedResult &value, qint64 ttlMs) const
{
    return now() - value.insertedMs >= ttlMs;
}

std::optional<CachedResult> ResultCache::lookup(Key key)
{
    Shard &s = shardFor(key);
    const qint64 ttl = ttlMs();
    unsigned stripe;
    {
        EpochGuard guard;
        stripe = guard.threadIndex();
        const CacheEntry *e = s.index.find(key);
        if (!e) {
            m_counters->addMiss(stripe);
            return std::nullopt;
        }
        if (ttl <= 0 || !isExpired(e->value, ttl)) {
            std::optional<CachedResult> value(e->value); // a reference count, under the guard
            m_counters->addHit(stripe);
            s.recordHit(key, stripe);
            return value;
        }
    }
    // Expired: remove it under the lock, unless a fresh value replaced it meanwhile.
    std::lock_guard lock(s.mutex);
    if (const CacheEntry *e = s.lookupLocked(key, ttl, stripe, *this, *m_counters))
        return e->value;
    return std::nullopt;
}

bool ResultCache::contains(Key key) const
{
    EpochGuard guard;
    return shardFor(key).index.find(key) != nullptr;
}

bool ResultCache::insert(Key key, CachedResult value)
{
    Shard &s = shardFor(key);
    value.insertedMs = now();
    const unsigned stripe = Epoch::threadIndex();
    std::lock_guard lock(s.mutex);
    s.drain(stripe); // this thread's earlier hits reach the policy before its insert
    return s.insertLocked(key, std::move(value));
}

bool ResultCache::invalidate(Key key)
{
    Shard &s = shardFor(key);
    std::lock_guard lock(s.mutex);
    const bool held = s.drop(key, EvictionReason::Invalidated);
    s.detachFlight(key);
    s.publish();
    return held;
}

void ResultCache::clear()
{
    for (int i = 0; i < m_shardCount; ++i) {
        Shard &s = m_shards[i];
        std::lock_guard lock(s.mutex);
        s.drainAll();
        s.dropAll(EvictionReason::Invalidated);
        for (const std::shared_ptr<Flight> &flight : std::as_const(s.flights))
            flight->stale = true;
        s.flights.clear();
        s.publish();
    }
}

LoadResult ResultCache::getOrLoadImpl(Key key, LoaderCall call, void *loader)
{
    Shard &s = shardFor(key);
    const qint64 ttl = ttlMs();
    unsigned stripe;
    {
        EpochGuard guard;
        stripe = guard.threadIndex();
        if (const CacheEntry *e = s.index.find(key); e && (ttl <= 0 || !isExpired(e->value, ttl))) {
            CachedResult value = e->value;
            m_counters->addHit(stripe);
            s.recordHit(key, stripe);
            return { std::move(value), LoadOutcome::Hit };
        }
    }
    std::unique_lock lock(s.mutex);
    if (const CacheEntry *entry = s.lookupLocked(key, ttl, stripe, *this, *m_counters))
        return { entry->value, LoadOutcome::Hit };

    std::shared_ptr<Flight> flight = s.flights.value(key);
    if (flight && !flight->result && isSingleFlight()) {
        if (flight->leader == std::this_thread::get_id())
            return { Error { u"the loader asked the cache for its own key"_s, {}, 0, u"key"_s,
                         QString::number(key) },
                LoadOutcome::Waited };
        bump(s.waits);
        flight->done.wait(lock, [&flight] { return flight->result.has_value(); });
        return { *flight->result, LoadOutcome::Waited };
    }
    // Without single-flight every miss loads, but joins the key's flight all the same, so that
    // an invalidation during the load keeps its value out of the cache.
    flight = s.startLoadLocked(key);
    lock.unlock();

    Result<CachedResult> loaded = callLoader(key, call, loader);
    if (loaded)
        loaded->insertedMs = now();

    lock.lock();
    s.landLoadLocked(key, flight, loaded, stripe);
    return { std::move(loaded), LoadOutcome::Loaded };
}

ResultCache::LoadTicket ResultCache::beginLoad(Key key)
{
    Shard &s = shardFor(key);
    std::lock_guard lock(s.mutex);
    LoadTicket ticket;
    ticket.m_key = key;
    ticket.m_flight = s.startLoadLocked(key);
    return ticket;
}

bool ResultCache::isLoadCurrent(const LoadTicket &ticket) const
{
    if (!ticket.m_flight)
        return false;
    Shard &s = shardFor(ticket.m_key);
    std::lock_guard lock(s.mutex);
    return !static_cast<const Flight *>(ticket.m_flight.get())->stale;
}

void ResultCache::countSingleFlightWait(Key key) { bump(shardFor(key).waits); }

bool ResultCache::finishLoad(LoadTicket &ticket, const Result<CachedResult> &loaded)
{
    if (!ticket.m_flight)
        return false;
    const std::shared_ptr<Flight> flight
        = std::static_pointer_cast<Flight>(std::exchange(ticket.m_flight, nullptr));
    Shard &s = shardFor(ticket.m_key);
    const unsigned stripe = Epoch::threadIndex();
    Result<CachedResult> stamped = loaded;
    if (stamped)
        stamped->insertedMs = now();
    std::lock_guard lock(s.mutex);
    return s.landLoadLocked(ticket.m_key, flight, stamped, stripe);
}

Result<void> ResultCache::rebuild(const QString &policyId, qint64 capacity, SizeUnit unit)
{
    // Build every new store before touching a shard, so a failure changes nothing.
    std::vector<std::unique_ptr<ShardStore>> fresh(static_cast<std::size_t>(m_shardCount));
    for (int i = 0; i < m_shardCount; ++i) {
        auto store
            = ShardStore::create(policyId, shardCapacity(i, capacity), unit, m_seed + quint64(i));
        if (!store)
            return store.error();
        fresh[std::size_t(i)] = std::move(store).value();
    }
    const qint64 ttl = ttlMs();
    for (int i = 0; i < m_shardCount; ++i) {
        Shard &s = m_shards[i];
        std::lock_guard lock(s.mutex);
        s.drainAll(); // every recorded use counts in the order below
        std::vector<CacheEntry *> held;
        held.reserve(std::size_t(s.index.size()));
        s.index.forEach([&held](CacheEntry *e) { held.push_back(e); });
        std::sort(held.begin(), held.end(),
            [](const CacheEntry *a, const CacheEntry *b) { return a->lastUse < b->lastUse; });
        s.store = std::move(fresh[std::size_t(i)]);
        // The values stay where readers find them; the new store takes their keys, oldest
        // use first, and what it evicts or refuses leaves the index.
        for (CacheEntry *e : held) {
            const Key key = e->key;
            if (ttl > 0 && isExpired(e->value, ttl))
                s.unlink(key, EvictionReason::Expired);
            else if (!s.store->admit(*e, s.evictedKeys))
                s.unlink(key, EvictionReason::Capacity);
            s.applyEvictions();
        }
        s.publish();
    }
    m_policy = policyId;
    m_capacity.store(capacity, relaxed);
    m_sizeUnit.store(unit, relaxed);
    return {};
}

Result<void> ResultCache::setPolicy(const QString &policyId)
{
    std::lock_guard config(m_configMutex);
    return rebuild(policyId, capacity(), sizeUnit());
}

Result<void> ResultCache::setCapacity(qint64 capacity, SizeUnit unit)
{
    if (capacity <= 0)
        return Error { u"must be a positive number of "_s
                + (unit == SizeUnit::Bytes ? u"bytes"_s : u"entries"_s),
            {}, 0, u"capacity"_s, QString::number(capacity) };
    std::lock_guard config(m_configMutex);
    if (unit != sizeUnit())
        return rebuild(m_policy, capacity, unit);
    for (int i = 0; i < m_shardCount; ++i) {
        Shard &s = m_shards[i];
        std::lock_guard lock(s.mutex);
        s.drainAll();
        const qint64 shardCap = shardCapacity(i, capacity);
        if (shardCap == 0)
            s.dropAll(EvictionReason::Capacity); // some policies cannot shrink to nothing
        s.store->setCapacity(shardCap, s.evictedKeys);
        s.applyEvictions();
        s.publish();
    }
    m_capacity.store(capacity, relaxed);
    return {};
}

Result<void> ResultCache::setTtlMs(qint64 ttlMs)
{
    if (ttlMs < 0)
        return Error { u"must be 0 (no expiry) or a positive number of milliseconds"_s, {}, 0,
            u"ttl-ms"_s, QString::number(ttlMs) };
    m_ttlMs.store(ttlMs, relaxed);
    return {};
}

void ResultCache::setSingleFlight(bool enabled) { m_singleFlight.store(enabled, relaxed); }

QString ResultCache::policy() const
{
    std::lock_guard config(m_configMutex);
    return m_policy;
}

qint64 ResultCache::entries() const
{
    qint64 n = 0;
    for (int i = 0; i < m_shardCount; ++i)
        n += m_shards[i].entries.load(relaxed);
    return n;
}

qint64 ResultCache::bytes() const
{
    qint64 n = 0;
    for (int i = 0; i < m_shardCount; ++i)
        n += m_shards[i].bytes.load(relaxed);
    return n;
}

ResultCacheStats ResultCache::stats() const
{
    ResultCacheStats st;
    st.hits = m_counters->hits();
    st.misses = m_counters->misses();
    for (int i = 0; i < m_shardCount; ++i) {
        const Shard &s = m_shards[i];
        st.inserts += s.inserts.load(relaxed);
        st.rejected += s.rejected.load(relaxed);
        st.replaced += s.replaced.load(relaxed);
        st.loads += s.loads.load(relaxed);
        st.loadErrors += s.loadErrors.load(relaxed);
        st.singleFlightWaits += s.waits.load(relaxed);
        for (int r = 0; r < evictionReasonCount; ++r)
            st.evictions[r] += s.evictions[r].load(relaxed);
        st.entries += s.entries.load(relaxed);
        st.bytes += s.bytes.load(relaxed);
    }
    return st;
}

int ResultCache::defaultShardCount(int threads)
{
    const int t = threads > 0 ? threads : std::max(1, QThread::idealThreadCount());
    return int(std::bit_ceil(unsigned(std::clamp(8 * t, 1, maxShards))));
}

int ResultCache::automaticShardCount(int threads, qint64 capacity, SizeUnit unit)
{
    const qint64 minPerShard = unit == SizeUnit::Bytes ? 128 * 1024 : 128;
    int shards = defaultShardCount(threads);
    while (shards > 1 && capacity / shards < minPerShard)
        shards /= 2;
    return shards;
}

QStringList ResultCache::policyIds()
{
    QStringList ids;
    for (const PolicyInfo &info : policyRegistry()) {
        if (!info.needsFuture)
            ids << info.id;
    }
    if (!ids.contains(u"qcache"_s))
        ids.prepend(u"qcache"_s);
    ids << u"none"_s;
    return ids;
}

} // namespace CacheScope
