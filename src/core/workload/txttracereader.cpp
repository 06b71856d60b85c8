#include "core/workload/txttracereader.h"

#include "core/workload/traceerror.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

TxtTraceReader::TxtTraceReader(std::unique_ptr<ByteSource> source)
    : m_source(std::move(source))
    , m_lines(m_source.get())
{
    m_path = m_source->path();
    m_format = TraceFormat::Txt;
    m_fileSize = m_source->fileSize();
}

Result<qsizetype> TxtTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    qsizetype n = 0;
    const char *begin = nullptr;
    const char *end = nullptr;
    while (n < max && m_lines.next(begin, end)) {
        quint64 key = 0;
        NumberParse parsed = parseDecimal(begin, end, key);
        if (parsed != NumberParse::Ok) { // the slow path: blanks, markers, errors
            trimBlanks(begin, end);
            if (begin == end || (end - begin == 1 && *begin == '*'))
                continue;
            parsed = parseDecimal(begin, end, key);
            if (parsed != NumberParse::Ok) {
                return lineError(m_path, m_lines.lineNumber(), u"key"_s, quoteValue(begin, end),
                    parsed == NumberParse::TooLarge ? u"is larger than 18446744073709551615"_s
                                                    : u"is not a non-negative integer"_s);
            }
        }
        out.push_back(Request { key, -1, 1, 0 });
        ++n;
    }
    if (m_lines.hasError())
        return m_lines.error();
    m_requests += n;
    return n;
}

qint64 TxtTraceReader::estimatedRequests() const
{
    const qint64 consumed = m_lines.consumed();
    const qint64 size = m_source->estimatedSize();
    if (consumed <= 0 || size < 0)
        return -1;
    return qint64(double(m_requests) * double(size) / double(consumed));
}

} // namespace CacheScope
