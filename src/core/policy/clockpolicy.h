#pragma once

#include "core/policy/linkedpolicy.h"

namespace CacheScope {

/// A CLOCK entry: a LinkedNode's fields and the reference bit (in their padding).
struct ClockNode
{
    Key key = 0;
    quint32 size = 0;
    quint32 prev = nilIndex;
    quint32 next = nilIndex;
    bool referenced = false;
};

/// CLOCK (second chance): one reference bit per entry; new entries enter with the bit clear and
/// a hit sets it. The hand evicts the first entry with a clear bit, clearing set bits as it
/// passes. As in libCacheSim, the circle is a FIFO queue whose tail is under the hand: an entry
/// given a second chance moves to the head, which is where the hand reaches it last.
/// Corbató, "A Paging Experiment with the Multics System", MIT Project MAC, 1968.
class ClockPolicy final : public LinkedPolicy<ClockPolicy, ClockNode>
{
public:
    /// Defined in clockpolicy.cpp: see there.
    explicit ClockPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        m_nodes[i].referenced = true;
        return true;
    }
    Victim evict()
    {
        quint32 i = m_list.back();
        while (m_nodes[i].referenced) {
            m_nodes[i].referenced = false;
            m_list.moveToFront(i);
            i = m_list.back();
        }
        return removeNode(i);
    }
};

} // namespace CacheScope
