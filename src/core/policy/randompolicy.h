#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"

#include <vector>

namespace CacheScope {

/// RANDOM: evicts a uniformly chosen resident entry; hits change nothing. The residents sit
/// in a dense array (swap-remove keeps it dense), so a victim is one draw and one index.
/// Seeded from PolicyConfig::seed: the same seed and requests give the same victims.
/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021)
/// seeded by splitmix64, with Lemire's unbiased bounded draw ("Fast random integer generation
/// in an interval", 2019). The classic baseline, e.g. Belady, IBM Systems Journal, 1966.
class RandomPolicy final : public PolicyBase<RandomPolicy>
{
public:
    explicit RandomPolicy(const PolicyConfig &config);

    bool find(const Request &r) { return m_map.find(r.key) != KeyIndexMap::npos; }
    void insert(const Request &r)
    {
        m_map.insert(r.key, quint32(m_keys.size()));
        m_keys.push_back(r.key);
        m_sizes.push_back(requestSize(r));
    }
    Victim evict()
    {
        const quint32 pos = uniform(quint32(m_keys.size()));
        const Victim v { m_keys[pos], m_sizes[pos] };
        m_map.erase(v.key);
        removeAt(pos);
        return v;
    }
    bool erase(Key key);
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    qint64 entryCount() const override { return qint64(m_keys.size()); }
    std::size_t memoryBytes() const override
    {
        return m_map.memoryBytes() + m_keys.capacity() * sizeof(Key)
            + m_sizes.capacity() * sizeof(quint32);
    }

private:
    /// Moves the last resident into `pos` (the key at `pos` is already out of the map).
    void removeAt(quint32 pos)
    {
        const quint32 last = quint32(m_keys.size() - 1);
        if (pos != last) {
            m_keys[pos] = m_keys[last];
            m_sizes[pos] = m_sizes[last];
            m_map.update(m_keys[pos], pos);
        }
        m_keys.pop_back();
        m_sizes.pop_back();
    }
    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }
    /// Uniform in [0, n), n > 0, without modulo bias.
    quint32 uniform(quint32 n)
    {
        quint64 m = (next() >> 32) * n;
        if (quint32(m) < n) {
            const quint32 threshold = quint32(-n) % n;
            while (quint32(m) < threshold)
                m = (next() >> 32) * n;
        }
        return quint32(m >> 32);
    }
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }

    KeyIndexMap m_map; // key -> position in m_keys
    std::vector<Key> m_keys;
    std::vector<quint32> m_sizes;
    quint64 m_state[4];
};

} // namespace CacheScope
