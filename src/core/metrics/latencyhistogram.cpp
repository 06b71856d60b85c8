#include "core/metrics/latencyhistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace CacheScope {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

} // namespace

LatencyHistogram::LatencyHistogram(const LatencyHistogram &other) { *this = other; }

LatencyHistogram &LatencyHistogram::operator=(const LatencyHistogram &other)
{
    if (this == &other)
        return *this;
    for (int i = 0; i < bucketCount; ++i)
        m_counts[i].store(other.m_counts[i].load(relaxed), relaxed);
    m_totalNs.store(other.m_totalNs.load(relaxed), relaxed);
    m_maxNs.store(other.m_maxNs.load(relaxed), relaxed);
    m_minNs.store(other.m_minNs.load(relaxed), relaxed);
    return *this;
}

int LatencyHistogram::bucketIndex(qint64 clampedNs) noexcept
{
    const auto v = quint64(clampedNs);
    const int exponent = std::bit_width(v) - 1;
    const int sub = int(v >> (exponent - subBucketBits)) - subBucketCount;
    return (exponent - lowestExponent) * subBucketCount + sub;
}

qint64 LatencyHistogram::bucketLowNs(int index) noexcept
{
    const int exponent = index / subBucketCount + lowestExponent;
    const int sub = index % subBucketCount;
    return qint64(subBucketCount + sub) << (exponent - subBucketBits);
}

qint64 LatencyHistogram::bucketHighNs(int index) noexcept
{
    const int exponent = index / subBucketCount + lowestExponent;
    return bucketLowNs(index) + (qint64(1) << (exponent - subBucketBits));
}

quint64 LatencyHistogram::count() const
{
    quint64 n = 0;
    for (const auto &c : m_counts)
        n += c.load(relaxed);
    return n;
}

qint64 LatencyHistogram::percentileNs(double percentile) const
{
    std::array<quint64, bucketCount> counts;
    quint64 total = 0;
    for (int i = 0; i < bucketCount; ++i) {
        counts[i] = m_counts[i].load(relaxed);
        total += counts[i];
    }
    if (total == 0)
        return 0;
    const double p = std::clamp(percentile, 0.0, 100.0);
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const auto rank = std::clamp<quint64>(quint64(std::ceil(p / 100.0 * double(total))), 1, total);
    // The extremes are known exactly; a bucket's middle is only within 1/128 of its values.
    if (rank == 1)
        return minNs();
    if (rank == total)
        return maxNs();
    quint64 seen = 0;
    int i = 0;
    for (; i < bucketCount - 1; ++i) {
        seen += counts[i];
        if (seen >= rank)
            break;
    }
    const qint64 mid = (bucketLowNs(i) + bucketHighNs(i)) / 2;
    return std::clamp(mid, minNs(), std::max(minNs(), maxNs()));
}

qint64 LatencyHistogram::maxNs() const { return m_maxNs.load(relaxed); }

qint64 LatencyHistogram::minNs() const
{
    const qint64 v = m_minNs.load(relaxed);
    return v == noMin ? 0 : v;
}

double LatencyHistogram::meanNs() const
{
    const quint64 n = count();
    return n ? double(m_totalNs.load(relaxed)) / double(n) : 0.0;
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    for (int i = 0; i < bucketCount; ++i)
        m_counts[i].fetch_add(other.m_counts[i].load(relaxed), relaxed);
    m_totalNs.fetch_add(other.m_totalNs.load(relaxed), relaxed);
    const qint64 otherMax = other.m_maxNs.load(relaxed);
    if (otherMax > m_maxNs.load(relaxed))
        m_maxNs.store(otherMax, relaxed);
    const qint64 otherMin = other.m_minNs.load(relaxed);
    if (otherMin < m_minNs.load(relaxed))
        m_minNs.store(otherMin, relaxed);
}

void LatencyHistogram::subtract(const LatencyHistogram &earlier)
{
    int lowest = -1;
    int highest = -1;
    for (int i = 0; i < bucketCount; ++i) {
        const quint64 mine = m_counts[i].load(relaxed);
        const quint64 theirs = earlier.m_counts[i].load(relaxed);
        const quint64 left = mine > theirs ? mine - theirs : 0;
        m_counts[i].store(left, relaxed);
        if (left) {
            if (lowest < 0)
                lowest = i;
            highest = i;
        }
    }
    const quint64 total = m_totalNs.load(relaxed);
    const quint64 earlierTotal = earlier.m_totalNs.load(relaxed);
    m_totalNs.store(total > earlierTotal ? total - earlierTotal : 0, relaxed);
    if (highest < 0) {
        m_maxNs.store(0, relaxed);
        m_minNs.store(noMin, relaxed);
        return;
    }
    // A cumulative extreme that moved was set inside the interval; one that did not says only
    // that the interval stayed within it, so the interval's own buckets bound it.
    const qint64 max = m_maxNs.load(relaxed);
    if (max <= earlier.m_maxNs.load(relaxed))
        m_maxNs.store(std::min(max, bucketHighNs(highest) - 1), relaxed);
    const qint64 min = m_minNs.load(relaxed);
    if (min >= earlier.m_minNs.load(relaxed))
        m_minNs.store(std::max(min, bucketLowNs(lowest)), relaxed);
}

void LatencyHistogram::reset()
{
    for (auto &c : m_counts)
        c.store(0, relaxed);
    m_totalNs.store(0, relaxed);
    m_maxNs.store(0, relaxed);
    m_minNs.store(noMin, relaxed);
}

} // namespace CacheScope
