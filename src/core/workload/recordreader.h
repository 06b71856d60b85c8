#pragma once

#include "core/error.h"
#include "core/workload/bytesource.h"

#include <vector>

namespace CacheScope {

/// Hands out whole fixed-size records of a binary trace straight from its read buffer.
/// Records are copied once (file to buffer); a record split between reads is moved to the
/// front of the buffer first.
class RecordReader
{
public:
    RecordReader(ByteSource *source, qsizetype recordSize);

    /// Points `records` at up to `max` whole records; returns how many, 0 at the end. A partial
    /// record at the end is an Error giving its byte offset.
    Result<qsizetype> next(const char *&records, qsizetype max);
    /// Byte offset (in the decoded data) of the first record last returned.
    qint64 offset() const { return m_lastOffset; }
    qsizetype recordSize() const { return m_recordSize; }
    /// How many records the whole data holds, as far as ByteSource::estimatedSize() knows.
    qint64 estimatedRecords() const
    {
        const qint64 size = m_source->estimatedSize();
        return size < 0 ? -1 : size / m_recordSize;
    }

private:
    ByteSource *m_source;
    qsizetype m_recordSize;
    std::vector<char> m_buffer;
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
    qint64 m_offset = 0; // decoded offset of m_buffer[m_pos]
    qint64 m_lastOffset = 0;
    bool m_eof = false;
};

} // namespace CacheScope
