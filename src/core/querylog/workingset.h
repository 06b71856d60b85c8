#pragma once

#include "core/error.h"
#include "core/querylog/replayspec.h"

#include <QSet>

#include <atomic>

namespace CacheScope {

/// The cache a set of templates needs: from the exact LRU miss-ratio curve of their reads alone
/// (the log read again offline, writes still invalidating), the smallest capacity at which an
/// LRU cache reaches `share` of the hit ratio those reads can reach at all (only first reads of
/// each result miss there).
struct WorkingSetCapacity
{
    qint64 requests = 0; // reads of the templates
    qint64 uniqueResults = 0; // distinct results (template, parameters, table generations)
    qint64 entries = 0; // the capacity, in entries
    double hitRatio = 0; // LRU at `entries`
    double maxHitRatio = 0; // at any capacity: 1 - uniqueResults / requests
};

/// Reads `log` (the replay's reader options) on the calling thread; `cancel`, if given, is polled
/// between chunks. An empty `templates` set or a log without their reads gives zeros.
Result<WorkingSetCapacity> workingSetCapacity(const QueryLogReplay &log,
    const QSet<quint64> &templates, double share = 0.95, const std::atomic<bool> *cancel = nullptr);

} // namespace CacheScope
