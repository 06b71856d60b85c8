#include "core/workload/linereader.h"

#include "core/workload/traceerror.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {
constexpr qsizetype initialBufferSize = qsizetype(1) << 20;
}

LineReader::LineReader(ByteSource *source)
    : m_source(source)
{
}

bool LineReader::nextSlow(const char *&begin, const char *&end)
{
    if (m_hasError)
        return false;
    if (!m_started) {
        m_started = true;
        const Result<QByteArrayView> head = m_source->peek(3);
        if (!head) {
            m_hasError = true;
            m_error = head.error();
            return false;
        }
        if (*head == QByteArrayView("\xef\xbb\xbf")) {
            char bom[3];
            (void)m_source->read(bom, 3);
        }
    }
    for (;;) {
        if (m_pos < m_end) {
            const char *nl
                = static_cast<const char *>(std::memchr(m_pos, '\n', std::size_t(m_end - m_pos)));
            if (nl || m_eof) {
                if (nl)
                    return next(begin, end);
                // The last line has no terminator.
                begin = m_pos;
                end = m_end > m_pos && m_end[-1] == '\r' ? m_end - 1 : m_end;
                m_pos = m_end;
                ++m_line;
                return true;
            }
        }
        if (m_eof)
            return false;

        const qsizetype tail = m_end - m_pos;
        if (m_buffer.empty())
            m_buffer.resize(std::size_t(initialBufferSize));
        if (tail > 0 && m_pos != m_buffer.data())
            std::memmove(m_buffer.data(), m_pos, std::size_t(tail));
        if (tail == qsizetype(m_buffer.size())) {
            if (tail >= maxLineLength) {
                m_hasError = true;
                m_error = lineError(m_source->path(), m_line + 1, QString(), QString(),
                    u"the line is longer than 64 MiB"_s);
                return false;
            }
            m_buffer.resize(m_buffer.size() * 2);
        }
        m_pos = m_buffer.data();
        m_end = m_pos + tail;
        const Result<qsizetype> n = m_source->read(m_end, qsizetype(m_buffer.size()) - tail);
        if (!n) {
            m_hasError = true;
            m_error = n.error();
            return false;
        }
        if (*n == 0)
            m_eof = true;
        m_end += *n;
    }
}

QString quoteValue(const char *begin, const char *end)
{
    constexpr qsizetype limit = 80;
    if (end - begin <= limit)
        return QString::fromUtf8(begin, end - begin);
    return QString::fromUtf8(begin, limit) + u"..."_s;
}

} // namespace CacheScope
