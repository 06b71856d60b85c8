#pragma once

#include "core/sizeunit.h"
#include "core/workload/request.h"

#include <QtGlobal>

#include <span>
#include <vector>

namespace CacheScope {

/// The settings of Redis's own eviction (redis-lru, redis-lfu, redis-random); others ignore them.
struct RedisEvictionOptions
{
    int samples = 5; // maxmemory-samples
    int lfuLogFactor = 10; // lfu-log-factor
    int lfuDecayTime = 1; // lfu-decay-time, minutes (0: never decay)
    /// The requests' `time` fields are the clock (seconds); otherwise request i happens at
    /// i / assumedRate seconds.
    bool traceTimes = false;
    double assumedRate = 1000; // requests per second when the trace has no times
};

struct PolicyConfig
{
    qint64 capacity = 0; // objects or bytes, > 0
    SizeUnit sizeUnit = SizeUnit::Objects;
    quint64 seed = 42; // for randomised policies; same seed, same victims
    RedisEvictionOptions redis = {};
};

struct PolicyStats
{
    quint64 requests = 0;
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 evictions = 0;
    quint64 bytesRequested = 0;
    quint64 bytesMissed = 0;

    double missRatio() const { return requests ? double(misses) / double(requests) : 0.0; }
    double byteMissRatio() const
    {
        return bytesRequested ? double(bytesMissed) / double(bytesRequested) : 0.0;
    }
};

/// A cache replacement policy over keys and sizes only (no values), single-threaded.
///
/// Semantics follow libCacheSim: every request is a get; a miss inserts the object, evicting
/// until it fits; an object larger than the whole cache is counted as a miss and not admitted;
/// no warm-up. The same classes serve offline simulation (accessBatch: one virtual call per
/// batch), shadow caches and the live ResultCache (access, lastEvicted, remove).
class CachePolicy
{
public:
    explicit CachePolicy(const PolicyConfig &config)
        : m_capacity(config.capacity)
        , m_sizeUnit(config.sizeUnit)
    {
    }
    virtual ~CachePolicy() = default;
    CachePolicy(const CachePolicy &) = delete;
    CachePolicy &operator=(const CachePolicy &) = delete;

    /// One request; true on a hit. The keys this call evicted are in lastEvicted().
    virtual bool access(const Request &request) = 0;
    /// Many requests in order, without recording evicted keys: the simulation hot loop.
    virtual void accessBatch(std::span<const Request> requests) = 0;
    /// Whether the key is resident (no reordering, no statistics).
    virtual bool contains(Key key) const = 0;
    /// Drops a resident key (invalidation); not counted as an eviction. False if absent.
    virtual bool remove(Key key) = 0;
    /// Changes the capacity, evicting until the contents fit (keys in lastEvicted()).
    virtual void setCapacity(qint64 capacity) = 0;
    /// Resident objects.
    virtual qint64 entryCount() const = 0;
    /// Approximate heap bytes of the policy's own metadata.
    virtual std::size_t memoryBytes() const = 0;

    const std::vector<Key> &lastEvicted() const { return m_evicted; }
    const PolicyStats &stats() const { return m_stats; }
    void resetStats() { m_stats = {}; }
    qint64 capacity() const { return m_capacity; }
    /// Occupied capacity: objects, or bytes in byte mode.
    qint64 used() const { return m_used; }
    SizeUnit sizeUnit() const { return m_sizeUnit; }

protected:
    PolicyStats m_stats;
    qint64 m_capacity;
    qint64 m_used = 0;
    SizeUnit m_sizeUnit;
    std::vector<Key> m_evicted;
};

/// An evicted entry as a policy's evict() reports it.
struct Victim
{
    Key key;
    quint32 size;
};

/// CRTP helper: the derived policy's find/insert/evict inline into one loop, and the virtual
/// call is paid once per batch. A derived class provides
///   bool find(const Request &);      // hit: update recency/frequency; miss: may note ghosts
///   void insert(const Request &);    // the object fits when this is called
///   Victim evict();                  // removes one resident entry
///   bool erase(Key);                 // removes a resident key (invalidation)
///   bool contains(Key) const; qint64 entryCount() const; std::size_t memoryBytes() const;
/// A policy whose miss path does not fit find/evict/insert (W-TinyLFU's admission) may define
/// its own `template <bool Record> bool step(const Request &)` that hides the one here.
template <typename Derived> class PolicyBase : public CachePolicy
{
public:
    using CachePolicy::CachePolicy;

    bool access(const Request &request) final
    {
        m_evicted.clear();
        return self().template step<true>(request);
    }
    void accessBatch(std::span<const Request> requests) final
    {
        Derived &d = self();
        for (const Request &r : requests)
            d.template step<false>(r);
    }
    bool contains(Key key) const override { return static_cast<const Derived &>(*this).has(key); }
    bool remove(Key key) override { return self().erase(key); }
    void setCapacity(qint64 capacity) override
    {
        m_evicted.clear();
        m_capacity = capacity;
        while (m_used > m_capacity && self().entryCount() > 0)
            evictOne<true>();
    }

    template <bool Record> bool step(const Request &r)
    {
        Derived &d = self();
        const quint32 size = requestSize(r);
        ++m_stats.requests;
        m_stats.bytesRequested += r.size;
        if (d.find(r)) {
            ++m_stats.hits;
            return true;
        }
        ++m_stats.misses;
        m_stats.bytesMissed += r.size;
        if (qint64(size) > m_capacity)
            return false; // larger than the whole cache: never admitted
        while (m_used + qint64(size) > m_capacity)
            evictOne<Record>();
        d.insert(r);
        m_used += size;
        return false;
    }

protected:
    Derived &self() { return static_cast<Derived &>(*this); }

    /// Sizes `tables` (each with reserve(n)) for `entries` entries plus the one a miss adds
    /// before its eviction, up front: only in object mode and below 2^24 objects, where the
    /// capacity bounds what the tables will hold. Byte mode and huge caches grow on demand.
    template <typename... Tables>
    static void reserveUpFront(const PolicyConfig &config, qint64 entries, Tables &...tables)
    {
        if (config.sizeUnit == SizeUnit::Objects && config.capacity < (1 << 24))
            (tables.reserve(std::size_t(entries) + 1), ...);
    }

    /// The size the policy accounts: 1 in object mode.
    quint32 requestSize(const Request &r) const
    {
        return m_sizeUnit == SizeUnit::Objects ? 1u : r.size;
    }

    template <bool Record> void evictOne()
    {
        const Victim v = self().evict();
        m_used -= v.size;
        ++m_stats.evictions;
        if constexpr (Record)
            m_evicted.push_back(v.key);
    }

    /// For policies that evict from their own step(): accounts one eviction.
    template <bool Record> void noteEviction(Key key, quint32 size)
    {
        m_used -= size;
        ++m_stats.evictions;
        if constexpr (Record)
            m_evicted.push_back(key);
    }
};

} // namespace CacheScope
