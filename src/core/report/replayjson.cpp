#include "replayjson.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QJsonObject simulationResultJson(const SimulationResult &r)
{
    const PolicyStats &s = r.stats;
    return QJsonObject {
        { u"policy"_s, r.policy },
        { u"capacity"_s, r.capacity },
        { u"size_unit"_s, r.sizeUnit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s },
        { u"requests"_s, qint64(s.requests) },
        { u"hits"_s, qint64(s.hits) },
        { u"misses"_s, qint64(s.misses) },
        { u"hit_ratio"_s, s.requests ? 1.0 - s.missRatio() : QJsonValue() },
        { u"miss_ratio"_s, s.missRatio() },
        { u"byte_miss_ratio"_s, s.byteMissRatio() },
        { u"evictions"_s, qint64(s.evictions) },
        { u"seconds"_s, r.seconds },
        { u"requests_per_second"_s, r.requestsPerSecond() },
        { u"metadata_bytes"_s, qint64(r.memoryBytes) },
    };
}

QJsonObject replayJson(const ReplayTraceInfo &trace, const std::vector<SimulationResult> &results)
{
    QJsonArray arr;
    for (const SimulationResult &r : results)
        arr.append(simulationResultJson(r));
    return QJsonObject {
        { u"trace"_s, trace.name },
        { u"format"_s, trace.format },
        { u"requests"_s, trace.requests },
        { u"unique_objects"_s, qint64(trace.uniqueObjects) },
        { u"unique_bytes"_s, qint64(trace.uniqueBytes) },
        { u"results"_s, arr },
    };
}

} // namespace CacheScope
