#pragma once

#include "core/monitor/monitorinterval.h"

#include <QJsonObject>

namespace CacheScope {

/// A monitor's interval record (or, final, its whole session) as `cachescope-cli monitor
/// --output json` prints it, and as the run history keeps a monitoring session's points and
/// summary (the CLI's and the app's Monitor tab's): {"source", "t_ms", "interval_ms", "hits",
/// "misses", "hit_ratio", "cumulative_hit_ratio", "operations", "ops_per_second", "evictions",
/// "evictions_per_second", "expired", "expired_per_second", "memory_bytes",
/// "memory_limit_bytes", "keys", "clients", "latency_us": {"p50", "p99", "count"}} (round
/// trips); memcached adds gets, sets and unfetched evictions with "slab_evictions", a final
/// PostgreSQL record "top_tables", a final record "final": true. Key capture is the CLI's.
QJsonObject monitorIntervalJson(const MonitorInterval &r, const QString &source);

} // namespace CacheScope
