#include "core/workload/tracereader.h"

#include "core/keyindexmap.h"
#include "core/workload/bytesource.h"
#include "core/workload/csvtracereader.h"
#include "core/workload/oraclegeneraltracereader.h"
#include "core/workload/querylogtracereader.h"
#include "core/workload/redismonitortracereader.h"
#include "core/workload/traceerror.h"
#include "core/workload/traceformatdetector.h"
#include "core/workload/txttracereader.h"
#include "core/workload/u32betracereader.h"
#include "core/workload/vscsitracereader.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

struct FormatName
{
    TraceFormat format;
    QString name;
};

const std::vector<FormatName> &formatNames()
{
    static const std::vector<FormatName> names {
        { TraceFormat::Auto, u"auto"_s },
        { TraceFormat::Txt, u"txt"_s },
        { TraceFormat::Csv, u"csv"_s },
        { TraceFormat::OracleGeneral, u"oraclegeneral"_s },
        { TraceFormat::Vscsi, u"vscsi"_s },
        { TraceFormat::U32Be, u"u32be"_s },
        { TraceFormat::RedisMonitor, u"redis-monitor"_s },
        { TraceFormat::PgLogCsv, u"pglog-csv"_s },
        { TraceFormat::PgLog, u"pglog"_s },
        { TraceFormat::Sql, u"sql"_s },
    };
    return names;
}

/// "txt, csv, oraclegeneral, vscsi, u32be, redis-monitor, pglog-csv, pglog or sql"
QString concreteFormatList()
{
    QStringList names = traceFormatNames();
    names.removeAll(u"auto"_s);
    const QString last = names.takeLast();
    return names.join(u", "_s) + u" or "_s + last;
}

constexpr qsizetype loadBatch = qsizetype(1) << 16;

} // namespace

QString traceFormatName(TraceFormat format)
{
    for (const FormatName &f : formatNames()) {
        if (f.format == format)
            return f.name;
    }
    return {};
}

QStringList traceFormatNames()
{
    QStringList names;
    for (const FormatName &f : formatNames())
        names << f.name;
    return names;
}

Result<TraceFormat> parseTraceFormat(const QString &name)
{
    for (const FormatName &f : formatNames()) {
        if (name.compare(f.name, Qt::CaseInsensitive) == 0)
            return f.format;
    }
    return optionError(
        u"--format"_s, name, u"is not a trace format; use auto, "_s + concreteFormatList());
}

Result<std::unique_ptr<TraceReader>> TraceReader::open(
    const QString &path, const TraceOptions &options)
{
    if (options.format == TraceFormat::Csv) {
        if (const Result<void> valid = CsvTraceReader::validate(options.csv); !valid)
            return valid.error();
    }
    Result<std::unique_ptr<ByteSource>> opened = ByteSource::open(path);
    if (!opened)
        return opened.error();
    std::unique_ptr<ByteSource> source = std::move(opened).value();

    TraceFormat format = options.format;
    if (format == TraceFormat::Auto) {
        format = TraceFormatDetector::fromName(path);
        // A .csv may be a PostgreSQL csvlog rather than a key trace: its first field is a time.
        if (format == TraceFormat::Csv && options.csv == CsvOptions {}) {
            const Result<QByteArrayView> sample = source->peek(TraceFormatDetector::sampleSize);
            if (sample && QueryLogTraceReader::looksLikePgCsvLog(*sample))
                format = TraceFormat::PgLogCsv;
        }
    }
    if (format == TraceFormat::Auto) {
        const Result<QByteArrayView> sample = source->peek(TraceFormatDetector::sampleSize);
        if (!sample)
            return sample.error();
        if (sample->isEmpty())
            return fileError(path, u"contains no requests"_s);
        const bool whole = sample->size() < TraceFormatDetector::sampleSize;
        const qint64 size = whole                        ? sample->size()
            : source->compression() == Compression::None ? source->fileSize()
                                                         : -1;
        format = TraceFormatDetector::fromContent(*sample, whole, size);
        if (format == TraceFormat::Auto && QueryLogTraceReader::looksLikePgStderrLog(*sample))
            format = TraceFormat::PgLog;
        if (format == TraceFormat::Auto) {
            return fileError(path,
                u"cannot tell the trace format from the file name or content; "
                u"pass --format with "_s
                    + concreteFormatList());
        }
    }

    switch (format) {
    case TraceFormat::PgLogCsv:
    case TraceFormat::PgLog:
    case TraceFormat::Sql:
        source.reset(); // the query-log reader opens the file itself
        return QueryLogTraceReader::open(path, format);
    case TraceFormat::Txt:
        return std::unique_ptr<TraceReader>(new TxtTraceReader(std::move(source)));
    case TraceFormat::Csv:
        if (const Result<void> valid = CsvTraceReader::validate(options.csv); !valid)
            return valid.error();
        return std::unique_ptr<TraceReader>(new CsvTraceReader(std::move(source), options.csv));
    case TraceFormat::OracleGeneral:
        return std::unique_ptr<TraceReader>(new OracleGeneralTraceReader(std::move(source)));
    case TraceFormat::U32Be:
        return std::unique_ptr<TraceReader>(new U32BeTraceReader(std::move(source)));
    case TraceFormat::RedisMonitor:
        return std::unique_ptr<TraceReader>(new RedisMonitorTraceReader(std::move(source)));
    case TraceFormat::Vscsi: {
        const Result<QByteArrayView> head = source->peek(2 * VscsiTraceReader::recordSize(2));
        if (!head)
            return head.error();
        int version = VscsiTraceReader::detectVersion(*head);
        if (version == 0) {
            // A file too short for one record is reported as truncated by the reader.
            if (head->size() >= VscsiTraceReader::recordSize(1)) {
                return byteError(path, 0, QString(), QString(),
                    u"not a vscsi trace: the first record's version is neither 1 "
                    u"nor 2"_s);
            }
            version = 1;
        }
        return std::unique_ptr<TraceReader>(new VscsiTraceReader(std::move(source), version));
    }
    case TraceFormat::Auto:
        break;
    }
    return fileError(path, u"unknown trace format"_s);
}

Result<LoadedTrace> loadTrace(const QString &path, const TraceOptions &options,
    const std::atomic<bool> *cancel, const std::function<void(qint64, qint64)> &progress)
{
    Result<std::unique_ptr<TraceReader>> opened = TraceReader::open(path, options);
    if (!opened)
        return opened.error();
    TraceReader &reader = **opened;

    LoadedTrace trace;
    trace.path = path;
    trace.format = reader.format();
    std::vector<Request> &requests = trace.requests;
    bool reserved = false;
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return fileError(path, u"cancelled"_s);
        const Result<qsizetype> n = reader.read(requests, loadBatch);
        if (!n)
            return n.error();
        if (progress)
            progress(reader.bytesConsumed(), reader.fileSize());
        if (*n == 0)
            break;
        if (!reserved) {
            // Reserve once from the first batch instead of doubling through a 120 MB vector:
            // that halves the load time of a 5 M-request text trace.
            reserved = true;
            const qint64 estimate = reader.estimatedRequests();
            if (estimate > qint64(requests.size()))
                requests.reserve(std::size_t(estimate + estimate / 50 + loadBatch));
        }
    }
    if (requests.empty())
        return fileError(path, u"contains no requests"_s);
    if (requests.capacity() > requests.size() + requests.size() / 4)
        requests.shrink_to_fit();
    countUnique(requests, &trace.uniqueObjects, &trace.uniqueBytes);
    trace.notes = reader.notes();
    return trace;
}

void countUnique(const std::vector<Request> &requests, quint64 *objects, quint64 *bytes)
{
    KeyIndexMap seen(std::min<std::size_t>(requests.size(), std::size_t(1) << 16));
    quint64 total = 0;
    for (const Request &r : requests) {
        if (seen.find(r.key) == KeyIndexMap::npos) {
            seen.insert(r.key, 0);
            total += r.size;
        }
    }
    if (objects)
        *objects = seen.size();
    if (bytes)
        *bytes = total;
}

} // namespace CacheScope
