#include "core/querylog/pglogparsing.h"

#include "core/querylog/sqllexer.h"
#include "core/workload/traceerror.h"

#include <algorithm>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::PgLog {

namespace {

constexpr qsizetype maxFreeField = 256; // names are at most 63 bytes; host names 255
constexpr int matchBudget = 4096; // backtracking steps per line

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// The end of a time stamp at p ("2024-05-01 12:34:56[.789] ZONE"), or nullptr.
const char *timestampEnd(const char *p, const char *end)
{
    // yyyy-mm-dd hh:mm:ss
    static constexpr char shape[] = "dddd-dd-dd dd:dd:dd";
    const auto n = qsizetype(sizeof(shape) - 1);
    if (end - p < n)
        return nullptr;
    for (qsizetype i = 0; i < n; ++i) {
        if (shape[i] == 'd' ? !isDigit(p[i]) : p[i] != shape[i])
            return nullptr;
    }
    p += n;
    if (p < end && *p == '.') {
        ++p;
        while (p < end && isDigit(*p))
            ++p;
    }
    // The zone: " UTC", " CEST", " +02", " -03:30"; GMT offsets as "+02" have no space in %t of
    // some platforms, so the space is optional before a sign.
    if (p < end && *p == ' ') {
        const char *z = p + 1;
        const char *q = z;
        while (q < end && *q != ' ' && *q != '|' && *q != ']' && *q != '[')
            ++q;
        if (q > z)
            return q;
        return p;
    }
    return p;
}

const char *digitsEnd(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && isDigit(*q))
        ++q;
    return q > p ? q : nullptr;
}

/// %c: hex '.' hex.
const char *sessionIdEnd(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && isHex(*q))
        ++q;
    if (q == p || q == end || *q != '.')
        return nullptr;
    const char *r = ++q;
    while (q < end && isHex(*q))
        ++q;
    return q > r ? q : nullptr;
}

/// %n: seconds '.' milliseconds.
const char *epochEnd(const char *p, const char *end)
{
    const char *q = digitsEnd(p, end);
    if (!q)
        return nullptr;
    if (q < end && *q == '.') {
        const char *r = digitsEnd(q + 1, end);
        return r ? r : q;
    }
    return q;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

int number(const char *p, int digits)
{
    int v = 0;
    for (int i = 0; i < digits; ++i)
        v = v * 10 + (p[i] - '0');
    return v;
}

const char *const severities[] = { "LOG", "ERROR", "WARNING", "NOTICE", "INFO", "DETAIL", "HINT",
    "CONTEXT", "STATEMENT", "QUERY", "LOCATION", "FATAL", "PANIC", "DEBUG", "DEBUG1", "DEBUG2",
    "DEBUG3", "DEBUG4", "DEBUG5" };

bool startsWith(QStringView text, qsizetype at, QStringView prefix)
{
    return text.mid(at).startsWith(prefix);
}

/// "N.NNN ms" at `at`: the duration in microseconds and the index after "ms".
bool parseDuration(QStringView text, qsizetype at, qint64 &us, qsizetype &after)
{
    qsizetype i = at;
    qint64 whole = 0;
    const qsizetype start = i;
    while (i < text.size() && text[i].isDigit() && i - start < 15)
        whole = whole * 10 + (text[i++].unicode() - u'0');
    if (i == start)
        return false;
    qint64 micro = 0;
    if (i < text.size() && text[i] == u'.') {
        ++i;
        qint64 scale = 100;
        while (i < text.size() && text[i].isDigit()) {
            micro += (text[i].unicode() - u'0') * scale;
            scale /= 10;
            ++i;
        }
    }
    if (!startsWith(text, i, u" ms"))
        return false;
    us = whole * 1000 + micro;
    after = i + 3;
    return true;
}

/// The arguments of `EXECUTE name (a, b)`: split at the commas outside parentheses.
QStringList splitArguments(
    QStringView sql, const QList<SqlToken> &tokens, qsizetype open, qsizetype close)
{
    QStringList out;
    int depth = 0;
    qsizetype start = -1;
    qsizetype last = -1;
    for (qsizetype i = open + 1; i < close; ++i) {
        const SqlToken &t = tokens[i];
        if (t.type == SqlTokenType::Comma && depth == 0) {
            out.append(start < 0 ? QString() : sql.mid(start, last - start).toString());
            start = -1;
            continue;
        }
        if (t.type == SqlTokenType::LeftParen || t.type == SqlTokenType::LeftBracket)
            ++depth;
        else if (t.type == SqlTokenType::RightParen || t.type == SqlTokenType::RightBracket)
            --depth;
        if (start < 0)
            start = t.begin;
        last = t.end;
    }
    if (start >= 0)
        out.append(sql.mid(start, last - start).toString());
    return out;
}

} // namespace

Result<LinePrefix> LinePrefix::compile(const QString &prefix)
{
    LinePrefix out;
    out.m_text = prefix;
    const QByteArray bytes = prefix.toUtf8();
    Part literal;
    auto flush = [&] {
        if (!literal.literal.isEmpty())
            out.m_parts.append(literal);
        literal = Part();
    };
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c != '%') {
            literal.literal += c;
            continue;
        }
        qsizetype j = i + 1;
        bool padded = false;
        if (j < bytes.size() && bytes[j] == '-')
            ++j;
        while (j < bytes.size() && isDigit(bytes[j])) {
            padded = true;
            ++j;
        }
        if (j >= bytes.size())
            return optionError(u"--log-prefix"_s, prefix, u"ends with a lone '%'"_s);
        const char e = bytes[j];
        i = j;
        if (e == '%') {
            literal.literal += '%';
            continue;
        }
        if (!std::strchr("mtnspclud ahrvxebiPQq", e) || e == ' ')
            return optionError(u"--log-prefix"_s, prefix,
                u"has the escape '%"_s + QChar::fromLatin1(e)
                    + u"', which is not one of %m %t %n %s %p %c %l %u %d %a %h %r %v %x %e %b %i "
                      "%P %Q %q %%"_s);
        flush();
        if (e == 'q') {
            if (out.m_sessionPartsEnd < 0)
                out.m_sessionPartsEnd = out.m_parts.size();
            continue;
        }
        Part part;
        part.escape = e;
        part.padded = padded;
        out.m_parts.append(part);
        out.m_hasTime = out.m_hasTime || e == 'm' || e == 't' || e == 'n';
        out.m_hasSession = out.m_hasSession || e == 'c' || e == 'p';
        out.m_hasSessionId = out.m_hasSessionId || e == 'c';
    }
    flush();
    return out;
}

bool matchSeverity(
    const char *p, const char *end, QByteArrayView &severity, QByteArrayView &message)
{
    const char *q = p;
    while (q < end && q - p < 10 && ((*q >= 'A' && *q <= 'Z') || isDigit(*q)))
        ++q;
    if (q == p || end - q < 3 || q[0] != ':' || q[1] != ' ' || q[2] != ' ')
        return false;
    const QByteArrayView word(p, q - p);
    if (std::none_of(std::begin(severities), std::end(severities),
            [&](const char *s) { return word == QByteArrayView(s); }))
        return false;
    severity = word;
    message = QByteArrayView(q + 3, end - (q + 3));
    return true;
}

bool LinePrefix::match(const char *begin, const char *end, Match &out) const
{
    int budget = matchBudget;
    out = Match();
    if (matchFrom(0, begin, end, out, budget))
        return true;
    if (m_sessionPartsEnd < 0)
        return false;
    // A process without a session (checkpointer, autovacuum ...) stops the prefix at %q.
    LinePrefix shortened = *this;
    shortened.m_parts.resize(m_sessionPartsEnd);
    shortened.m_sessionPartsEnd = -1;
    out = Match();
    budget = matchBudget;
    return shortened.matchFrom(0, begin, end, out, budget);
}

bool LinePrefix::matchFrom(
    qsizetype index, const char *p, const char *end, Match &out, int &budget) const
{
    if (--budget < 0)
        return false;
    if (index == m_parts.size())
        return matchSeverity(p, end, out.severity, out.message);
    const Part &part = m_parts[index];
    if (part.escape == 0) {
        const auto n = part.literal.size();
        if (end - p < n || std::memcmp(p, part.literal.constData(), std::size_t(n)) != 0)
            return false;
        return matchFrom(index + 1, p + n, end, out, budget);
    }
    auto assign = [&](const char *b, const char *e) {
        QByteArrayView value(b, e - b);
        if (part.padded)
            value = value.trimmed();
        switch (part.escape) {
        case 'm':
        case 't':
        case 'n':
            out.time = value;
            break;
        case 'c':
            out.session = value;
            break;
        case 'p':
            if (!m_hasSessionId)
                out.session = value;
            break;
        case 'u':
            out.user = value;
            break;
        case 'd':
            out.database = value;
            break;
        default:
            break;
        }
    };
    if (!part.padded) {
        const char *e = nullptr;
        switch (part.escape) {
        case 'm':
        case 't':
        case 's':
            e = timestampEnd(p, end);
            break;
        case 'n':
            e = epochEnd(p, end);
            break;
        case 'p':
        case 'l':
            e = digitsEnd(p, end);
            break;
        case 'c':
            e = sessionIdEnd(p, end);
            break;
        default:
            break;
        }
        if (e) {
            const Match saved = out;
            assign(p, e);
            if (matchFrom(index + 1, e, end, out, budget))
                return true;
            out = saved;
            return false;
        }
        if (part.escape == 'm' || part.escape == 't' || part.escape == 's' || part.escape == 'n'
            || part.escape == 'p' || part.escape == 'l' || part.escape == 'c')
            return false;
    }
    // Free text: the shortest that lets the rest match. With a literal next, only where it occurs.
    const Part *next = index + 1 < m_parts.size() ? &m_parts[index + 1] : nullptr;
    const char *limit = std::min(end, p + maxFreeField);
    for (const char *e = p; e <= limit; ++e) {
        if (next && next->escape == 0) {
            const auto *found = static_cast<const char *>(memmem(e, std::size_t(end - e),
                next->literal.constData(), std::size_t(next->literal.size())));
            if (!found || found > limit)
                return false;
            e = found;
        }
        if (std::find(p, e, '\t') != e)
            return false; // a tab never appears in a prefix field (continuation lines start with
                          // one)
        const Match saved = out;
        assign(p, e);
        if (matchFrom(index + 1, e, end, out, budget))
            return true;
        out = saved;
        if (budget < 0)
            return false;
    }
    return false;
}

bool parseTimestamp(QByteArrayView text, qint64 &us, bool &zoneKnown)
{
    const char *p = text.data();
    const char *end = p + text.size();
    zoneKnown = true;
    if (const char *e = epochEnd(p, end);
        e == end && text.size() >= 2 && text.size() < 30 && !(text.size() > 4 && text[4] == '-')) {
        // %n: seconds.milliseconds since the epoch.
        const char *dot = std::find(p, end, '.');
        qint64 seconds = 0;
        for (const char *q = p; q < dot; ++q)
            seconds = seconds * 10 + (*q - '0');
        qint64 fraction = 0;
        qint64 scale = 100000;
        for (const char *q = dot + (dot < end ? 1 : 0); q < end && scale > 0; ++q, scale /= 10)
            fraction += (*q - '0') * scale;
        us = seconds * 1000000 + fraction;
        return true;
    }
    const char *stampEnd = timestampEnd(p, end);
    if (!stampEnd || stampEnd != end)
        return false;
    const int month = number(p + 5, 2);
    const int day = number(p + 8, 2);
    const int hour = number(p + 11, 2);
    const int minute = number(p + 14, 2);
    const int second = number(p + 17, 2);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
        return false;
    qint64 micro = 0;
    const char *q = p + 19;
    if (q < end && *q == '.') {
        qint64 scale = 100000;
        for (++q; q < end && isDigit(*q); ++q, scale /= 10) {
            if (scale > 0)
                micro += (*q - '0') * scale;
        }
    }
    qint64 offsetSeconds = 0;
    if (q < end && *q == ' ') {
        const QByteArrayView zone(q + 1, end - (q + 1));
        if (!zone.isEmpty() && (zone[0] == '+' || zone[0] == '-')) {
            const char *z = zone.data() + 1;
            const char *zEnd = zone.data() + zone.size();
            int hh = 0;
            int mm = 0;
            int digits = 0;
            for (; z < zEnd && isDigit(*z) && digits < 2; ++z, ++digits)
                hh = hh * 10 + (*z - '0');
            if (z < zEnd && *z == ':')
                ++z;
            for (digits = 0; z < zEnd && isDigit(*z) && digits < 2; ++z, ++digits)
                mm = mm * 10 + (*z - '0');
            if (z != zEnd)
                return false;
            offsetSeconds = (hh * 3600 + mm * 60) * (zone[0] == '-' ? -1 : 1);
        } else if (zone != "UTC" && zone != "GMT" && zone != "Z" && zone != "UCT") {
            zoneKnown = false;
        }
    }
    const qint64 days = daysFromCivil(number(p, 4), unsigned(month), unsigned(day));
    us = ((days * 86400 + hour * 3600 + minute * 60 + second) - offsetSeconds) * 1000000 + micro;
    return true;
}

Message parseMessage(QStringView message)
{
    Message out;
    qsizetype i = 0;
    if (message.startsWith(u"duration: ")) {
        qsizetype after = 0;
        if (!parseDuration(message, 10, out.durationUs, after))
            return out;
        if (after == message.size() || message.mid(after).trimmed().isEmpty()) {
            out.kind = Message::Kind::Duration;
            return out;
        }
        if (!startsWith(message, after, u"  "))
            return out;
        i = after + 2;
    }
    const QStringView rest = message.mid(i);
    if (rest.startsWith(u"statement: ")) {
        out.kind = Message::Kind::Statement;
        out.text = rest.mid(11);
        return out;
    }
    auto named = [&](QStringView verb, Message::Kind kind) {
        if (!rest.startsWith(verb))
            return false;
        const qsizetype colon = rest.indexOf(u": ", verb.size());
        if (colon < 0)
            return false;
        out.kind = kind;
        out.text = rest.mid(colon + 2);
        return true;
    };
    if (named(u"execute fetch from ", Message::Kind::ExecuteFetch)
        || named(u"execute ", Message::Kind::Execute)
        || named(u"parse ", Message::Kind::ParseOrBind)
        || named(u"bind ", Message::Kind::ParseOrBind))
        return out;
    out.durationUs = -1;
    return out;
}

bool parseParameters(QStringView detail, QStringList &literals)
{
    literals.clear();
    if (!detail.startsWith(u"parameters: "))
        return false;
    qsizetype i = 12;
    const qsizetype n = detail.size();
    while (i < n) {
        if (detail[i] != u'$')
            return false;
        qsizetype j = i + 1;
        int number = 0;
        while (j < n && detail[j].isDigit() && number < 100000)
            number = number * 10 + (detail[j++].unicode() - u'0');
        if (j == i + 1 || number < 1 || number >= 100000 || !startsWith(detail, j, u" = "))
            return false;
        j += 3;
        QString literal;
        if (startsWith(detail, j, u"NULL")) {
            literal = u"NULL"_s;
            j += 4;
        } else if (j < n && detail[j] == u'\'') {
            qsizetype k = j + 1;
            for (;;) {
                if (k >= n)
                    return false; // cut off (log_parameter_max_length) or broken
                if (detail[k] == u'\'') {
                    if (k + 1 < n && detail[k + 1] == u'\'') {
                        k += 2;
                        continue;
                    }
                    break;
                }
                ++k;
            }
            literal = detail.mid(j, k + 1 - j).toString();
            j = k + 1;
        } else {
            return false;
        }
        if (literals.size() < number)
            literals.resize(number);
        literals[number - 1] = literal;
        if (j == n)
            return true;
        if (!startsWith(detail, j, u", "))
            return false;
        i = j + 2;
    }
    return !literals.isEmpty();
}

QString bindParameters(QStringView sql, const QStringList &literals)
{
    const QList<SqlToken> tokens = tokenizeSql(sql);
    QString out;
    out.reserve(sql.size());
    qsizetype copied = 0;
    for (const SqlToken &t : tokens) {
        if (t.type != SqlTokenType::Placeholder)
            continue;
        bool ok = false;
        const int n = sql.mid(t.begin + 1, t.end - t.begin - 1).toInt(&ok);
        if (!ok || n < 1 || n > literals.size() || literals[n - 1].isNull())
            continue;
        out += sql.mid(copied, t.begin - copied);
        out += literals[n - 1];
        copied = t.end;
    }
    out += sql.mid(copied);
    return out;
}

bool bindSqlExecute(QStringView statement, QStringView detail, QString &out)
{
    if (!detail.startsWith(u"prepare: "))
        return false;
    const QList<SqlToken> tokens = tokenizeSql(statement);
    auto word = [&](qsizetype i, QStringView w) {
        return i < tokens.size() && tokens[i].type == SqlTokenType::Word
            && statement.mid(tokens[i].begin, tokens[i].end - tokens[i].begin)
                   .compare(w, Qt::CaseInsensitive)
            == 0;
    };
    if (!word(0, u"execute") || tokens.size() < 2
        || (tokens[1].type != SqlTokenType::Word
            && tokens[1].type != SqlTokenType::QuotedIdentifier))
        return false;
    QStringList arguments;
    if (tokens.size() > 2 && tokens[2].type == SqlTokenType::LeftParen) {
        qsizetype close = -1;
        int depth = 0;
        for (qsizetype i = 2; i < tokens.size(); ++i) {
            if (tokens[i].type == SqlTokenType::LeftParen)
                ++depth;
            else if (tokens[i].type == SqlTokenType::RightParen && --depth == 0) {
                close = i;
                break;
            }
        }
        if (close < 0)
            return false;
        arguments = splitArguments(statement, tokens, 2, close);
    }
    QStringView prepared = detail.mid(9);
    // "PREPARE name [(types)] AS statement" (an SQL PREPARE) or the statement itself (PQprepare).
    const QList<SqlToken> preparedTokens = tokenizeSql(prepared);
    if (!preparedTokens.isEmpty() && preparedTokens[0].type == SqlTokenType::Word
        && prepared.mid(0, preparedTokens[0].end).trimmed().compare(u"prepare", Qt::CaseInsensitive)
            == 0) {
        int depth = 0;
        for (const SqlToken &t : preparedTokens) {
            if (t.type == SqlTokenType::LeftParen)
                ++depth;
            else if (t.type == SqlTokenType::RightParen)
                --depth;
            else if (depth == 0 && t.type == SqlTokenType::Word
                && prepared.mid(t.begin, t.end - t.begin).compare(u"as", Qt::CaseInsensitive)
                    == 0) {
                prepared = prepared.mid(t.end).trimmed();
                break;
            }
        }
    }
    out = bindParameters(prepared, arguments);
    return true;
}

} // namespace CacheScope::PgLog
