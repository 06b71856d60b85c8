#include "core/querylog/querylogreader.h"

#include "core/querylog/pglogparsing.h"
#include "core/querylog/sqllexer.h"
#include "core/workload/bytesource.h"
#include "core/workload/linereader.h"
#include "core/workload/traceerror.h"

#include <QFileInfo>
#include <QHash>

#include <deque>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr qsizetype sampleSize = 64 * 1024; // what format detection looks at
constexpr std::size_t pendingWindow = 4096; // statements held back waiting for a DETAIL/duration

const QString pgreplayPrefix = u"%m|%u|%d|%c|"_s;
const QString debianPrefix = u"%m [%p] %q%u@%d "_s; // also matches PostgreSQL's '%m [%p] '
const QString defaultPrefix = u"%m [%p] "_s;

QString count(qint64 n, const QString &one, const QString &many)
{
    return QString::number(n) + u' ' + (n == 1 ? one : many);
}

/// csvlog's columns (PostgreSQL 12 and older: 23, 13: 24 with backend_type, 14 to 17: 26 with
/// leader_pid and query_id).
const char *const csvColumns[] = { "log_time", "user_name", "database_name", "process_id",
    "connection_from", "session_id", "session_line_num", "command_tag", "session_start_time",
    "virtual_transaction_id", "transaction_id", "error_severity", "sql_state_code", "message",
    "detail", "hint", "internal_query", "internal_query_pos", "context", "query", "query_pos",
    "location", "application_name", "backend_type", "leader_pid", "query_id" };
constexpr int minCsvColumns = 23;
constexpr int maxCsvColumns = 26;
enum CsvColumn {
    LogTime = 0,
    UserName = 1,
    DatabaseName = 2,
    ProcessId = 3,
    SessionId = 5,
    Severity = 11,
    MessageColumn = 13,
    Detail = 14,
};

QString csvColumnName(qsizetype index)
{
    return index < maxCsvColumns ? QString::fromLatin1(csvColumns[index])
                                 : u"column "_s + QString::number(index + 1);
}

/// One log message: a stderr line with its continuation lines, or a csvlog row.
struct Entry
{
    qint64 line = 0;
    qint64 timeUs = -1;
    QByteArray session;
    QByteArray user;
    QByteArray database;
    QByteArray severity;
    QString message;
    QString detail; // csvlog's detail column (stderr logs have DETAIL entries of their own)
};

bool startsWithExecute(QStringView text)
{
    const QStringView t = text.trimmed();
    return t.size() > 8 && t.left(7).compare(u"execute", Qt::CaseInsensitive) == 0
        && t[7].isSpace();
}

/// What the PostgreSQL readers share: turning log messages into statements. A statement waits
/// in a queue (in file order) until its session's next message says whether a DETAIL (bound
/// parameters) or a `duration:` line (log_duration) belongs to it.
class PgLogReader : public QueryLogReader
{
public:
    PgLogReader(std::unique_ptr<ByteSource> source, QueryLogFormat format, bool inlineDetail)
        : m_source(std::move(source))
        , m_lines(m_source.get())
        , m_inlineDetail(inlineDetail)
    {
        m_path = m_source->path();
        m_format = format;
        m_fileSize = m_source->fileSize();
    }

    Result<bool> next(LoggedStatement &out) override
    {
        for (;;) {
            if (!m_queue.empty()
                && (m_queue.front().complete() || m_ended || m_queue.size() > pendingWindow)) {
                out = std::move(m_queue.front().statement);
                m_queue.pop_front();
                ++m_frontSeq;
                return true;
            }
            if (m_ended) {
                if (m_error) {
                    Error e = *m_error;
                    m_error.reset();
                    return e;
                }
                return false;
            }
            Entry entry;
            const Result<bool> read = readEntry(entry);
            if (!read) {
                m_error = read.error();
                m_ended = true;
                continue;
            }
            if (!*read) {
                m_ended = true;
                continue;
            }
            process(entry);
        }
    }

    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }

    QStringList notes() const override
    {
        QStringList out;
        if (m_otherLines > 0)
            out << count(m_otherLines, u"log message"_s, u"log messages"_s)
                    + u" that are not statements skipped (connections, errors, checkpoints ...)"_s;
        if (m_parseBind > 0)
            out << count(m_parseBind, u"parse/bind message"_s, u"parse/bind messages"_s)
                    + u" skipped (each execute message carries its statement)"_s;
        if (m_fetches > 0)
            out << count(m_fetches, u"'execute fetch from' message"_s,
                       u"'execute fetch from' messages"_s)
                    + u" skipped (more rows of a portal whose statement was read)"_s;
        if (m_durationsAttached > 0)
            out << count(m_durationsAttached, u"duration line"_s, u"duration lines"_s)
                    + u" attached to the session's statement before them (log_duration)"_s;
        if (m_durationsAlone > 0)
            out << count(m_durationsAlone, u"duration line"_s, u"duration lines"_s)
                    + u" without a statement to attach to skipped"_s;
        if (m_badDetails > 0)
            out << count(m_badDetails, u"parameter list"_s, u"parameter lists"_s)
                    + u" not understood (cut by log_parameter_max_length?): those statements "
                      "keep their $n"_s;
        if (!m_unknownZone.isEmpty())
            out << u"time zone '"_s + QString::fromUtf8(m_unknownZone)
                    + u"' read as UTC (times relative to each other stay right but across a "
                      "daylight saving change)"_s;
        out << extraNotes();
        return out;
    }

protected:
    virtual Result<bool> readEntry(Entry &entry) = 0;
    virtual QStringList extraNotes() const { return {}; }

    qint64 parseTime(QByteArrayView text)
    {
        qint64 us = -1;
        bool zoneKnown = true;
        if (!PgLog::parseTimestamp(text, us, zoneKnown))
            return -1;
        if (!zoneKnown && m_unknownZone.isEmpty())
            m_unknownZone = text.sliced(text.lastIndexOf(' ') + 1).toByteArray();
        return us;
    }

    std::unique_ptr<ByteSource> m_source;
    LineReader m_lines;
    qint64 m_otherLines = 0;

private:
    struct Pending
    {
        LoggedStatement statement;
        bool execute = false; // extended protocol: DETAIL parameters
        bool sqlExecute = false; // SQL EXECUTE: DETAIL prepare
        bool awaitsDetail = false;
        bool awaitsDuration = false;
        bool complete() const { return !awaitsDetail && !awaitsDuration; }
    };

    /// The last statement of `session` still waiting for something, or nullptr. `slot` is the
    /// session's entry in m_lastPending, or end() when it has none (so that process() updates
    /// it without hashing the session again).
    Pending *pendingOf(const QByteArray &session, QHash<QByteArray, qint64>::iterator &slot)
    {
        slot = m_lastPending.find(session);
        if (slot == m_lastPending.end())
            return nullptr;
        const qint64 index = *slot - m_frontSeq;
        if (index < 0 || index >= qint64(m_queue.size())) {
            m_lastPending.erase(slot);
            slot = m_lastPending.end();
            return nullptr;
        }
        Pending &p = m_queue[std::size_t(index)];
        return p.complete() ? nullptr : &p;
    }

    void applyDetail(Pending &p, QStringView detail)
    {
        if (p.execute) {
            QStringList literals;
            if (PgLog::parseParameters(detail, literals))
                p.statement.text = PgLog::bindParameters(p.statement.text, literals);
            else
                ++m_badDetails;
        } else if (p.sqlExecute) {
            QString bound;
            if (PgLog::bindSqlExecute(p.statement.text, detail, bound))
                p.statement.text = bound;
        }
    }

    void process(Entry &e)
    {
        QHash<QByteArray, qint64>::iterator slot;
        Pending *p = pendingOf(e.session, slot);
        if (e.severity == "DETAIL") {
            if (p && p->awaitsDetail) {
                applyDetail(*p, e.message);
                p->awaitsDetail = false;
            } else {
                ++m_otherLines;
            }
            return;
        }
        if (p)
            p->awaitsDetail = false; // the DETAIL comes right after its message or not at all
        if (e.severity != "LOG") {
            if (p && (e.severity == "ERROR" || e.severity == "FATAL" || e.severity == "PANIC"))
                p->awaitsDuration = false; // a failed statement logs no duration
            ++m_otherLines;
            return;
        }
        const PgLog::Message m = PgLog::parseMessage(e.message);
        switch (m.kind) {
        case PgLog::Message::Kind::Duration:
            if (p && p->awaitsDuration) {
                p->statement.durationUs = m.durationUs;
                p->awaitsDuration = false;
                ++m_durationsAttached;
            } else {
                ++m_durationsAlone;
            }
            return;
        case PgLog::Message::Kind::ParseOrBind:
            if (p)
                p->awaitsDuration = false;
            ++m_parseBind;
            return;
        case PgLog::Message::Kind::ExecuteFetch:
            if (p)
                p->awaitsDuration = false;
            ++m_fetches;
            return;
        case PgLog::Message::Kind::Other:
            ++m_otherLines;
            return;
        case PgLog::Message::Kind::Statement:
        case PgLog::Message::Kind::Execute:
            break;
        }
        if (p)
            p->awaitsDuration = false;
        Pending n;
        n.statement.timeUs = e.timeUs;
        n.statement.session = e.session;
        n.statement.user = e.user;
        n.statement.database = e.database;
        n.statement.text = m.text.toString();
        n.statement.durationUs = m.durationUs;
        n.statement.line = e.line;
        n.execute = m.kind == PgLog::Message::Kind::Execute;
        n.sqlExecute = !n.execute && startsWithExecute(n.statement.text);
        n.awaitsDuration = m.durationUs < 0;
        if (m_inlineDetail) {
            if (!e.detail.isEmpty())
                applyDetail(n, e.detail);
        } else {
            n.awaitsDetail = n.execute || n.sqlExecute;
        }
        m_queue.push_back(std::move(n));
        // Nothing touched m_lastPending since pendingOf(): `slot` is still valid.
        const qint64 sequence = m_frontSeq + qint64(m_queue.size()) - 1;
        if (slot != m_lastPending.end())
            *slot = sequence;
        else
            m_lastPending.insert(e.session, sequence);
    }

    bool m_inlineDetail;
    std::deque<Pending> m_queue;
    qint64 m_frontSeq = 0; // the sequence number of m_queue.front()
    QHash<QByteArray, qint64> m_lastPending; // session -> sequence number of its last statement
    bool m_ended = false;
    std::optional<Error> m_error;
    qint64 m_parseBind = 0;
    qint64 m_fetches = 0;
    qint64 m_durationsAttached = 0;
    qint64 m_durationsAlone = 0;
    qint64 m_badDetails = 0;
    QByteArray m_unknownZone;
};

/// PostgreSQL's csvlog: one row per message, quoted fields may hold line breaks.
class PgCsvLogReader final : public PgLogReader
{
public:
    explicit PgCsvLogReader(std::unique_ptr<ByteSource> source)
        : PgLogReader(std::move(source), QueryLogFormat::PgCsv, true)
    {
    }

protected:
    Result<bool> readEntry(Entry &e) override
    {
        for (;;) {
            Result<bool> row = readRow();
            if (!row || !*row)
                return row;
            if (m_fields.size() == 1 && m_fields[0].isEmpty())
                continue; // a blank line
            if (m_rowLine == 1 && !m_fields.isEmpty() && m_fields[0] == "log_time")
                continue; // a header, as COPY ... CSV HEADER writes it
            const auto n = int(m_fields.size());
            if (n < minCsvColumns || n > maxCsvColumns || n == 25)
                return lineError(m_path, m_rowLine, u"columns"_s, QString::number(n),
                    u"a csvlog row has 23 (PostgreSQL 12), 24 (13) or 26 (14 to 17) columns"_s);
            e.line = m_rowLine;
            e.timeUs = parseTime(m_fields[LogTime]);
            if (e.timeUs < 0)
                return lineError(m_path, m_rowLine, csvColumnName(LogTime),
                    quoteValue(m_fields[LogTime].cbegin(), m_fields[LogTime].cend()),
                    u"is not a time stamp such as '2024-05-01 12:34:56.789 UTC'"_s);
            e.user = m_fields[UserName];
            e.database = m_fields[DatabaseName];
            e.session = m_fields[SessionId].isEmpty() ? m_fields[ProcessId] : m_fields[SessionId];
            e.severity = m_fields[Severity];
            e.message = QString::fromUtf8(m_fields[MessageColumn]);
            e.detail = QString::fromUtf8(m_fields[Detail]);
            return true;
        }
    }

private:
    /// The next CSV record into m_fields; false at the end.
    Result<bool> readRow()
    {
        m_fields.clear();
        const char *begin = nullptr;
        const char *end = nullptr;
        if (!m_lines.next(begin, end)) {
            if (m_lines.hasError())
                return m_lines.error();
            return false;
        }
        m_rowLine = m_lines.lineNumber();
        QByteArray field;
        bool quoted = false; // inside quotes
        bool wasQuoted = false; // this field was quoted (closed)
        qint64 fieldLine = m_rowLine;
        for (;;) {
            const char *p = begin;
            while (p < end) {
                const char c = *p;
                if (quoted) {
                    const char *q
                        = static_cast<const char *>(std::memchr(p, '"', std::size_t(end - p)));
                    if (!q) {
                        field.append(p, end - p);
                        p = end;
                        break;
                    }
                    field.append(p, q - p);
                    if (q + 1 < end && q[1] == '"') {
                        field += '"';
                        p = q + 2;
                    } else {
                        quoted = false;
                        wasQuoted = true;
                        p = q + 1;
                    }
                    continue;
                }
                if (c == ',') {
                    m_fields.append(field);
                    field.clear();
                    wasQuoted = false;
                    ++p;
                    fieldLine = m_lines.lineNumber();
                    continue;
                }
                if (wasQuoted)
                    return lineError(m_path, m_lines.lineNumber(), csvColumnName(m_fields.size()),
                        quoteValue(p, end),
                        u"follows a closing quote (a quote inside a field is doubled: \"\")"_s);
                if (c == '"' && field.isEmpty()) {
                    quoted = true;
                    fieldLine = m_lines.lineNumber();
                    ++p;
                    continue;
                }
                // Unquoted text runs to the next ',' (a quote not at a field's start is an
                // ordinary character): one append.
                const char *comma
                    = static_cast<const char *>(std::memchr(p, ',', std::size_t(end - p)));
                if (!comma)
                    comma = end;
                field.append(p, comma - p);
                p = comma;
            }
            if (!quoted)
                break;
            field += '\n';
            if (!m_lines.next(begin, end)) {
                if (m_lines.hasError())
                    return m_lines.error();
                field.chop(1);
                return lineError(m_path, fieldLine, csvColumnName(m_fields.size()),
                    quoteValue(field.cbegin(), field.cend()),
                    u"the file ends inside this quoted field (no closing quote)"_s);
            }
        }
        m_fields.append(field);
        return true;
    }

    QList<QByteArray> m_fields;
    qint64 m_rowLine = 0;
};

/// PostgreSQL's stderr log: a line starting with the log_line_prefix and "SEVERITY:  ", then
/// continuation lines that start with a tab.
class PgStderrLogReader final : public PgLogReader
{
public:
    PgStderrLogReader(std::unique_ptr<ByteSource> source, PgLog::LinePrefix prefix)
        : PgLogReader(std::move(source), QueryLogFormat::PgStderr, false)
        , m_prefix(std::move(prefix))
    {
    }

protected:
    Result<bool> readEntry(Entry &e) override
    {
        for (;;) {
            const char *begin = nullptr;
            const char *end = nullptr;
            qint64 line = 0;
            if (m_havePeek) {
                m_havePeek = false;
                m_current = m_peek;
                begin = m_current.constData();
                end = begin + m_current.size();
                line = m_peekLine;
            } else {
                if (!m_lines.next(begin, end))
                    return m_lines.hasError() ? Result<bool>(m_lines.error()) : Result<bool>(false);
                line = m_lines.lineNumber();
            }
            if (begin == end)
                continue;
            if (*begin == '\t') {
                ++m_orphanLines; // the rest of a message whose first line was skipped
                continue;
            }
            PgLog::LinePrefix::Match m;
            if (!m_prefix.match(begin, end, m)) {
                ++m_unmatched;
                continue;
            }
            e.line = line;
            e.timeUs = m.time.isEmpty() ? -1 : parseTime(m.time);
            e.session = m.session.toByteArray();
            e.user = m.user.toByteArray();
            e.database = m.database.toByteArray();
            e.severity = m.severity.toByteArray();
            QByteArray message = m.message.toByteArray();
            // Continuation lines: a tab, then the next line of the message.
            for (;;) {
                if (!m_lines.next(begin, end)) {
                    if (m_lines.hasError())
                        return m_lines.error();
                    break;
                }
                if (begin < end && *begin == '\t') {
                    message += '\n';
                    message.append(begin + 1, end - begin - 1);
                    continue;
                }
                m_peek = QByteArray(begin, end - begin);
                m_peekLine = m_lines.lineNumber();
                m_havePeek = true;
                break;
            }
            e.message = QString::fromUtf8(message);
            return true;
        }
    }

    QStringList extraNotes() const override
    {
        QStringList out;
        if (m_unmatched > 0)
            out << count(m_unmatched, u"line"_s, u"lines"_s) + u" without the log_line_prefix '"_s
                    + m_prefix.text() + u"' skipped"_s;
        if (m_orphanLines > 0)
            out << count(m_orphanLines, u"continuation line"_s, u"continuation lines"_s)
                    + u" of skipped lines skipped"_s;
        return out;
    }

private:
    PgLog::LinePrefix m_prefix;
    QByteArray m_peek; // the line after a message, read to see it is not a continuation
    QByteArray m_current;
    qint64 m_peekLine = 0;
    bool m_havePeek = false;
    qint64 m_unmatched = 0;
    qint64 m_orphanLines = 0;
};

bool isIdentifierByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_'
        || u == '$' || u >= 0x80;
}

/// Whether SqlFileReader must look at `c` outside quotes: it may start a comment (- /), a quoted
/// text (' " $) or end the statement (;).
bool isSqlFileSpecial(char c)
{
    return c == '-' || c == '/' || c == ';' || c == '\'' || c == '"' || c == '$';
}

/// The length of a dollar-quote tag at p ($$, $tag$), or 0.
qsizetype dollarTag(const char *p, const char *end)
{
    if (end - p < 2 || *p != '$')
        return 0;
    const char *q = p + 1;
    if (*q == '$')
        return 2;
    if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_'
            || static_cast<unsigned char>(*q) >= 0x80))
        return 0;
    while (q < end && isIdentifierByte(*q) && *q != '$')
        ++q;
    return q < end && *q == '$' ? q + 1 - p : 0;
}

/// Plain SQL: statements end with ';' outside quotes, dollar quotes and comments.
class SqlFileReader final : public QueryLogReader
{
public:
    explicit SqlFileReader(std::unique_ptr<ByteSource> source)
        : m_source(std::move(source))
        , m_lines(m_source.get())
    {
        m_path = m_source->path();
        m_format = QueryLogFormat::Sql;
        m_fileSize = m_source->fileSize();
    }

    Result<bool> next(LoggedStatement &out) override
    {
        for (;;) {
            if (!m_ready.empty()) {
                out = std::move(m_ready.front());
                m_ready.pop_front();
                return true;
            }
            if (m_ended)
                return false;
            const char *begin = nullptr;
            const char *end = nullptr;
            if (!m_lines.next(begin, end)) {
                m_ended = true;
                if (m_lines.hasError())
                    return m_lines.error();
                if (m_state != State::Normal)
                    return unterminated();
                finish();
                continue;
            }
            feed(begin, end, m_lines.lineNumber());
        }
    }

    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }

    QStringList notes() const override
    {
        QStringList out;
        if (m_metaCommands > 0)
            out << count(m_metaCommands, u"psql meta-command"_s, u"psql meta-commands"_s)
                    + u" (lines starting with a backslash) skipped"_s;
        return out;
    }

private:
    enum class State { Normal, Quote, EscapeQuote, Identifier, Dollar, BlockComment };

    Error unterminated() const
    {
        QString what;
        switch (m_state) {
        case State::Quote:
        case State::EscapeQuote:
            what = u"a quoted string"_s;
            break;
        case State::Identifier:
            what = u"a quoted identifier"_s;
            break;
        case State::Dollar:
            what = u"the dollar-quoted string "_s + QString::fromUtf8(m_tag);
            break;
        case State::BlockComment:
            what = u"a /* comment"_s;
            break;
        case State::Normal:
            break;
        }
        const QByteArray head = m_text.left(80);
        return lineError(m_path, m_openLine, u"statement"_s, quoteValue(head.cbegin(), head.cend()),
            u"the file ends inside "_s + what + u" that starts on this line"_s);
    }

    void finish()
    {
        if (m_content) {
            while (!m_text.isEmpty()
                && (m_text.back() == ' ' || m_text.back() == '\t' || m_text.back() == '\n'
                    || m_text.back() == '\r'))
                m_text.chop(1);
            LoggedStatement s;
            s.text = QString::fromUtf8(m_text);
            s.line = m_startLine;
            m_ready.push_back(std::move(s));
        }
        m_text.clear();
        m_content = false;
    }

    void startContent(qint64 line)
    {
        if (!m_content) {
            m_content = true;
            m_startLine = line;
        }
    }

    void feed(const char *p, const char *end, qint64 line)
    {
        if (m_state == State::Normal && !m_content) {
            const char *q = p;
            while (q < end && (*q == ' ' || *q == '\t'))
                ++q;
            if (q < end && *q == '\\') {
                ++m_metaCommands; // \set, \connect ...: psql's, not SQL
                return;
            }
        }
        if (m_content)
            m_text += '\n';
        while (p < end) {
            switch (m_state) {
            case State::Normal: {
                const char c = *p;
                if (c == '-' && p + 1 < end && p[1] == '-') {
                    if (m_content)
                        m_text.append(p, end - p);
                    p = end;
                    break;
                }
                if (c == '/' && p + 1 < end && p[1] == '*') {
                    m_state = State::BlockComment;
                    m_commentDepth = 1;
                    m_openLine = line;
                    if (m_content)
                        m_text += "/*";
                    p += 2;
                    break;
                }
                if (c == ';') {
                    finish();
                    ++p;
                    break;
                }
                if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                    if (m_content)
                        m_text += c;
                    ++p;
                    break;
                }
                startContent(line);
                if (c == '\'') {
                    const qsizetype n = m_text.size();
                    const bool escapes = n >= 1 && (m_text[n - 1] == 'e' || m_text[n - 1] == 'E')
                        && (n == 1 || !isIdentifierByte(m_text[n - 2]));
                    m_state = escapes ? State::EscapeQuote : State::Quote;
                    m_openLine = line;
                } else if (c == '"') {
                    m_state = State::Identifier;
                    m_openLine = line;
                } else if (c == '$' && (m_text.isEmpty() || !isIdentifierByte(m_text.back()))) {
                    const qsizetype tag = dollarTag(p, end);
                    if (tag > 0) {
                        m_tag = QByteArray(p, tag);
                        m_state = State::Dollar;
                        m_openLine = line;
                        m_text.append(p, tag);
                        p += tag;
                        break;
                    }
                }
                // c, and while still outside quotes the run of characters after it that need no
                // look (none starts a comment, a quote, a dollar quote or ends the statement):
                // one append.
                const char *run = p + 1;
                if (m_state == State::Normal) {
                    while (run < end && !isSqlFileSpecial(*run))
                        ++run;
                }
                m_text.append(p, run - p);
                p = run;
                break;
            }
            case State::Quote:
            case State::EscapeQuote:
            case State::Identifier: {
                const char quote = m_state == State::Identifier ? '"' : '\'';
                const bool escapes = m_state == State::EscapeQuote;
                while (p < end) {
                    // The run up to the next quote (or backslash in E'...'): one append.
                    const char *run = p;
                    while (run < end && *run != quote && !(escapes && *run == '\\'))
                        ++run;
                    m_text.append(p, run - p);
                    p = run;
                    if (p == end)
                        break;
                    const char c = *p;
                    if (escapes && c == '\\') {
                        m_text += c;
                        if (p + 1 < end)
                            m_text += p[1];
                        p += 2;
                        continue;
                    }
                    m_text += c;
                    ++p;
                    if (c == quote) {
                        if (p < end && *p == quote) {
                            m_text += *p++;
                            continue;
                        }
                        m_state = State::Normal;
                        break;
                    }
                }
                break;
            }
            case State::Dollar: {
                const qsizetype at = QByteArrayView(p, end - p).indexOf(m_tag);
                if (at < 0) {
                    m_text.append(p, end - p);
                    p = end;
                } else {
                    m_text.append(p, at + m_tag.size());
                    p += at + m_tag.size();
                    m_state = State::Normal;
                }
                break;
            }
            case State::BlockComment:
                while (p < end && m_commentDepth > 0) {
                    if (p + 1 < end && p[0] == '/' && p[1] == '*') {
                        ++m_commentDepth;
                        if (m_content)
                            m_text += "/*";
                        p += 2;
                    } else if (p + 1 < end && p[0] == '*' && p[1] == '/') {
                        --m_commentDepth;
                        if (m_content)
                            m_text += "*/";
                        p += 2;
                    } else {
                        if (m_content)
                            m_text += *p;
                        ++p;
                    }
                }
                if (m_commentDepth == 0)
                    m_state = State::Normal;
                break;
            }
        }
    }

    std::unique_ptr<ByteSource> m_source;
    LineReader m_lines;
    std::deque<LoggedStatement> m_ready;
    QByteArray m_text;
    QByteArray m_tag;
    State m_state = State::Normal;
    int m_commentDepth = 0;
    bool m_content = false;
    bool m_ended = false;
    qint64 m_startLine = 0;
    qint64 m_openLine = 0;
    qint64 m_metaCommands = 0;
};

/// The first lines of a sample (at most `max`), without their line ends.
QList<QByteArrayView> sampleLines(QByteArrayView sample, int max)
{
    QList<QByteArrayView> out;
    qsizetype pos = 0;
    if (sample.startsWith("\xef\xbb\xbf"))
        pos = 3;
    while (pos < sample.size() && out.size() < max) {
        qsizetype nl = sample.indexOf('\n', pos);
        const bool last = nl < 0;
        if (last) {
            if (!out.isEmpty() && sample.size() == sampleSize)
                break; // cut by the sample, not the end of the line
            nl = sample.size();
        }
        QByteArrayView line = sample.sliced(pos, nl - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        out.append(line);
        pos = nl + 1;
    }
    return out;
}

/// Whether some line of the sample (not a continuation) matches the prefix.
bool prefixMatches(const PgLog::LinePrefix &prefix, const QList<QByteArrayView> &lines)
{
    return std::any_of(lines.cbegin(), lines.cend(), [&](QByteArrayView line) {
        PgLog::LinePrefix::Match m;
        return !line.isEmpty() && line[0] != '\t'
            && prefix.match(line.data(), line.data() + line.size(), m);
    });
}

/// A csvlog row's start: a time stamp, then at least a dozen fields on the line.
bool looksLikeCsvlog(QByteArrayView line)
{
    const qsizetype comma = line.indexOf(',');
    if (comma < 19)
        return false;
    qint64 us = 0;
    bool zoneKnown = true;
    if (!PgLog::parseTimestamp(line.first(comma), us, zoneKnown))
        return false;
    return line.count(',') >= 12;
}

/// Whether the text starts (past comments) with an SQL statement's first word.
bool looksLikeSql(QByteArrayView sample)
{
    static const QSet<QString> verbs { u"select"_s, u"insert"_s, u"update"_s, u"delete"_s,
        u"with"_s, u"begin"_s, u"start"_s, u"commit"_s, u"rollback"_s, u"create"_s, u"alter"_s,
        u"drop"_s, u"set"_s, u"values"_s, u"table"_s, u"truncate"_s, u"merge"_s, u"copy"_s,
        u"explain"_s, u"prepare"_s, u"execute"_s, u"show"_s, u"grant"_s, u"revoke"_s, u"vacuum"_s,
        u"analyze"_s, u"lock"_s, u"do"_s, u"call"_s, u"savepoint"_s, u"end"_s };
    const QString text = QString::fromUtf8(sample.first(std::min<qsizetype>(sample.size(), 8192)));
    const QList<SqlToken> tokens = tokenizeSql(text);
    qsizetype i = 0;
    while (i < tokens.size() && tokens[i].type == SqlTokenType::LeftParen)
        ++i;
    if (i >= tokens.size() || tokens[i].type != SqlTokenType::Word)
        return false;
    return verbs.contains(text.mid(tokens[i].begin, tokens[i].end - tokens[i].begin).toLower());
}

Error askForFormat(const QString &path, const QString &why)
{
    return fileError(path, why + u": give --format pglog-csv|pglog|sql"_s);
}

} // namespace

QString queryLogFormatName(QueryLogFormat format)
{
    switch (format) {
    case QueryLogFormat::Auto:
        return u"auto"_s;
    case QueryLogFormat::PgCsv:
        return u"pglog-csv"_s;
    case QueryLogFormat::PgStderr:
        return u"pglog"_s;
    case QueryLogFormat::Sql:
        return u"sql"_s;
    }
    return u"auto"_s;
}

Result<QueryLogFormat> parseQueryLogFormat(const QString &name)
{
    for (const QueryLogFormat f : { QueryLogFormat::Auto, QueryLogFormat::PgCsv,
             QueryLogFormat::PgStderr, QueryLogFormat::Sql }) {
        if (name.compare(queryLogFormatName(f), Qt::CaseInsensitive) == 0)
            return f;
    }
    return optionError(u"--format"_s, name, u"must be one of auto, pglog-csv, pglog, sql"_s);
}

Result<std::unique_ptr<QueryLogReader>> QueryLogReader::open(
    const QString &path, const QueryLogOptions &options)
{
    std::optional<PgLog::LinePrefix> given;
    if (!options.logLinePrefix.isEmpty()) {
        Result<PgLog::LinePrefix> compiled = PgLog::LinePrefix::compile(options.logLinePrefix);
        if (!compiled)
            return compiled.error();
        given = std::move(*compiled);
    }
    Result<std::unique_ptr<ByteSource>> opened = ByteSource::open(path);
    if (!opened)
        return opened.error();
    std::unique_ptr<ByteSource> source = std::move(*opened);

    QueryLogFormat format = options.format;
    if (format == QueryLogFormat::Auto) {
        QString name = QFileInfo(path).fileName().toLower();
        for (const QString &suffix : { u".gz"_s, u".xz"_s, u".zst"_s, u".zstd"_s }) {
            if (name.endsWith(suffix)) {
                name.chop(suffix.size());
                break;
            }
        }
        if (name.endsWith(u".csv"_s))
            format = QueryLogFormat::PgCsv;
        else if (name.endsWith(u".sql"_s))
            format = QueryLogFormat::Sql;
    }

    // The stderr prefix, and for Auto the content's format.
    std::optional<PgLog::LinePrefix> prefix = given;
    if (format == QueryLogFormat::Auto || format == QueryLogFormat::PgStderr) {
        const Result<QByteArrayView> sample = source->peek(sampleSize);
        if (!sample)
            return sample.error();
        const QList<QByteArrayView> lines = sampleLines(*sample, 200);
        if (!given) {
            for (const QString &candidate : { pgreplayPrefix, debianPrefix, defaultPrefix }) {
                Result<PgLog::LinePrefix> compiled = PgLog::LinePrefix::compile(candidate);
                if (compiled && prefixMatches(*compiled, lines)) {
                    prefix = std::move(*compiled);
                    break;
                }
            }
        } else if (!prefixMatches(*given, lines)) {
            prefix.reset();
        }
        const bool blank = std::all_of(
            lines.cbegin(), lines.cend(), [](QByteArrayView l) { return l.trimmed().isEmpty(); });
        if (format == QueryLogFormat::PgStderr && !prefix) {
            if (!blank)
                return fileError(path,
                    u"no line of the first 64 KiB starts with the log_line_prefix "_s
                        + (given ? QString(u"'"_s + given->text() + u"'"_s)
                                 : QString(u"'"_s + pgreplayPrefix + u"', '"_s + debianPrefix
                                     + u"' or '"_s + defaultPrefix + u"'"_s))
                        + u" and a severity (LOG:  ...): give the server's --log-prefix"_s);
            prefix = PgLog::LinePrefix::compile(given ? given->text() : pgreplayPrefix).value();
        }
        if (format == QueryLogFormat::Auto) {
            const auto firstLine = std::find_if(lines.cbegin(), lines.cend(),
                [](QByteArrayView l) { return !l.trimmed().isEmpty(); });
            if (prefix)
                format = QueryLogFormat::PgStderr;
            else if (firstLine != lines.cend() && looksLikeCsvlog(*firstLine))
                format = QueryLogFormat::PgCsv;
            else if (looksLikeSql(*sample))
                format = QueryLogFormat::Sql;
            else if (blank)
                return askForFormat(path, u"the file is empty, so its format cannot be told"_s);
            else
                return askForFormat(
                    path, u"not a PostgreSQL log with a known log_line_prefix, a csvlog or SQL"_s);
        }
    }

    std::unique_ptr<QueryLogReader> reader;
    switch (format) {
    case QueryLogFormat::PgCsv:
        reader = std::make_unique<PgCsvLogReader>(std::move(source));
        break;
    case QueryLogFormat::PgStderr:
        reader = std::make_unique<PgStderrLogReader>(std::move(source), std::move(*prefix));
        break;
    case QueryLogFormat::Sql:
    case QueryLogFormat::Auto:
        reader = std::make_unique<SqlFileReader>(std::move(source));
        break;
    }
    return reader;
}

} // namespace CacheScope
