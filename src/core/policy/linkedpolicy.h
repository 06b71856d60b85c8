#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// The node of a LinkedPolicy without extra fields (LRU, FIFO). A policy that needs more (a
/// reference bit) declares its own node with the same four members first, so that the bit fits
/// in the padding instead of growing a node of a base struct by 8 bytes.
struct LinkedNode
{
    Key key = 0;
    quint32 size = 0;
    quint32 prev = nilIndex; // towards the front (newer)
    quint32 next = nilIndex; // towards the back (older)
};

/// CRTP storage for the policies that keep their resident entries in one list (LRU, FIFO,
/// CLOCK, SIEVE): flat nodes in a NodePool, a doubly linked IndexList, and a KeyIndexMap from
/// key to node. It provides insert (at the front), erase, has, entryCount and memoryBytes, and
/// a removeNode() for evict(); the derived policy keeps its own find() and evict(), so
/// PolicyBase's step() still inlines them into one loop (no virtual call per request).
///
/// A derived policy that must react when erase() takes a node out (SIEVE's hand) defines
/// `void erasing(quint32 node)`; the default does nothing.
template <typename Derived, typename Node = LinkedNode>
class LinkedPolicy : public PolicyBase<Derived>
{
public:
    explicit LinkedPolicy(const PolicyConfig &config)
        : PolicyBase<Derived>(config)
    {
        this->reserveUpFront(config, config.capacity, m_map, m_nodes);
    }

    void insert(const Request &r)
    {
        const quint32 i = m_nodes.allocate();
        m_nodes[i].key = r.key;
        m_nodes[i].size = this->requestSize(r);
        m_list.pushFront(i);
        m_map.insert(r.key, i);
    }
    bool erase(Key key)
    {
        const quint32 i = m_map.erase(key);
        if (i == KeyIndexMap::npos)
            return false;
        static_cast<Derived &>(*this).erasing(i);
        m_list.unlink(i);
        this->m_used -= m_nodes[i].size;
        m_nodes.release(i);
        return true;
    }
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    qint64 entryCount() const override { return qint64(m_map.size()); }
    std::size_t memoryBytes() const override { return m_map.memoryBytes() + m_nodes.memoryBytes(); }

protected:
    using Pool = NodePool<Node>;

    /// The hook erase() calls before it unlinks node `i`.
    void erasing(quint32) { }

    /// Takes node `i` out of the list, the map and the pool: the victim evict() returns.
    Victim removeNode(quint32 i)
    {
        const Victim v { m_nodes[i].key, m_nodes[i].size };
        m_list.unlink(i);
        m_map.erase(v.key);
        m_nodes.release(i);
        return v;
    }

    KeyIndexMap m_map;
    Pool m_nodes;
    IndexList<Pool> m_list { &m_nodes };
};

} // namespace CacheScope
