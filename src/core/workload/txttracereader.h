#pragma once

#include "core/workload/bytesource.h"
#include "core/workload/linereader.h"
#include "core/workload/tracereader.h"

namespace CacheScope {

/// The LIRS text format: one non-negative decimal key per line. Blank lines and lines that are
/// exactly "*" (LIRS checkpoint markers) are skipped; CRLF and surrounding blanks are accepted.
class TxtTraceReader final : public TraceReader
{
public:
    explicit TxtTraceReader(std::unique_ptr<ByteSource> source);

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }
    qint64 estimatedRequests() const override;

private:
    std::unique_ptr<ByteSource> m_source;
    LineReader m_lines;
    qint64 m_requests = 0; // returned so far, for estimatedRequests()
};

} // namespace CacheScope
