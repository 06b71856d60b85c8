#include "core/workload/querylogtracereader.h"

#include <QLocale>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

QueryLogFormat queryLogFormat(TraceFormat format)
{
    switch (format) {
    case TraceFormat::PgLogCsv:
        return QueryLogFormat::PgCsv;
    case TraceFormat::PgLog:
        return QueryLogFormat::PgStderr;
    case TraceFormat::Sql:
        return QueryLogFormat::Sql;
    default:
        return QueryLogFormat::Auto;
    }
}

TraceFormat traceFormat(QueryLogFormat format)
{
    switch (format) {
    case QueryLogFormat::PgCsv:
        return TraceFormat::PgLogCsv;
    case QueryLogFormat::PgStderr:
        return TraceFormat::PgLog;
    case QueryLogFormat::Sql:
        return TraceFormat::Sql;
    case QueryLogFormat::Auto:
        break;
    }
    return TraceFormat::Auto;
}

QString firstLines(QByteArrayView sample, int lines)
{
    qsizetype end = 0;
    for (int i = 0; i < lines && end < sample.size(); ++i) {
        const qsizetype nl = sample.indexOf('\n', end);
        end = nl < 0 ? sample.size() : nl + 1;
    }
    return QString::fromUtf8(sample.first(end));
}

} // namespace

QueryLogTraceReader::QueryLogTraceReader(std::unique_ptr<QueryLogReader> reader)
    : m_reader(std::move(reader))
{
    m_path = m_reader->path();
    m_format = traceFormat(m_reader->format());
    m_fileSize = m_reader->fileSize();
}

Result<std::unique_ptr<TraceReader>> QueryLogTraceReader::open(
    const QString &path, TraceFormat format)
{
    QueryLogOptions options;
    options.format = queryLogFormat(format);
    Result<std::unique_ptr<QueryLogTraceReader>> reader = open(path, options);
    if (!reader)
        return reader.error();
    return std::unique_ptr<TraceReader>(std::move(reader).value());
}

Result<std::unique_ptr<QueryLogTraceReader>> QueryLogTraceReader::open(
    const QString &path, const QueryLogOptions &options, QSet<quint64> onlyTemplates)
{
    Result<std::unique_ptr<QueryLogReader>> reader = QueryLogReader::open(path, options);
    if (!reader)
        return reader.error();
    std::unique_ptr<QueryLogTraceReader> trace(new QueryLogTraceReader(std::move(reader).value()));
    trace->m_onlyTemplates = std::move(onlyTemplates);
    return trace;
}

Result<qsizetype> QueryLogTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    qsizetype added = 0;
    while (added < max) {
        Result<bool> got = m_reader->next(m_statement);
        if (!got)
            return got.error();
        if (!*got)
            break;
        const NormalizedStatement n = m_classifier.classify(m_statement.session, m_statement.text);
        switch (n.kind) {
        case StatementKind::Control:
            ++m_control;
            continue;
        case StatementKind::Uncacheable:
            ++m_uncacheable[n.reason];
            continue;
        case StatementKind::Write:
            ++m_writes;
            for (const QString &table : n.tables)
                ++m_generations[table];
            continue;
        case StatementKind::Read:
            break;
        }
        if (!m_onlyTemplates.isEmpty() && !m_onlyTemplates.contains(n.templateId))
            continue;
        quint64 signature = 0x5349474eULL;
        for (const QString &table : n.tables)
            signature = mixKey(signature ^ qHash(table, 0x7461626cU) ^ m_generations.value(table));
        Request r;
        r.key = mixKey(n.parameterKey ^ signature);
        if (m_statement.timeUs >= 0) {
            if (m_firstUs < 0)
                m_firstUs = m_statement.timeUs;
            r.time = quint32(std::clamp<qint64>((m_statement.timeUs - m_firstUs) / 1'000'000, 0,
                std::numeric_limits<quint32>::max()));
        }
        out.push_back(r);
        ++m_reads;
        ++added;
    }
    return added;
}

QStringList QueryLogTraceReader::notes() const
{
    const QLocale c = QLocale::c();
    QStringList notes = m_reader->notes();
    if (m_writes > 0)
        notes << u"%1 writes invalidated the cached results of the tables they write (the next "
                 "read of each is a miss)"_s.arg(c.toString(m_writes));
    qint64 uncacheable = 0;
    QStringList reasons;
    for (auto it = m_uncacheable.cbegin(); it != m_uncacheable.cend(); ++it) {
        uncacheable += it.value();
        reasons << it.key() + u": "_s + c.toString(it.value());
    }
    if (uncacheable > 0)
        notes << u"%1 uncacheable statements are not requests (%2)"_s.arg(
            c.toString(uncacheable), reasons.join(u", "_s));
    if (m_control > 0)
        notes << u"%1 transaction control statements skipped"_s.arg(c.toString(m_control));
    if (m_reads == 0 && m_writes > 0)
        notes << u"the log has only writes: nothing to cache"_s;
    return notes;
}

bool QueryLogTraceReader::looksLikePgCsvLog(QByteArrayView sample)
{
    static const QRegularExpression time(
        u"^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?( [A-Za-z0-9+:_/-]+)?,"_s);
    return time.match(firstLines(sample, 1)).hasMatch();
}

bool QueryLogTraceReader::looksLikePgStderrLog(QByteArrayView sample)
{
    static const QRegularExpression line(
        u"^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?\\S*.*\\b(LOG|ERROR|WARNING|"
        "STATEMENT|DETAIL|FATAL):  "_s,
        QRegularExpression::MultilineOption);
    return line.match(firstLines(sample, 20)).hasMatch();
}

} // namespace CacheScope
