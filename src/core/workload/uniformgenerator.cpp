#include "core/workload/uniformgenerator.h"

namespace CacheScope {

UniformGenerator::UniformGenerator(const WorkloadSpec &spec)
    : KeyGenerator(spec)
    , m_rng(drawSeed(spec))
{
}

} // namespace CacheScope
