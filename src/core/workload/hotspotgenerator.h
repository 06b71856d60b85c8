#pragma once

#include "core/workload/generator.h"
#include "core/workload/keypermutation.h"
#include "core/workload/xoshiro256.h"

namespace CacheScope {

/// Two uniform sets: hotKeyFraction of the keys (at least one) receives hotRequestFraction of
/// the requests, the other keys the rest (the classic 80/20 rule). The hot keys are scattered
/// through a KeyPermutation.
class HotspotGenerator final : public KeyGenerator
{
public:
    explicit HotspotGenerator(const WorkloadSpec &spec);

    Key next() override;
    quint64 hotKeyCount() const { return m_hotKeys; }

private:
    Xoshiro256 m_rng;
    KeyPermutation m_permutation;
    quint64 m_hotKeys = 1;
};

} // namespace CacheScope
