#include "core/policy/twoqpolicy.h"

#include <algorithm>

namespace CacheScope {

TwoQPolicy::TwoQPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    computeShares();
    // Resident objects plus A1out's keys.
    reserveUpFront(config, config.capacity + m_kout, m_map, m_nodes);
}

void TwoQPolicy::computeShares()
{
    // The paper's recommended tuning: Kin = 25% of the page slots, Kout = 50%.
    m_kin = std::max<qint64>(m_capacity / 4, 1);
    m_kout = std::max<qint64>(m_capacity / 2, 1);
}

bool TwoQPolicy::erase(Key key)
{
    const quint32 i = m_map.find(key);
    if (i == KeyIndexMap::npos || m_nodes[i].list == A1out)
        return false; // absent, or only a remembered key
    m_lists[m_nodes[i].list].unlink(i);
    m_used -= m_nodes[i].size;
    forget(i);
    return true;
}

void TwoQPolicy::setCapacity(qint64 capacity)
{
    m_capacity = capacity;
    computeShares();
    PolicyBase::setCapacity(capacity);
    trimGhosts();
}

} // namespace CacheScope
