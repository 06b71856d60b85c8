#pragma once

#include "core/policy/linkedpolicy.h"

namespace CacheScope {

/// A SIEVE entry: a LinkedNode's fields and the visited bit (in their padding).
struct SieveNode
{
    Key key = 0;
    quint32 size = 0;
    quint32 prev = nilIndex; // newer neighbour (towards the head)
    quint32 next = nilIndex; // older neighbour (towards the tail)
    bool visited = false;
};

/// SIEVE: a FIFO queue with one "visited" bit per entry; a hit only sets the bit. To evict,
/// a hand walks from the oldest entry towards the newest, clearing set bits, and removes
/// the first entry whose bit is clear; the hand keeps its place between evictions and wraps
/// to the oldest entry. New entries enter at the head with the bit clear.
/// Zhang et al., "SIEVE is Simpler than LRU", NSDI 2024. Not thread-safe by design.
class SievePolicy final : public LinkedPolicy<SievePolicy, SieveNode>
{
public:
    /// Defined in sievepolicy.cpp: see there.
    explicit SievePolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        m_nodes[i].visited = true;
        return true;
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
        return removeNode(i);
    }
    /// As libCacheSim: when erase() takes the entry under the hand, the hand moves on to the
    /// newer neighbour.
    void erasing(quint32 i)
    {
        if (m_hand == i)
            m_hand = m_nodes[i].prev;
    }

private:
    quint32 m_hand = nilIndex; // next entry to examine; nil: start at the tail
};

} // namespace CacheScope
