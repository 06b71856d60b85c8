#pragma once

#include "core/metrics/counters.h"
#include "core/metrics/latencyhistogram.h"
#include "core/sizeunit.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace CacheScope {

/// The percentiles a report shows for one kind of request.
struct LatencySummary
{
    quint64 count = 0;
    qint64 p50Ns = 0;
    qint64 p95Ns = 0;
    qint64 p99Ns = 0;
    qint64 p999Ns = 0;
    qint64 maxNs = 0;

    static LatencySummary of(const LatencyHistogram &histogram);
};

/// Everything the engine measures, cumulative since the run started, read at one moment.
/// Counters come from the workers; evictions and single-flight waits from the ResultCache;
/// entries, bytes and capacity are the cache's state at that moment.
struct MetricsReading
{
    qint64 elapsedMs = 0;
    CounterValues counters;
    LatencyHistogram hitLatency;
    LatencyHistogram missLatency;
    LatencyHistogram writeLatency;
    LatencyHistogram l2Latency; // reads the second tier answered
    /// Stale reads' ages (how long the value had been superseded when served), when measured.
    LatencyHistogram staleness;
    bool staleMeasured = false; // the run judges hits against a version board
    qint64 l2UsedBytes = -1; // the Redis second tier's used_memory and maxmemory; -1: unknown
    qint64 l2MaxBytes = -1;
    qint64 entries = 0;
    qint64 bytes = 0;
    qint64 capacity = 0;
    SizeUnit capacityUnit = SizeUnit::Objects;
    qint64 inFlight = 0; // pipeline I/O model: requests waiting for the database now
};

/// What the GUI, the CLI and the reports show for one sampling interval, as a value.
struct MetricsSnapshot
{
    qint64 elapsedMs = 0; // since the run started, at the end of the interval
    qint64 intervalMs = 0; // length of the interval
    CounterValues interval; // counts within the interval
    CounterValues total; // counts since the run started

    // Rates over the interval; 0 for an empty interval.
    double requestsPerSecond = 0;
    double hitsPerSecond = 0;
    double missesPerSecond = 0;
    double writesPerSecond = 0;
    double errorsPerSecond = 0;
    std::array<double, evictionReasonCount> evictionsPerSecond {};

    // The cache at the end of the interval.
    qint64 inFlight = 0; // pipeline I/O model: requests waiting for the database, at the end
    qint64 entries = 0;
    qint64 bytes = 0;
    qint64 capacity = 0;
    SizeUnit capacityUnit = SizeUnit::Objects;

    LatencySummary hitLatency; // within the interval
    LatencySummary missLatency;
    LatencySummary writeLatency;
    LatencySummary totalHitLatency; // since the run started
    LatencySummary totalMissLatency;
    LatencySummary totalWriteLatency;
    LatencySummary l2Latency; // reads the Redis second tier answered, within the interval
    LatencySummary totalL2Latency;
    /// Stale reads' ages (see MetricsReading::staleness); staleMeasured: the run measures them.
    LatencySummary staleness;
    LatencySummary totalStaleness;
    bool staleMeasured = false;
    qint64 l2UsedBytes = -1; // the second tier's memory at the end of the interval; -1: unknown
    qint64 l2MaxBytes = -1; // its maxmemory (0: no limit)

    /// The database's own cache beside the result cache (RunSession fills it on PostgreSQL:
    /// shared buffers' blks_hit / (blks_hit + blks_read) of the connected database over the
    /// latest second it watched, and since the run began); no value when not watched or idle.
    std::optional<double> databaseBufferHitRatio;
    std::optional<double> databaseBufferHitRatioCumulative;

    /// The interval's hit ratio; no value when it had no reads.
    std::optional<double> hitRatio() const { return interval.hitRatio(); }
    std::optional<double> totalHitRatio() const { return total.hitRatio(); }
    double evictionsPerSecondTotal() const
    {
        return evictionsPerSecond[0] + evictionsPerSecond[1] + evictionsPerSecond[2];
    }
    /// Entries (object mode) or bytes (byte mode) held over capacity; no value without capacity.
    std::optional<double> fillRatio() const;
};

/// The interval between two cumulative readings (previous may be a default reading: the start).
MetricsSnapshot makeSnapshot(const MetricsReading &previous, const MetricsReading &current);

/// "93.4%", or "n/a" when there is no ratio yet.
QString formatRatio(std::optional<double> ratio, int decimals = 1);

/// Keeps the previous cumulative reading and turns each new one into an interval snapshot.
/// Not thread-safe: one sampler on the thread that owns the timer.
class MetricsSampler
{
public:
    /// The interval since the previous sample (since the start for the first one).
    MetricsSnapshot sample(const MetricsReading &current);
    /// Forgets the previous reading: the next sample counts from the start of a new run.
    void reset();

private:
    MetricsReading m_previous;
};

} // namespace CacheScope

Q_DECLARE_METATYPE(CacheScope::MetricsSnapshot)
