#include "runjson.h"

#include "core/report/shadowreport.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

RunLine lineOf(qint64 tMs, const MetricsSnapshot &s, const CounterValues &counts, bool final,
    const LatencySummary &hit, const LatencySummary &miss, double intervalMs)
{
    const double seconds = intervalMs / 1000.0;
    return RunLine { tMs, counts, seconds > 0 ? double(counts.requests) / seconds : 0,
        seconds > 0 ? double(counts.errors) / seconds : 0, s.entries, s.bytes, hit, miss, final };
}

} // namespace

RunLine intervalLine(qint64 tMs, const MetricsSnapshot &s)
{
    RunLine line
        = lineOf(tMs, s, s.interval, false, s.hitLatency, s.missLatency, double(s.intervalMs));
    line.databaseBuffer = s.databaseBufferHitRatio;
    line.inFlight = s.inFlight;
    line.l2Latency = s.l2Latency;
    line.stale = s.staleMeasured;
    line.staleness = s.staleness;
    line.l2UsedBytes = s.l2UsedBytes;
    line.l2MaxBytes = s.l2MaxBytes;
    return line;
}

RunLine summaryLine(const MetricsSnapshot &whole)
{
    RunLine line = lineOf(whole.elapsedMs, whole, whole.total, true, whole.totalHitLatency,
        whole.totalMissLatency, double(whole.elapsedMs));
    line.l2Latency = whole.totalL2Latency;
    line.stale = whole.staleMeasured;
    line.staleness = whole.totalStaleness;
    line.l2UsedBytes = whole.l2UsedBytes;
    line.l2MaxBytes = whole.l2MaxBytes;
    return line;
}

QJsonObject latencyJson(const LatencySummary &l)
{
    auto us = [](qint64 ns) { return double(ns) / 1000.0; };
    return { { u"p50"_s, us(l.p50Ns) }, { u"p95"_s, us(l.p95Ns) }, { u"p99"_s, us(l.p99Ns) },
        { u"p999"_s, us(l.p999Ns) }, { u"max"_s, us(l.maxNs) }, { u"count"_s, qint64(l.count) } };
}

QJsonObject runLineJson(const RunLine &l, bool databaseBuffer)
{
    const std::optional<double> ratio = l.counts.hitRatio();
    QJsonObject o {
        { u"t_ms"_s, l.tMs },
        { u"requests"_s, qint64(l.counts.requests) },
        { u"hits"_s, qint64(l.counts.hits) },
        { u"misses"_s, qint64(l.counts.misses) },
        { u"writes"_s, qint64(l.counts.writes) },
        { u"hit_ratio"_s, ratio ? QJsonValue(*ratio) : QJsonValue() },
        { u"evictions"_s, qint64(l.counts.evictionsTotal()) },
        { u"evictions_by_reason"_s,
            QJsonObject {
                { u"capacity"_s, qint64(l.counts.evictionCount(EvictionReason::Capacity)) },
                { u"expired"_s, qint64(l.counts.evictionCount(EvictionReason::Expired)) },
                { u"invalidated"_s,
                    qint64(l.counts.evictionCount(EvictionReason::Invalidated)) } } },
        { u"requests_per_second"_s, l.requestsPerSecond },
        { u"entries"_s, l.entries },
        { u"bytes"_s, l.bytes },
        { u"latency_us"_s,
            QJsonObject { { u"hit"_s, latencyJson(l.hit) }, { u"miss"_s, latencyJson(l.miss) } } },
        { u"errors"_s, qint64(l.counts.errors) },
        { u"single_flight_waits"_s, qint64(l.counts.singleFlightWaits) },
    };
    if (l.l2) {
        o[u"l1_hits"_s] = qint64(l.counts.hits - std::min(l.counts.hits, l.counts.l2Hits));
        o[u"l2_hits"_s] = qint64(l.counts.l2Hits);
        o[u"db_queries"_s] = qint64(l.counts.dbQueries);
        o[u"l2_errors"_s] = qint64(l.counts.l2Errors);
        QJsonObject latency = o[u"latency_us"_s].toObject();
        latency[u"l2"_s] = latencyJson(l.l2Latency);
        o[u"latency_us"_s] = latency;
        o[u"invalidations_received"_s] = qint64(l.counts.invalidationsReceived);
        o[u"l2_evictions"_s] = qint64(l.counts.l2Evictions);
        if (l.l2UsedBytes >= 0) {
            o[u"l2_used_bytes"_s] = l.l2UsedBytes;
            o[u"l2_max_bytes"_s] = l.l2MaxBytes;
        }
    }
    if (l.stale) {
        const quint64 reads = l.counts.hits + l.counts.misses;
        o[u"stale_reads"_s] = qint64(l.counts.staleReads);
        o[u"stale_share"_s]
            = reads ? QJsonValue(double(l.counts.staleReads) / double(reads)) : QJsonValue();
        auto ms = [](qint64 ns) { return double(ns) / 1e6; };
        o[u"staleness_ms"_s] = QJsonObject { { u"p50"_s, ms(l.staleness.p50Ns) },
            { u"p99"_s, ms(l.staleness.p99Ns) }, { u"max"_s, ms(l.staleness.maxNs) } };
    }
    if (!l.io.isEmpty())
        o[u"io"_s] = l.io;
    if (l.io == "pipeline"_L1) {
        o[u"in_flight"_s] = l.inFlight;
        o[u"pipeline_syncs"_s] = qint64(l.counts.pipelineSyncs);
    }
    if (databaseBuffer)
        o[u"database_buffer_hit_ratio"_s]
            = l.databaseBuffer ? QJsonValue(*l.databaseBuffer) : QJsonValue();
    if (l.final)
        o[u"final"_s] = true;
    if (l.shadows)
        o[u"shadows"_s] = shadowSnapshotJson(*l.shadows);
    return o;
}

} // namespace CacheScope
