#include "core/workload/vscsitracereader.h"

#include <QtEndian>

#include <algorithm>

namespace CacheScope {

namespace {

bool hasVersion(QByteArrayView head, int version)
{
    const qsizetype size = VscsiTraceReader::recordSize(version);
    const qsizetype verOffset = version == 1 ? 14 : 2;
    const qsizetype records = std::min<qsizetype>(2, std::max<qsizetype>(1, head.size() / size));
    for (qsizetype i = 0; i < records; ++i) {
        const qsizetype at = i * size + verOffset;
        if (at + 2 > head.size())
            return false;
        if (qFromLittleEndian<quint16>(head.data() + at) >> 8 != version)
            return false;
    }
    return true;
}

} // namespace

int VscsiTraceReader::detectVersion(QByteArrayView head)
{
    if (hasVersion(head, 1))
        return 1;
    if (hasVersion(head, 2))
        return 2;
    return 0;
}

VscsiTraceReader::VscsiTraceReader(std::unique_ptr<ByteSource> source, int version)
    : m_source(std::move(source))
    , m_version(version)
    , m_records(m_source.get(), recordSize(version))
{
    m_path = m_source->path();
    m_format = TraceFormat::Vscsi;
    m_fileSize = m_source->fileSize();
}

Result<qsizetype> VscsiTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    const qsizetype size = recordSize(m_version);
    const qsizetype lenOffset = m_version == 1 ? 4 : 8;
    qsizetype n = 0;
    while (n < max) {
        const char *records = nullptr;
        Result<qsizetype> got = m_records.next(records, max - n); // moved on error
        if (!got)
            return got;
        if (*got == 0)
            break;
        for (qsizetype i = 0; i < *got; ++i) {
            const char *record = records + i * size;
            const quint32 len = qFromLittleEndian<quint32>(record + lenOffset);
            if (len == 0)
                continue;
            const quint64 lbn = qFromLittleEndian<quint64>(record + 16);
            const quint64 ts = qFromLittleEndian<quint64>(record + 24);
            if (!m_started) {
                m_started = true;
                m_firstTime = ts;
            }
            const quint64 seconds = ts >= m_firstTime ? (ts - m_firstTime) / 1000000 : 0;
            out.push_back(
                Request { lbn, -1, len, quint32(std::min<quint64>(seconds, UINT32_MAX)) });
            ++n;
        }
    }
    return n;
}

} // namespace CacheScope
