#pragma once

#include "core/policy/linkedpolicy.h"

namespace CacheScope {

/// LRU: a hit moves the entry to the front; the victim is the least recently used entry.
/// Flat nodes in a doubly linked list found through an open-addressing map.
class LruPolicy final : public LinkedPolicy<LruPolicy>
{
public:
    /// Defined in lrupolicy.cpp: see there.
    explicit LruPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        m_list.moveToFront(i);
        return true;
    }
    Victim evict() { return removeNode(m_list.back()); }
};

} // namespace CacheScope
