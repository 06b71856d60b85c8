#pragma once

#include "core/workload/generator.h"

namespace CacheScope {

/// A sequential loop 1, 2, ..., keys, 1, 2, ...: the pattern that defeats LRU once the loop
/// is longer than the cache (every request misses) and that scan-resistant policies survive.
class ScanGenerator final : public KeyGenerator
{
public:
    explicit ScanGenerator(const WorkloadSpec &spec)
        : KeyGenerator(spec)
    {
    }

    Key next() override
    {
        const Key key = m_position + 1;
        m_position = key == m_spec.keys ? 0 : key;
        return key;
    }

private:
    quint64 m_position = 0;
};

} // namespace CacheScope
