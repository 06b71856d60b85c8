#include "core/policy/arcpolicy.h"

namespace CacheScope {

ArcPolicy::ArcPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    // Resident objects plus ghosts: at most 2c directory entries.
    reserveUpFront(config, 2 * config.capacity, m_map, m_nodes);
}

bool ArcPolicy::erase(Key key)
{
    const quint32 i = m_map.find(key);
    if (i == KeyIndexMap::npos || m_nodes[i].list > T2)
        return false; // absent, or only a ghost: nothing resident to drop
    const Node &n = m_nodes[i];
    m_lists[n.list].unlink(i);
    m_bytes[n.list] -= n.size;
    m_used -= n.size;
    m_map.erase(key);
    m_nodes.release(i);
    return true;
}

void ArcPolicy::trimDirectory(qint64 incoming)
{
    while (m_bytes[T1] + m_bytes[B1] + incoming > m_capacity && !m_lists[B1].isEmpty())
        drop(B1);
    while (m_bytes[T1] + m_bytes[T2] + m_bytes[B1] + m_bytes[B2] + incoming > 2 * m_capacity
        && !m_lists[B2].isEmpty())
        drop(B2);
}

void ArcPolicy::setCapacity(qint64 capacity)
{
    m_evicted.clear();
    m_capacity = capacity;
    m_p = std::min(m_p, double(capacity));
    while (m_used > m_capacity && entryCount() > 0)
        evictOne<true>(); // REPLACE: the victims become ghosts, as in normal operation
    trimDirectory(0);
}

} // namespace CacheScope
