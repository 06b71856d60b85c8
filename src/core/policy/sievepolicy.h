#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// SIEVE: a FIFO queue with one "visited" bit per entry; a hit only sets the bit. To evict,
/// a hand walks from the oldest entry towards the newest, clearing set bits, and removes
/// the first entry whose bit is clear; the hand keeps its place between evictions and wraps
/// to the oldest entry. New entries enter at the head with the bit clear.
/// Zhang et al., "SIEVE is Simpler than LRU", NSDI 2024. Not thread-safe by design.
class SievePolicy final : public PolicyBase<SievePolicy>
{
public:
    explicit SievePolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        m_nodes[i].visited = true;
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
        quint32 i = m_hand != nilIndex ? m_hand : m_list.back();
        while (m_nodes[i].visited) {
            m_nodes[i].visited = false;
            i = m_nodes[i].prev; // towards the head (newer)
            if (i == nilIndex)
                i = m_list.back();
        }
        m_hand = m_nodes[i].prev;
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
        quint32 prev = nilIndex; // newer neighbour (towards the head)
        quint32 next = nilIndex; // older neighbour (towards the tail)
        bool visited = false;
    };
    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    IndexList<NodePool<Node>> m_list { &m_nodes };
    quint32 m_hand = nilIndex; // next entry to examine; nil: start at the tail
};

} // namespace CacheScope
