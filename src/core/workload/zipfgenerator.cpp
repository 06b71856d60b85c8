#include "core/workload/zipfgenerator.h"

namespace CacheScope {

ZipfGenerator::ZipfGenerator(const WorkloadSpec &spec, quint64 shiftEvery)
    : KeyGenerator(spec)
    , m_rng(drawSeed(spec))
    , m_shiftRng(mixKey(spec.seed + 1))
    , m_sampler(spec.keys, spec.alpha)
    , m_permutation(spec.keys, spec.seed)
    , m_shiftEvery(shiftEvery)
    , m_untilShift(shiftEvery)
{
}

Key ZipfGenerator::next()
{
    if (m_shiftEvery > 0 && m_untilShift-- == 0) {
        m_untilShift = m_shiftEvery - 1;
        // Never the same offset twice in a row, so the hot set really moves.
        if (m_spec.keys > 1)
            m_offset = (m_offset + 1 + m_shiftRng.bounded(m_spec.keys - 1)) % m_spec.keys;
    }
    return keyOfRank(m_sampler.sample(m_rng));
}

Key ZipfGenerator::keyOfRank(quint64 rank) const
{
    quint64 index = rank - 1 + m_offset;
    if (index >= m_spec.keys)
        index -= m_spec.keys;
    return 1 + m_permutation.map(index);
}

} // namespace CacheScope
