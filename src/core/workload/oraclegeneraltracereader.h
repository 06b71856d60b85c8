#pragma once

#include "core/workload/bytesource.h"
#include "core/workload/recordreader.h"
#include "core/workload/tracereader.h"

namespace CacheScope {

/// libCacheSim's oracleGeneral binary format: little-endian 24-byte records
/// {uint32 time, uint64 id, uint32 size, int64 next_access_vtime}. The next-access field is not
/// used: SimulationRunner::annotateNextAccess() computes it for the trace as read. A size of 0
/// is an error (libCacheSim silently drops such requests).
class OracleGeneralTraceReader final : public TraceReader
{
public:
    static constexpr qsizetype recordSize = 24;

    explicit OracleGeneralTraceReader(std::unique_ptr<ByteSource> source);

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }
    qint64 estimatedRequests() const override { return m_records.estimatedRecords(); }

private:
    std::unique_ptr<ByteSource> m_source;
    RecordReader m_records;
    quint32 m_firstTime = 0;
    bool m_started = false;
};

} // namespace CacheScope
