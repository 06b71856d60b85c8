#include "core/querylog/workingset.h"

#include "core/metrics/missratiocurve.h"
#include "core/workload/querylogtracereader.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

Result<WorkingSetCapacity> workingSetCapacity(const QueryLogReplay &log,
    const QSet<quint64> &templates, double share, const std::atomic<bool> *cancel)
{
    WorkingSetCapacity result;
    if (templates.isEmpty())
        return result;
    Result<std::unique_ptr<QueryLogTraceReader>> reader
        = QueryLogTraceReader::open(log.path, log.options, templates);
    if (!reader)
        return reader.error();
    std::vector<Request> requests;
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return Error { u"cancelled"_s, log.path, 0, {}, {} };
        const Result<qsizetype> got = (*reader)->read(requests, 1 << 16);
        if (!got)
            return got.error();
        if (*got == 0)
            break;
    }
    if (requests.empty())
        return result;
    const MissRatioCurve curve = exactLruCurve(requests);
    result.requests = qint64(requests.size());
    result.uniqueResults = qint64(curve.coldWeight());
    const double total = double(result.requests);
    result.maxHitRatio = 1.0 - curve.coldWeight() / total;
    // misses() falls as the capacity grows: the smallest capacity reaching the target, by
    // bisection over [1, the largest stack distance] (beyond it only cold misses are left).
    const double target = share * result.maxHitRatio;
    qint64 low = 1;
    qint64 high = std::max<qint64>(1, curve.maxDistance());
    while (low < high) {
        const qint64 mid = low + (high - low) / 2;
        if (1.0 - curve.misses(mid) / total >= target)
            high = mid;
        else
            low = mid + 1;
    }
    result.entries = low;
    result.hitRatio = 1.0 - curve.misses(low) / total;
    return result;
}

} // namespace CacheScope
