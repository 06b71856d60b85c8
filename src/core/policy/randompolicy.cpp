#include "core/policy/randompolicy.h"

namespace CacheScope {

RandomPolicy::RandomPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    // splitmix64 expands the seed, so nearby seeds (1, 2, 3) give unrelated streams and the
    // state is never all zero.
    quint64 s = config.seed;
    for (quint64 &word : m_state) {
        s += 0x9e3779b97f4a7c15ULL;
        word = mixKey(s);
    }
    reserveUpFront(config, config.capacity, m_map, m_keys, m_sizes);
}

bool RandomPolicy::erase(Key key)
{
    const quint32 pos = m_map.erase(key);
    if (pos == KeyIndexMap::npos)
        return false;
    m_used -= m_sizes[pos];
    removeAt(pos);
    return true;
}

} // namespace CacheScope
