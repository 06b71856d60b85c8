#include "metricshistory.h"

#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

QString num(double v) { return QString::number(v, 'g', 10); }

QString ratio(std::optional<double> r) { return r ? QString::number(*r, 'f', 6) : QString(); }

QString csvText(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text;
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

void appendLatency(QStringList &cells, const LatencySummary &l)
{
    for (const qint64 ns : { l.p50Ns, l.p95Ns, l.p99Ns, l.p999Ns, l.maxNs })
        cells << (l.count ? num(double(ns) / 1000.0) : QString());
}

} // namespace

MetricsHistory::MetricsHistory(qsizetype capacity)
    : m_rows(capacity)
{
}

void MetricsHistory::add(double t, const MetricsSnapshot &snapshot)
{
    m_rows.push({ t, snapshot, m_pendingChanges.join(u"; "_s) });
    m_pendingChanges.clear();
}

void MetricsHistory::addChange(const QString &description) { m_pendingChanges << description; }

void MetricsHistory::clear()
{
    m_rows.clear();
    m_pendingChanges.clear();
}

QStringList MetricsHistory::csvColumns()
{
    QStringList c { u"t_s"_s, u"elapsed_ms"_s, u"interval_ms"_s, u"requests"_s, u"hits"_s,
        u"misses"_s, u"writes"_s, u"errors"_s, u"requests_per_s"_s, u"hits_per_s"_s,
        u"misses_per_s"_s, u"writes_per_s"_s, u"errors_per_s"_s, u"hit_ratio"_s,
        u"hit_ratio_cumulative"_s, u"evicted_capacity_per_s"_s, u"evicted_expired_per_s"_s,
        u"evicted_invalidated_per_s"_s, u"entries"_s, u"bytes"_s, u"capacity"_s,
        u"capacity_unit"_s };
    for (const QString &kind : { u"hit"_s, u"miss"_s }) {
        for (const QString &p : { u"p50"_s, u"p95"_s, u"p99"_s, u"p999"_s, u"max"_s })
            c << kind + u'_' + p + u"_us"_s;
    }
    c << u"db_buffer_hit_ratio"_s << u"db_buffer_hit_ratio_cumulative"_s << u"config_change"_s;
    return c;
}

QString MetricsHistory::toCsv() const
{
    QString out = csvColumns().join(u',') + u'\n';
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows.at(i);
        const MetricsSnapshot &s = r.snapshot;
        QStringList cells { QString::number(r.t, 'f', 3), QString::number(s.elapsedMs),
            QString::number(s.intervalMs), QString::number(s.interval.requests),
            QString::number(s.interval.hits), QString::number(s.interval.misses),
            QString::number(s.interval.writes), QString::number(s.interval.errors),
            num(s.requestsPerSecond), num(s.hitsPerSecond), num(s.missesPerSecond),
            num(s.writesPerSecond), num(s.errorsPerSecond), ratio(s.hitRatio()),
            ratio(s.totalHitRatio()), num(s.evictionsPerSecond[0]), num(s.evictionsPerSecond[1]),
            num(s.evictionsPerSecond[2]), QString::number(s.entries), QString::number(s.bytes),
            QString::number(s.capacity),
            s.capacityUnit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s };
        appendLatency(cells, s.hitLatency);
        appendLatency(cells, s.missLatency);
        cells << ratio(s.databaseBufferHitRatio) << ratio(s.databaseBufferHitRatioCumulative)
              << csvText(r.changes);
        out += cells.join(u',') + u'\n';
    }
    return out;
}

Result<void> MetricsHistory::writeCsv(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return Error { file.errorString(), path, 0, {}, {} };
    file.write(toCsv().toUtf8());
    if (!file.commit())
        return Error { file.errorString(), path, 0, {}, {} };
    return {};
}

} // namespace CacheScope
