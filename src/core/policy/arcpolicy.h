#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

#include <algorithm>

namespace CacheScope {

/// ARC: two LRU lists of resident objects, T1 (seen once recently) and T2 (seen at least twice),
/// each backed by a ghost list of keys it evicted, B1 and B2. A ghost hit in B1 grows the
/// real-valued target p for T1, one in B2 shrinks it; REPLACE evicts from T1 while T1 exceeds p.
/// Follows the pseudo-code (cases I-IV and REPLACE) of Megiddo & Modha, "ARC: A Self-Tuning,
/// Low Overhead Replacement Cache", FAST '03. Ghosts are metadata: they do not count against
/// the capacity, but the directory is bounded by |T1|+|B1| <= c and |T1|+|T2|+|B1|+|B2| <= 2c.
///
/// Byte mode generalises the list lengths to byte sums and scales p's step by the request's
/// size. REPLACE runs only while the new object does not fit: identical to the paper when the
/// cache is full (always, once filled, unless remove() made room).
class ArcPolicy final : public PolicyBase<ArcPolicy>
{
public:
    explicit ArcPolicy(const PolicyConfig &config);

    template <bool Record> bool step(const Request &r);

    /// One REPLACE as on a new key; for PolicyBase's shrinking path.
    Victim evict() { return replace(false); }
    bool erase(Key key);
    bool has(Key key) const
    {
        const quint32 i = m_map.find(key);
        return i != KeyIndexMap::npos && m_nodes[i].list <= T2;
    }
    void setCapacity(qint64 capacity) override;
    qint64 entryCount() const override
    {
        return qint64(m_lists[T1].size()) + qint64(m_lists[T2].size());
    }
    std::size_t memoryBytes() const override { return m_map.memoryBytes() + m_nodes.memoryBytes(); }

    /// The adaptive target size of T1 (objects or bytes), for tests and the GUI.
    double target() const { return m_p; }

private:
    enum ListId : quint8 { T1, T2, B1, B2 };
    struct Node
    {
        Key key = 0;
        quint32 size = 0;
        quint32 prev = nilIndex;
        quint32 next = nilIndex;
        ListId list = T1;
    };
    using List = IndexList<NodePool<Node>>;

    void moveTo(quint32 i, ListId to)
    {
        Node &n = m_nodes[i];
        m_lists[n.list].unlink(i);
        m_bytes[n.list] -= n.size;
        n.list = to;
        m_lists[to].pushFront(i);
        m_bytes[to] += n.size;
    }
    /// Forgets the LRU entry of a list (a ghost, or a resident key dropped without a ghost).
    Victim drop(ListId from)
    {
        const quint32 i = m_lists[from].popBack();
        const Victim v { m_nodes[i].key, m_nodes[i].size };
        m_bytes[from] -= v.size;
        m_map.erase(v.key);
        m_nodes.release(i);
        return v;
    }
    /// REPLACE(x, p): moves the LRU page of T1 or T2 to its ghost list; returns it.
    Victim replace(bool requestInB2)
    {
        const qint64 t1 = m_bytes[T1];
        const bool fromT1 = t1 > 0
            && ((requestInB2 && double(t1) == m_p) || double(t1) > m_p || m_lists[T2].isEmpty());
        const quint32 i = m_lists[fromT1 ? T1 : T2].back();
        moveTo(i, fromT1 ? B1 : B2);
        return { m_nodes[i].key, m_nodes[i].size };
    }
    void trimDirectory(qint64 incoming);

    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    List m_lists[4] = { List(&m_nodes), List(&m_nodes), List(&m_nodes), List(&m_nodes) };
    qint64 m_bytes[4] = { 0, 0, 0, 0 };
    double m_p = 0.0;
};

template <bool Record> bool ArcPolicy::step(const Request &r)
{
    const quint32 size = requestSize(r);
    ++m_stats.requests;
    m_stats.bytesRequested += r.size;
    const quint32 i = m_map.find(r.key);
    if (i != KeyIndexMap::npos && m_nodes[i].list <= T2) {
        // Case I: a hit in T1 or T2 moves x to the MRU end of T2.
        if (m_nodes[i].list == T2)
            m_lists[T2].moveToFront(i);
        else
            moveTo(i, T2);
        ++m_stats.hits;
        return true;
    }
    ++m_stats.misses;
    m_stats.bytesMissed += r.size;
    if (qint64(size) > m_capacity)
        return false; // larger than the whole cache: never admitted

    if (i != KeyIndexMap::npos) {
        // Cases II and III: a ghost hit adapts p, REPLACE makes room, x enters T2.
        Node &n = m_nodes[i];
        const bool inB2 = n.list == B2;
        const double b1 = double(m_bytes[B1]);
        const double b2 = double(m_bytes[B2]);
        if (inB2)
            m_p = std::max(m_p - (b2 >= b1 ? 1.0 : b1 / b2) * size, 0.0);
        else
            m_p = std::min(m_p + (b1 >= b2 ? 1.0 : b2 / b1) * size, double(m_capacity));
        m_lists[n.list].unlink(i);
        m_bytes[n.list] -= n.size;
        n.size = size;
        while (m_used + qint64(size) > m_capacity) {
            const Victim v = replace(inB2);
            noteEviction<Record>(v.key, v.size);
        }
        Node &x = m_nodes[i];
        x.list = T2;
        m_lists[T2].pushFront(i);
        m_bytes[T2] += size;
        m_used += size;
        return false;
    }

    // Case IV: x is in no list. Case A (|L1| = c): drop B1's LRU ghost, or when B1 is empty
    // (|T1| = c) evict T1's LRU page outright; case B: drop B2's LRU ghost when the directory
    // holds 2c. Then REPLACE while x does not fit, and x enters T1.
    while (m_bytes[T1] + m_bytes[B1] + qint64(size) > m_capacity) {
        if (!m_lists[B1].isEmpty()) {
            drop(B1);
        } else {
            const Victim v = drop(T1);
            noteEviction<Record>(v.key, v.size);
        }
    }
    while (m_bytes[T1] + m_bytes[T2] + m_bytes[B1] + m_bytes[B2] + qint64(size) > 2 * m_capacity
        && !m_lists[B2].isEmpty())
        drop(B2);
    while (m_used + qint64(size) > m_capacity) {
        const Victim v = replace(false);
        noteEviction<Record>(v.key, v.size);
    }
    const quint32 j = m_nodes.allocate();
    Node &x = m_nodes[j];
    x.key = r.key;
    x.size = size;
    x.list = T1;
    m_lists[T1].pushFront(j);
    m_bytes[T1] += size;
    m_map.insert(r.key, j);
    m_used += size;
    return false;
}

} // namespace CacheScope
