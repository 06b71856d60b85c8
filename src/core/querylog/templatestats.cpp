#include "core/querylog/templatestats.h"

#include <QJsonObject>
#include <QStringBuilder>

#include <algorithm>
#include <bit>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr std::size_t maxFillTimes = 64;
// "Cache these": templates that saved database time, best first, until this share of the total
// saving is covered (the long tail is not worth a recommendation), at most this many.
constexpr double recommendedShare = 0.9;
constexpr int maxRecommended = 10;

} // namespace

int CompactHistogram::bucketOf(quint64 value) noexcept
{
    if (value < 4)
        return int(value);
    const int exponent = 63 - std::countl_zero(value); // >= 2
    const int sub = int((value >> (exponent - 2)) & 3);
    return std::min(255, (exponent - 1) * 4 + sub);
}

quint64 CompactHistogram::bucketMiddle(int bucket) noexcept
{
    if (bucket < 4)
        return quint64(bucket);
    const int exponent = bucket / 4 + 1;
    const quint64 sub = quint64(bucket % 4);
    const quint64 low = (quint64(4) + sub) << (exponent - 2);
    const quint64 width = quint64(1) << (exponent - 2);
    return low + width / 2;
}

quint64 CompactHistogram::count() const
{
    quint64 n = 0;
    for (const auto &c : m_counts)
        n += c.load(std::memory_order_relaxed);
    return n;
}

double CompactHistogram::mean() const
{
    const quint64 n = count();
    return n ? double(m_sum.load(std::memory_order_relaxed)) / double(n) : 0.0;
}

quint64 CompactHistogram::percentile(double p) const
{
    const quint64 n = count();
    if (n == 0)
        return 0;
    const auto rank
        = std::max<quint64>(1, quint64(std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * double(n))));
    quint64 seen = 0;
    for (int b = 0; b < 256; ++b) {
        seen += m_counts[std::size_t(b)].load(std::memory_order_relaxed);
        if (seen >= rank)
            return bucketMiddle(b);
    }
    return bucketMiddle(255);
}

int TableGenerations::slotOf(const QString &table)
{
    return int(mixKey(qHash(table, 0x7461626cU)) % slotCount);
}

quint64 TableGenerations::signature(const std::vector<int> &tableSlots) const
{
    quint64 s = 0x5349474eULL;
    for (const int slot : tableSlots)
        s = mixKey(s ^ (generation(slot) + quint64(slot) * 0x9e3779b97f4a7c15ULL));
    return s ? s : 1;
}

QString statementKindName(StatementKind kind)
{
    switch (kind) {
    case StatementKind::Read:
        return u"read"_s;
    case StatementKind::Write:
        return u"write"_s;
    case StatementKind::Uncacheable:
        return u"uncacheable"_s;
    case StatementKind::Control:
        return u"control"_s;
    }
    return u"read"_s;
}

TemplateCounters *TemplateStatsTable::counters(const NormalizedStatement &statement)
{
    std::lock_guard lock(m_mutex);
    if (TemplateCounters *known = m_byId.value(statement.templateId))
        return known;
    TemplateCounters &t = m_templates.emplace_back();
    t.text = statement.templateText;
    t.id = statement.templateId;
    t.kind = statement.kind;
    t.reason = statement.reason;
    t.tables = statement.tables;
    for (const QString &table : statement.tables)
        t.tableSlots.push_back(TableGenerations::slotOf(table));
    m_byId.insert(t.id, &t);
    return &t;
}

void TemplateStatsTable::sawParameters(TemplateCounters *counters, quint64 parameterKey)
{
    QSet<quint64> &seen = m_parameters[counters->id];
    const auto before = seen.size();
    seen.insert(parameterKey);
    if (seen.size() != before)
        counters->distinctParameters.fetch_add(1, std::memory_order_relaxed);
}

void TemplateStatsTable::noteSignature(TemplateCounters &t, quint64 signature, qint64 nowNs) const
{
    if (t.signature.load(std::memory_order_acquire) == signature)
        return;
    std::lock_guard lock(t.mutex);
    const quint64 was = t.signature.load(std::memory_order_relaxed);
    if (was == signature)
        return;
    if (was != 0 && t.fills > 0) {
        // The write that changed the tables: the latest write to any of them, before now.
        qint64 writeNs = 0;
        for (const int slot : t.tableSlots)
            writeNs = std::max(writeNs, m_generations.lastWriteNs(slot));
        if (writeNs == 0 || writeNs > nowNs)
            writeNs = nowNs;
        t.invalidations.fetch_add(t.fills, std::memory_order_relaxed);
        for (const qint64 fill : t.fillsNs)
            t.fillToInvalidationMs.record(quint64(std::max<qint64>(0, writeNs - fill) / 1'000'000));
    }
    t.fills = 0;
    t.fillsNs.clear();
    t.signature.store(signature, std::memory_order_release);
}

void TemplateStatsTable::recordFill(
    TemplateCounters &t, qint64 latencyNs, qint64 bytes, qint64 nowNs)
{
    t.misses.fetch_add(1, std::memory_order_relaxed);
    t.missLatencyUs.record(quint64(std::max<qint64>(0, latencyNs) / 1000));
    t.resultBytes.record(quint64(std::max<qint64>(0, bytes)));
    std::lock_guard lock(t.mutex);
    ++t.fills;
    if (t.fillsNs.size() < maxFillTimes)
        t.fillsNs.push_back(nowNs);
}

void TemplateStatsTable::recordError(TemplateCounters &t, const QString &message)
{
    t.errors.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(t.mutex);
    if (t.firstError.isEmpty())
        t.firstError = message;
}

qsizetype TemplateStatsTable::size() const
{
    std::lock_guard lock(m_mutex);
    return qsizetype(m_templates.size());
}

std::vector<TemplateRow> TemplateStatsTable::rows(double elapsedS) const
{
    std::vector<TemplateRow> rows;
    std::lock_guard lock(m_mutex);
    rows.reserve(m_templates.size());
    quint64 reads = 0;
    for (const TemplateCounters &t : m_templates) {
        if (t.kind == StatementKind::Read || t.kind == StatementKind::Uncacheable)
            reads += t.calls.load(std::memory_order_relaxed);
    }
    for (const TemplateCounters &t : m_templates) {
        TemplateRow r;
        r.id = t.id;
        r.text = t.text;
        r.kind = t.kind;
        r.reason = t.reason;
        r.tables = t.tables;
        r.calls = t.calls.load(std::memory_order_relaxed);
        const bool isRead = t.kind == StatementKind::Read || t.kind == StatementKind::Uncacheable;
        r.readShare = isRead && reads ? double(r.calls) / double(reads) : 0.0;
        r.distinctParameters = t.distinctParameters.load(std::memory_order_relaxed);
        r.hits = t.hits.load(std::memory_order_relaxed);
        r.misses = t.misses.load(std::memory_order_relaxed);
        r.errors = t.errors.load(std::memory_order_relaxed);
        if (t.kind == StatementKind::Read && r.hits + r.misses > 0)
            r.hitRatio = double(r.hits) / double(r.hits + r.misses);
        r.missLatencyMeanUs = t.missLatencyUs.mean();
        if (elapsedS > 0)
            r.dbTimeSavedMsPerS = r.missLatencyMeanUs / 1000.0 * double(r.hits) / elapsedS;
        r.resultBytesMean = t.resultBytes.mean();
        r.resultBytesP99 = t.resultBytes.percentile(99);
        r.invalidations = t.invalidations.load(std::memory_order_relaxed);
        if (t.fillToInvalidationMs.count() > 0)
            r.fillToInvalidationMedianMs = double(t.fillToInvalidationMs.percentile(50));
        const double workingSetMb = double(std::max<quint64>(1, r.distinctParameters))
            * std::max(1.0, r.resultBytesMean) / 1e6;
        r.savedPerMegabyte = r.dbTimeSavedMsPerS / workingSetMb;
        {
            std::lock_guard own(t.mutex);
            r.firstError = t.firstError;
        }
        rows.push_back(std::move(r));
    }

    // "Cache these": cacheable reads that saved time, by saving per megabyte, until most of the
    // saving is covered.
    std::vector<TemplateRow *> candidates;
    double totalSaved = 0;
    for (TemplateRow &r : rows) {
        if (r.kind == StatementKind::Read && r.dbTimeSavedMsPerS > 0) {
            candidates.push_back(&r);
            totalSaved += r.dbTimeSavedMsPerS;
        }
    }
    std::sort(candidates.begin(), candidates.end(), [](const TemplateRow *a, const TemplateRow *b) {
        return a->savedPerMegabyte != b->savedPerMegabyte
            ? a->savedPerMegabyte > b->savedPerMegabyte
            : a->id < b->id;
    });
    double covered = 0;
    int rank = 0;
    for (TemplateRow *r : candidates) {
        if (rank >= maxRecommended || (rank > 0 && covered >= recommendedShare * totalSaved))
            break;
        r->recommendationRank = ++rank;
        covered += r->dbTimeSavedMsPerS;
    }
    return rows;
}

QJsonArray templateRowsJson(const std::vector<TemplateRow> &rows)
{
    QJsonArray array;
    for (const TemplateRow &r : rows) {
        QJsonObject o;
        o[u"template_id"_s] = QString::number(r.id, 16).rightJustified(16, u'0');
        o[u"template"_s] = r.text;
        o[u"kind"_s] = statementKindName(r.kind);
        if (!r.reason.isEmpty())
            o[u"uncacheable_reason"_s] = r.reason;
        o[u"tables"_s] = QJsonArray::fromStringList(r.tables);
        o[u"calls"_s] = double(r.calls);
        o[u"read_share"_s] = r.readShare;
        o[u"distinct_parameters"_s] = double(r.distinctParameters);
        o[u"hits"_s] = double(r.hits);
        o[u"misses"_s] = double(r.misses);
        o[u"errors"_s] = double(r.errors);
        o[u"hit_ratio"_s] = r.hitRatio ? QJsonValue(*r.hitRatio) : QJsonValue();
        o[u"miss_latency_us_mean"_s] = r.missLatencyMeanUs;
        o[u"db_time_saved_ms_per_s"_s] = r.dbTimeSavedMsPerS;
        o[u"result_bytes_mean"_s] = r.resultBytesMean;
        o[u"result_bytes_p99"_s] = double(r.resultBytesP99);
        o[u"invalidations"_s] = double(r.invalidations);
        o[u"fill_to_invalidation_ms_p50"_s] = r.fillToInvalidationMedianMs
            ? QJsonValue(*r.fillToInvalidationMedianMs)
            : QJsonValue();
        o[u"saved_ms_per_s_per_mb"_s] = r.savedPerMegabyte;
        o[u"recommended_rank"_s] = r.recommendationRank;
        if (!r.firstError.isEmpty())
            o[u"first_error"_s] = r.firstError;
        array.append(o);
    }
    return array;
}

namespace {

QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text;
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' % quoted % u'"';
}

QString optionalNumber(const std::optional<double> &value, int decimals)
{
    return value ? QString::number(*value, 'f', decimals) : QString();
}

} // namespace

QString templateRowsCsv(const std::vector<TemplateRow> &rows)
{
    QString csv = u"template_id,kind,calls,read_share,distinct_parameters,hits,misses,errors,"
                  "hit_ratio,miss_latency_us_mean,db_time_saved_ms_per_s,result_bytes_mean,"
                  "result_bytes_p99,invalidations,fill_to_invalidation_ms_p50,"
                  "saved_ms_per_s_per_mb,recommended_rank,uncacheable_reason,tables,template\n"_s;
    for (const TemplateRow &r : rows) {
        const QStringList cells = {
            QString::number(r.id, 16).rightJustified(16, u'0'),
            statementKindName(r.kind),
            QString::number(r.calls),
            QString::number(r.readShare, 'f', 4),
            QString::number(r.distinctParameters),
            QString::number(r.hits),
            QString::number(r.misses),
            QString::number(r.errors),
            optionalNumber(r.hitRatio, 4),
            QString::number(r.missLatencyMeanUs, 'f', 1),
            QString::number(r.dbTimeSavedMsPerS, 'f', 3),
            QString::number(r.resultBytesMean, 'f', 0),
            QString::number(r.resultBytesP99),
            QString::number(r.invalidations),
            optionalNumber(r.fillToInvalidationMedianMs, 0),
            QString::number(r.savedPerMegabyte, 'f', 3),
            QString::number(r.recommendationRank),
            csvField(r.reason),
            csvField(r.tables.join(u' ')),
            csvField(r.text),
        };
        csv += cells.join(u',') + u'\n';
    }
    return csv;
}

} // namespace CacheScope
