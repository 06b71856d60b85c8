#pragma once

#include "core/workload/generator.h"
#include "core/workload/xoshiro256.h"

namespace CacheScope {

/// Every key in 1..keys equally likely: the worst case for any cache (no locality to exploit).
class UniformGenerator final : public KeyGenerator
{
public:
    explicit UniformGenerator(const WorkloadSpec &spec);
    Key next() override { return 1 + m_rng.bounded(m_spec.keys); }

private:
    Xoshiro256 m_rng;
};

} // namespace CacheScope
