#include "core/policy/optpolicy.h"

namespace CacheScope {

OptPolicy::OptPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    reserveUpFront(config, config.capacity, m_map, m_nodes);
    reserveUpFront(config, 2 * config.capacity + 64, m_heap);
}

Victim OptPolicy::evict()
{
    for (;;) {
        std::pop_heap(m_heap.begin(), m_heap.end(), below);
        const HeapEntry top = m_heap.back();
        m_heap.pop_back();
        Node &n = m_nodes[top.node];
        if (n.stamp != top.stamp)
            continue; // superseded by a later touch, or the object is gone
        const Victim v { n.key, n.size };
        n.stamp = 0;
        m_map.erase(v.key);
        m_nodes.release(top.node);
        return v;
    }
}

bool OptPolicy::erase(Key key)
{
    const quint32 i = m_map.erase(key);
    if (i == KeyIndexMap::npos)
        return false;
    m_used -= m_nodes[i].size;
    m_nodes[i].stamp = 0; // its heap entries are now stale
    m_nodes.release(i);
    return true;
}

void OptPolicy::compact()
{
    const auto stale = [this](const HeapEntry &e) { return m_nodes[e.node].stamp != e.stamp; };
    m_heap.erase(std::remove_if(m_heap.begin(), m_heap.end(), stale), m_heap.end());
    std::make_heap(m_heap.begin(), m_heap.end(), below);
}

} // namespace CacheScope
