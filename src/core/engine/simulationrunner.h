#pragma once

#include "core/engine/capacity.h"
#include "core/error.h"
#include "core/policy/cachepolicy.h"
#include "core/workload/request.h"

#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace CacheScope {

/// Fills Request::nextAccess (0-based index of the next request for the same key, -1 if none)
/// in one backward pass, for policies that need the future (opt).
void annotateNextAccess(std::vector<Request> &requests);

struct SimulationJob
{
    QString policy;
    qint64 capacity = 0;
};

struct SimulationResult
{
    QString policy;
    qint64 capacity = 0;
    SizeUnit sizeUnit = SizeUnit::Objects;
    PolicyStats stats;
    double seconds = 0; // this pair's own simulation time, reading excluded
    std::size_t memoryBytes = 0; // policy metadata at the end of the run
    qint64 residentObjects = 0;

    double requestsPerSecond() const { return seconds > 0 ? double(stats.requests) / seconds : 0; }
};

struct SimulationOptions
{
    SizeUnit sizeUnit = SizeUnit::Objects;
    int threads = 0; // 0: one per core
    quint64 seed = 42;
    /// Redis's eviction (redis-*): samples, LFU factors, and the clock (ReplayPlan::run sets
    /// traceTimes from the stream).
    RedisEvictionOptions redis;
    /// The requests carry nextAccess (annotateNextAccess() ran): required by opt.
    bool nextAccessAnnotated = false;
    const std::atomic<bool> *cancel = nullptr;
    /// Called from pool threads with (requests done over all jobs, total); may be empty.
    std::function<void(quint64, quint64)> progress;
};

/// Runs every job over the same request stream, in parallel on a private QThreadPool, one task
/// per job fed in chunks. Validates every job first (unknown policy, capacity <= 0, opt needs
/// nextAccess) so nothing runs unless all can. Results come back in job order. Blocks the
/// calling thread: call it from a worker, never from the GUI thread.
Result<std::vector<SimulationResult>> runSimulations(const std::vector<Request> &requests,
    const std::vector<SimulationJob> &jobs, const SimulationOptions &options);

} // namespace CacheScope
