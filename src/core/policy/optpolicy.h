#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

#include <algorithm>
#include <vector>

namespace CacheScope {

/// Belady's MIN (OPT), offline: the victim is the resident object whose next request lies
/// furthest in the future (Request::nextAccess; -1, never again, counts as infinity). No bypass:
/// the missed object is always inserted, as libCacheSim's "Belady" does. Among objects that are
/// never requested again the least recently touched goes first (any choice gives the same
/// misses). In byte mode it evicts furthest-first until the new object fits.
/// L. A. Belady, "A study of replacement algorithms for a virtual-storage computer",
/// IBM Systems Journal 5(2), 1966.
///
/// A binary max-heap keyed by next access with lazy deletion: a hit pushes a fresh entry and
/// stale ones are skipped when they surface (each entry carries the stamp of the touch that
/// made it), and the heap is rebuilt when stale entries outnumber live ones.
class OptPolicy final : public PolicyBase<OptPolicy>
{
public:
    explicit OptPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        touch(i, r.nextAccess);
        return true;
    }
    void insert(const Request &r)
    {
        const quint32 i = m_nodes.allocate();
        m_nodes[i].key = r.key;
        m_nodes[i].size = requestSize(r);
        m_map.insert(r.key, i);
        touch(i, r.nextAccess);
    }
    Victim evict();
    bool erase(Key key);
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    qint64 entryCount() const override { return qint64(m_map.size()); }
    std::size_t memoryBytes() const override
    {
        return m_map.memoryBytes() + m_nodes.memoryBytes() + m_heap.capacity() * sizeof(HeapEntry);
    }

private:
    struct Node
    {
        Key key = 0;
        quint64 stamp = 0; // of the heap entry that is current; 0 while free
        quint32 size = 0;
    };
    struct HeapEntry
    {
        quint64 next; // next access, never = UINT64_MAX
        quint64 stamp; // unique per touch: older touches first among equal next accesses
        quint32 node;
    };
    /// Heap order: the top is the furthest next access, then the oldest touch.
    static bool below(const HeapEntry &a, const HeapEntry &b)
    {
        return a.next < b.next || (a.next == b.next && a.stamp > b.stamp);
    }

    void touch(quint32 i, qint64 nextAccess)
    {
        const quint64 stamp = ++m_clock;
        m_nodes[i].stamp = stamp;
        m_heap.push_back({ nextAccess < 0 ? UINT64_MAX : quint64(nextAccess), stamp, i });
        std::push_heap(m_heap.begin(), m_heap.end(), below);
        if (m_heap.size() > 2 * m_map.size() + 64)
            compact();
    }
    void compact();

    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    std::vector<HeapEntry> m_heap;
    quint64 m_clock = 0;
};

} // namespace CacheScope
