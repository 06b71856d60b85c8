#include "core/cache/resultcache.h"

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
    ShardLock mutex;
    std::unique_ptr<ShardStore> store;
    QHash<Key, std::shared_ptr<Flight>> flights;
    quint64 tick = 0; // use counter: StoredEntry::lastUse
    quint64 seenEvictions = 0; // store->evictedTotal() already counted
    quint64 seenReplaced = 0; // store->replacedTotal() already counted

    // Written under the mutex, read without it by stats() and entries().
    std::atomic<quint64> hits { 0 };
    std::atomic<quint64> misses { 0 };
    std::atomic<quint64> inserts { 0 };
    std::atomic<quint64> rejected { 0 };
    std::atomic<quint64> replaced { 0 };
    std::atomic<quint64> loads { 0 };
    std::atomic<quint64> loadErrors { 0 };
    std::atomic<quint64> waits { 0 };
    std::array<std::atomic<quint64>, evictionReasonCount> evictions {};
    std::atomic<qint64> entries { 0 };
    std::atomic<qint64> bytes { 0 };

    void evicted(EvictionReason reason, quint64 n = 1) { bump(evictions[int(reason)], n); }

    /// After a change to the store: count its capacity evictions, publish its size.
    void publish()
    {
        const quint64 total = store->evictedTotal();
        if (total != seenEvictions) {
            evicted(EvictionReason::Capacity, total - seenEvictions);
            seenEvictions = total;
        }
        const quint64 replacedNow = store->replacedTotal();
        if (replacedNow != seenReplaced) {
            bump(replaced, replacedNow - seenReplaced); // not an eviction
            seenReplaced = replacedNow;
        }
        entries.store(store->entryCount(), relaxed);
        bytes.store(store->bytes(), relaxed);
    }

    /// The live entry for key, marked used; an expired one is removed (Expired) and missed.
    StoredEntry *findLive(Key key, qint64 ttlMs, const ResultCache &cache)
    {
        StoredEntry *entry = store->find(key);
        if (!entry)
            return nullptr;
        if (ttlMs > 0 && cache.isExpired(entry->value, ttlMs)) {
            store->remove(key);
            evicted(EvictionReason::Expired);
            publish();
            return nullptr;
        }
        entry->lastUse = ++tick;
        return entry;
    }

    bool insertLocked(Key key, CachedResult value)
    {
        const bool admitted = store->insert(key, StoredEntry { std::move(value), ++tick });
        bump(admitted ? inserts : rejected);
        publish();
        return admitted;
    }

    /// Loads in flight for key will not store their (possibly older) value.
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
    return m_shards[mixKey(key) & m_shardMask];
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
    std::lock_guard lock(s.mutex);
    if (const StoredEntry *entry = s.findLive(key, ttl, *this)) {
        bump(s.hits);
        return entry->value;
    }
    bump(s.misses);
    return std::nullopt;
}

bool ResultCache::contains(Key key) const
{
    Shard &s = shardFor(key);
    std::lock_guard lock(s.mutex);
    return s.store->contains(key);
}

bool ResultCache::insert(Key key, CachedResult value)
{
    Shard &s = shardFor(key);
    value.insertedMs = now();
    std::lock_guard lock(s.mutex);
    return s.insertLocked(key, std::move(value));
}

bool ResultCache::invalidate(Key key)
{
    Shard &s = shardFor(key);
    std::lock_guard lock(s.mutex);
    const bool held = s.store->remove(key);
    if (held)
        s.evicted(EvictionReason::Invalidated);
    s.detachFlight(key);
    s.publish();
    return held;
}

void ResultCache::clear()
{
    for (int i = 0; i < m_shardCount; ++i) {
        Shard &s = m_shards[i];
        std::lock_guard lock(s.mutex);
        s.evicted(EvictionReason::Invalidated, s.store->takeAll().size());
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
    std::unique_lock lock(s.mutex);
    if (const StoredEntry *entry = s.findLive(key, ttl, *this)) {
        bump(s.hits);
        return { entry->value, LoadOutcome::Hit };
    }
    bump(s.misses);

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
    if (!flight) {
        flight = std::make_shared<Flight>();
        flight->leader = std::this_thread::get_id();
        s.flights.insert(key, flight);
    }
    ++flight->loaders;
    bump(s.loads);
    lock.unlock();

    Result<CachedResult> loaded = callLoader(key, call, loader);
    const qint64 stamp = now();

    lock.lock();
    if (loaded) {
        loaded->insertedMs = stamp;
        if (!flight->stale)
            s.insertLocked(key, *loaded);
    } else {
        bump(s.loadErrors);
    }
    if (!flight->result) {
        flight->result = loaded;
        flight->done.notify_all();
    }
    if (--flight->loaders == 0) {
        const auto it = s.flights.find(key);
        if (it != s.flights.end() && it.value() == flight)
            s.flights.erase(it);
    }
    return { std::move(loaded), LoadOutcome::Loaded };
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
        std::vector<std::pair<Key, StoredEntry>> entries = s.store->takeAll();
        s.publish();
        std::sort(entries.begin(), entries.end(),
            [](const auto &a, const auto &b) { return a.second.lastUse < b.second.lastUse; });
        s.store = std::move(fresh[std::size_t(i)]);
        s.seenEvictions = 0;
        s.seenReplaced = 0;
        quint64 expired = 0;
        quint64 dropped = 0;
        for (auto &[key, entry] : entries) {
            if (ttl > 0 && isExpired(entry.value, ttl))
                ++expired;
            else if (!s.store->insert(key, std::move(entry)))
                ++dropped;
        }
        s.evicted(EvictionReason::Expired, expired);
        s.evicted(EvictionReason::Capacity, dropped);
        s.publish(); // adds what the new policy evicted while taking the entries in
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
        s.store->setCapacity(shardCapacity(i, capacity));
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
    for (int i = 0; i < m_shardCount; ++i) {
        const Shard &s = m_shards[i];
        st.hits += s.hits.load(relaxed);
        st.misses += s.misses.load(relaxed);
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
    return int(std::bit_ceil(unsigned(std::clamp(4 * t, 1, maxShards))));
}

int ResultCache::automaticShardCount(int threads, qint64 capacity, SizeUnit unit)
{
    const qint64 minPerShard = unit == SizeUnit::Bytes ? 64 * 1024 : 64;
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
