#pragma once

#include "core/workload/bytesource.h"
#include "core/workload/recordreader.h"
#include "core/workload/tracereader.h"

namespace CacheScope {

/// cache2k's binary traces: big-endian 32-bit keys, no header (Caffeine reads them with
/// DataInputStream.readInt()). The signed int is kept as its unsigned bit pattern.
class U32BeTraceReader final : public TraceReader
{
public:
    explicit U32BeTraceReader(std::unique_ptr<ByteSource> source);

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }
    qint64 estimatedRequests() const override { return m_records.estimatedRecords(); }

private:
    std::unique_ptr<ByteSource> m_source;
    RecordReader m_records;
};

} // namespace CacheScope
