#include "core/metrics/lrucurvesampler.h"

#include "core/metrics/shardssample.h"

namespace CacheScope {

LruCurveSampler::LruCurveSampler(qint64 maxKeys, SizeUnit unit, qint64 exactKeys)
    : m_maxKeys(std::max<qint64>(16, maxKeys))
    , m_unit(unit)
    , m_exactKeys(std::max<qint64>(0, exactKeys))
    , m_near(std::size_t(std::max<qint64>(16, m_exactKeys)) * 4)
    , m_nearBuckets(bucketCount, 0)
    , m_tracker(std::size_t(m_maxKeys) * 4)
    , m_buckets(bucketCount, 0.0)
{
}

void LruCurveSampler::reset(quint64 threshold, SizeUnit unit)
{
    *this = LruCurveSampler(m_maxKeys, unit, m_exactKeys);
    m_threshold = threshold;
    m_streamThreshold = threshold;
    m_streamRate = std::max(rate(), 1.0 / double(shardsHashSpace));
}

MissRatioCurve LruCurveSampler::curve(quint64 requests) const
{
    std::vector<std::pair<qint64, double>> distances;
    const double expected = rate() * double(requests);
    if (m_exactKeys > 0 && m_nearRequests > 0) {
        // Exact distances (over the stream's sample) up to the near stack's bound, SHARDS's
        // beyond it, in SHARDS's units (expected sampled requests): at rate 1 a capacity within
        // the bound reads the exact ratio. A sampled stream's shortfall against its rate is
        // counted as hits (SHARDS_adj), as for the shadows.
        const double nearScale = rate() / m_streamRate;
        const double nearExpected = m_streamRate * double(requests);
        distances.emplace_back(1, (nearExpected - double(m_nearRequests)) * nearScale);
        const qint64 limit = m_nearLimit == std::numeric_limits<qint64>::max()
            ? m_nearLimit
            : std::llround(double(m_nearLimit) / m_streamRate);
        double sum = distances.back().second;
        for (std::size_t b = 1; b < m_nearBuckets.size(); ++b)
            if (m_nearBuckets[b] != 0 && representative(b) <= limit) {
                distances.emplace_back(representative(b), double(m_nearBuckets[b]) * nearScale);
                sum += distances.back().second;
            }
        for (std::size_t b = 1; b < m_buckets.size(); ++b)
            if (m_buckets[b] != 0 && representative(b) > limit) {
                distances.emplace_back(representative(b), m_buckets[b] * m_scale);
                sum += distances.back().second;
            }
        return MissRatioCurve(
            std::move(distances), std::max(0.0, expected - sum), expected, m_unit);
    }
    for (std::size_t b = 1; b < m_buckets.size(); ++b)
        if (m_buckets[b] != 0)
            distances.emplace_back(representative(b), m_buckets[b] * m_scale);
    // SHARDS_adj, as ShardsEstimator::curve() applies it.
    distances.emplace_back(1, expected - m_sampledWeight * m_scale);
    return MissRatioCurve(std::move(distances), m_cold * m_scale, expected, m_unit);
}

qint64 LruCurveSampler::representative(std::size_t bucket)
{
    if (bucket < exactBuckets)
        return qint64(bucket);
    const int e = int((bucket - exactBuckets) / 64) + 7;
    const quint64 sub = (bucket - exactBuckets) % 64;
    const quint64 lower = (64 + sub) << (e - 6);
    return qint64(lower + ((quint64(1) << (e - 6)) >> 1));
}

void LruCurveSampler::shrink() { shardsDropLargestHash(m_heap, m_tracker, m_threshold, m_scale); }

} // namespace CacheScope
