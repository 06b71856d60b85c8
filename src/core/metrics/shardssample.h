#pragma once

#include "core/key.h"
#include "core/metrics/missratiocurve.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace CacheScope {

/// SHARDS, fixed-size variant (ShardsEstimator, LruCurveSampler): drops the sampled key with the
/// largest hash, the top of `heap` (a max-heap of (hash, key)), from `tracker`; `threshold` falls
/// to that hash, so the key is never sampled again, and `scale`, the product of every rescale so
/// far (counts are stored divided by it), is multiplied by R_new / R_old. R = threshold / 2^53.
inline void shardsDropLargestHash(std::vector<std::pair<quint64, Key>> &heap,
    StackDistanceTracker &tracker, quint64 &threshold, double &scale)
{
    constexpr double hashRange = 9007199254740992.0; // 2^53
    std::pop_heap(heap.begin(), heap.end());
    const auto [hash, key] = heap.back();
    heap.pop_back();
    tracker.remove(key);
    const double oldRate = double(threshold) / hashRange;
    threshold = hash;
    scale *= (double(threshold) / hashRange) / oldRate;
}

} // namespace CacheScope
