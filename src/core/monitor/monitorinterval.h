#pragma once

#include "core/metrics/latencyhistogram.h"
#include "core/monitor/monitorsample.h"

#include <QString>

#include <map>
#include <optional>
#include <vector>

namespace CacheScope {

/// Counts over an interval (differences of a source's cumulative counters), never negative.
struct MonitorCounts
{
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 operations = 0;
    quint64 evictions = 0;
    quint64 expired = 0;
    quint64 gets = 0;
    quint64 sets = 0;
    quint64 evictedUnfetched = 0;
    quint64 expiredUnfetched = 0;

    std::optional<double> hitRatio() const
    {
        const quint64 lookups = hits + misses;
        return lookups == 0 ? std::nullopt : std::optional<double>(double(hits) / double(lookups));
    }
    MonitorCounts &operator+=(const MonitorCounts &other);
};

/// One record of a monitor's timeline: an interval between two polls, or (final) the whole
/// monitor, gaps excluded.
struct MonitorInterval
{
    qint64 tMs = 0; // the end of the interval
    qint64 intervalMs = 0; // its length (final: the time counted, gaps excluded)
    bool final = false;
    MonitorCounts counts;
    /// Hit ratio over every counted interval up to this one.
    std::optional<double> cumulativeHitRatio;
    double opsPerSecond = 0;
    double evictionsPerSecond = 0;
    double expiredPerSecond = 0;
    double getsPerSecond = 0;
    double setsPerSecond = 0;
    // Gauges at the end of the interval.
    qint64 memoryBytes = 0;
    qint64 memoryLimitBytes = 0;
    qint64 keys = 0;
    qint64 clients = 0;
    // Round trips timed in the interval.
    quint64 latencyCount = 0;
    qint64 latencyP50Ns = 0;
    qint64 latencyP99Ns = 0;
    /// PostgreSQL's busiest tables, cumulative (MonitorSample::tables), at the end of the interval.
    QList<MonitorSample::TableIo> tables;
    /// (slab class, evictions in the interval), classes with evictions only (memcached).
    std::vector<std::pair<int, quint64>> slabEvictions;
};

/// Turns consecutive polls into interval records. Pure (no I/O, no clock): the session feeds
/// it samples on its thread; tests feed it by hand.
///
/// A counter lower than in the poll before, or a new server instance, means the server
/// restarted or its statistics were reset: that poll becomes the new baseline, a marker says
/// why, and no interval is produced across it (never a negative or wrapped-around rate).
class MonitorTracker
{
public:
    struct Step
    {
        std::optional<MonitorInterval> interval;
        QString marker; // non-empty when the counters were reset
    };

    Step add(const MonitorSample &sample);
    /// The connection was lost: the next sample is a baseline (the gap is not an interval).
    void breakBaseline();
    /// The whole monitor so far (final: true); gauges from the last poll.
    MonitorInterval total() const;
    bool hasBaseline() const { return m_last.has_value(); }

private:
    std::optional<MonitorSample> m_last;
    QString m_lastInstance; // kept across breakBaseline(): a restart during a gap shows
    std::optional<MonitorSample> m_lastSeen;
    MonitorCounts m_total;
    qint64 m_countedMs = 0;
    LatencyHistogram m_pendingLatency; // round trips of the baseline poll
    LatencyHistogram m_totalLatency;
    std::map<int, quint64> m_slabTotals;
};

} // namespace CacheScope
