#include "core/workload/oraclegeneraltracereader.h"

#include "core/workload/traceerror.h"

#include <QtEndian>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

OracleGeneralTraceReader::OracleGeneralTraceReader(std::unique_ptr<ByteSource> source)
    : m_source(std::move(source))
    , m_records(m_source.get(), recordSize)
{
    m_path = m_source->path();
    m_format = TraceFormat::OracleGeneral;
    m_fileSize = m_source->fileSize();
}

Result<qsizetype> OracleGeneralTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    qsizetype n = 0;
    while (n < max) {
        const char *records = nullptr;
        Result<qsizetype> got = m_records.next(records, max - n); // moved on error
        if (!got)
            return got;
        if (*got == 0)
            break;
        for (qsizetype i = 0; i < *got; ++i) {
            const char *record = records + i * recordSize;
            const quint32 time = qFromLittleEndian<quint32>(record);
            const quint64 id = qFromLittleEndian<quint64>(record + 4);
            const quint32 size = qFromLittleEndian<quint32>(record + 12);
            if (size == 0) {
                return byteError(m_path, m_records.offset() + i * recordSize, u"size"_s, u"0"_s,
                    u"must be at least 1"_s);
            }
            if (!m_started) {
                m_started = true;
                m_firstTime = time;
            }
            out.push_back(Request { id, -1, size, time >= m_firstTime ? time - m_firstTime : 0 });
        }
        n += *got;
    }
    return n;
}

} // namespace CacheScope
