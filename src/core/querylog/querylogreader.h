#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace CacheScope {

/// The query-log formats `replay-log`, `simulate --format` and `mrc` read.
enum class QueryLogFormat {
    Auto,
    PgCsv, // PostgreSQL csvlog (the column sets of 13 to 17)
    PgStderr, // PostgreSQL stderr log with a log_line_prefix carrying time and session
    Sql, // plain SQL, statements ending in ';'
};

/// "pglog-csv", "pglog", "sql" (and "auto").
QString queryLogFormatName(QueryLogFormat format);
/// Parses a --format value; the error lists the valid names.
Result<QueryLogFormat> parseQueryLogFormat(const QString &name);

/// One statement as the application sent it, read from a log.
struct LoggedStatement
{
    /// When the statement was logged, in microseconds since the Unix epoch (UTC); -1 when the
    /// log has no time (a .sql file).
    qint64 timeUs = -1;
    /// The session it ran in: csvlog's session_id, %c, or the process id (%p) when the prefix has
    /// no %c; empty for a .sql file (one session).
    QByteArray session;
    QByteArray user; // %u / user_name, empty when not logged
    QByteArray database; // %d / database_name, empty when not logged
    /// The statement's text. Extended-protocol `execute <name>: ...` with a `DETAIL: parameters:
    /// $1 = '...'` line has its parameters bound back in as SQL literals (quotes doubled), so the
    /// text runs as it is on replay.
    QString text;
    /// The server's `duration: N ms` for this statement, in microseconds; -1 when not logged.
    qint64 durationUs = -1;
    qint64 line = 0; // 1-based line of the file where the statement starts
};

struct QueryLogOptions
{
    QueryLogFormat format = QueryLogFormat::Auto;
    /// The server's log_line_prefix for QueryLogFormat::PgStderr (`--log-prefix`); empty: try
    /// '%m|%u|%d|%c|' (pgreplay's), '%m [%p] %q%u@%d ' (Debian's postgresql.conf) and
    /// '%m [%p] ' (PostgreSQL's default) on the first 64 KiB. Escapes: %m %t %n %s %p %c %l %u
    /// %d %a %h %r %v %x %e %b %i %P %Q %q %% (padding such as %-10u allowed).
    QString logLinePrefix;
};

/// Streams the statements of a PostgreSQL log or a .sql file, decompressing .gz, .xz and .zst
/// like the trace readers. Lines that are not statements (connection messages, errors, checkpoint
/// notes, `duration:` lines already attached to their statement) are skipped and counted.
/// Malformed input is reported as FILE:LINE: field: 'value'. A file ending mid-statement returns
/// that statement's error at the end. Not thread-safe; one reader per thread.
class QueryLogReader
{
public:
    virtual ~QueryLogReader() = default;

    /// Opens a log; with QueryLogFormat::Auto the format is detected from the name (.csv: csvlog,
    /// .sql: sql, after stripping a compression suffix) and the content (the stderr prefixes
    /// above); otherwise an Error that asks for --format.
    static Result<std::unique_ptr<QueryLogReader>> open(
        const QString &path, const QueryLogOptions &options = {});

    /// The next statement into `out`: true, false at the end, or an Error (the reader is then
    /// finished).
    virtual Result<bool> next(LoggedStatement &out) = 0;

    QueryLogFormat format() const { return m_format; }
    const QString &path() const { return m_path; }
    /// Compressed bytes consumed so far and the file's size, for progress bars.
    virtual qint64 bytesConsumed() const = 0;
    qint64 fileSize() const { return m_fileSize; }
    /// What the reader skipped so far, one line each, for the user ("1,204 lines that are not
    /// statements skipped (connection messages, errors, ...)").
    virtual QStringList notes() const { return {}; }

protected:
    QString m_path;
    QueryLogFormat m_format = QueryLogFormat::Auto;
    qint64 m_fileSize = 0;
};

} // namespace CacheScope
