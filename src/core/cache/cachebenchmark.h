#pragma once

#include "core/error.h"

#include <QString>

#include <atomic>
#include <optional>

namespace CacheScope {

/// An in-process get-or-put benchmark of ResultCache with no database, after Caffeine's
/// GetPutBenchmark: keys come from a zipf pool drawn before the clock starts, each thread walks
/// it from its own offset; a read that misses puts a small value, a write puts one.
struct BenchCacheConfig
{
    /// A ResultCache policy id (ResultCache::policyIds()), or "std-lru": the baseline users
    /// write by hand, one std::mutex around std::unordered_map + std::list LRU.
    QString policy = QStringLiteral("qcache");
    int threads = 2;
    double seconds = 5.0;
    qint64 capacity = 10'000; // entries
    quint64 keys = 1'000'000; // key space 1..keys
    double alpha = 0.99; // zipf exponent; 0 is uniform
    double readRatio = 1.0; // share of operations that are reads (get, put on a miss)
    int shardCount = 0; // 0: ResultCache's default for `threads`
    /// Time every operation and record it as the engine does (two clock reads, a latency
    /// histogram per thread, counters): the price of live metrics on the hit path.
    bool recordMetrics = false;
    quint64 seed = 42;
};

struct BenchCacheResult
{
    QString policy;
    int threads = 0;
    double seconds = 0; // measured
    quint64 ops = 0; // reads + writes
    double opsPerSecond = 0;
    std::optional<double> hitRatio; // hits / reads; none without reads
    qint64 entries = 0; // held at the end
    qint64 p50HitNs = 0; // with recordMetrics only
    qint64 p99HitNs = 0;
};

/// Validates (names the offending option: threads, seconds, capacity, keys, alpha, read-ratio,
/// policy) and runs for config.seconds on config.threads std::threads. `cancel`, when given,
/// ends the run early.
Result<BenchCacheResult> runCacheBenchmark(
    const BenchCacheConfig &config, const std::atomic<bool> *cancel = nullptr);

} // namespace CacheScope
