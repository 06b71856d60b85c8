#include "core/policy/twoqpolicy.h"

#include <algorithm>

namespace CacheScope {

TwoQPolicy::TwoQPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    computeShares();
    if (config.sizeUnit == SizeUnit::Objects && config.capacity < (1 << 24)) {
        // Resident objects plus A1out's keys.
        m_map.reserve(std::size_t(config.capacity + m_kout) + 1);
        m_nodes.reserve(std::size_t(config.capacity + m_kout) + 1);
    }
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
