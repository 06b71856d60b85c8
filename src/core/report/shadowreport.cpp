#include "core/report/shadowreport.h"

#include "core/report/table.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

QString percent(double ratio) { return QString::number(ratio * 100.0, 'f', 1); }

QString unitName(SizeUnit unit) { return unit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s; }

} // namespace

QString formatSamplingRate(double rate)
{
    if (rate >= 1)
        return u"1"_s;
    const double inverse = 1.0 / rate;
    const double rounded = std::round(inverse);
    if (rate > 0 && std::abs(inverse - rounded) < 1e-9 * inverse)
        return u"1/"_s + QString::number(qint64(rounded));
    return QString::number(rate, 'g', 3);
}

QString shadowSnapshotCsv(const ShadowSnapshot &s, const QString &realPolicy,
    std::optional<double> realHitRatio, std::optional<double> realIntervalHitRatio)
{
    const auto cell
        = [](bool has, double value) { return has ? QString::number(value, 'g', 10) : QString(); };
    QStringList lines { u"kind,policy,capacity,hit_ratio,interval_hit_ratio,requests,hits,"
                        "miss_ratio"_s };
    if (!realPolicy.isEmpty())
        lines << u"real,%1,%2,%3,%4,,,"_s.arg(realPolicy)
                     .arg(s.liveCapacity)
                     .arg(cell(realHitRatio.has_value(), realHitRatio.value_or(0)),
                         cell(realIntervalHitRatio.has_value(), realIntervalHitRatio.value_or(0)));
    for (const ShadowPolicyStats &p : s.policies)
        lines << u"ranking,%1,%2,%3,%4,%5,%6,"_s.arg(p.policy)
                     .arg(p.capacity)
                     .arg(cell(p.requests > 0, p.hitRatio),
                         cell(p.intervalRequests > 0, p.intervalHitRatio))
                     .arg(p.requests)
                     .arg(p.hits);
    for (const MrcPoint &point : s.lruCurve)
        lines << u"lru_curve,lru,%1,,,,,%2"_s.arg(point.capacity)
                     .arg(QString::number(point.missRatio, 'g', 10));
    return lines.join(u'\n') + u'\n';
}

QJsonObject shadowSnapshotJson(const ShadowSnapshot &s)
{
    auto ratio = [](quint64 requests, double value) {
        return requests ? QJsonValue(value) : QJsonValue();
    };
    QJsonArray policies;
    for (const ShadowPolicyStats &p : s.policies) {
        policies.append(QJsonObject {
            { u"policy"_s, p.policy },
            { u"hit_ratio"_s, ratio(p.requests, p.hitRatio) },
            { u"interval_hit_ratio"_s, ratio(p.intervalRequests, p.intervalHitRatio) },
            { u"requests"_s, qint64(p.requests) },
            { u"hits"_s, qint64(p.hits) },
            { u"capacity"_s, p.capacity },
        });
    }
    QJsonArray curve;
    for (const MrcPoint &point : s.lruCurve)
        curve.append(QJsonObject {
            { u"capacity"_s, point.capacity }, { u"miss_ratio"_s, point.missRatio } });
    const bool hasCurve = !s.lruCurve.empty();
    return {
        { u"sampling_rate"_s, s.samplingRate },
        { u"effective_rate"_s, ratio(s.offered, s.effectiveRate()) },
        { u"offered"_s, qint64(s.offered) },
        { u"sampled"_s, qint64(s.sampled) },
        { u"dropped"_s, qint64(s.dropped) },
        { u"rate_changes"_s, qint64(s.rateChanges) },
        { u"capacity"_s, s.liveCapacity },
        { u"unit"_s, unitName(s.unit) },
        { u"policies"_s, policies },
        { u"lru_curve"_s, curve },
        { u"hit_ratio_now"_s, hasCurve ? QJsonValue(s.hitRatioNow) : QJsonValue() },
        { u"hit_ratio_at_2x"_s, hasCurve ? QJsonValue(s.hitRatioAtDoubleCapacity) : QJsonValue() },
    };
}

QString shadowSnapshotText(const ShadowSnapshot &s)
{
    QString out = u"shadow policies at capacity %1 (%2): sampling rate %3, %4 of %5 reads seen, "
                  "%6 dropped, rate changed %7 times\n"_s.arg(s.liveCapacity)
                      .arg(unitName(s.unit), formatSamplingRate(s.samplingRate),
                          QString::number(s.sampled), QString::number(s.offered),
                          QString::number(s.dropped), QString::number(s.rateChanges));
    Table table({ u"rank"_s, u"policy"_s, u"hit%"_s, u"interval_hit%"_s, u"sampled_req"_s,
        u"sampled_hits"_s, u"shadow_capacity"_s, u"rate"_s });
    table.setTextColumn(1);
    int rank = 0;
    for (const ShadowPolicyStats &p : s.policies) {
        table.addRow(
            { QString::number(++rank), p.policy, p.requests ? percent(p.hitRatio) : u"n/a"_s,
                p.intervalRequests ? percent(p.intervalHitRatio) : u"n/a"_s,
                QString::number(p.requests), QString::number(p.hits), QString::number(p.capacity),
                formatSamplingRate(s.samplingRate) });
    }
    out += table.toText();
    out += u"hit% and interval_hit%: estimates for the whole stream at the live capacity "
           u"(SHARDS-adjusted); sampled_req/sampled_hits: the shadow's own counts on sampled keys, "
           u"cold starts after each rate change included\n"_s;
    if (s.lruCurve.empty())
        out += u"at 2× capacity: n/a (no sampled request yet)\n"_s;
    else
        out += u"at 2× capacity: hit ratio %1% (now %2%) [LRU, SHARDS estimate]\n"_s.arg(
            percent(s.hitRatioAtDoubleCapacity), percent(s.hitRatioNow));
    return out;
}

} // namespace CacheScope
