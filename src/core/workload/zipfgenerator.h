#pragma once

#include "core/workload/generator.h"
#include "core/workload/keypermutation.h"
#include "core/workload/xoshiro256.h"
#include "core/workload/zipfsampler.h"

namespace CacheScope {

/// Zipf-distributed keys: rank r (1 = most popular) has weight 1/r^alpha, and ranks reach keys
/// through a seeded KeyPermutation so popular keys are scattered. With shiftEvery > 0 (the
/// "shifting" workload) the ranks are rotated by a new random offset every shiftEvery draws,
/// so a different set of keys becomes hot and a cache must forget the old one.
class ZipfGenerator final : public KeyGenerator
{
public:
    ZipfGenerator(const WorkloadSpec &spec, quint64 shiftEvery);

    Key next() override;
    /// The key of 1-based popularity rank `rank` right now (tests and charts use it).
    Key keyOfRank(quint64 rank) const;

private:
    Xoshiro256 m_rng;
    Xoshiro256 m_shiftRng; // from spec.seed alone: every stream moves its hot set alike
    ZipfSampler m_sampler;
    KeyPermutation m_permutation;
    quint64 m_shiftEvery;
    quint64 m_untilShift;
    quint64 m_offset = 0;
};

} // namespace CacheScope
