#include "replaylog.h"

#include "cliutil.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

QString replayLogDescription()
{
    return u"Replays a PostgreSQL query log (csvlog, or a stderr log whose log_line_prefix has a\n"
           "time and a session, e.g. '%m|%u|%d|%c|' or Debian's '%m [%p] ') or a .sql file\n"
           "through the result cache against your database (the connection options below), and\n"
           "answers which statements are worth caching. Each statement becomes a template\n"
           "(literals replaced) plus parameters: reads are cached by template and parameters,\n"
           "writes invalidate the cached results of the tables they write, and statements that\n"
           "cannot be cached (volatile functions, FOR UPDATE, DDL, ...) run uncached. Each\n"
           "session runs on one worker, in the log's order. Prints one line per interval, a\n"
           "summary, and the per-template table with its \"cache these\" ranking. Make the log "
           "with\n"
           "log_min_duration_statement = 0 (or log_statement = 'all'). Writes in the log are run:\n"
           "replay against a copy of the database."_s;
}

void addReplayLogOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        { u"format"_s,
            u"pglog-csv, pglog (stderr) or sql (default: detected from the name and content)."_s,
            u"FORMAT"_s },
        { u"log-prefix"_s,
            u"The server's log_line_prefix for a stderr log, when it is not one of the two\n"
            "above (it must carry a time, %m or %t, and a session, %c or %p)."_s,
            u"PREFIX"_s },
        { u"speed"_s,
            u"Start statements at the log's own times divided by X (1 = as logged, 10 = ten\n"
            "times faster). Default: as fast as the workers go (--as-fast)."_s,
            u"X"_s },
        { u"as-fast"_s, u"Run every statement as soon as a worker is free (the default)."_s },
        { u"templates"_s,
            u"Write the per-template table to FILE at the end: CSV, or JSON when FILE ends\n"
            "in .json."_s,
            u"FILE"_s },
    });
}

Result<QueryLogReplay> replayLogSpec(const QCommandLineParser &parser)
{
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return Error { u"give the query log to replay: cachescope-cli replay-log FILE [options]"_s,
            {}, 0, u"FILE"_s, {} };
    if (files.size() > 1)
        return Error { u"replays one log at a time"_s, {}, 0, u"FILE"_s, files.join(u' ') };
    QueryLogReplay spec;
    spec.path = files.first();
    if (!QFileInfo::exists(spec.path))
        return Error { u"no such file"_s, spec.path, 0, u"FILE"_s, spec.path };
    if (parser.isSet(u"format"_s)) {
        Result<QueryLogFormat> format = parseQueryLogFormat(parser.value(u"format"_s).trimmed());
        if (!format)
            return format.error();
        spec.options.format = format.value();
    }
    if (parser.isSet(u"log-prefix"_s))
        spec.options.logLinePrefix = parser.value(u"log-prefix"_s);
    if (parser.isSet(u"speed"_s) && parser.isSet(u"as-fast"_s))
        return Error { u"give --speed or --as-fast, not both"_s, {}, 0, u"--speed"_s,
            parser.value(u"speed"_s) };
    if (parser.isSet(u"speed"_s)) {
        const Result<double> speed = realOption(parser, u"speed"_s, 1.0, 1e-6, 1e6);
        if (!speed)
            return speed.error();
        spec.speed = speed.value();
    }
    // Bad input is a usage error (exit 2) before anything connects: the file opens and its format
    // is known. The run opens it again on its own thread.
    if (Result<std::unique_ptr<QueryLogReader>> reader
        = QueryLogReader::open(spec.path, spec.options);
        !reader)
        return reader.error();
    return spec;
}

namespace {

QString elidedText(const QString &text, qsizetype width)
{
    return text.size() <= width ? text : text.left(width - 1) + u"…"_s;
}

} // namespace

std::optional<RecommendedCapacity> recommendedCapacity(
    const QueryLogReplay &log, const std::vector<TemplateRow> &rows)
{
    QSet<quint64> ids;
    double bytes = 0;
    double results = 0;
    for (const TemplateRow &r : rows) {
        if (r.recommendationRank > 0) {
            ids.insert(r.id);
            bytes += r.resultBytesMean * double(r.distinctParameters);
            results += double(r.distinctParameters);
        }
    }
    if (ids.isEmpty())
        return std::nullopt;
    const Result<WorkingSetCapacity> capacity = workingSetCapacity(log, ids);
    if (!capacity) {
        note(u"the capacity for the recommended templates is not known: "_s
            + capacity.error().toString());
        return std::nullopt;
    }
    RecommendedCapacity c;
    c.capacity = capacity.value();
    c.bytes = results > 0 ? qint64(double(c.capacity.entries) * bytes / results) : 0;
    return c;
}

QJsonObject recommendedCapacityJson(const RecommendedCapacity &c)
{
    return {
        { u"entries"_s, double(c.capacity.entries) },
        { u"bytes"_s, double(c.bytes) },
        { u"hit_ratio"_s, c.capacity.hitRatio },
        { u"max_hit_ratio"_s, c.capacity.maxHitRatio },
        { u"requests"_s, double(c.capacity.requests) },
        { u"unique_results"_s, double(c.capacity.uniqueResults) },
    };
}

QString templateTableText(const std::vector<TemplateRow> &rows, qint64 statements,
    const std::optional<RecommendedCapacity> &capacity)
{
    const QLocale c = QLocale::c();
    std::vector<const TemplateRow *> order;
    order.reserve(rows.size());
    for (const TemplateRow &r : rows)
        order.push_back(&r);
    // Most called first: the table a user reads top down.
    std::stable_sort(order.begin(), order.end(),
        [](const TemplateRow *a, const TemplateRow *b) { return a->calls > b->calls; });
    const QList<int> widths = { 9, 6, 6, 8, 9, 10, 9, 7, 12 };
    QString text = u"templates: %1 from %2 statements\n"_s.arg(
        c.toString(qint64(rows.size())), c.toString(statements));
    text += fixedWidthRow({ u"calls"_s, u"read%"_s, u"hit%"_s, u"distinct"_s, u"saved_ms/s"_s,
                              u"bytes_mean"_s, u"inval"_s, u"errors"_s, u"kind"_s },
                widths)
        + u"  template\n"_s;
    const qsizetype shown = std::min<qsizetype>(qsizetype(order.size()), 25);
    for (qsizetype i = 0; i < shown; ++i) {
        const TemplateRow &r = *order[std::size_t(i)];
        const QString kind
            = r.kind == StatementKind::Uncacheable ? u"uncached"_s : statementKindName(r.kind);
        QString line = fixedWidthRow(
            {
                QString::number(r.calls),
                r.readShare > 0 ? QString::number(r.readShare * 100.0, 'f', 1) : u"-"_s,
                r.hitRatio ? QString::number(*r.hitRatio * 100.0, 'f', 1) : u"-"_s,
                QString::number(r.distinctParameters),
                QString::number(r.dbTimeSavedMsPerS, 'f', 2),
                r.resultBytesMean > 0 ? QString::number(r.resultBytesMean, 'f', 0) : u"-"_s,
                QString::number(r.invalidations),
                QString::number(r.errors),
                kind,
            },
            widths);
        line += u"  "_s + elidedText(r.text, 70);
        if (!r.reason.isEmpty())
            line += u"  ("_s + r.reason + u')';
        text += line + u'\n';
    }
    if (qsizetype(order.size()) > shown)
        text += u"... %1 more (--output json or --templates FILE for all)\n"_s.arg(
            qsizetype(order.size()) - shown);

    std::vector<const TemplateRow *> recommended;
    for (const TemplateRow &r : rows) {
        if (r.recommendationRank > 0)
            recommended.push_back(&r);
    }
    std::sort(
        recommended.begin(), recommended.end(), [](const TemplateRow *a, const TemplateRow *b) {
            return a->recommendationRank < b->recommendationRank;
        });
    if (recommended.empty()) {
        text += u"\ncache these: none (no cacheable read was answered from the cache)\n"_s;
        return text;
    }
    text += u"\ncache these (database time saved per MB of cache, best first):\n"_s;
    for (const TemplateRow *r : recommended) {
        QString line = u"  %1. %2 ms/s saved, %3 ms/s per MB, hit %4%"_s.arg(r->recommendationRank)
                           .arg(r->dbTimeSavedMsPerS, 0, 'f', 2)
                           .arg(r->savedPerMegabyte, 0, 'f', 2)
                           .arg(r->hitRatio ? *r->hitRatio * 100.0 : 0.0, 0, 'f', 1);
        if (r->fillToInvalidationMedianMs)
            line += u", invalidated %1 ms after a fill (median): TTL below that"_s.arg(
                *r->fillToInvalidationMedianMs, 0, 'f', 0);
        text += line + u"\n     "_s + elidedText(r->text, 100) + u'\n';
    }
    if (capacity) {
        const WorkingSetCapacity &w = capacity->capacity;
        text += u"their working set: an LRU cache of %1 (about %2 at their mean result "
                "size) serves %3% of their reads, %4% of the %5% they can reach (the exact LRU "
                "curve of their %6 reads)\n"_s
                    .arg(QLocale::c().toString(w.entries)
                            + (w.entries == 1 ? u" entry"_s : u" entries"_s),
                        QLocale::c().formattedDataSize(capacity->bytes))
                    .arg(w.hitRatio * 100.0, 0, 'f', 1)
                    .arg(w.maxHitRatio > 0 ? w.hitRatio / w.maxHitRatio * 100.0 : 0.0, 0, 'f', 0)
                    .arg(w.maxHitRatio * 100.0, 0, 'f', 1)
                    .arg(QLocale::c().toString(w.requests));
    }
    return text;
}

Result<void> writeTemplates(const QCommandLineParser &parser, const std::vector<TemplateRow> &rows)
{
    if (!parser.isSet(u"templates"_s))
        return {};
    const QString path = parser.value(u"templates"_s);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { file.errorString(), path, 0, u"--templates"_s, path };
    const QByteArray data = path.endsWith(u".json"_s, Qt::CaseInsensitive)
        ? QJsonDocument(templateRowsJson(rows)).toJson(QJsonDocument::Indented)
        : templateRowsCsv(rows).toUtf8();
    file.write(data);
    if (!file.commit())
        return Error { file.errorString(), path, 0, u"--templates"_s, path };
    return {};
}

} // namespace CacheScope::Cli
