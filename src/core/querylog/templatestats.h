#pragma once

#include "core/querylog/sqlnormalizer.h"

#include <QJsonArray>
#include <QString>
#include <QStringList>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace CacheScope {

/// Non-negative values in fixed memory (1 KB): a value's power of two and the 2 bits below its
/// leading one pick one of 256 buckets, so a percentile is at most 25% off (the middle of its
/// bucket). For per-template figures, where a LatencyHistogram (14 KB) per template would cost too
/// much for a log of ten thousand templates. record() is lock-free from any thread.
class CompactHistogram
{
public:
    void record(quint64 value) noexcept
    {
        m_counts[bucketOf(value)].fetch_add(1, std::memory_order_relaxed);
        m_sum.fetch_add(value, std::memory_order_relaxed);
    }
    quint64 count() const;
    double mean() const;
    /// Nearest-rank percentile in [0, 100]; 0 when empty.
    quint64 percentile(double p) const;

private:
    static int bucketOf(quint64 value) noexcept;
    static quint64 bucketMiddle(int bucket) noexcept;
    std::array<std::atomic<quint32>, 256> m_counts {};
    std::atomic<quint64> m_sum { 0 };
};

/// One template's counters while a log replays. Workers add to the atomics; the fill and
/// invalidation bookkeeping takes the template's own mutex (only on misses, which wait for the
/// database anyway).
struct TemplateCounters
{
    // Static, set by the feeder before the template's first statement is handed out.
    QString text;
    quint64 id = 0;
    StatementKind kind = StatementKind::Read;
    QString reason; // Uncacheable: why
    QStringList tables;
    std::vector<int> tableSlots; // TableGenerations slots of `tables`

    std::atomic<quint64> calls { 0 };
    std::atomic<quint64> hits { 0 };
    std::atomic<quint64> misses { 0 };
    std::atomic<quint64> errors { 0 };
    std::atomic<quint64> distinctParameters { 0 }; // the feeder's count
    std::atomic<quint64> invalidations { 0 };
    CompactHistogram missLatencyUs; // database round trips of this template's misses (and
                                    // every call of writes and uncacheable statements)
    CompactHistogram resultBytes; // per filled result
    CompactHistogram fillToInvalidationMs; // per invalidated result: its fill to the write

    /// The generations of `tables` the cached results were filled at; 0 before the first read.
    std::atomic<quint64> signature { 0 };
    mutable std::mutex mutex; // guards what follows
    quint64 fills = 0; // results filled under `signature`
    std::vector<qint64> fillsNs; // the first 64 of their fill times
    QString firstError;
};

/// Per-table write generations: a read's cache key includes the generations of the tables it
/// reads, so a write to a table makes every cached result that read it unreachable at once
/// (table-level invalidation, as pgpool-II and ProxySQL do), without a list of keys. The old
/// entries leave through the policy like any cold entry. Tables hash into a fixed number of
/// slots; two tables sharing a slot invalidate each other (more misses, never a stale hit).
class TableGenerations
{
public:
    static constexpr int slotCount = 4096;
    static int slotOf(const QString &table);

    quint64 generation(int slot) const
    {
        return m_slots[std::size_t(slot)].generation.load(std::memory_order_acquire);
    }
    qint64 lastWriteNs(int slot) const
    {
        return m_slots[std::size_t(slot)].lastWriteNs.load(std::memory_order_acquire);
    }
    /// A write to the table committed at `nowNs`.
    void bump(int slot, qint64 nowNs)
    {
        m_slots[std::size_t(slot)].lastWriteNs.store(nowNs, std::memory_order_release);
        m_slots[std::size_t(slot)].generation.fetch_add(1, std::memory_order_acq_rel);
    }
    /// The generations of `tableSlots` mixed into one value (never 0).
    quint64 signature(const std::vector<int> &tableSlots) const;

private:
    struct alignas(64) Slot
    {
        std::atomic<quint64> generation { 0 };
        std::atomic<qint64> lastWriteNs { 0 };
    };
    std::array<Slot, slotCount> m_slots {};
};

/// One template's figures at a moment, as the table, the JSON and the CSV show them.
struct TemplateRow
{
    quint64 id = 0;
    QString text;
    StatementKind kind = StatementKind::Read;
    QString reason;
    QStringList tables;
    quint64 calls = 0;
    double readShare = 0; // of all reads (cacheable or not) in the log so far
    quint64 distinctParameters = 0;
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 errors = 0;
    std::optional<double> hitRatio;
    double missLatencyMeanUs = 0;
    double dbTimeSavedMsPerS = 0; // mean miss latency × hits / elapsed
    double resultBytesMean = 0;
    quint64 resultBytesP99 = 0;
    quint64 invalidations = 0;
    std::optional<double> fillToInvalidationMedianMs;
    /// Database time saved per second per megabyte of its working set (distinct parameter sets
    /// × mean result bytes): the ranking of "cache these".
    double savedPerMegabyte = 0;
    int recommendationRank = 0; // 1.. for the recommended templates, 0 otherwise
    QString firstError;
};

/// "read", "write", "uncacheable", "control".
QString statementKindName(StatementKind kind);

/// Every template of a replayed log, in order of first appearance. The feeder adds templates;
/// workers record through the pointers it hands them (stable for the table's life); the owner
/// takes rows() at any time.
class TemplateStatsTable
{
public:
    /// The feeder's: the counters of `statement`'s template, made on first sight.
    TemplateCounters *counters(const NormalizedStatement &statement);
    /// The feeder's: counts a parameter set (distinct per template).
    void sawParameters(TemplateCounters *counters, quint64 parameterKey);

    /// Records a read answered from the cache.
    static void recordHit(TemplateCounters &t) { t.hits.fetch_add(1, std::memory_order_relaxed); }
    /// Before a read's lookup: whether a write changed the tables since the template's cached
    /// results were filled; counts that as one invalidation of each of them.
    void noteSignature(TemplateCounters &t, quint64 signature, qint64 nowNs) const;
    /// A read's miss filled the cache with `bytes` after `latencyNs` of database time.
    static void recordFill(TemplateCounters &t, qint64 latencyNs, qint64 bytes, qint64 nowNs);
    static void recordError(TemplateCounters &t, const QString &message);

    qsizetype size() const;
    /// The figures now, with the recommendation ranks; `elapsedS` scales time saved per second.
    std::vector<TemplateRow> rows(double elapsedS) const;

    const TableGenerations &generations() const { return m_generations; }
    TableGenerations &generations() { return m_generations; }

private:
    mutable std::mutex m_mutex; // guards the deque's structure and the index
    std::deque<TemplateCounters> m_templates;
    QHash<quint64, TemplateCounters *> m_byId;
    QHash<quint64, QSet<quint64>> m_parameters; // the feeder's only
    TableGenerations m_generations;
};

/// The templates as JSON objects (the `templates` array of replay-log's final line) and as CSV.
QJsonArray templateRowsJson(const std::vector<TemplateRow> &rows);
QString templateRowsCsv(const std::vector<TemplateRow> &rows);

} // namespace CacheScope
