#pragma once

#include "core/metrics/metricssnapshot.h"
#include "core/whatif/shadowsnapshot.h"

#include <QJsonObject>

#include <optional>

namespace CacheScope {

/// One report line: an interval (counts of that interval) or the final summary (whole run).
struct RunLine
{
    qint64 tMs;
    CounterValues counts;
    double requestsPerSecond;
    double errorsPerSecond;
    qint64 entries;
    qint64 bytes;
    LatencySummary hit;
    LatencySummary miss;
    bool final;
    std::optional<ShadowSnapshot> shadows = {}; // the final line of a run with --shadows
    /// PostgreSQL's shared buffers (RunSession watches them on PostgreSQL): the interval's hit
    /// ratio, or since the run began on the final line.
    std::optional<double> databaseBuffer = {};
    /// The run's I/O model ("threads", "pipeline"); empty: not said. The pipeline's lines also
    /// carry the requests in flight at their end and the interval's pipeline syncs.
    QString io = {};
    qint64 inFlight = 0;
    /// A run with a Redis second tier: its lines carry l1_hits, l2_hits, db_queries, l2_errors
    /// and latency_us.l2 (hits stays the sum of both tiers').
    bool l2 = false;
    LatencySummary l2Latency = {};
    qint64 l2UsedBytes = -1; // l2_used_bytes and l2_max_bytes when known
    qint64 l2MaxBytes = -1;
    /// Stale reads measured (a version board): stale_reads, stale_share and staleness_ms
    /// {p50, p99, max} (how long a served value had been superseded).
    bool stale = false;
    LatencySummary staleness = {};
};

/// An interval of a run at `tMs` on its timeline: the interval's counts and latencies, rates
/// over its length.
RunLine intervalLine(qint64 tMs, const MetricsSnapshot &s);
/// The whole run (`whole`: makeSnapshot({}, the total reading)): counts since the start, rates
/// over the elapsed time; final.
RunLine summaryLine(const MetricsSnapshot &whole);

/// A percentile summary in microseconds: {"p50", "p95", "p99", "p999", "max", "count"}.
QJsonObject latencyJson(const LatencySummary &l);

/// A line as `cachescope-cli run --output json` prints it, and as the run history keeps its
/// points and summary (the app's runs too): {"t_ms", "requests", "hits", "misses", "writes",
/// "hit_ratio", "evictions", "evictions_by_reason", "requests_per_second", "entries", "bytes",
/// "latency_us": {"hit", "miss"}, "errors", "single_flight_waits"}, plus
/// "database_buffer_hit_ratio" when `databaseBuffer`, "final": true and "shadows" when set.
QJsonObject runLineJson(const RunLine &l, bool databaseBuffer);

} // namespace CacheScope
