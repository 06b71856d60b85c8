#pragma once

#include "core/engine/simulationrunner.h"
#include "core/history/runhistory.h"
#include "core/monitor/monitorsample.h"
#include "core/report/replayjson.h"
#include "core/workload/tracereader.h"

#include <vector>

namespace CacheScope {

struct RunConfig;

/// A trace replay (`simulate`, the app's Trace replay tab) as the run history records it.
struct ReplayRecord
{
    ReplayTraceInfo trace; // name (path or synthetic description) and format as read
    TraceOptions traceOptions; // its CSV columns are recorded when the format is csv
    QStringList policies;
    QString capacities; // as given: "1%,10%"
    std::vector<qint64> resolvedCapacities;
    SizeUnit sizeUnit = SizeUnit::Objects;
    SimulationOptions options; // the seed and Redis's eviction settings are recorded
};

/// Kind "replay". Configuration {"trace" (absolute path, or the synthetic workload), "format",
/// "policies", "capacities", "resolved_capacities", "size_unit", "options": {"seed",
/// "redis_samples", "lfu_log_factor", "lfu_decay_time", "assume_rate"}, "csv" for a CSV
/// trace}; list columns: the policies comma-joined, the resolved capacities, the trace's file
/// name. The summary is replayJson() (what `simulate --output json` prints); no points.
RunStart replayRunStart(const ReplayRecord &replay);

/// Kind "monitor". Configuration {"source", "address", "interval_ms", "server": {"version",
/// "settings": {the server's eviction settings}}} plus `extra` (Redis: "database"): never a
/// password or a user. List columns: the server's eviction policy (Redis maxmemory-policy) or
/// else the source kind, its capacity (Redis maxmemory, memcached limit_maxbytes, PostgreSQL
/// shared_buffers) when known, the address. Points and summary are monitorIntervalJson().
RunStart monitorRunStart(
    const MonitorServerInfo &info, int intervalMs, const QJsonObject &extra = {});

/// A live run's workload column: describeWorkload() of its drawn keys, or "query log FILE" when
/// it replays one (the app's recorder and the CLI's share it).
QString liveWorkloadDescription(const RunConfig &config);

} // namespace CacheScope
