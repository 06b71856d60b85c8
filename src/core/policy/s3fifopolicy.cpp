#include "core/policy/s3fifopolicy.h"

#include <algorithm>

namespace CacheScope {

S3FifoPolicy::S3FifoPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    setTargets(config.capacity);
    // Residents plus ghosts: up to capacity + main's capacity keys.
    reserveUpFront(config, config.capacity + m_ghostCapacity, m_map, m_nodes);
}

void S3FifoPolicy::setTargets(qint64 capacity)
{
    // 10% small, at least one unit so a cache of 1..9 objects still filters through small.
    m_smallTarget = std::max<qint64>(1, capacity / 10);
    m_ghostCapacity = std::max<qint64>(0, capacity - m_smallTarget);
}

void S3FifoPolicy::setCapacity(qint64 capacity)
{
    setTargets(capacity);
    trimGhost();
    PolicyBase::setCapacity(capacity);
}

bool S3FifoPolicy::erase(Key key)
{
    const quint32 i = m_map.find(key);
    if (i == KeyIndexMap::npos || m_nodes[i].queue == Queue::Ghost)
        return false;
    const Node &n = m_nodes[i];
    if (n.queue == Queue::Small) {
        m_small.unlink(i);
        m_smallUsed -= n.size;
    } else {
        m_main.unlink(i);
        m_mainUsed -= n.size;
    }
    m_used -= n.size;
    m_map.erase(key);
    m_nodes.release(i);
    return true;
}

} // namespace CacheScope
