#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// 2Q, full version: new objects enter A1in, a FIFO of Kin = 25% of the capacity; objects
/// paged out of A1in leave their key in A1out, a ghost FIFO of Kout = 50% of the capacity; a
/// miss found in A1out was re-referenced after a while and goes to Am, an LRU of the rest. A hit
/// in A1in changes nothing (correlated references), a hit in Am moves the object to the front.
/// To make room (reclaimfor), A1in pages out while it holds more than Kin, else Am's LRU goes
/// without a ghost. Johnson & Shasha, "2Q: A Low Overhead High Performance Buffer Management
/// Replacement Algorithm", VLDB '94.
///
/// Kin and Kout are entries in object mode; in byte mode Kin is bytes of A1in and A1out is
/// bounded by the byte sizes of the objects it remembers (a count of entries = capacity / 2
/// would be absurd for a capacity in bytes). Kin is at least 1, so a cache of one slot works;
/// when Am is empty A1in pages out even below Kin.
class TwoQPolicy final : public PolicyBase<TwoQPolicy>
{
public:
    explicit TwoQPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        m_promote = false;
        if (i == KeyIndexMap::npos)
            return false;
        switch (m_nodes[i].list) {
        case Am:
            m_lists[Am].moveToFront(i);
            return true;
        case A1in:
            return true; // correlated reference: no change
        case A1out:
            // Re-referenced after leaving A1in: its key leaves A1out, the object goes to Am.
            m_lists[A1out].unlink(i);
            forget(i);
            m_promote = true;
            return false;
        }
        return false;
    }
    void insert(const Request &r)
    {
        const ListId to = m_promote ? Am : A1in;
        const quint32 i = m_nodes.allocate();
        m_nodes[i].key = r.key;
        m_nodes[i].size = requestSize(r);
        m_nodes[i].list = to;
        m_lists[to].pushFront(i);
        m_bytes[to] += m_nodes[i].size;
        m_map.insert(r.key, i);
    }
    /// reclaimfor(): one page out, from A1in (remembered in A1out) or from Am's LRU end.
    Victim evict()
    {
        if (m_bytes[A1in] > m_kin || m_lists[Am].isEmpty()) {
            const quint32 i = m_lists[A1in].popBack();
            Node &n = m_nodes[i];
            m_bytes[A1in] -= n.size;
            n.list = A1out;
            m_lists[A1out].pushFront(i);
            m_bytes[A1out] += n.size;
            const Victim v { n.key, n.size };
            trimGhosts();
            return v;
        }
        const quint32 i = m_lists[Am].popBack();
        const Victim v { m_nodes[i].key, m_nodes[i].size };
        forget(i); // Am's victim leaves no ghost: it has not been used for a while
        return v;
    }
    bool erase(Key key);
    bool has(Key key) const
    {
        const quint32 i = m_map.find(key);
        return i != KeyIndexMap::npos && m_nodes[i].list != A1out;
    }
    void setCapacity(qint64 capacity) override;
    qint64 entryCount() const override
    {
        return qint64(m_lists[A1in].size()) + qint64(m_lists[Am].size());
    }
    std::size_t memoryBytes() const override { return m_map.memoryBytes() + m_nodes.memoryBytes(); }

private:
    enum ListId : quint8 { A1in, Am, A1out };
    struct Node
    {
        Key key = 0;
        quint32 size = 0;
        quint32 prev = nilIndex;
        quint32 next = nilIndex;
        ListId list = A1in;
    };
    using List = IndexList<NodePool<Node>>;

    void computeShares();
    /// Forgets A1out's oldest keys beyond Kout.
    void trimGhosts()
    {
        while (m_bytes[A1out] > m_kout)
            forget(m_lists[A1out].popBack());
    }
    /// Drops an entry already unlinked from its list.
    void forget(quint32 i)
    {
        m_bytes[m_nodes[i].list] -= m_nodes[i].size;
        m_map.erase(m_nodes[i].key);
        m_nodes.release(i);
    }

    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    List m_lists[3] = { List(&m_nodes), List(&m_nodes), List(&m_nodes) };
    qint64 m_bytes[3] = { 0, 0, 0 };
    qint64 m_kin = 1;
    qint64 m_kout = 1;
    bool m_promote = false; // this request's find() met its key in A1out
};

} // namespace CacheScope
