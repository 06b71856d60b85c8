#pragma once

#include "core/error.h"
#include "core/sizeunit.h"
#include "core/keyindexmap.h"
#include "core/workload/request.h"

#include <span>
#include <utility>
#include <vector>

namespace CacheScope {

/// One point of a miss-ratio curve.
struct MrcPoint
{
    qint64 capacity = 0; // objects, or bytes in byte mode
    double missRatio = 0;
};

/// The LRU miss ratio as a function of the capacity, from a histogram of stack (reuse)
/// distances: an LRU cache of capacity c hits a request exactly when the request's stack
/// distance (the objects, or bytes, of the distinct keys used since the key's previous request,
/// the key included) is at most c (Mattson et al., "Evaluation techniques for storage
/// hierarchies", IBM Systems Journal 1970). Weights are doubles so that sampled (SHARDS)
/// histograms can carry scaled counts; exact curves hold integers, exact in a double.
class MissRatioCurve
{
public:
    MissRatioCurve() = default;
    /// `distances`: (stack distance >= 1, weight) pairs in any order, repeats allowed;
    /// `coldWeight`: first requests of a key (a miss at every capacity); `totalWeight`: the
    /// denominator, normally all requests.
    MissRatioCurve(std::vector<std::pair<qint64, double>> distances, double coldWeight,
        double totalWeight, SizeUnit unit);

    /// Weighted misses of an LRU cache of this capacity (the exact miss count for exact curves).
    double misses(qint64 capacity) const;
    /// misses(capacity) / total, clamped to [0, 1]; 0 for an empty stream.
    double missRatio(qint64 capacity) const;
    std::vector<MrcPoint> points(std::span<const qint64> capacities) const;
    /// The largest stack distance seen: beyond it only cold misses remain.
    qint64 maxDistance() const { return m_distances.empty() ? 0 : m_distances.back(); }
    double totalWeight() const { return m_total; }
    double coldWeight() const { return m_cold; }
    SizeUnit sizeUnit() const { return m_unit; }

private:
    std::vector<qint64> m_distances; // sorted, unique
    std::vector<double> m_suffix; // m_suffix[i]: weight of distances >= m_distances[i]; one extra 0
    double m_cold = 0;
    double m_total = 0;
    SizeUnit m_unit = SizeUnit::Objects;
};

/// Stack distances of a key stream in O(log n) per request: a Fenwick tree over request
/// positions holds each live key's weight (1, or its size) at the position of its latest
/// request, so the distance of a re-request is the weight summed after its previous position.
/// Positions are compacted when the tree fills, so an unbounded stream needs memory in
/// proportion to its live keys only.
class StackDistanceTracker
{
public:
    explicit StackDistanceTracker(std::size_t expectedRequests = 1024);

    /// Records a request; returns its stack distance (the key's own new weight included), or
    /// -1 on the key's first request (or first since remove()).
    qint64 access(Key key, qint64 weight);
    /// Forgets a key (SHARDS drops keys from its sample set).
    void remove(Key key);
    /// Forgets the least recently requested key (a bounded LRU stack keeps the nearest keys
    /// only); amortised O(1) besides remove(). No-op when empty.
    void removeOldest();
    std::size_t keyCount() const { return m_map.size(); }
    /// The weight of every key held: a re-requested key still held has a distance up to it.
    qint64 totalWeight() const { return m_total; }

private:
    void makeRoom();
    void rebuild(std::size_t capacity);
    void add(std::size_t position, qint64 delta);
    qint64 prefix(std::size_t position) const; // sum of positions 0..position

    KeyIndexMap m_map; // key -> slot
    std::vector<qint64> m_lastPos; // slot -> position of the key's latest request
    std::vector<Key> m_keyOf; // slot -> key
    std::vector<quint32> m_freeSlots;
    std::vector<qint64> m_tree; // Fenwick tree, 1-based
    std::vector<qint64> m_weight; // position -> weight (0 when dead)
    std::vector<quint32> m_slotAt; // position -> slot, KeyIndexMap::npos when dead
    std::size_t m_next = 0;
    std::size_t m_oldest = 0; // positions below it are dead (removeOldest()'s cursor)
    qint64 m_total = 0;
};

/// The exact LRU miss-ratio curve of a whole stream in one pass, O(n log n). In byte mode the
/// distances count bytes and the curve is exact for capacities at least as large as the largest
/// object (LRU does not admit a larger object, which a stack model cannot express), given each
/// key keeps its size.
MissRatioCurve exactLruCurve(std::span<const Request> requests, SizeUnit unit = SizeUnit::Objects);

struct ShardsConfig
{
    /// Fixed-rate sampling rate in (0, 1]; the starting rate for the fixed-size variant.
    double rate = 0.01;
    /// > 0: fixed-size variant, at most this many keys in the sample set.
    qint64 sampleSize = 0;
    SizeUnit sizeUnit = SizeUnit::Objects;

    Result<void> validate() const;
};

/// SHARDS: the LRU miss-ratio curve estimated from a spatially hashed sample of the keys
/// (Waldspurger et al., "Efficient MRC Construction with SHARDS", FAST 2015). A key is sampled
/// when hash(key) < T, a fixed threshold for the rate R = T / 2^53; sampled requests are tracked
/// exactly and their distances scaled by 1 / R. Both variants apply SHARDS_adj (the shortfall
/// of sampled requests against R × all requests is counted as hits). The fixed-size
/// variant starts at `rate` and, once the sample set holds sampleSize keys, drops the key with
/// the largest hash for every new one, lowering T to that hash and rescaling the counts so far
/// by R_new / R_old. Streams: feed requests as they come (live runs), read curve() any time.
class ShardsEstimator
{
public:
    /// The config must be valid (ShardsConfig::validate()).
    explicit ShardsEstimator(const ShardsConfig &config);

    void access(const Request &request);
    void accessBatch(std::span<const Request> requests);
    MissRatioCurve curve() const;
    /// The current sampling rate (falls in the fixed-size variant).
    double rate() const;
    quint64 requests() const { return m_requests; }
    quint64 sampledRequests() const { return m_sampledRequests; }
    std::size_t sampledKeys() const { return m_tracker.keyCount(); }

private:
    void shrinkSample();

    ShardsConfig m_config;
    quint64 m_threshold = 0; // sampled when (mixKey(key) >> 11) < m_threshold
    StackDistanceTracker m_tracker;
    std::vector<std::pair<quint64, Key>> m_heap; // fixed-size: max-heap of (hash, key) sampled
    // Counts are stored divided by m_scale, the product of every rescale factor so far, so a
    // rescale is one multiplication instead of a pass over the histogram.
    std::vector<std::pair<qint64, double>> m_distances;
    double m_cold = 0;
    double m_sampledWeight = 0;
    double m_scale = 1;
    quint64 m_requests = 0;
    quint64 m_sampledRequests = 0;
};

/// `count` capacities from max/count to max, evenly spaced (or log-spaced from 1), rounded,
/// deduplicated, at least 1.
std::vector<qint64> curveCapacities(qint64 max, int count, bool logSpaced = false);

} // namespace CacheScope
