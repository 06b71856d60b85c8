#pragma once

#include "core/error.h"
#include "core/workload/bytesource.h"

#include <QString>

#include <cstring>
#include <vector>

namespace CacheScope {

/// Splits a ByteSource into lines in place: a line is handed out as a pointer range into the
/// buffer (no copy, no QString), without its "\n" or "\r\n". A UTF-8 byte-order mark at the
/// start is skipped. Lines may straddle reads; the buffer grows for long lines up to a limit.
class LineReader
{
public:
    static constexpr qsizetype maxLineLength = qsizetype(1) << 26;

    explicit LineReader(ByteSource *source);

    /// The next line; false at the end of the data or on an error (then hasError()).
    bool next(const char *&begin, const char *&end)
    {
        if (m_pos < m_end) {
            auto *nl = static_cast<char *>(std::memchr(m_pos, '\n', std::size_t(m_end - m_pos)));
            if (nl) {
                begin = m_pos;
                end = nl > m_pos && nl[-1] == '\r' ? nl - 1 : nl;
                m_pos = nl + 1;
                ++m_line;
                return true;
            }
        }
        return nextSlow(begin, end);
    }

    /// Decoded bytes handed out as lines so far (terminators included).
    qint64 consumed() const { return m_source->position() - (m_end - m_pos); }
    /// 1-based number of the line last returned.
    qint64 lineNumber() const { return m_line; }
    bool hasError() const { return m_hasError; }
    const Error &error() const { return m_error; }

private:
    bool nextSlow(const char *&begin, const char *&end);

    ByteSource *m_source;
    std::vector<char> m_buffer;
    char *m_pos = nullptr;
    char *m_end = nullptr;
    qint64 m_line = 0;
    bool m_eof = false;
    bool m_started = false;
    bool m_hasError = false;
    Error m_error;
};

enum class NumberParse { Ok, NotANumber, TooLarge };

/// Parses [begin, end) as a decimal without sign or spaces, e.g. "0", "42"; hand-written
/// because a QString conversion per line would dominate the read time.
inline NumberParse parseDecimal(const char *begin, const char *end, quint64 &value)
{
    if (begin == end)
        return NumberParse::NotANumber;
    quint64 v = 0;
    const qsizetype digits = end - begin;
    for (const char *p = begin; p != end; ++p) {
        const unsigned d = unsigned(static_cast<unsigned char>(*p)) - unsigned('0');
        if (d > 9)
            return NumberParse::NotANumber;
        if (digits >= 20 && v > (UINT64_MAX - d) / 10) {
            for (++p; p != end; ++p) {
                if (unsigned(static_cast<unsigned char>(*p)) - unsigned('0') > 9)
                    return NumberParse::NotANumber;
            }
            return NumberParse::TooLarge;
        }
        v = v * 10 + d;
    }
    value = v;
    return NumberParse::Ok;
}

/// Strips spaces and tabs at both ends of [begin, end).
inline void trimBlanks(const char *&begin, const char *&end)
{
    while (begin < end && (*begin == ' ' || *begin == '\t'))
        ++begin;
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t'))
        --end;
}

/// The offending text for an Error: the bytes as UTF-8, cut after 80 characters.
QString quoteValue(const char *begin, const char *end);

} // namespace CacheScope
