#include "core/workload/csvtracereader.h"

#include "core/workload/traceerror.h"

#include <algorithm>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

QString columnsText(int n) { return n == 1 ? u"1 column"_s : QString::number(n) + u" columns"_s; }

/// Non-negative decimal with an optional fraction ("12", "12.5"); the fraction is dropped and
/// values past 64 bits saturate. False if it is not such a number.
bool parseSeconds(const char *begin, const char *end, quint64 &seconds)
{
    const char *dot = std::find(begin, end, '.');
    if (dot == begin && dot + 1 >= end)
        return false;
    for (const char *p = dot + (dot < end ? 1 : 0); p < end; ++p) {
        if (*p < '0' || *p > '9')
            return false;
    }
    if (dot == begin) {
        seconds = 0;
        return true;
    }
    const NumberParse r = parseDecimal(begin, dot, seconds);
    if (r == NumberParse::TooLarge)
        seconds = UINT64_MAX;
    return r != NumberParse::NotANumber;
}

} // namespace

Result<void> CsvTraceReader::validate(const CsvOptions &options)
{
    if (options.keyColumn < 1)
        return optionError(
            u"--csv-key-col"_s, QString::number(options.keyColumn), u"must be at least 1"_s);
    if (options.sizeColumn < 0)
        return optionError(u"--csv-size-col"_s, QString::number(options.sizeColumn),
            u"must be 0 (none) or a column number"_s);
    if (options.timeColumn < 0)
        return optionError(u"--csv-time-col"_s, QString::number(options.timeColumn),
            u"must be 0 (none) or a column number"_s);
    if (options.timeDivisor != 1 && options.timeDivisor != 1000 && options.timeDivisor != 1000000)
        return optionError(
            u"--csv-time-unit"_s, QString::number(options.timeDivisor), u"must be s, ms or us"_s);
    const char16_t d = options.delimiter.unicode();
    if (d == 0 || d >= 0x80 || d == u'"' || d == u'\r' || d == u'\n')
        return optionError(u"--csv-delimiter"_s, QString(options.delimiter),
            u"must be one ASCII character other than a quote or a line break"_s);
    return {};
}

Key CsvTraceReader::hashKey(const char *begin, const char *end)
{
    quint64 h = 0xcbf29ce484222325ULL; // FNV-1a 64
    for (const char *p = begin; p != end; ++p) {
        h ^= static_cast<unsigned char>(*p);
        h *= 0x100000001b3ULL;
    }
    return mixKey(h);
}

CsvTraceReader::CsvTraceReader(std::unique_ptr<ByteSource> source, const CsvOptions &options)
    : m_source(std::move(source))
    , m_lines(m_source.get())
    , m_options(options)
    , m_delimiter(char(options.delimiter.unicode()))
    , m_trim(m_delimiter != ' ' && m_delimiter != '\t')
    , m_lastColumn(std::max({ options.keyColumn, options.sizeColumn, options.timeColumn }))
    , m_fields(std::size_t(m_lastColumn))
    , m_unescaped(std::size_t(m_lastColumn))
    , m_skipHeader(options.header)
{
    m_path = m_source->path();
    m_format = TraceFormat::Csv;
    m_fileSize = m_source->fileSize();
}

bool CsvTraceReader::split(const char *begin, const char *end, Error &error)
{
    const char *p = begin;
    int column = 0;
    for (;;) {
        ++column;
        Field field;
        const char *q = p;
        if (m_trim) {
            while (q < end && (*q == ' ' || *q == '\t'))
                ++q;
        }
        if (q < end && *q == '"') {
            const char *start = q + 1;
            bool escaped = false;
            const char *close = nullptr;
            for (const char *s = start; s < end; ++s) {
                if (*s != '"')
                    continue;
                if (s + 1 < end && s[1] == '"') {
                    escaped = true;
                    ++s;
                    continue;
                }
                close = s;
                break;
            }
            if (!close) {
                error = fieldError(
                    u"column "_s + QString::number(column), { q, end }, u"has no closing quote"_s);
                return false;
            }
            p = close + 1;
            while (m_trim && p < end && (*p == ' ' || *p == '\t'))
                ++p;
            if (p < end && *p != m_delimiter) {
                const char *next = std::find(p, end, m_delimiter);
                error = fieldError(u"column "_s + QString::number(column), { q, next },
                    u"has text after the closing quote"_s);
                return false;
            }
            field = { start, close };
            if (escaped && column <= m_lastColumn) {
                std::string &text = m_unescaped[std::size_t(column - 1)];
                text.clear();
                for (const char *s = start; s < close; ++s) {
                    text.push_back(*s);
                    if (*s == '"')
                        ++s; // "" stands for one quote
                }
                field = { text.data(), text.data() + text.size() };
            }
        } else {
            p = std::find(p, end, m_delimiter);
            field = { q, p };
            if (m_trim)
                trimBlanks(field.begin, field.end);
        }
        if (column <= m_lastColumn)
            m_fields[std::size_t(column - 1)] = field;
        if (p == end || column == m_lastColumn)
            break; // later columns are not needed, nor checked
        ++p; // the delimiter
    }
    m_columns = column;
    return true;
}

Error CsvTraceReader::fieldError(
    const QString &field, const Field &value, const QString &message) const
{
    return lineError(
        m_path, m_lines.lineNumber(), field, quoteValue(value.begin, value.end), message);
}

Result<qsizetype> CsvTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    qsizetype n = 0;
    const char *begin = nullptr;
    const char *end = nullptr;
    Error error;
    while (n < max && m_lines.next(begin, end)) {
        if (m_skipHeader) {
            m_skipHeader = false;
            continue;
        }
        const char *b = begin;
        const char *e = end;
        trimBlanks(b, e);
        if (b == e)
            continue;
        if (!split(begin, end, error))
            return error;
        if (m_columns < m_lastColumn) {
            const int wanted = m_columns < m_options.keyColumn ? m_options.keyColumn
                : m_columns < m_options.sizeColumn             ? m_options.sizeColumn
                                                               : m_options.timeColumn;
            const QString field = wanted == m_options.keyColumn ? u"key"_s
                : wanted == m_options.sizeColumn                ? u"size"_s
                                                                : u"time"_s;
            return lineError(m_path, m_lines.lineNumber(), field, QString(),
                u"needs column "_s + QString::number(wanted) + u" but the line has "_s
                    + columnsText(m_columns));
        }

        Request request;
        const Field &key = m_fields[std::size_t(m_options.keyColumn - 1)];
        if (key.begin == key.end)
            return fieldError(u"key"_s, key, u"is empty"_s);
        if (parseDecimal(key.begin, key.end, request.key) != NumberParse::Ok)
            request.key = hashKey(key.begin, key.end);

        if (m_options.sizeColumn > 0) {
            const Field &f = m_fields[std::size_t(m_options.sizeColumn - 1)];
            quint64 size = 0;
            const NumberParse r = parseDecimal(f.begin, f.end, size);
            if (r == NumberParse::NotANumber)
                return fieldError(u"size"_s, f, u"is not a non-negative integer"_s);
            if (r == NumberParse::TooLarge || size > UINT32_MAX)
                return fieldError(u"size"_s, f, u"is larger than 4294967295"_s);
            if (size == 0)
                return fieldError(u"size"_s, f, u"must be at least 1"_s);
            request.size = quint32(size);
        }

        if (m_options.timeColumn > 0) {
            const Field &f = m_fields[std::size_t(m_options.timeColumn - 1)];
            quint64 seconds = 0;
            if (!parseSeconds(f.begin, f.end, seconds))
                return fieldError(u"time"_s, f, u"is not a non-negative number"_s);
            seconds /= m_options.timeDivisor; // whole seconds: boundaries stay where they were
            if (!m_started) {
                m_started = true;
                m_firstTime = seconds;
            }
            const quint64 since = seconds >= m_firstTime ? seconds - m_firstTime : 0;
            request.time = quint32(std::min<quint64>(since, UINT32_MAX));
        }
        out.push_back(request);
        ++n;
    }
    if (m_lines.hasError())
        return m_lines.error();
    m_requests += n;
    return n;
}

qint64 CsvTraceReader::estimatedRequests() const
{
    const qint64 consumed = m_lines.consumed();
    const qint64 size = m_source->estimatedSize();
    if (consumed <= 0 || size < 0)
        return -1;
    return qint64(double(m_requests) * double(size) / double(consumed));
}

} // namespace CacheScope
