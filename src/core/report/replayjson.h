#pragma once

#include "core/engine/simulationrunner.h"

#include <QJsonObject>

#include <vector>

namespace CacheScope {

/// One (policy, capacity) result as `cachescope-cli simulate --output json` prints it:
/// {"policy", "capacity", "size_unit", "requests", "hits", "misses", "hit_ratio", "miss_ratio",
/// "byte_miss_ratio", "evictions", "seconds", "requests_per_second", "metadata_bytes"}.
QJsonObject simulationResultJson(const SimulationResult &r);

/// What a trace replay read: the trace (or synthetic workload) and its counts.
struct ReplayTraceInfo
{
    QString name; // the trace's path, or the synthetic workload's description
    QString format; // as read: "u32be", "csv", "synthetic"
    qint64 requests = 0;
    quint64 uniqueObjects = 0;
    quint64 uniqueBytes = 0;
};

/// A whole replay as `simulate --output json` prints it, and as the run history keeps a
/// replay's summary (the CLI's and the app's Trace replay tab's): {"trace", "format",
/// "requests", "unique_objects", "unique_bytes", "results": [simulationResultJson, ...]}.
QJsonObject replayJson(const ReplayTraceInfo &trace, const std::vector<SimulationResult> &results);

} // namespace CacheScope
