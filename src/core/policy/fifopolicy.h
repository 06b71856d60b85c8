#pragma once

#include "core/policy/linkedpolicy.h"

namespace CacheScope {

/// FIFO: a hit changes nothing; the victim is the oldest inserted entry. Shows Belady's anomaly.
class FifoPolicy final : public LinkedPolicy<FifoPolicy>
{
public:
    /// Defined in fifopolicy.cpp: see there.
    explicit FifoPolicy(const PolicyConfig &config);

    bool find(const Request &r) { return m_map.find(r.key) != KeyIndexMap::npos; }
    Victim evict() { return removeNode(m_list.back()); }
};

} // namespace CacheScope
