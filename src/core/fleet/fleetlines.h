#pragma once

#include "core/error.h"
#include "core/metrics/metricssnapshot.h"

#include <QJsonObject>
#include <QList>
#include <QMap>

namespace CacheScope {

/// A latency histogram's non-empty buckets (LatencyHistogram's indexes and counts), as
/// `run --latency-buckets` prints them: cumulative since the run began.
using LatencyBuckets = QMap<int, quint64>;

/// The sparse export of `h`: [index, count, index, count, ...] over its non-empty buckets.
QJsonArray latencyBucketsJson(const LatencyHistogram &h);
/// {"hit": [...], "miss": [...]} and "l2" when `l2`: the "latency_buckets" object of a line.
QJsonObject latencyBucketsJson(const MetricsReading &reading, bool l2);
/// One kind's array back; an error names the kind and what is wrong with it.
Result<LatencyBuckets> parseLatencyBuckets(const QJsonValue &value, const QString &kind);
/// `now` minus an earlier cumulative export of the same histogram (the interval between them).
LatencyBuckets subtractBuckets(const LatencyBuckets &now, const LatencyBuckets &before);
/// The percentiles of the values in `buckets` (each at its bucket's middle, as LatencyHistogram
/// reports them).
LatencySummary summarizeBuckets(const LatencyBuckets &buckets);

/// One instance's line in a fleet's total: the line and, when the child printed them, the
/// interval's (or, on a final line, the whole run's) latency buckets per kind ("hit", "miss",
/// "l2").
struct FleetPart
{
    QJsonObject line;
    QMap<QString, LatencyBuckets> buckets;
};

/// The total of several instances' lines of one interval (or of their final lines): every
/// number summed (counts whatever their names, rates, entries, bytes; nested objects of counts
/// such as evictions_by_reason too), t_ms the latest, hit_ratio recomputed from the summed hits
/// and misses, other *_ratio keys the mean of the instances'. Latencies ("latency_us" and any
/// other object of percentiles such as "staleness_ms"): a kind every part has buckets for is
/// merged exactly (the summed buckets' percentiles, count from the buckets, max the largest
/// instance max); otherwise each percentile is the mean of the instances' weighted by their
/// count (staleness_ms by stale_reads; an object without either, by requests), max the largest.
/// Strings equal in every part are kept ("io"); arrays and "shadows" are not summed.
QJsonObject sumFleetLines(const QList<FleetPart> &parts);

} // namespace CacheScope
