#include "core/metrics/metricssnapshot.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

double perSecond(quint64 count, qint64 intervalMs)
{
    return intervalMs > 0 ? double(count) * 1000.0 / double(intervalMs) : 0.0;
}

} // namespace

LatencySummary LatencySummary::of(const LatencyHistogram &histogram)
{
    LatencySummary s;
    s.count = histogram.count();
    if (s.count == 0)
        return s;
    s.p50Ns = histogram.percentileNs(50);
    s.p95Ns = histogram.percentileNs(95);
    s.p99Ns = histogram.percentileNs(99);
    s.p999Ns = histogram.percentileNs(99.9);
    s.maxNs = histogram.maxNs();
    return s;
}

std::optional<double> MetricsSnapshot::fillRatio() const
{
    if (capacity <= 0)
        return std::nullopt;
    const qint64 held = capacityUnit == SizeUnit::Bytes ? bytes : entries;
    return double(held) / double(capacity);
}

MetricsSnapshot makeSnapshot(const MetricsReading &previous, const MetricsReading &current)
{
    MetricsSnapshot s;
    s.elapsedMs = current.elapsedMs;
    s.intervalMs = std::max<qint64>(0, current.elapsedMs - previous.elapsedMs);
    s.total = current.counters;
    s.interval = current.counters - previous.counters;

    s.requestsPerSecond = perSecond(s.interval.requests, s.intervalMs);
    s.hitsPerSecond = perSecond(s.interval.hits, s.intervalMs);
    s.missesPerSecond = perSecond(s.interval.misses, s.intervalMs);
    s.writesPerSecond = perSecond(s.interval.writes, s.intervalMs);
    s.errorsPerSecond = perSecond(s.interval.errors, s.intervalMs);
    for (int i = 0; i < evictionReasonCount; ++i)
        s.evictionsPerSecond[i] = perSecond(s.interval.evictions[i], s.intervalMs);

    s.entries = current.entries;
    s.inFlight = current.inFlight;
    s.bytes = current.bytes;
    s.capacity = current.capacity;
    s.capacityUnit = current.capacityUnit;

    const auto intervalSummary = [](const LatencyHistogram &now, const LatencyHistogram &before) {
        LatencyHistogram delta = now;
        delta.subtract(before);
        return LatencySummary::of(delta);
    };
    s.hitLatency = intervalSummary(current.hitLatency, previous.hitLatency);
    s.missLatency = intervalSummary(current.missLatency, previous.missLatency);
    s.writeLatency = intervalSummary(current.writeLatency, previous.writeLatency);
    s.totalHitLatency = LatencySummary::of(current.hitLatency);
    s.totalMissLatency = LatencySummary::of(current.missLatency);
    s.totalWriteLatency = LatencySummary::of(current.writeLatency);
    s.l2Latency = intervalSummary(current.l2Latency, previous.l2Latency);
    s.totalL2Latency = LatencySummary::of(current.l2Latency);
    s.staleness = intervalSummary(current.staleness, previous.staleness);
    s.totalStaleness = LatencySummary::of(current.staleness);
    s.staleMeasured = current.staleMeasured;
    s.l2UsedBytes = current.l2UsedBytes;
    s.l2MaxBytes = current.l2MaxBytes;
    return s;
}

QString formatRatio(std::optional<double> ratio, int decimals)
{
    if (!ratio)
        return u"n/a"_s;
    return QString::number(*ratio * 100.0, 'f', decimals) + u'%';
}

MetricsSnapshot MetricsSampler::sample(const MetricsReading &current)
{
    MetricsSnapshot s = makeSnapshot(m_previous, current);
    m_previous = current;
    return s;
}

void MetricsSampler::reset() { m_previous = MetricsReading(); }

} // namespace CacheScope
