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
    if (config.sizeUnit == SizeUnit::Objects && config.capacity < (1 << 24)) {
        m_map.reserve(std::size_t(config.capacity) + 1);
        m_keys.reserve(std::size_t(config.capacity) + 1);
        m_sizes.reserve(std::size_t(config.capacity) + 1);
    }
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
