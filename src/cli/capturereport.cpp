#include "capturereport.h"

#include "core/report/shadowreport.h"
#include "core/report/table.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

namespace {

QJsonValue ratio(std::optional<double> v) { return v ? QJsonValue(*v) : QJsonValue(); }

QString percent(std::optional<double> v)
{
    return v ? QString::number(*v * 100.0, 'f', 1) + u'%' : u"n/a"_s;
}

QString stateName(RedisCaptureSnapshot::State state)
{
    switch (state) {
    case RedisCaptureSnapshot::State::Connecting:
        return u"connecting"_s;
    case RedisCaptureSnapshot::State::Capturing:
        return u"capturing"_s;
    case RedisCaptureSnapshot::State::Finished:
        return u"finished"_s;
    case RedisCaptureSnapshot::State::Failed:
        return u"failed"_s;
    }
    return {};
}

QJsonObject readoutJson(const RedisCaptureReadout &r)
{
    return { { u"label"_s, r.label }, { u"policy"_s, r.policy }, { u"capacity"_s, r.capacity },
        { u"samples"_s, r.samples }, { u"requests"_s, qint64(r.requests) },
        { u"hit_ratio"_s, ratio(r.hitRatio()) }, { u"warm_requests"_s, qint64(r.warmRequests) },
        { u"warm_hit_ratio"_s, ratio(r.warmHitRatio()) } };
}

const RedisCaptureReadout *readout(const RedisCaptureSnapshot &c, const QString &label)
{
    for (const RedisCaptureReadout &r : c.readouts)
        if (r.label == label)
            return &r;
    return nullptr;
}

const ShadowPolicyStats *best(const RedisCaptureSnapshot &c)
{
    return c.shadows && !c.shadows->policies.empty() && c.shadows->policies.front().requests > 0
        ? &c.shadows->policies.front()
        : nullptr;
}

} // namespace

void addCaptureJson(QJsonObject &o, const RedisCaptureSnapshot &c, bool shadows,
    std::optional<double> measuredHitRatio)
{
    o[u"capture"_s] = QJsonObject {
        { u"state"_s, stateName(c.state) },
        { u"commands"_s, qint64(c.commands) },
        { u"reads"_s, qint64(c.reads) },
        { u"writes"_s, qint64(c.writes) },
        { u"other_commands"_s, qint64(c.others) },
        { u"malformed"_s, qint64(c.malformed) },
        { u"recorded_lines"_s, qint64(c.recordedLines) },
        { u"stop_reason"_s, c.stopReason },
        { u"notes"_s, QJsonArray::fromStringList(c.notes) },
    };
    QJsonArray prefixes;
    for (const KeyPrefixStats::Row &row : c.prefixes) {
        QJsonObject p { { u"prefix"_s, row.prefix }, { u"reads"_s, qint64(row.reads) },
            { u"writes"_s, qint64(row.writes) }, { u"keys"_s, row.keys },
            { u"keys_estimated"_s, row.keysEstimated }, { u"share"_s, row.share } };
        if (shadows)
            p[u"hit_ratio"_s] = ratio(row.hitRatio());
        prefixes.append(p);
    }
    o[u"prefixes"_s] = prefixes;
    QJsonArray top;
    for (const TopKeys::Entry &k : c.topKeys)
        top.append(QJsonObject { { u"key"_s, QString::fromUtf8(k.key) },
            { u"reads"_s, qint64(k.count) }, { u"error"_s, qint64(k.error) } });
    o[u"top_keys"_s] = top;
    if (!shadows)
        return;
    QJsonArray ranking;
    if (c.shadows) {
        for (const ShadowPolicyStats &p : c.shadows->policies)
            ranking.append(QJsonObject { { u"policy"_s, p.policy },
                { u"hit_ratio"_s, p.requests ? QJsonValue(p.hitRatio) : QJsonValue() } });
    }
    o[u"shadows"_s] = ranking;
    QJsonObject readouts { { u"measured_hit_ratio"_s, ratio(measuredHitRatio) },
        { u"maxmemory_policy"_s, c.maxmemoryPolicy }, { u"capacity_keys"_s, c.capacityKeys },
        { u"capacity_estimated"_s, c.capacityEstimated } };
    const std::pair<const char *, QString> names[]
        = { { "own_policy", c.readouts.empty() ? QString() : c.readouts.front().label },
              { "allkeys_lfu", u"allkeys-lfu"_s }, { "samples_10", u"maxmemory-samples 10"_s },
              { "double_memory", u"2x maxmemory"_s } };
    for (const auto &[key, label] : names) {
        const RedisCaptureReadout *r = readout(c, label);
        readouts[QString::fromLatin1(key)] = r ? QJsonValue(readoutJson(*r)) : QJsonValue();
    }
    const ShadowPolicyStats *b = best(c);
    readouts[u"best"_s] = b
        ? QJsonValue(QJsonObject { { u"policy"_s, b->policy }, { u"hit_ratio"_s, b->hitRatio } })
        : QJsonValue();
    o[u"readouts"_s] = readouts;
}

QString captureText(
    const RedisCaptureSnapshot &c, bool shadows, std::optional<double> measuredHitRatio, bool final)
{
    QString line = u"  capture: %1 commands, %2 reads, %3 writes"_s.arg(c.commands)
                       .arg(c.reads)
                       .arg(c.writes);
    if (c.malformed)
        line += u", %1 malformed"_s.arg(c.malformed);
    QStringList top;
    for (const KeyPrefixStats::Row &row : c.prefixes) {
        if (top.size() == 3)
            break;
        QString cell = row.prefix + u' ' + QString::number(row.share * 100.0, 'f', 1) + u'%';
        if (shadows && row.hitRatio())
            cell += u" (hit "_s + percent(row.hitRatio()) + u')';
        top << cell;
    }
    if (!top.isEmpty())
        line += u"; prefixes: "_s + top.join(u", "_s);
    line += u'\n';
    if (shadows && !c.readouts.empty()) {
        QStringList cells { u"measured "_s + percent(measuredHitRatio) };
        for (const RedisCaptureReadout &r : c.readouts)
            cells << r.label + (r.label == u"own policy"_s ? u" "_s + r.policy : QString()) + u' '
                    + percent(r.hitRatio())
                    + (r.warmHitRatio() ? u" (warm "_s + percent(r.warmHitRatio()) + u')'
                                        : QString());
        if (const ShadowPolicyStats *b = best(c))
            cells << u"best "_s + b->policy + u' ' + percent(b->hitRatio);
        line += u"  what-if at %1 keys%2: "_s.arg(c.capacityKeys)
                    .arg(c.capacityEstimated ? u" (estimated)"_s : QString())
            + cells.join(u" | "_s) + u'\n';
    }
    if (!final)
        return line;
    Table prefixes({ u"prefix"_s, u"reads"_s, u"share%"_s, u"writes"_s, u"keys"_s,
        shadows ? u"shadow_hit%"_s : u"-"_s });
    prefixes.setTextColumn(0);
    for (const KeyPrefixStats::Row &row : c.prefixes)
        prefixes.addRow({ row.prefix, QString::number(row.reads),
            QString::number(row.share * 100.0, 'f', 1), QString::number(row.writes),
            (row.keysEstimated ? u"~"_s : QString()) + QString::number(row.keys),
            shadows ? percent(row.hitRatio()) : QString() });
    line += u"\nkey prefixes (reads since the capture began):\n"_s + prefixes.toText();
    Table keys({ u"key"_s, u"reads"_s, u"error"_s });
    keys.setTextColumn(0);
    for (const TopKeys::Entry &k : c.topKeys)
        keys.addRow(
            { QString::fromUtf8(k.key), QString::number(k.count), QString::number(k.error) });
    line += u"\ntop keys by reads:\n"_s + keys.toText();
    if (shadows && c.shadows)
        line += u'\n' + shadowSnapshotText(*c.shadows);
    return line;
}

} // namespace CacheScope::Cli
