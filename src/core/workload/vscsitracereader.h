#pragma once

#include "core/workload/bytesource.h"
#include "core/workload/recordreader.h"
#include "core/workload/tracereader.h"

#include <QByteArrayView>

namespace CacheScope {

/// VMware vscsi block traces as libCacheSim reads them, little-endian:
/// v1, 32 bytes: {uint32 sn, uint32 len, uint32 nSG, uint16 cmd, uint16 ver, uint64 lbn, uint64
/// ts}; v2, 40 bytes: {uint16 cmd, uint16 ver, uint32 sn, uint32 len, uint32 nSG, uint64 lbn,
/// uint64 ts, uint64 rt}. The version is `ver >> 8`. key = lbn, size = len, ts is in microseconds.
/// Records with len 0 (commands that move no data) are skipped, as libCacheSim skips size-0
/// requests by default.
class VscsiTraceReader final : public TraceReader
{
public:
    /// 1 or 2 when the first records (up to two) carry that version at its offset, else 0.
    /// v1 is tried first.
    static int detectVersion(QByteArrayView head);
    static constexpr qsizetype recordSize(int version) { return version == 1 ? 32 : 40; }

    VscsiTraceReader(std::unique_ptr<ByteSource> source, int version);

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }
    qint64 estimatedRequests() const override { return m_records.estimatedRecords(); }
    int version() const { return m_version; }

private:
    std::unique_ptr<ByteSource> m_source;
    int m_version;
    RecordReader m_records;
    quint64 m_firstTime = 0;
    bool m_started = false;
};

} // namespace CacheScope
