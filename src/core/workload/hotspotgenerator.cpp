#include "core/workload/hotspotgenerator.h"

#include <algorithm>
#include <cmath>

namespace CacheScope {

HotspotGenerator::HotspotGenerator(const WorkloadSpec &spec)
    : KeyGenerator(spec)
    , m_rng(drawSeed(spec))
    , m_permutation(spec.keys, spec.seed)
{
    const double hot = std::round(spec.hotKeyFraction * double(spec.keys));
    m_hotKeys = hot >= double(spec.keys) ? spec.keys : std::max<quint64>(1, quint64(hot));
}

Key HotspotGenerator::next()
{
    quint64 index;
    if (m_hotKeys == m_spec.keys || m_rng.nextDouble() < m_spec.hotRequestFraction)
        index = m_rng.bounded(m_hotKeys);
    else
        index = m_hotKeys + m_rng.bounded(m_spec.keys - m_hotKeys);
    return 1 + m_permutation.map(index);
}

} // namespace CacheScope
