#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// CLOCK (second chance): one reference bit per entry; new entries enter with the bit clear and
/// a hit sets it. The hand evicts the first entry with a clear bit, clearing set bits as it
/// passes. As in libCacheSim, the circle is a FIFO queue whose tail is under the hand: an entry
/// given a second chance moves to the head, which is where the hand reaches it last.
/// Corbató, "A Paging Experiment with the Multics System", MIT Project MAC, 1968.
class ClockPolicy final : public PolicyBase<ClockPolicy>
{
public:
    explicit ClockPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        m_nodes[i].referenced = true;
        return true;
    }
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
        quint32 i = m_list.back();
        while (m_nodes[i].referenced) {
            m_nodes[i].referenced = false;
            m_list.moveToFront(i);
            i = m_list.back();
        }
        const Victim v { m_nodes[i].key, m_nodes[i].size };
        m_list.unlink(i);
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
        bool referenced = false;
    };
    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    IndexList<NodePool<Node>> m_list { &m_nodes };
};

} // namespace CacheScope
