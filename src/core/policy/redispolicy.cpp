#include "core/policy/redispolicy.h"

#include <algorithm>

namespace CacheScope {

RedisPolicy::RedisPolicy(const PolicyConfig &config, RedisEviction kind, int poolSize)
    : PolicyBase(config)
    , m_kind(kind)
    , m_sampleCount(std::max(config.redis.samples, 1))
    , m_poolSize(std::clamp(poolSize, 1, evictionPoolSize))
    , m_lfuLogFactor(std::max(config.redis.lfuLogFactor, 0))
    , m_lfuDecayTime(std::max(config.redis.lfuDecayTime, 0))
    , m_traceTimes(config.redis.traceTimes)
    , m_msPerRequest(config.redis.assumedRate > 0 ? 1000.0 / config.redis.assumedRate : 1.0)
    , m_rng(config.seed)
{
    reserveUpFront(config, config.capacity, m_map, m_entries);
}

void RedisPolicy::touch(Entry &e)
{
    switch (m_kind) {
    case RedisEviction::Lru:
        e.stamp = nowSeconds();
        break;
    case RedisEviction::Lfu: {
        quint8 c = decayedCounter(e);
        if (c < 255) {
            const double base = c > lfuInitVal ? double(c - lfuInitVal) : 0.0;
            if (m_rng.nextDouble() < 1.0 / (base * m_lfuLogFactor + 1.0))
                ++c;
        }
        e.counter = c;
        e.stamp = nowMinutes();
        break;
    }
    case RedisEviction::Random:
        break;
    }
}

void RedisPolicy::insert(Key key, quint32 size)
{
    Entry e;
    e.key = key;
    e.size = size;
    e.stamp = m_kind == RedisEviction::Lfu ? nowMinutes() : nowSeconds();
    e.counter = lfuInitVal;
    m_map.insert(key, quint32(m_entries.size()));
    m_entries.push_back(e);
    m_used += size;
}

quint8 RedisPolicy::decayedCounter(const Entry &e) const
{
    if (m_lfuDecayTime == 0)
        return e.counter;
    const quint32 now = nowMinutes();
    const quint32 periods = (now > e.stamp ? now - e.stamp : 0) / quint32(m_lfuDecayTime);
    return periods >= e.counter ? 0 : quint8(e.counter - periods);
}

quint64 RedisPolicy::score(const Entry &e) const
{
    if (m_kind == RedisEviction::Lfu)
        return 255 - decayedCounter(e);
    const quint32 now = nowSeconds();
    return now > e.stamp ? now - e.stamp : 0;
}

void RedisPolicy::sampleIndices()
{
    m_samples.clear();
    const auto n = quint32(m_entries.size());
    if (quint32(m_sampleCount) >= n) {
        // Every key, from a random start (the order only matters among equal scores).
        const auto start = quint32(m_rng.bounded(n));
        for (quint32 j = 0; j < n; ++j)
            m_samples.push_back(start + j < n ? start + j : start + j - n);
        return;
    }
    while (m_samples.size() < std::size_t(m_sampleCount)) {
        const auto pos = quint32(m_rng.bounded(n));
        if (std::find(m_samples.begin(), m_samples.end(), pos) == m_samples.end())
            m_samples.push_back(pos);
    }
}

void RedisPolicy::offerToPool(Key key, quint64 s)
{
    // evictionPoolPopulate's insertion: ascending scores, a new score left of equal ones.
    int k = 0;
    while (k < m_poolUsed && m_pool[std::size_t(k)].score < s)
        ++k;
    if (k == 0 && m_poolUsed == m_poolSize)
        return; // no better than the worst of a full pool
    if (m_poolUsed < m_poolSize) {
        std::move_backward(
            m_pool.begin() + k, m_pool.begin() + m_poolUsed, m_pool.begin() + m_poolUsed + 1);
        ++m_poolUsed;
    } else {
        --k; // full: drop the lowest score, shifting the left part down
        std::move(m_pool.begin() + 1, m_pool.begin() + k + 1, m_pool.begin());
    }
    m_pool[std::size_t(k)] = { key, s };
}

void RedisPolicy::populatePool()
{
    sampleIndices();
    for (const quint32 pos : m_samples) {
        const Entry &e = m_entries[pos];
        offerToPool(e.key, score(e));
    }
}

Victim RedisPolicy::evict()
{
    quint32 pos = KeyIndexMap::npos;
    if (m_kind == RedisEviction::Random) {
        pos = quint32(m_rng.bounded(m_entries.size()));
        m_map.erase(m_entries[pos].key);
    } else {
        while (pos == KeyIndexMap::npos) {
            populatePool();
            while (m_poolUsed > 0 && pos == KeyIndexMap::npos) {
                const Key key = m_pool[std::size_t(--m_poolUsed)].key;
                pos = m_map.erase(key); // npos: a ghost (removed since it was pooled)
            }
        }
    }
    const Victim v { m_entries[pos].key, m_entries[pos].size };
    removeAt(pos);
    return v;
}

void RedisPolicy::removeAt(quint32 pos)
{
    const auto last = quint32(m_entries.size() - 1);
    if (pos != last) {
        m_entries[pos] = m_entries[last];
        m_map.update(m_entries[pos].key, pos);
    }
    m_entries.pop_back();
}

bool RedisPolicy::erase(Key key)
{
    const quint32 pos = m_map.erase(key);
    if (pos == KeyIndexMap::npos)
        return false;
    m_used -= m_entries[pos].size;
    removeAt(pos);
    return true; // a pool entry for the key stays, as a ghost
}

int RedisPolicy::frequency(Key key) const
{
    const quint32 pos = m_map.find(key);
    return pos == KeyIndexMap::npos ? -1 : int(decayedCounter(m_entries[pos]));
}

qint64 RedisPolicy::lastAccessSecond(Key key) const
{
    const quint32 pos = m_map.find(key);
    return pos == KeyIndexMap::npos ? -1 : qint64(m_entries[pos].stamp);
}

} // namespace CacheScope
