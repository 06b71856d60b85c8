#include "runreporter.h"

#include "cliutil.h"

#include "core/metrics/latencyhistogram.h"
#include "core/report/shadowreport.h"
#include "core/report/table.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

void RunReporter::print(
    const RunLine &l, const std::optional<QJsonArray> &expectations, const QJsonObject &extra)
{
    const std::optional<double> ratio = l.counts.hitRatio();
    if (m_format == u"json"_s) {
        QJsonObject o = runLineJson(l, m_databaseBuffer);
        if (expectations)
            o[u"expectations"_s] = *expectations;
        for (auto it = extra.begin(); it != extra.end(); ++it)
            o[it.key()] = it.value();
        printJsonLine(o);
        return;
    }
    // The histogram's floor is 1 µs: an in-memory hit is faster than that, say so.
    auto us = [](qint64 ns) {
        const bool atFloor = ns > 0 && ns * 50 < LatencyHistogram::lowestNs * 51; // within 2%
        return atFloor ? u"<1"_s : QString::number(double(ns) / 1000.0, 'f', 1);
    };
    QStringList cells = {
        l.final ? u"total"_s : QString::number(double(l.tMs) / 1000.0, 'f', 1),
        m_format == u"csv"_s ? QString::number(l.requestsPerSecond, 'f', 0)
                             : formatRate(l.requestsPerSecond),
        ratio ? QString::number(*ratio * 100.0, 'f', 1) : u"n/a"_s,
        QString::number(l.counts.hits),
        QString::number(l.counts.misses),
        QString::number(l.counts.writes),
        QString::number(l.counts.evictionsTotal()),
        QString::number(l.entries),
        QString::number(l.bytes),
        us(l.hit.p50Ns),
        us(l.hit.p99Ns),
        us(l.miss.p50Ns),
        us(l.miss.p99Ns),
        us(l.miss.p999Ns),
        QString::number(l.counts.errors),
    };
    QStringList headers = { u"t_s"_s, u"req/s"_s, u"hit%"_s, u"hits"_s, u"misses"_s, u"writes"_s,
        u"evict"_s, u"entries"_s, u"bytes"_s, u"hit_p50_us"_s, u"hit_p99_us"_s, u"miss_p50_us"_s,
        u"miss_p99_us"_s, u"miss_p999_us"_s, u"errors"_s };
    QList<int> widths = { 7, 9, 6, 10, 9, 8, 9, 9, 11, 11, 11, 12, 12, 13, 7 };
    if (m_databaseBuffer) { // the database's own cache beside the result cache
        headers << u"db_buf_hit%"_s;
        widths << 12;
        cells << (l.databaseBuffer ? QString::number(*l.databaseBuffer * 100.0, 'f', 1) : u"n/a"_s);
    }
    if (l.l2) { // the second tier's part, and the stale reads it brings
        const quint64 reads = l.counts.hits + l.counts.misses;
        headers << u"l2_hits"_s << u"db_queries"_s << u"l2_errors"_s << u"l2_p50_us"_s
                << u"stale%"_s << u"stale_p99_ms"_s;
        widths << 10 << 11 << 10 << 10 << 7 << 13;
        cells << QString::number(l.counts.l2Hits) << QString::number(l.counts.dbQueries)
              << QString::number(l.counts.l2Errors) << us(l.l2Latency.p50Ns)
              << (l.stale && reads ? QString::number(
                      100.0 * double(l.counts.staleReads) / double(reads), 'f', 2)
                                   : u"-"_s)
              << (l.stale ? QString::number(double(l.staleness.p99Ns) / 1e6, 'f', 2) : u"-"_s);
    }
    if (m_format == u"csv"_s) {
        if (!m_headerDone)
            out() << headers.join(u',') << u'\n';
        m_headerDone = true;
        out() << cells.join(u',') << u'\n';
        out().flush();
        return;
    }
    // vmstat style: fixed widths so lines printed over time line up.
    auto row = [&](const QStringList &c) { return fixedWidthRow(c, widths); };
    if (!m_headerDone || l.final)
        out() << row(headers) << u'\n';
    m_headerDone = true;
    out() << row(cells) << u'\n';
    if (l.shadows && m_format == u"table"_s)
        out() << u'\n' << shadowSnapshotText(*l.shadows);
    out().flush();
}

} // namespace CacheScope::Cli
