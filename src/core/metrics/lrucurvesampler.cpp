#include "core/metrics/lrucurvesampler.h"

#include "core/metrics/shardssample.h"

namespace CacheScope {

LruCurveSampler::LruCurveSampler(qint64 maxKeys, SizeUnit unit)
    : m_maxKeys(std::max<qint64>(16, maxKeys))
    , m_unit(unit)
    , m_tracker(std::size_t(m_maxKeys) * 4)
    , m_buckets(bucketCount, 0.0)
{
}

void LruCurveSampler::reset(quint64 threshold, SizeUnit unit)
{
    *this = LruCurveSampler(m_maxKeys, unit);
    m_threshold = threshold;
}

MissRatioCurve LruCurveSampler::curve(quint64 requests) const
{
    std::vector<std::pair<qint64, double>> distances;
    for (std::size_t b = 1; b < m_buckets.size(); ++b)
        if (m_buckets[b] != 0)
            distances.emplace_back(representative(b), m_buckets[b] * m_scale);
    // SHARDS_adj, as ShardsEstimator::curve() applies it.
    const double expected = rate() * double(requests);
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
