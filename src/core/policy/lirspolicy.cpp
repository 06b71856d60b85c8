#include "core/policy/lirspolicy.h"

#include <algorithm>

namespace CacheScope {

namespace {
constexpr qint64 ghostMultiplier = 2; // non-resident entries kept, relative to the capacity
} // namespace

LirsPolicy::LirsPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    computeShares();
    // Residents only: the non-resident entries grow the tables when a workload makes them.
    reserveUpFront(config, config.capacity, m_map, m_nodes);
}

void LirsPolicy::computeShares()
{
    // The paper's setting: 1% of the cache for resident HIR blocks, at least one object.
    m_lirCap = m_capacity - std::max<qint64>(m_capacity / 100, 1);
    m_ghostCap = ghostMultiplier * m_capacity;
}

Victim LirsPolicy::evict() { return evictFromQueue(); }

bool LirsPolicy::erase(Key key)
{
    const quint32 i = m_map.find(key);
    if (i == KeyIndexMap::npos || !m_nodes[i].resident)
        return false; // absent, or only remembered as non-resident
    Node &n = m_nodes[i];
    m_used -= n.size;
    --m_residentCount;
    if (n.lir) {
        m_lirBytes -= n.size;
        n.lir = false;
    } else {
        m_queue.unlink(i);
    }
    if (n.inS) {
        const bool wasBottom = m_stack.back() == i;
        unlinkS(i);
        if (wasBottom)
            prune();
    }
    forget(i);
    return true;
}

void LirsPolicy::setCapacity(qint64 capacity)
{
    m_evicted.clear();
    m_capacity = capacity;
    computeShares();
    while (m_lirBytes > m_lirCap)
        demoteBottomLir();
    while (m_used > m_capacity && m_residentCount > 0)
        evictOne<true>();
    trimGhosts();
}

} // namespace CacheScope
