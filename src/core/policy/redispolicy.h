#pragma once

#include "core/keyindexmap.h"
#include "core/policy/cachepolicy.h"
#include "core/workload/xoshiro256.h"

#include <array>
#include <vector>

namespace CacheScope {

enum class RedisEviction { Lru, Lfu, Random };

/// Redis's own eviction (`maxmemory-policy` allkeys-lru, allkeys-lfu, allkeys-random), modelled
/// on Redis 7.0's evict.c, object.c and db.c so that a what-if compares like with like.
///
/// The model, per request (RedisEvictionOptions sets K, the LFU factors and the clock):
/// - **Clock.** Redis reads a cached wall clock: the LRU clock counts whole seconds
///   (LRU_CLOCK_RESOLUTION 1000 ms), the LFU clock whole minutes of Unix time. The model's
///   clock is the request's `time` (seconds; trace readers keep second boundaries where the
///   trace has them) when `traceTimes`, else request i is at i / assumedRate seconds. Redis
///   wraps its clocks (24 bits of seconds, 16 bits of minutes); the model does not (traces
///   shorter than 45 days behave the same).
/// - **Access.** A hit stamps the entry: LRU with the current second; LFU with the decayed
///   counter incremented logarithmically (LFULogIncr: +1 with probability
///   1 / ((c - 5) * lfu-log-factor + 1), saturating at 255) and the current minute. Decay
///   (LFUDecrAndReturn) subtracts one per `lfu-decay-time` minutes elapsed since that stamp.
///   A miss inserts the key (LFU counter LFU_INIT_VAL 5) and only then evicts while over
///   capacity: Redis evicts before the next command, so the key just written is a candidate.
/// - **Eviction (LRU, LFU).** As evictionPoolPopulate: sample K distinct resident keys
///   uniformly (all of them when K >= entries), score each (LRU: idle seconds; LFU: 255 minus
///   the decayed counter), insert each into the 16-entry pool kept in ascending score (a new
///   score goes left of equal ones; a full pool drops its lowest, and a score below all of a
///   full pool is not taken), then pop from the pool's best end until a key that is still
///   resident turns up (a removed key is a ghost and is skipped); when every entry was a ghost,
///   sample again. Pool entries keep the score they were sampled with: a key that was read
///   after it entered the pool can still be evicted by it, exactly as in Redis. This is why
///   redis-lru with K >= capacity is not exactly lru even on a fine clock; with a pool of one
///   entry (the `poolSize` argument, for tests) it is.
/// - **Random.** allkeys-random: a uniformly random resident key (the new one included).
///
/// Approximations: Redis's dictGetSomeKeys walks adjacent hash buckets from a random start
/// (a near-uniform sample, and the order of equal scores follows the table); the model draws
/// uniformly. Redis evicts by bytes (`used_memory` against `maxmemory`); the model counts
/// objects or the requests' sizes, so compare at the number of keys Redis holds (DBSIZE).
/// Redis's clocks are refreshed by serverCron (10 Hz by default), which the model ignores.
/// Random draws (sampling, LFU increments) come from xoshiro256** seeded with
/// PolicyConfig::seed: the same seed and requests give the same victims.
class RedisPolicy final : public PolicyBase<RedisPolicy>
{
public:
    static constexpr int evictionPoolSize = 16; // EVPOOL_SIZE
    static constexpr quint8 lfuInitVal = 5; // LFU_INIT_VAL

    RedisPolicy(const PolicyConfig &config, RedisEviction kind, int poolSize = evictionPoolSize);

    template <bool Record> bool step(const Request &r)
    {
        advanceClock(r);
        ++m_stats.requests;
        m_stats.bytesRequested += r.size;
        const quint32 i = m_map.find(r.key);
        if (i != KeyIndexMap::npos) {
            touch(m_entries[i]);
            ++m_stats.hits;
            return true;
        }
        ++m_stats.misses;
        m_stats.bytesMissed += r.size;
        const quint32 size = requestSize(r);
        if (qint64(size) > m_capacity)
            return false; // larger than the whole cache: never admitted
        insert(r.key, size);
        while (m_used > m_capacity)
            evictOne<Record>();
        return false;
    }

    Victim evict();
    bool erase(Key key);
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    qint64 entryCount() const override { return qint64(m_entries.size()); }
    std::size_t memoryBytes() const override
    {
        return m_map.memoryBytes() + m_entries.capacity() * sizeof(Entry)
            + m_samples.capacity() * sizeof(quint32) + sizeof(m_pool);
    }

    /// LFU: the key's counter as Redis would report it now (OBJECT FREQ), -1 if absent.
    int frequency(Key key) const;
    /// LRU: the second of the key's last access, -1 if absent.
    qint64 lastAccessSecond(Key key) const;

private:
    struct Entry
    {
        Key key = 0;
        quint32 size = 0;
        quint32 stamp = 0; // LRU: second of the last access; LFU: minute of the last decrement
        quint8 counter = 0; // LFU: logarithmic access counter
    };
    struct PoolEntry
    {
        Key key = 0;
        quint64 score = 0; // idle seconds (LRU) or 255 - counter (LFU): higher is evicted first
    };

    void advanceClock(const Request &r)
    {
        m_nowMs = m_traceTimes ? quint64(r.time) * 1000
                               : quint64(double(m_requestIndex) * m_msPerRequest);
        ++m_requestIndex;
    }
    quint32 nowSeconds() const { return quint32(m_nowMs / 1000); }
    quint32 nowMinutes() const { return quint32(m_nowMs / 60000); }
    void touch(Entry &e);
    void insert(Key key, quint32 size);
    /// LFUDecrAndReturn: the counter after the decay periods elapsed since its stamp.
    quint8 decayedCounter(const Entry &e) const;
    quint64 score(const Entry &e) const;
    void populatePool();
    void offerToPool(Key key, quint64 score);
    void sampleIndices();
    /// Drops the entry at `pos` (already out of the map) by moving the last one into it.
    void removeAt(quint32 pos);

    RedisEviction m_kind;
    int m_sampleCount; // maxmemory-samples
    int m_poolSize;
    int m_lfuLogFactor;
    int m_lfuDecayTime;
    bool m_traceTimes;
    double m_msPerRequest;
    quint64 m_requestIndex = 0;
    quint64 m_nowMs = 0;
    Xoshiro256 m_rng;
    KeyIndexMap m_map; // key -> position in m_entries
    std::vector<Entry> m_entries; // dense: a uniform draw is one index
    std::vector<quint32> m_samples; // scratch: positions drawn by one populatePool()
    std::array<PoolEntry, evictionPoolSize> m_pool {};
    int m_poolUsed = 0; // entries [0, m_poolUsed) are in use, in ascending score
};

} // namespace CacheScope
