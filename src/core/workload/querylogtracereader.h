#pragma once

#include "core/querylog/querylogreader.h"
#include "core/querylog/sqlnormalizer.h"
#include "core/workload/tracereader.h"

#include <QByteArrayView>
#include <QHash>
#include <QMap>
#include <QSet>

#include <memory>

namespace CacheScope {

/// A query log (PostgreSQL csvlog or stderr log, or a .sql file) as a trace, for `simulate`,
/// `mrc` and the Trace replay tab: every cacheable read is a request whose key is its template,
/// its parameters and the generations of the tables it reads; a write bumps the generations of
/// the tables it writes, so the next read of each result that read them is a miss (table-level
/// invalidation, as the live replay does); the invalidated results stay in the simulated cache
/// until the policy evicts them, as they would in a real one. Uncacheable statements (volatile
/// functions, FOR UPDATE, DDL ...) and transaction control are not requests; notes() counts
/// them with their reasons. Sizes are 1 (a log has no result sizes); times are seconds since
/// the first statement, or 0 for a .sql file.
class QueryLogTraceReader final : public TraceReader
{
public:
    static Result<std::unique_ptr<TraceReader>> open(const QString &path, TraceFormat format);
    /// The log with these reader options; with `onlyTemplates`, the reads of those templates
    /// only (writes of every template still invalidate): the working set of a few templates.
    static Result<std::unique_ptr<QueryLogTraceReader>> open(
        const QString &path, const QueryLogOptions &options, QSet<quint64> onlyTemplates = {});

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_reader->bytesConsumed(); }
    QStringList notes() const override;

    /// The first line of a PostgreSQL csvlog: a time ("2026-12-03 14:00:00.123 UTC"), then a
    /// comma. For telling a csvlog from a key trace named .csv.
    static bool looksLikePgCsvLog(QByteArrayView sample);
    /// A line of a PostgreSQL stderr log with a time-first prefix: "<time> ... LOG:  ".
    static bool looksLikePgStderrLog(QByteArrayView sample);

    qint64 reads() const { return m_reads; }
    qint64 writes() const { return m_writes; }

private:
    explicit QueryLogTraceReader(std::unique_ptr<QueryLogReader> reader);

    std::unique_ptr<QueryLogReader> m_reader;
    StatementClassifier m_classifier;
    LoggedStatement m_statement;
    QSet<quint64> m_onlyTemplates; // empty: every template
    QHash<QString, quint64> m_generations; // per table written so far
    QMap<QString, qint64> m_uncacheable; // reason -> statements
    qint64 m_reads = 0;
    qint64 m_writes = 0;
    qint64 m_control = 0;
    qint64 m_firstUs = -1;
};

} // namespace CacheScope
