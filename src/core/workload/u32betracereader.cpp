#include "core/workload/u32betracereader.h"

#include <QtEndian>

namespace CacheScope {

U32BeTraceReader::U32BeTraceReader(std::unique_ptr<ByteSource> source)
    : m_source(std::move(source))
    , m_records(m_source.get(), 4)
{
    m_path = m_source->path();
    m_format = TraceFormat::U32Be;
    m_fileSize = m_source->fileSize();
}

Result<qsizetype> U32BeTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    qsizetype n = 0;
    while (n < max) {
        const char *records = nullptr;
        Result<qsizetype> got = m_records.next(records, max - n); // moved on error
        if (!got)
            return got;
        if (*got == 0)
            break;
        for (qsizetype i = 0; i < *got; ++i)
            out.push_back(Request { qFromBigEndian<quint32>(records + 4 * i), -1, 1, 0 });
        n += *got;
    }
    return n;
}

} // namespace CacheScope
