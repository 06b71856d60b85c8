#pragma once

#include "core/cache/cachedresult.h"
#include "core/error.h"
#include "core/metrics/counters.h"
#include "core/policy/cachepolicy.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>

namespace CacheScope {

class ShardStore;
class ThreadCounters;

struct ResultCacheConfig
{
    QString policy = QStringLiteral("qcache"); // a registry id, "qcache" or "none"
    qint64 capacity = 10000; // entries, or bytes in byte mode; > 0
    SizeUnit sizeUnit = SizeUnit::Objects;
    int shardCount = 0; // 0: automaticShardCount(); otherwise rounded up to a power of two
    qint64 ttlMs = 0; // expire after write; 0: never
    bool singleFlight = false;
    quint64 seed = 42; // for randomised policies (each shard gets its own stream)
};

/// Counts since the cache was made, and its state now. Read without locks.
struct ResultCacheStats
{
    quint64 hits = 0;
    quint64 misses = 0; // lookups that found nothing, or an expired entry
    quint64 inserts = 0; // values stored (insert() and getOrLoad() loads)
    quint64 rejected = 0; // values the policy did not admit (larger than a shard, `none`, ...)
    quint64 replaced = 0; // inserts over a held key: the older value left, not an eviction
    quint64 loads = 0; // loader calls made by getOrLoad()
    quint64 loadErrors = 0; // loader calls that returned an error or threw
    quint64 singleFlightWaits = 0; // getOrLoad() misses served by another caller's loader
    std::array<quint64, evictionReasonCount> evictions {};
    qint64 entries = 0;
    qint64 bytes = 0; // CachedResult::sizeBytes of the entries held
    // Every stored value leaves once, for one reason, so at any quiet moment
    // entries == inserts - replaced - evictions(capacity + expired + invalidated).

    quint64 evictionCount(EvictionReason reason) const { return evictions[int(reason)]; }
    std::optional<double> hitRatio() const
    {
        const quint64 reads = hits + misses;
        return reads ? std::optional<double>(double(hits) / double(reads)) : std::nullopt;
    }
};

/// How getOrLoad() answered.
enum class LoadOutcome {
    Hit, // from the cache
    Loaded, // this call ran the loader
    Waited, // single-flight: another call's loader answered (its value or its error)
};

struct LoadResult
{
    Result<CachedResult> result;
    LoadOutcome outcome;
};

/// The thread-safe query-result cache of the live engine.
///
/// Sharded by key hash: each shard is an index of its values, a store deciding residency (the
/// policy), a lock and its in-flight loads. Capacity is split evenly over the shards, so a key
/// set that hashes unevenly can miss before the whole capacity is used, as in any sharded
/// cache; a shard holds at most its share. Policies: `qcache` (default) is a real QCache whose
/// cost is 1 per entry, or the result's bytes in byte mode; every other registry policy
/// decides residency over keys and costs; `opt` and other needsFuture policies are refused;
/// `none` stores nothing.
///
/// Reads take no lock (Caffeine's design): lookup() finds the entry in the shard's index, an
/// open-addressing table of atomic pointers, copies the implicitly shared value out, and
/// records the hit in a striped read buffer. The policy learns of hits in batches, replayed by
/// whoever holds the shard lock: when a thread's stripe (16 hits) is full, and before that
/// thread's next insert, so one thread alone sees exact LRU order. A full stripe whose drain
/// finds the lock taken drops that hit's recency (never a value or a count), as Caffeine does.
/// Unlinked entries are freed by epoch-based reclamation once no lookup can still hold them.
/// Misses, inserts, invalidation and reconfiguration lock their shard. Values out, never
/// pointers (STYLE.md).
///
/// TTL is expire-after-write: an entry found older than ttlMs is removed, counted as an Expired
/// eviction and the lookup misses. Changing the TTL applies to entries already held.
///
/// Reconfiguration is live and safe while other threads use the cache; it goes shard by shard,
/// so for a moment some shards run the old setting. setPolicy() carries the contents over: each
/// shard's entries are re-inserted into the new policy oldest use first (the shard keeps a use
/// tick per entry), so recency survives the switch and a smaller new policy keeps the most
/// recently used; frequency and ghost history do not survive. Entries that no longer fit count
/// as Capacity evictions, expired ones as Expired; switching to `none` drops everything
/// (Capacity). Each shard is locked while it is moved.
class ResultCache
{
public:
    /// Milliseconds from any fixed origin, never decreasing: drives TTL. Read on every insert.
    /// The default is the coarse monotonic clock (a few ms resolution); tests inject their own.
    using Clock = std::function<qint64()>;

    /// Validates the configuration (policy id, capacity > 0, ttl >= 0) and builds the cache.
    static Result<std::unique_ptr<ResultCache>> create(
        const ResultCacheConfig &config, Clock clock = {});
    ~ResultCache();
    ResultCache(const ResultCache &) = delete;
    ResultCache &operator=(const ResultCache &) = delete;

    /// The value for key, or nothing (absent or expired). Counts a hit or a miss.
    std::optional<CachedResult> lookup(Key key);
    /// Whether key is held (an expired entry counts until a lookup finds it); no statistics, no
    /// recency update (tests, tools).
    bool contains(Key key) const;
    /// Stores value under key (replacing an older value), stamped with the clock; false if the
    /// policy did not admit it.
    bool insert(Key key, CachedResult value);
    /// Drops key (after a write to its row); true if it was held. A load of key in flight at
    /// that moment still answers its callers but is not stored, so no read that starts after
    /// the write can see the old row.
    bool invalidate(Key key);
    /// Drops every entry, counted as Invalidated.
    void clear();

    /// The cached value, or the loader's: on a miss `loader()` (returning Result<CachedResult>
    /// or CachedResult) runs without any lock held and its value is stored. With single-flight
    /// on, concurrent misses on one key wait for one loader call and get its value or its
    /// error. An exception from the loader becomes an Error for every caller. The loader must
    /// not call getOrLoad() for the same key (with single-flight on that is reported as an
    /// Error instead of a deadlock).
    template <typename Loader> LoadResult getOrLoad(Key key, Loader &&loader)
    {
        using F = std::remove_reference_t<Loader>;
        const LoaderCall call
            = [](void *f) -> Result<CachedResult> { return (*static_cast<F *>(f))(); };
        return getOrLoadImpl(key, call, const_cast<void *>(static_cast<const void *>(&loader)));
    }

    /// A load an event loop runs without blocking (the pipeline engine): begun after lookup()
    /// missed, finished when the answer arrives, perhaps much later and after other loads.
    /// Between the two it is a load in flight as getOrLoad()'s are: an invalidation of the key
    /// meanwhile keeps its value out of the cache. Waiting for another caller's load of the
    /// same key is the event loop's business (getOrLoad()'s waiters are not told).
    class LoadTicket
    {
    public:
        LoadTicket() = default;
        bool isActive() const { return bool(m_flight); }
        Key key() const { return m_key; }

    private:
        friend class ResultCache;
        Key m_key = 0;
        std::shared_ptr<void> m_flight;
    };
    LoadTicket beginLoad(Key key);
    /// Whether the ticket's load is still one whose value may be shared: no invalidation of its
    /// key came since it began (a request that starts after a write must not wait for a load
    /// that began before it).
    bool isLoadCurrent(const LoadTicket &ticket) const;
    /// A miss the caller answers with another caller's load of `key` (an event loop's own
    /// single-flight): counted as getOrLoad()'s waits are.
    void countSingleFlightWait(Key key);
    /// Stores the value (unless the key was invalidated since beginLoad()) and ends the load;
    /// an error is counted as a failed load. Returns whether the value was stored. The ticket
    /// is spent afterwards.
    bool finishLoad(LoadTicket &ticket, const Result<CachedResult> &loaded);

    /// Switches every shard to another policy, carrying the contents over (see the class
    /// comment). An unknown id, a needsFuture policy or a failing creation leave the cache as
    /// it was.
    Result<void> setPolicy(const QString &policyId);
    /// Resizes in place (same unit) evicting what no longer fits; a new unit rebuilds the
    /// shards as setPolicy() does. capacity > 0.
    Result<void> setCapacity(qint64 capacity, SizeUnit unit);
    Result<void> setCapacity(qint64 capacity) { return setCapacity(capacity, sizeUnit()); }
    /// 0 turns expiry off. Negative values are refused.
    Result<void> setTtlMs(qint64 ttlMs);
    void setSingleFlight(bool enabled);

    QString policy() const;
    qint64 capacity() const { return m_capacity.load(std::memory_order_relaxed); }
    SizeUnit sizeUnit() const { return m_sizeUnit.load(std::memory_order_relaxed); }
    qint64 ttlMs() const { return m_ttlMs.load(std::memory_order_relaxed); }
    bool isSingleFlight() const { return m_singleFlight.load(std::memory_order_relaxed); }
    int shardCount() const { return m_shardCount; }

    /// Entries held and their bytes, summed over the shards without locking.
    qint64 entries() const;
    qint64 bytes() const;
    ResultCacheStats stats() const;

    /// The next power of two of 8 x threads (idealThreadCount when threads <= 0), at most 1024:
    /// only misses take a shard lock, and at 2 threads 16 shards ran bench-cache 7-10% faster
    /// than 8.
    static int defaultShardCount(int threads = 0);
    /// defaultShardCount(threads), halved while a shard would hold fewer than 128 entries (128
    /// KiB in byte mode): each shard is its own small cache, so a tiny capacity split over many
    /// shards would evict far earlier than one cache of that size (an LRU of 100 over 64 shards
    /// is 64 LRUs of 1 or 2). Used when ResultCacheConfig::shardCount is 0.
    static int automaticShardCount(int threads, qint64 capacity, SizeUnit unit);
    /// Ids setPolicy() accepts: the live-capable registry policies, "qcache" and "none".
    static QStringList policyIds();

private:
    struct Shard;
    using LoaderCall = Result<CachedResult> (*)(void *);

    ResultCache(const ResultCacheConfig &config, int shardCount, Clock clock);
    Shard &shardFor(Key key) const;
    qint64 shardCapacity(int index, qint64 capacity) const;
    qint64 now() const { return m_clock(); }
    bool isExpired(const CachedResult &value, qint64 ttlMs) const;
    LoadResult getOrLoadImpl(Key key, LoaderCall call, void *loader);
    Result<void> rebuild(const QString &policyId, qint64 capacity, SizeUnit unit);

    std::unique_ptr<Shard[]> m_shards;
    std::unique_ptr<ThreadCounters> m_counters; // hits and misses, per thread
    int m_shardCount;
    quint64 m_shardMask;
    quint64 m_seed;
    Clock m_clock;

    mutable std::mutex m_configMutex; // serialises reconfiguration; guards m_policy
    QString m_policy;
    std::atomic<qint64> m_capacity;
    std::atomic<SizeUnit> m_sizeUnit;
    std::atomic<qint64> m_ttlMs;
    std::atomic<bool> m_singleFlight;
};

} // namespace CacheScope
