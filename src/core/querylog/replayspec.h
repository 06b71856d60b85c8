#pragma once

#include "core/querylog/querylogreader.h"

#include <QString>

namespace CacheScope {

/// A query log to replay through the live engine instead of generated keys (RunConfig::queryLog).
struct QueryLogReplay
{
    QString path; // empty: no log, the workload generates keys
    QueryLogOptions options;
    /// > 0: statements start at the log's own times divided by this (1 = real time, 10 = ten
    /// times faster); 0: as fast as the workers go (--as-fast).
    double speed = 0;

    bool isSet() const { return !path.isEmpty(); }
    friend bool operator==(const QueryLogReplay &a, const QueryLogReplay &b)
    {
        return a.path == b.path && a.options.format == b.options.format
            && a.options.logLinePrefix == b.options.logLinePrefix && a.speed == b.speed;
    }
};

} // namespace CacheScope
