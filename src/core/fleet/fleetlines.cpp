#include "core/fleet/fleetlines.h"

#include "core/report/runjson.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

/// Keys of a percentile object that are percentiles (the rest: "max", "count").
bool isPercentileKey(const QString &key)
{
    return key.size() > 1 && key.front() == u'p' && key.back().isDigit();
}

/// "p50" is 50, "p999" 99.9 (the digits after the first two are decimals).
double percentileOf(const QString &key)
{
    const QString digits = key.mid(1);
    return digits.size() > 2 ? QString(digits.left(2) + u'.' + digits.mid(2)).toDouble()
                             : digits.toDouble();
}

bool isPercentileObject(const QJsonObject &o) { return o.contains(u"p50"_s); }

QJsonValue numberValue(double v)
{
    // Counts stay integers in the JSON (they print without a fraction either way; readers that
    // ask toInteger() get them exactly).
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.0e15)
        return qint64(v);
    return v;
}

/// The weight of one part's percentile object `name` in a count-weighted mean.
double percentileWeight(const QJsonObject &line, const QString &name, const QJsonObject &o)
{
    if (o.contains(u"count"_s))
        return o[u"count"_s].toDouble();
    if (name == u"staleness_ms"_s)
        return line[u"stale_reads"_s].toDouble();
    return line[u"requests"_s].toDouble();
}

/// Count-weighted mean of each percentile, the largest max, the summed count.
QJsonObject weightedPercentiles(const QList<std::pair<QJsonObject, double>> &objects)
{
    QJsonObject total;
    double weights = 0;
    for (const auto &[o, weight] : objects)
        weights += weight;
    QSet<QString> keys;
    for (const auto &entry : objects) {
        for (auto it = entry.first.begin(); it != entry.first.end(); ++it)
            keys.insert(it.key());
    }
    for (const QString &key : keys) {
        double value = 0;
        for (const auto &[o, weight] : objects) {
            const double v = o[key].toDouble();
            if (key == u"max"_s)
                value = std::max(value, v);
            else if (key == u"count"_s)
                value += v;
            else if (isPercentileKey(key) && weights > 0)
                value += v * weight / weights;
        }
        total[key] = key == u"count"_s ? numberValue(value) : QJsonValue(value);
    }
    return total;
}

QJsonObject sumObjects(const QList<QJsonObject> &objects);

/// The "latency_us" object of the total: exact from buckets where every part has them.
QJsonObject totalLatency(const QList<FleetPart> &parts)
{
    QStringList kinds;
    for (const FleetPart &part : parts) {
        const QJsonObject latency = part.line[u"latency_us"_s].toObject();
        for (auto it = latency.begin(); it != latency.end(); ++it) {
            if (!kinds.contains(it.key()))
                kinds << it.key();
        }
    }
    QJsonObject total;
    for (const QString &kind : kinds) {
        bool exact = true;
        LatencyBuckets merged;
        double max = 0;
        QList<std::pair<QJsonObject, double>> weighted;
        for (const FleetPart &part : parts) {
            const QJsonObject o = part.line[u"latency_us"_s].toObject()[kind].toObject();
            if (o.isEmpty())
                continue;
            max = std::max(max, o[u"max"_s].toDouble());
            weighted.append({ o, percentileWeight(part.line, kind, o) });
            const auto found = part.buckets.constFind(kind);
            if (found == part.buckets.constEnd()) {
                exact = false;
                continue;
            }
            for (auto it = found->begin(); it != found->end(); ++it)
                merged[it.key()] += it.value();
        }
        if (!exact) {
            total[kind] = weightedPercentiles(weighted);
            continue;
        }
        QJsonObject o = latencyJson(summarizeBuckets(merged));
        // A bucket's middle may lie above the largest value in it: the exact max bounds all,
        // and is the percentile whose nearest rank is the last value (as in LatencyHistogram).
        const double values = o[u"count"_s].toDouble();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!isPercentileKey(it.key()))
                continue;
            it.value() = std::min(it.value().toDouble(), max);
            if (values > 0 && std::ceil(percentileOf(it.key()) / 100.0 * values) >= values)
                it.value() = max;
        }
        o[u"max"_s] = max;
        total[kind] = o;
    }
    return total;
}

/// Sums objects of counts (evictions_by_reason), recursing; percentile objects are weighted.
QJsonObject sumObjects(const QList<QJsonObject> &objects)
{
    QStringList keys;
    for (const QJsonObject &o : objects) {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!keys.contains(it.key()))
                keys << it.key();
        }
    }
    QJsonObject total;
    for (const QString &key : keys) {
        QList<QJsonValue> values;
        for (const QJsonObject &o : objects) {
            if (o.contains(key))
                values << o[key];
        }
        const QJsonValue first = values.front();
        if (first.isDouble()) {
            double sum = 0;
            for (const QJsonValue &v : values)
                sum += v.toDouble();
            total[key] = numberValue(sum);
        } else if (first.isObject()) {
            QList<QJsonObject> nested;
            for (const QJsonValue &v : values)
                nested << v.toObject();
            total[key] = sumObjects(nested);
        } else if (first.isString()
            && std::all_of(
                values.begin(), values.end(), [&](const QJsonValue &v) { return v == first; })) {
            total[key] = first;
        }
    }
    return total;
}

} // namespace

QJsonArray latencyBucketsJson(const LatencyHistogram &h)
{
    QJsonArray a;
    for (int i = 0; i < LatencyHistogram::bucketCount; ++i) {
        if (const quint64 n = h.bucketValues(i)) {
            a.append(i);
            a.append(qint64(n));
        }
    }
    return a;
}

QJsonObject latencyBucketsJson(const MetricsReading &reading, bool l2)
{
    QJsonObject o { { u"hit"_s, latencyBucketsJson(reading.hitLatency) },
        { u"miss"_s, latencyBucketsJson(reading.missLatency) } };
    if (l2)
        o[u"l2"_s] = latencyBucketsJson(reading.l2Latency);
    return o;
}

Result<LatencyBuckets> parseLatencyBuckets(const QJsonValue &value, const QString &kind)
{
    const QString field = u"latency_buckets."_s + kind;
    if (!value.isArray())
        return Error { u"is not an array of bucket indexes and counts"_s, {}, 0, field, {} };
    const QJsonArray a = value.toArray();
    if (a.size() % 2 != 0)
        return Error { u"has an odd number of elements"_s, {}, 0, field,
            QString::number(a.size()) };
    LatencyBuckets buckets;
    for (qsizetype i = 0; i < a.size(); i += 2) {
        const qint64 index = a[i].toInteger(-1);
        const qint64 count = a[i + 1].toInteger(-1);
        if (index < 0 || index >= LatencyHistogram::bucketCount || count < 0)
            return Error { u"has a bucket index outside 0..%1 or a negative count"_s.arg(
                               LatencyHistogram::bucketCount - 1),
                {}, 0, field,
                a[i].toVariant().toString() + u", "_s + a[i + 1].toVariant().toString() };
        buckets[int(index)] += quint64(count);
    }
    return buckets;
}

LatencyBuckets subtractBuckets(const LatencyBuckets &now, const LatencyBuckets &before)
{
    LatencyBuckets interval;
    for (auto it = now.begin(); it != now.end(); ++it) {
        const quint64 earlier = before.value(it.key());
        if (it.value() > earlier)
            interval[it.key()] = it.value() - earlier;
    }
    return interval;
}

LatencySummary summarizeBuckets(const LatencyBuckets &buckets)
{
    LatencyHistogram h;
    for (auto it = buckets.begin(); it != buckets.end(); ++it)
        h.addToBucket(it.key(), it.value());
    return LatencySummary::of(h);
}

QJsonObject sumFleetLines(const QList<FleetPart> &parts)
{
    if (parts.isEmpty())
        return {};
    QList<QJsonObject> lines;
    for (const FleetPart &part : parts) {
        QJsonObject line = part.line;
        // Not summed: the latencies (below), each instance's shadows and expectations, the
        // buckets (already split off), markers and the final flag (the caller's).
        for (const QString &key : { u"latency_us"_s, u"latency_buckets"_s, u"shadows"_s,
                 u"expectations"_s, u"final"_s, u"t_ms"_s, u"instance"_s })
            line.remove(key);
        QStringList percentileObjects;
        for (auto it = line.begin(); it != line.end(); ++it) {
            if (it.key().endsWith(u"_ratio"_s) || it.key().endsWith(u"_share"_s)
                || (it->isObject() && isPercentileObject(it->toObject())))
                percentileObjects << it.key();
        }
        for (const QString &key : percentileObjects)
            line.remove(key);
        lines << line;
    }
    QJsonObject total = sumObjects(lines);

    double tMs = 0;
    for (const FleetPart &part : parts)
        tMs = std::max(tMs, part.line[u"t_ms"_s].toDouble());
    total[u"t_ms"_s] = numberValue(tMs);
    const double hits = total[u"hits"_s].toDouble();
    const double reads = hits + total[u"misses"_s].toDouble();
    total[u"hit_ratio"_s] = reads > 0 ? QJsonValue(hits / reads) : QJsonValue();
    // The shared Redis's own figures: every instance watches the same server, so the total
    // is the largest reading, not a sum.
    for (const QString &key : { u"l2_evictions"_s, u"l2_used_bytes"_s, u"l2_max_bytes"_s }) {
        if (!total.contains(key))
            continue;
        double most = 0;
        for (const FleetPart &part : parts)
            most = std::max(most, part.line[key].toDouble());
        total[key] = numberValue(most);
    }
    if (total.contains(u"stale_reads"_s)) // a share of the reads, as each instance's
        total[u"stale_share"_s]
            = reads > 0 ? QJsonValue(total[u"stale_reads"_s].toDouble() / reads) : QJsonValue();
    total[u"latency_us"_s] = totalLatency(parts);

    // Other ratios (the database's buffer cache): the mean of the instances that have one.
    // Other percentile objects (staleness_ms): count-weighted.
    QMap<QString, QList<double>> ratios;
    QMap<QString, QList<std::pair<QJsonObject, double>>> percentiles;
    for (const FleetPart &part : parts) {
        for (auto it = part.line.begin(); it != part.line.end(); ++it) {
            if (it.key() == u"hit_ratio"_s)
                continue;
            if (it.key().endsWith(u"_ratio"_s) && it->isDouble())
                ratios[it.key()] << it->toDouble();
            else if (it.key().endsWith(u"_ratio"_s))
                ratios[it.key()];
            else if (it->isObject() && isPercentileObject(it->toObject())
                && it.key() != u"latency_us"_s)
                percentiles[it.key()].append(
                    { it->toObject(), percentileWeight(part.line, it.key(), it->toObject()) });
        }
    }
    for (auto it = ratios.begin(); it != ratios.end(); ++it) {
        double sum = 0;
        for (const double v : it.value())
            sum += v;
        total[it.key()]
            = it->isEmpty() ? QJsonValue() : QJsonValue(sum / double(it.value().size()));
    }
    for (auto it = percentiles.begin(); it != percentiles.end(); ++it)
        total[it.key()] = weightedPercentiles(it.value());
    return total;
}

} // namespace CacheScope
