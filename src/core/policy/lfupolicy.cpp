#include "core/policy/lfupolicy.h"

namespace CacheScope {

LfuPolicy::LfuPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    reserveUpFront(config, config.capacity, m_map, m_entries);
}

bool LfuPolicy::erase(Key key)
{
    const quint32 i = m_map.erase(key);
    if (i == KeyIndexMap::npos)
        return false;
    m_used -= m_entries[i].size;
    unlinkEntry(i);
    m_entries.release(i);
    return true;
}

quint64 LfuPolicy::frequency(Key key) const
{
    const quint32 i = m_map.find(key);
    return i == KeyIndexMap::npos ? 0 : m_buckets[m_entries[i].bucket].freq;
}

} // namespace CacheScope
