#pragma once

#include "core/error.h"
#include "core/workload/request.h"

#include <QChar>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace CacheScope {

enum class TraceFormat {
    Auto,
    Txt,
    Csv,
    OracleGeneral,
    Vscsi,
    U32Be,
    RedisMonitor,
    PgLogCsv, // a PostgreSQL csvlog: its reads as requests (QueryLogTraceReader)
    PgLog, // a PostgreSQL stderr log
    Sql, // a .sql file
};

/// "txt", "csv", "oraclegeneral", "vscsi", "u32be", "redis-monitor", "pglog-csv", "pglog",
/// "sql" (and "auto").
QString traceFormatName(TraceFormat format);
/// Parses a --format value; the error lists the valid names.
Result<TraceFormat> parseTraceFormat(const QString &name);
/// Every name parseTraceFormat() accepts, "auto" first.
QStringList traceFormatNames();

struct CsvOptions
{
    int keyColumn = 1; // 1-based
    int sizeColumn = 0; // 0: none (size 1)
    int timeColumn = 0; // 0: none
    quint32 timeDivisor = 1; // the time column counts seconds (1), ms (1000) or us (1000000)
    bool header = false;
    QChar delimiter = u',';
    friend bool operator==(const CsvOptions &, const CsvOptions &) = default;
};

struct TraceOptions
{
    TraceFormat format = TraceFormat::Auto;
    CsvOptions csv;
};

/// Streams requests from a trace file, transparently decompressing .gz, .xz and .zst.
/// Every error names the file and the line (text) or byte offset (binary), the field and the
/// offending value. Not thread-safe; one reader per thread.
class TraceReader
{
public:
    virtual ~TraceReader() = default;

    /// Opens a trace; with TraceFormat::Auto the format is detected from the extension
    /// (after stripping a compression suffix) and the content. Ambiguous: an Error asking for
    /// --format.
    static Result<std::unique_ptr<TraceReader>> open(
        const QString &path, const TraceOptions &options = {});

    /// Appends up to `max` requests to `out`; returns how many were appended (0 at the end).
    virtual Result<qsizetype> read(std::vector<Request> &out, qsizetype max) = 0;

    TraceFormat format() const { return m_format; }
    const QString &path() const { return m_path; }
    /// Compressed bytes consumed so far and the file's size, for progress bars.
    virtual qint64 bytesConsumed() const = 0;
    qint64 fileSize() const { return m_fileSize; }
    /// A guess at the total number of requests from what has been read so far (to reserve
    /// memory once); -1 before the first read.
    virtual qint64 estimatedRequests() const { return -1; }
    /// What the reader skipped or assumed so far, one line each, for the user ("3 malformed
    /// lines skipped, the first: ..."); empty for formats that skip nothing.
    virtual QStringList notes() const { return {}; }

protected:
    QString m_path;
    TraceFormat m_format = TraceFormat::Auto;
    qint64 m_fileSize = 0;
};

/// A whole trace in memory plus what the simulator needs to know about it.
struct LoadedTrace
{
    QString path;
    TraceFormat format = TraceFormat::Auto;
    std::vector<Request> requests;
    quint64 uniqueObjects = 0;
    quint64 uniqueBytes = 0; // sum of each object's size at its first request
    QStringList notes; // TraceReader::notes() at the end
};

/// Reads a whole trace (the trace is read once; simulations share the vector).
/// `cancel`, if given, is polled between chunks; `progress` gets bytes consumed / file size.
Result<LoadedTrace> loadTrace(const QString &path, const TraceOptions &options = {},
    const std::atomic<bool> *cancel = nullptr,
    const std::function<void(qint64, qint64)> &progress = {});

/// Counts unique keys and unique bytes of a request vector.
void countUnique(const std::vector<Request> &requests, quint64 *objects, quint64 *bytes);

} // namespace CacheScope
