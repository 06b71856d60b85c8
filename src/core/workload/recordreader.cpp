#include "core/workload/recordreader.h"

#include "core/workload/traceerror.h"

#include <algorithm>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {
constexpr qsizetype bufferBytes = qsizetype(1) << 20;
}

RecordReader::RecordReader(ByteSource *source, qsizetype recordSize)
    : m_source(source)
    , m_recordSize(recordSize)
    , m_buffer(std::size_t(bufferBytes / recordSize * recordSize))
{
}

Result<qsizetype> RecordReader::next(const char *&records, qsizetype max)
{
    if (m_end - m_pos < m_recordSize) {
        const qsizetype tail = m_end - m_pos;
        if (tail > 0)
            std::memmove(m_buffer.data(), m_buffer.data() + m_pos, std::size_t(tail));
        m_pos = 0;
        m_end = tail;
        while (m_end < m_recordSize && !m_eof) {
            const Result<qsizetype> n
                = m_source->read(m_buffer.data() + m_end, qsizetype(m_buffer.size()) - m_end);
            if (!n)
                return n.error();
            if (*n == 0)
                m_eof = true;
            m_end += *n;
        }
        if (m_end == 0)
            return qsizetype(0);
        if (m_end < m_recordSize) {
            return byteError(m_source->path(), m_offset, QString(), QString(),
                u"truncated record: only "_s + QString::number(m_end) + u" of "_s
                    + QString::number(m_recordSize) + u" bytes"_s);
        }
    }
    const qsizetype n = std::min(max, (m_end - m_pos) / m_recordSize);
    records = m_buffer.data() + m_pos;
    m_lastOffset = m_offset;
    m_pos += n * m_recordSize;
    m_offset += n * m_recordSize;
    return n;
}

} // namespace CacheScope
