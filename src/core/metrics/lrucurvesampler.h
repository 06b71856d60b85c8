#pragma once

#include "core/metrics/missratiocurve.h"
#include "core/sizeunit.h"
#include "core/workload/request.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace CacheScope {

/// The SHARDS hash space: a key whose 53-bit hash (mixKey(key) >> 11) is below R × 2^53 is
/// sampled at rate R.
inline constexpr quint64 shardsHashSpace = quint64(1) << 53;

/// SHARDS, fixed-size variant, over an already sampled stream (the what-if shadows'): its
/// threshold never exceeds the stream's, so every key it would sample reaches it. Unlike
/// ShardsEstimator, whose distance list grows with the distinct (rescaled) distances of a long
/// run, it keeps a fixed histogram: exact up to 127, then 64 log-spaced buckets per power of two
/// (1.6% resolution), so its memory is the tracker's (bounded by the sample size) plus 30 KB,
/// however long the run.
///
/// Small capacities: a SHARDS sample holds capacity × R keys of an LRU, and an LRU of a dozen
/// sampled entries misjudges the full-size one (the "LRU of 100 entries" scenario read 25-29.5%
/// where the real LRU hits 27.4%). So the nearest `exactKeys` keys of the whole stream are also
/// tracked exactly (a bounded LRU stack: the least recent key leaves when it is full); the curve
/// is exact up to the stack's weight and takes SHARDS's distances only beyond it.
class LruCurveSampler
{
public:
    static constexpr qint64 defaultExactKeys = 4096;

    LruCurveSampler(qint64 maxKeys, SizeUnit unit, qint64 exactKeys = defaultExactKeys);

    /// Starts over at `threshold` (a rate of threshold / 2^53), in `unit`.
    void reset(quint64 threshold, SizeUnit unit);

    quint64 threshold() const { return m_threshold; }
    bool isFull() const { return qint64(m_heap.size()) >= m_maxKeys; }

    /// One request of `key`, whose 53-bit sampling hash is `hash`.
    void access(Key key, quint32 size, quint64 hash)
    {
        if (hash >= m_streamThreshold)
            return; // sampled under a higher rate than the one this curve began at
        const qint64 weight = m_unit == SizeUnit::Bytes ? qint64(size) : 1;
        accessNear(key, weight);
        if (hash >= m_threshold)
            return;
        const qint64 d = m_tracker.access(key, weight);
        const double count = 1.0 / m_scale;
        m_sampledWeight += count;
        if (d < 0) {
            m_cold += count;
            m_heap.emplace_back(hash, key);
            std::push_heap(m_heap.begin(), m_heap.end());
            if (qint64(m_heap.size()) > m_maxKeys)
                shrink();
            return;
        }
        // d counts the key itself plus sampled others, which stand for (d - weight) / R.
        const qint64 scaled = weight + std::llround(double(d - weight) / rate());
        m_buckets[bucketOf(scaled)] += count;
    }

    /// The curve for `requests` requests of the whole stream since the last reset.
    MissRatioCurve curve(quint64 requests) const;

    double rate() const { return double(m_threshold) / double(shardsHashSpace); }

private:
    static constexpr std::size_t exactBuckets = 128;
    static constexpr std::size_t bucketCount = exactBuckets + (63 - 7) * 64;

    static std::size_t bucketOf(qint64 d)
    {
        if (d < qint64(exactBuckets))
            return std::size_t(std::max<qint64>(d, 1));
        const int e = std::bit_width(quint64(d)) - 1; // >= 7
        const std::size_t sub = std::size_t(quint64(d) >> (e - 6)) & 63;
        return std::min(bucketCount - 1, exactBuckets + std::size_t(e - 7) * 64 + sub);
    }
    static qint64 representative(std::size_t bucket);
    void shrink();
    void accessNear(Key key, qint64 weight)
    {
        ++m_nearRequests;
        const qint64 d = m_near.access(key, weight);
        if (d >= 0)
            ++m_nearBuckets[bucketOf(weight + std::llround(double(d - weight) / m_streamRate))];
        while (qint64(m_near.keyCount()) > m_exactKeys) {
            m_near.removeOldest();
            m_nearLimit = std::min(m_nearLimit, m_near.totalWeight());
        }
    }

    qint64 m_maxKeys;
    SizeUnit m_unit;
    qint64 m_exactKeys;
    quint64 m_threshold = shardsHashSpace;
    quint64 m_streamThreshold = shardsHashSpace; // the stream's at reset(): the near stack's
    double m_streamRate = 1;
    // The nearest keys, exactly: distances (scaled by 1 / the stream's rate) by bucket, in
    // requests; exact up to m_nearLimit (the least weight the full stack held), all of them
    // while it never filled.
    StackDistanceTracker m_near;
    std::vector<quint64> m_nearBuckets;
    quint64 m_nearRequests = 0;
    qint64 m_nearLimit = std::numeric_limits<qint64>::max();
    StackDistanceTracker m_tracker;
    std::vector<std::pair<quint64, Key>> m_heap; // max-heap of (hash, key) sampled
    std::vector<double> m_buckets; // weights / m_scale by distance bucket
    double m_cold = 0;
    double m_sampledWeight = 0;
    double m_scale = 1;
};

} // namespace CacheScope
