#pragma once

// The pieces of PostgreSQL's log formats the query-log readers share (private to
// src/core/querylog; tests and the fuzz targets use them directly).

#include "core/error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace CacheScope::PgLog {

/// A compiled log_line_prefix: literal text and escapes (%m %t %n %s %p %c %l %u %d %a %h %r %v
/// %x %e %b %i %P %Q %q %%, with optional padding as %-10u). Matching is literal-aware: a free
/// text escape (%u, %d, %a ...) ends where the rest of the prefix, and then a severity
/// ("LOG:  "), matches; the others have a shape (a time stamp, digits, a hex session id).
class LinePrefix
{
public:
    /// The prefix as the server's log_line_prefix says it; an unknown escape is an error with
    /// field "--log-prefix".
    static Result<LinePrefix> compile(const QString &prefix);

    struct Match
    {
        QByteArrayView time; // %m, %t or %n as written; empty when the prefix has none
        QByteArrayView session; // %c, else %p
        QByteArrayView user;
        QByteArrayView database;
        QByteArrayView severity; // LOG, ERROR, DETAIL ...
        QByteArrayView message; // the rest of the line after "SEVERITY:  "
    };
    /// Whether [begin, end) starts with the prefix and a severity.
    bool match(const char *begin, const char *end, Match &out) const;

    const QString &text() const { return m_text; }
    bool hasTime() const { return m_hasTime; }
    bool hasSession() const { return m_hasSession; }

private:
    struct Part
    {
        char escape = 0; // 0: literal
        bool padded = false;
        QByteArray literal;
    };
    bool matchFrom(qsizetype part, const char *p, const char *end, Match &out, int &budget) const;

    QString m_text;
    QList<Part> m_parts;
    qsizetype m_sessionPartsEnd = -1; // the parts before %q, or -1 without %q
    bool m_hasTime = false;
    bool m_hasSession = false;
    bool m_hasSessionId = false; // %c: the session; else %p stands for it
};

/// Whether [p, end) starts with "SEVERITY:  " (one of PostgreSQL's, in English); sets severity and
/// message.
bool matchSeverity(
    const char *p, const char *end, QByteArrayView &severity, QByteArrayView &message);

/// Parses a log time stamp ("2024-05-01 12:34:56.789 UTC", "... +02", "1714567890.123") into
/// microseconds since the Unix epoch, UTC. A zone abbreviation other than UTC/GMT/Z is read as
/// UTC: `zoneKnown` false then.
bool parseTimestamp(QByteArrayView text, qint64 &us, bool &zoneKnown);

/// What a LOG message says about a statement.
struct Message
{
    enum class Kind {
        Statement, // "statement: ..." (with or without a duration)
        Execute, // "execute <name>: ..." (extended protocol)
        ParseOrBind, // "parse <name>: ...", "bind <name>: ..."
        ExecuteFetch, // "execute fetch from <name>: ..." (more rows of a portal)
        Duration, // "duration: 1.234 ms" alone (log_duration)
        Other,
    };
    Kind kind = Kind::Other;
    qint64 durationUs = -1;
    QStringView text; // the statement (a view into the message)
};
Message parseMessage(QStringView message);

/// Reads a DETAIL "parameters: $1 = '42', $2 = NULL" into the SQL literals by number
/// (literals[0] is $1's, "'42'" or "NULL"; a number not given is a null QString). False if the
/// text is not such a list.
bool parseParameters(QStringView detail, QStringList &literals);

/// `sql` with every `$n` outside quotes and comments replaced by literals[n - 1] when there is
/// one; the rest unchanged.
QString bindParameters(QStringView sql, const QStringList &literals);

/// An SQL-level `EXECUTE name (args)` (how QPSQL runs a prepared QSqlQuery) with the DETAIL
/// "prepare: <text>" PostgreSQL logs beside it: the prepared text (a PREPARE's `AS` part) with
/// the arguments bound in. False if `statement` is not an EXECUTE or `detail` not a prepare.
bool bindSqlExecute(QStringView statement, QStringView detail, QString &out);

} // namespace CacheScope::PgLog
