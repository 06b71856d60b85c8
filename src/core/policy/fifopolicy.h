#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// FIFO: a hit changes nothing; the victim is the oldest inserted entry. Shows Belady's anomaly.
class FifoPolicy final : public PolicyBase<FifoPolicy>
{
public:
    explicit FifoPolicy(const PolicyConfig &config);

    bool find(const Request &r) { return m_map.find(r.key) != KeyIndexMap::npos; }
    void insert(const Request &r)
    {
        const quint32 i = m_nodes.allocate();
        m_nodes[i].key = r.key;
        m_nodes[i].size = requestSize(r);
        m_list.pushFront(i);
        m_map.insert(r.key, i);
    }
    Victim evict()
    {
        const quint32 i = m_list.popBack();
        const Victim v { m_nodes[i].key, m_nodes[i].size };
        m_map.erase(v.key);
        m_nodes.release(i);
        return v;
    }
    bool erase(Key key);
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    qint64 entryCount() const override { return qint64(m_map.size()); }
    std::size_t memoryBytes() const override { return m_map.memoryBytes() + m_nodes.memoryBytes(); }

private:
    struct Node
    {
        Key key = 0;
        quint32 size = 0;
        quint32 prev = nilIndex;
        quint32 next = nilIndex;
    };
    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    IndexList<NodePool<Node>> m_list { &m_nodes };
};

} // namespace CacheScope
