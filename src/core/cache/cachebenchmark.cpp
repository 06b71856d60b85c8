#include "core/cache/cachebenchmark.h"

#include "core/cache/resultcache.h"
#include "core/metrics/counters.h"
#include "core/metrics/latencyhistogram.h"
#include "core/metrics/tickclock.h"
#include "core/workload/xoshiro256.h"
#include "core/workload/zipfsampler.h"

#include <chrono>
#include <cmath>
#include <latch>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int poolBits = 22; // 4 M keys drawn up front (Caffeine's pool is 2^20)
constexpr int valueCount = 1024;
constexpr int opsPerCheck = 1024; // operations between looks at the stop flag

Error optionError(const QString &message, const QString &field, const QString &value)
{
    return Error { message, {}, 0, field, value };
}

/// The hand-written cache users come from: one lock, a hash map and an LRU list.
class StdLruCache
{
public:
    explicit StdLruCache(std::size_t capacity)
        : m_capacity(capacity)
    {
        m_map.reserve(capacity);
    }

    std::optional<CachedResult> lookup(Key key)
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_map.find(key);
        if (it == m_map.end())
            return std::nullopt;
        m_list.splice(m_list.begin(), m_list, it->second);
        return it->second->second;
    }
    void insert(Key key, const CachedResult &value)
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_map.find(key);
        if (it != m_map.end()) {
            it->second->second = value;
            m_list.splice(m_list.begin(), m_list, it->second);
            return;
        }
        m_list.emplace_front(key, value);
        m_map.emplace(key, m_list.begin());
        if (m_map.size() > m_capacity) {
            m_map.erase(m_list.back().first);
            m_list.pop_back();
        }
    }
    qint64 entries()
    {
        std::lock_guard lock(m_mutex);
        return qint64(m_map.size());
    }

private:
    using List = std::list<std::pair<Key, CachedResult>>;
    std::mutex m_mutex;
    List m_list;
    std::unordered_map<Key, List::iterator> m_map;
    std::size_t m_capacity;
};

/// splitmix64 as a stream: per-thread operation choice, and the pool's uniform draws.
struct SplitMix
{
    quint64 state;
    quint64 next() { return mixKey(state += 0x9e3779b97f4a7c15ULL); }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};

struct ThreadTotals
{
    quint64 ops = 0;
    quint64 reads = 0;
    quint64 hits = 0;
    LatencyHistogram hitLatency;
};

template <typename Cache>
void runWorker(Cache &cache, const std::vector<Key> &pool, const BenchCacheConfig &config,
    int index, std::latch &start, const std::atomic<bool> &stop, ThreadTotals &totals)
{
    const std::size_t mask = pool.size() - 1;
    std::size_t at = (pool.size() / std::size_t(config.threads)) * std::size_t(index);
    SplitMix rng { config.seed * 31 + quint64(index) };
    const auto readThreshold
        = quint64(config.readRatio * 0x1.0p64 >= 0x1.0p64 ? ~quint64(0)
                                                          : quint64(config.readRatio * 0x1.0p64));
    const bool allReads = config.readRatio >= 1.0;
    Counters counters; // what the engine would bump; local, so no line is shared
    // The values this thread "loads" on a miss: its own, as each engine miss makes a new result
    // (shared between threads, their reference counts would bounce between cores on every put).
    std::vector<CachedResult> values(valueCount);
    for (int i = 0; i < valueCount; ++i) {
        values[std::size_t(i)].rows = { QVariantList { i } };
        values[std::size_t(i)].sizeBytes = 64;
    }
    quint64 ops = 0;
    quint64 reads = 0;
    quint64 hits = 0;
    start.arrive_and_wait();
    TickClock::Ticks lastDone = TickClock::now();
    while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < opsPerCheck; ++i) {
            const Key key = pool[at++ & mask];
            const CachedResult &value = values[key % valueCount];
            if (allReads || rng.next() < readThreshold) {
                ++reads;
                if (config.recordMetrics) {
                    // As the engine's closed loop times back-to-back requests: issued when the
                    // one before was done, one clock read each.
                    const bool hit = cache.lookup(key).has_value();
                    if (!hit)
                        cache.insert(key, value);
                    const TickClock::Ticks done = TickClock::now();
                    const qint64 ns = TickClock::elapsedNs(lastDone, done);
                    lastDone = done;
                    counters.addOwned(Counter::Requests);
                    if (hit) {
                        counters.addOwned(Counter::Hits);
                        totals.hitLatency.recordOwned(ns);
                        ++hits;
                    } else {
                        counters.addOwned(Counter::Misses);
                    }
                } else if (cache.lookup(key)) {
                    ++hits;
                } else {
                    cache.insert(key, value);
                }
            } else {
                cache.insert(key, value);
                if (config.recordMetrics)
                    lastDone = TickClock::now(); // the engine times its writes too
            }
        }
        ops += opsPerCheck;
    }
    totals.ops = ops;
    totals.reads = reads;
    totals.hits = hits;
}

template <typename Cache>
BenchCacheResult runWith(
    Cache &cache, const BenchCacheConfig &config, const std::atomic<bool> *cancel)
{
    // The key pool (and each thread's values) are made before the clock starts: only the cache
    // is timed.
    std::vector<Key> pool(std::size_t(1) << poolBits);
    const ZipfSampler zipf(config.keys, config.alpha);
    Xoshiro256 rng { config.seed };
    for (Key &k : pool)
        k = zipf.sample(rng);

    std::atomic<bool> stop { false };
    std::latch start(config.threads + 1);
    std::vector<ThreadTotals> totals(std::size_t(config.threads));
    std::vector<std::thread> workers;
    workers.reserve(std::size_t(config.threads));
    for (int t = 0; t < config.threads; ++t) {
        workers.emplace_back(runWorker<Cache>, std::ref(cache), std::cref(pool), std::cref(config),
            t, std::ref(start), std::cref(stop), std::ref(totals[std::size_t(t)]));
    }
    start.arrive_and_wait();
    const auto began = SteadyClock::now();
    const auto deadline = began
        + std::chrono::duration_cast<SteadyClock::duration>(
            std::chrono::duration<double>(config.seconds));
    while (SteadyClock::now() < deadline && !(cancel && cancel->load())) {
        const SteadyClock::duration left = deadline - SteadyClock::now();
        std::this_thread::sleep_for(
            std::min<SteadyClock::duration>(left, std::chrono::milliseconds(20)));
    }
    stop = true;
    for (std::thread &w : workers)
        w.join();
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - began).count();

    BenchCacheResult r;
    r.policy = config.policy;
    r.threads = config.threads;
    r.seconds = seconds;
    quint64 reads = 0;
    quint64 hits = 0;
    LatencyHistogram hitLatency;
    for (const ThreadTotals &t : totals) {
        r.ops += t.ops;
        reads += t.reads;
        hits += t.hits;
        hitLatency.merge(t.hitLatency);
    }
    r.opsPerSecond = seconds > 0 ? double(r.ops) / seconds : 0;
    if (reads)
        r.hitRatio = double(hits) / double(reads);
    r.entries = cache.entries();
    r.p50HitNs = hitLatency.percentileNs(50);
    r.p99HitNs = hitLatency.percentileNs(99);
    return r;
}

} // namespace

Result<BenchCacheResult> runCacheBenchmark(
    const BenchCacheConfig &config, const std::atomic<bool> *cancel)
{
    if (config.threads < 1 || config.threads > 1024)
        return optionError(
            u"must be between 1 and 1024"_s, u"threads"_s, QString::number(config.threads));
    if (!(config.seconds > 0) || config.seconds > 86400)
        return optionError(u"must be a positive number of seconds"_s, u"seconds"_s,
            QString::number(config.seconds));
    if (config.keys < 1)
        return optionError(u"must be a positive number"_s, u"keys"_s, QString::number(config.keys));
    if (!(config.alpha >= 0) || !std::isfinite(config.alpha))
        return optionError(
            u"must be a non-negative number"_s, u"alpha"_s, QString::number(config.alpha));
    if (!(config.readRatio >= 0 && config.readRatio <= 1))
        return optionError(
            u"must be between 0 and 1"_s, u"read-ratio"_s, QString::number(config.readRatio));
    if (config.capacity < 1)
        return optionError(u"must be a positive number of entries"_s, u"capacity"_s,
            QString::number(config.capacity));

    if (config.policy == u"std-lru"_s) {
        StdLruCache cache { std::size_t(config.capacity) };
        return runWith(cache, config, cancel);
    }
    ResultCacheConfig cacheConfig;
    cacheConfig.policy = config.policy;
    cacheConfig.capacity = config.capacity;
    cacheConfig.shardCount = config.shardCount > 0
        ? config.shardCount
        : ResultCache::automaticShardCount(config.threads, config.capacity, SizeUnit::Objects);
    cacheConfig.seed = config.seed;
    auto cache = ResultCache::create(cacheConfig);
    if (!cache)
        return cache.error();
    return runWith(**cache, config, cancel);
}

} // namespace CacheScope
