#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>
#include <limits>

namespace CacheScope {

/// Latencies from 1 µs to 60 s in fixed memory (1,728 counters, 14 KB), at most 0.8% off.
///
/// Log-linear buckets as in Gil Tene's HdrHistogram: a value's power of two picks an octave and
/// the 6 bits below its leading one pick one of 64 equal sub-buckets, so a bucket is at most 1/64
/// of its lower bound wide. A percentile is the middle of its bucket, clamped to the exact
/// minimum and maximum. Values outside the range are clamped to it (a 100 s query counts as 60 s).
///
/// record() takes no lock: relaxed atomic increments, so several workers may share one histogram
/// (one per worker is cheaper still: no cache line ping-pong). A reader sees every bucket exactly
/// but not all buckets at a single instant, which is what 10 Hz sampling needs. Per-interval views
/// come from two cumulative copies: `LatencyHistogram interval = now; interval.subtract(before);`.
class LatencyHistogram
{
public:
    static constexpr qint64 lowestNs = 1'000;
    static constexpr qint64 highestNs = 60'000'000'000;
    static constexpr int subBucketBits = 6;
    static constexpr int subBucketCount = 1 << subBucketBits;
    static constexpr int lowestExponent = 9; // 2^9 <= 1,000 < 2^10
    static constexpr int highestExponent = 35; // 2^35 <= 6e10 < 2^36
    static constexpr int bucketCount = (highestExponent - lowestExponent + 1) * subBucketCount;

    LatencyHistogram() = default;
    /// A relaxed copy of a histogram that may be recording.
    LatencyHistogram(const LatencyHistogram &other);
    LatencyHistogram &operator=(const LatencyHistogram &other);

    /// Records one latency; lock-free, safe from any number of threads.
    void record(qint64 ns) noexcept
    {
        const qint64 v = clamp(ns);
        m_counts[bucketIndex(v)].fetch_add(1, std::memory_order_relaxed);
        m_totalNs.fetch_add(quint64(v), std::memory_order_relaxed);
        // Extremes change rarely: one relaxed load per record, a CAS loop only on a new extreme.
        qint64 seen = m_maxNs.load(std::memory_order_relaxed);
        while (v > seen && !m_maxNs.compare_exchange_weak(seen, v, std::memory_order_relaxed)) { }
        seen = m_minNs.load(std::memory_order_relaxed);
        while (v < seen && !m_minNs.compare_exchange_weak(seen, v, std::memory_order_relaxed)) { }
    }

    /// record() for a histogram only one thread ever records into (a worker's own): relaxed
    /// loads and stores, no locked read-modify-write. Readers on other threads are safe as with
    /// record(); a second recording thread would lose values: never mix.
    void recordOwned(qint64 ns) noexcept
    {
        const qint64 v = clamp(ns);
        // Most cache hits land in the first bucket: no bucket arithmetic for them.
        std::atomic<quint64> &bucket = m_counts[v == lowestNs ? 0 : bucketIndex(v)];
        bucket.store(bucket.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        m_totalNs.store(
            m_totalNs.load(std::memory_order_relaxed) + quint64(v), std::memory_order_relaxed);
        if (v > m_maxNs.load(std::memory_order_relaxed))
            m_maxNs.store(v, std::memory_order_relaxed);
        if (v < m_minNs.load(std::memory_order_relaxed))
            m_minNs.store(v, std::memory_order_relaxed);
    }

    /// The values in bucket `index`: the sparse export `run --latency-buckets` prints, which
    /// `fleet` merges across processes.
    quint64 bucketValues(int index) const
    {
        return m_counts[index].load(std::memory_order_relaxed);
    }
    /// Adds `count` values to bucket `index`, each at the bucket's middle (a histogram rebuilt
    /// from exported bucket counts: min and max are then those middles; bucket 0 holds
    /// recordOwned()'s lowestNs values).
    void addToBucket(int index, quint64 count) noexcept
    {
        if (count == 0)
            return;
        const qint64 mid = clamp((bucketLowNs(index) + bucketHighNs(index)) / 2);
        m_counts[index].fetch_add(count, std::memory_order_relaxed);
        m_totalNs.fetch_add(count * quint64(mid), std::memory_order_relaxed);
        if (mid > m_maxNs.load(std::memory_order_relaxed))
            m_maxNs.store(mid, std::memory_order_relaxed);
        if (mid < m_minNs.load(std::memory_order_relaxed))
            m_minNs.store(mid, std::memory_order_relaxed);
    }

    /// Number of recorded values.
    quint64 count() const;
    bool isEmpty() const { return count() == 0; }
    /// The value at a percentile in [0, 100] (nearest rank: 50 is the median); 0 when empty.
    qint64 percentileNs(double percentile) const;
    /// Largest and smallest recorded values (after clamping); 0 when empty.
    qint64 maxNs() const;
    qint64 minNs() const;
    /// Mean of the clamped values; 0 when empty.
    double meanNs() const;

    /// Adds another histogram's values (per-worker histograms into one).
    void merge(const LatencyHistogram &other);
    /// Removes the values of an earlier cumulative copy of this histogram, leaving the interval
    /// between the two. The interval's max is exact when it set a new cumulative max, otherwise
    /// the top of its highest bucket (within 1/64); likewise for min.
    void subtract(const LatencyHistogram &earlier);
    void reset();

    /// The bucket a value lands in, and that bucket's bounds [low, high).
    static int bucketIndex(qint64 clampedNs) noexcept;
    static qint64 bucketLowNs(int index) noexcept;
    static qint64 bucketHighNs(int index) noexcept;
    static qint64 clamp(qint64 ns) noexcept
    {
        return ns < lowestNs ? lowestNs : (ns > highestNs ? highestNs : ns);
    }

private:
    static constexpr qint64 noMin = std::numeric_limits<qint64>::max();

    std::array<std::atomic<quint64>, bucketCount> m_counts {};
    std::atomic<quint64> m_totalNs { 0 };
    std::atomic<qint64> m_maxNs { 0 };
    std::atomic<qint64> m_minNs { noMin };
};

} // namespace CacheScope
