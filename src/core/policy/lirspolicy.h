#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// LIRS: blocks with a small inter-reference recency (LIR) hold 99% of the cache; the other
/// 1% (at least one object) holds resident HIR blocks in a FIFO queue Q, the only source of
/// victims. The recency stack S orders LIR blocks and recently seen HIR blocks, resident or
/// not; a HIR block hit while still in S has proved a short reuse distance and turns LIR, and
/// the LIR block at the bottom of S turns HIR in its place. Stack pruning keeps a LIR block at
/// the bottom. Jiang & Zhang, "LIRS: An Efficient Low Inter-reference Recency Set Replacement
/// Policy to Improve Buffer Cache Performance", SIGMETRICS '02.
///
/// Unbounded in the paper, the non-resident HIR entries of S are capped here so that memory
/// stays proportional to the cache: at most 2 x capacity of them (entries in object mode,
/// bytes of the objects they stand for in byte mode); beyond that the one that became
/// non-resident longest ago is forgotten (as Caffeine's simulator bounds them). Byte mode
/// counts shares in bytes: a new object is LIR while the LIR bytes stay within 99%, and when
/// Q is empty the bottom LIR block is demoted to make a victim.
class LirsPolicy final : public PolicyBase<LirsPolicy>
{
public:
    explicit LirsPolicy(const PolicyConfig &config);

    template <bool Record> bool step(const Request &r);

    /// Evicts the front of Q (demoting S's bottom LIR block first if Q is empty).
    Victim evict();
    bool erase(Key key);
    bool has(Key key) const
    {
        const quint32 i = m_map.find(key);
        return i != KeyIndexMap::npos && m_nodes[i].resident;
    }
    void setCapacity(qint64 capacity) override;
    qint64 entryCount() const override { return m_residentCount; }
    std::size_t memoryBytes() const override { return m_map.memoryBytes() + m_nodes.memoryBytes(); }

    /// Non-resident HIR entries remembered in S, for tests.
    qint64 nonResidentCount() const { return qint64(m_ghosts.size()); }

private:
    struct Links
    {
        quint32 prev = nilIndex;
        quint32 next = nilIndex;
    };
    struct Node
    {
        Key key = 0;
        quint32 size = 0;
        Links s; // in the stack S
        Links q; // in Q if resident HIR, in the ghost FIFO if non-resident
        bool inS = false;
        bool lir = false;
        bool resident = false;
    };
    /// Presents one pair of links of the pool's nodes to IndexList.
    template <Links Node::*Member> struct View
    {
        NodePool<Node> *pool;
        Links &operator[](quint32 i) { return (*pool)[i].*Member; }
    };
    using SView = View<&Node::s>;
    using QView = View<&Node::q>;

    void computeShares();
    void pushS(quint32 i)
    {
        m_stack.pushFront(i);
        m_nodes[i].inS = true;
    }
    void unlinkS(quint32 i)
    {
        m_stack.unlink(i);
        m_nodes[i].inS = false;
    }
    /// Removes HIR entries from the bottom of S until a LIR block is there.
    void prune()
    {
        while (!m_stack.isEmpty() && !m_nodes[m_stack.back()].lir) {
            const quint32 b = m_stack.back();
            unlinkS(b);
            if (!m_nodes[b].resident) {
                unlinkGhost(b);
                forget(b);
            }
        }
    }
    /// The LIR block at the bottom of S turns resident HIR at the end of Q.
    void demoteBottomLir()
    {
        prune(); // S's bottom may be HIR while no LIR block existed (capacity 1, remove())
        const quint32 b = m_stack.back();
        Node &n = m_nodes[b];
        n.lir = false;
        m_lirBytes -= n.size;
        unlinkS(b);
        m_queue.pushFront(b);
        prune();
    }
    /// Evicts Q's front; it stays in S as a non-resident entry if it is there.
    Victim evictFromQueue()
    {
        if (m_queue.isEmpty())
            demoteBottomLir();
        const quint32 i = m_queue.popBack();
        Node &n = m_nodes[i];
        const Victim v { n.key, n.size };
        n.resident = false;
        --m_residentCount;
        if (n.inS) {
            m_ghosts.pushFront(i);
            m_ghostBytes += n.size;
        } else {
            forget(i);
        }
        return v;
    }
    void unlinkGhost(quint32 i)
    {
        m_ghosts.unlink(i);
        m_ghostBytes -= m_nodes[i].size;
    }
    /// Forgets the oldest non-resident entries beyond the bound.
    void trimGhosts()
    {
        while (m_ghostBytes > m_ghostCap) {
            const quint32 g = m_ghosts.back();
            unlinkGhost(g);
            unlinkS(g);
            forget(g);
        }
    }
    void forget(quint32 i)
    {
        m_map.erase(m_nodes[i].key);
        m_nodes.release(i);
    }

    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    SView m_sView { &m_nodes };
    QView m_qView { &m_nodes };
    IndexList<SView> m_stack { &m_sView }; // front = top (most recent)
    IndexList<QView> m_queue { &m_qView }; // front = end (newest), back = next victim
    IndexList<QView> m_ghosts { &m_qView }; // non-resident, newest first
    qint64 m_lirBytes = 0;
    qint64 m_lirCap = 0;
    qint64 m_ghostBytes = 0;
    qint64 m_ghostCap = 0;
    qint64 m_residentCount = 0;
};

template <bool Record> bool LirsPolicy::step(const Request &r)
{
    const quint32 size = requestSize(r);
    ++m_stats.requests;
    m_stats.bytesRequested += r.size;
    quint32 i = m_map.find(r.key);
    if (i != KeyIndexMap::npos && m_nodes[i].resident) {
        Node &n = m_nodes[i];
        if (n.lir) {
            const bool wasBottom = m_stack.back() == i;
            m_stack.moveToFront(i);
            if (wasBottom)
                prune();
        } else if (n.inS) {
            // A resident HIR block re-referenced within S's span: it turns LIR.
            m_stack.moveToFront(i);
            m_queue.unlink(i);
            n.lir = true;
            m_lirBytes += n.size;
            while (m_lirBytes > m_lirCap)
                demoteBottomLir();
        } else {
            pushS(i);
            m_queue.moveToFront(i);
        }
        ++m_stats.hits;
        return true;
    }
    ++m_stats.misses;
    m_stats.bytesMissed += r.size;
    if (qint64(size) > m_capacity)
        return false; // larger than the whole cache: never admitted

    while (m_used + qint64(size) > m_capacity) {
        const Victim v = evictFromQueue();
        noteEviction<Record>(v.key, v.size);
    }
    // A non-resident block still in S turns LIR, as the paper says. (Only when making room had
    // to demote a LIR block can pruning have forgotten it: then it is new again.)
    if (i != KeyIndexMap::npos)
        i = m_map.find(r.key);
    if (i != KeyIndexMap::npos) {
        unlinkGhost(i);
        Node &n = m_nodes[i];
        n.size = size;
        n.resident = true;
        n.lir = true;
        m_lirBytes += size;
        m_stack.moveToFront(i);
        while (m_lirBytes > m_lirCap)
            demoteBottomLir();
    } else {
        i = m_nodes.allocate();
        Node &n = m_nodes[i];
        n.key = r.key;
        n.size = size;
        n.resident = true;
        m_map.insert(r.key, i);
        pushS(i);
        if (m_lirBytes + qint64(size) <= m_lirCap) {
            n.lir = true; // the LIR set is not full yet
            m_lirBytes += size;
        } else {
            m_queue.pushFront(i);
        }
    }
    ++m_residentCount;
    m_used += size;
    trimGhosts();
    return false;
}

} // namespace CacheScope
