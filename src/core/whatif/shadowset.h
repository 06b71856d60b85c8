#pragma once

#include "core/error.h"
#include "core/policy/cachepolicy.h"
#include "core/whatif/shadowring.h"
#include "core/whatif/shadowsnapshot.h"

#include <QStringList>

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace CacheScope {

/// Producers a ShadowSet accepts (one per engine worker index).
inline constexpr int maxShadowProducers = 256;

/// The 53-bit spatial sampling hash of a key (the one SHARDS uses in missratiocurve.cpp): a key
/// is sampled at rate R when its hash is below R × 2^53.
constexpr quint64 shadowSampleHash(Key key) noexcept { return mixKey(key) >> 11; }

struct ShadowConfig
{
    qint64 capacity = 10000; // the live cache's: objects, or bytes in byte mode; > 0
    SizeUnit sizeUnit = SizeUnit::Objects;
    /// Policies to shadow; empty: every registry policy that runs live (all but `opt`).
    QStringList policies;
    /// The starting spatial sampling rate: a power of two in (0, 1] (rounded down to one).
    double initialRate = 1.0;
    /// The rate never falls below this (keeps at least a few keys in a small key space).
    double minRate = 1.0 / 4096;
    /// Object mode: the rate never falls so low that a shadow holds fewer entries than this
    /// (capacity × rate), since miniature caches of a dozen entries misjudge the full-size one
    /// (an LRU of 100 sampled at 1/8 read 8 points above the real cache). The floor holds against
    /// the CPU budget; rings that overflow (keys lost at random) still lower the rate. 0: none.
    qint64 minShadowEntries = 0;
    /// Whether the rate follows the load (falls on drops or an exceeded CPU budget, rises with
    /// headroom). Off: the rate stays at initialRate and drops are only counted.
    bool adaptive = true;
    /// The consumer's CPU time as a fraction of the whole process's CPU time (workers
    /// included) it may use: what the shadows take from a CPU-bound run's throughput, whatever
    /// share of the machine the run gets. Below 0.5% of one core the consumer never counts as
    /// over budget (an idle or paused run).
    double cpuBudget = 0.05;
    /// Entries per producer ring (rounded up to a power of two).
    int ringCapacity = 8192;
    /// The consumer publishes a snapshot this often; the interval hit ratios span
    /// intervalPublications publications (about a second by default).
    qint64 publishIntervalMs = 250;
    int intervalPublications = 4;
    /// Keys the LRU curve's SHARDS sample holds at most (the fixed-size variant).
    qint64 curveSampleKeys = 16384;
    quint64 seed = 42; // randomised policies
    /// The Redis models' settings (maxmemory-samples, LFU factors): a watched Redis's own
    /// (RedisCapture). Their clock counts requests at redis.assumedRate (the rings carry no time).
    RedisEvictionOptions redis = {};

    /// For tests: the clocks the rate adaptation reads (nanoseconds from any origin). Empty: the
    /// steady clock, the consumer thread's CPU clock and the process's CPU clock.
    std::function<qint64()> wallClockNs;
    std::function<qint64()> cpuClockNs;
    std::function<qint64()> processCpuClockNs;

    Result<void> validate() const;
};

class ShadowSet;

/// A worker's handle into a ShadowSet: its own ring and counters. Called on the worker's hot
/// path, never waits and never locks: one relaxed load, a hash and, for sampled keys, one ring
/// push. Not thread-safe: one producer thread at a time per handle.
class alignas(64) ShadowProducer
{
public:
    /// A read of `key` completed with a result of `sizeBytes` (0 when unknown: counted as 1).
    void offer(Key key, quint32 sizeBytes) noexcept
    {
        const quint64 threshold = m_threshold.load(std::memory_order_relaxed);
        if (threshold == 0)
            return; // shadows paused
        m_offered.store(m_offered.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        if (shadowSampleHash(key) >= threshold)
            return;
        if (!m_ring.tryPush({ key, sizeBytes ? sizeBytes : 1u, ShadowRing::Kind::Read }))
            m_dropped.store(
                m_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    /// A write invalidated `key` in the real cache: the shadows drop it too.
    void invalidate(Key key) noexcept
    {
        const quint64 threshold = m_threshold.load(std::memory_order_relaxed);
        if (threshold == 0 || shadowSampleHash(key) >= threshold)
            return;
        if (!m_ring.tryPush({ key, 0, ShadowRing::Kind::Invalidate }))
            m_droppedInvalidations.store(m_droppedInvalidations.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);
    }

private:
    friend class ShadowSet;
    ShadowProducer(const std::atomic<quint64> &threshold, std::size_t ringCapacity)
        : m_threshold(threshold)
        , m_ring(ringCapacity)
    {
    }

    const std::atomic<quint64> &m_threshold; // the set's; 0 while paused
    std::atomic<quint64> m_offered { 0 }; // written by the producer only
    std::atomic<quint64> m_dropped { 0 }; // sampled reads the full ring refused
    std::atomic<quint64> m_droppedInvalidations { 0 };
    ShadowRing m_ring;
};

/// Shadow caches beside a live run: every live-capable registry policy (all but `opt`), keys
/// and sizes only, at the live capacity, fed the keys the workers request, plus a SHARDS
/// estimate of the LRU miss-ratio curve over the same keys.
///
/// Workers hand keys over through their own ShadowProducer (a bounded lock-free ring) and never
/// wait; a consumer thread of its own (not on the engine's pool) drains the rings. Sampling is
/// spatial, as in SHARDS and miniature simulation (Waldspurger et al., "Cache Modeling and
/// Optimization using Miniature Simulations", USENIX ATC 2017): a key is sampled when its hash
/// falls below R × 2^53, so each shadow sees every request of a consistent subset of the keys,
/// and runs at capacity × R; its hit ratio then estimates the full-size policy's on the full
/// stream.
///
/// The rate R adapts (a power of two): when a ring overflows or the consumer's CPU time exceeds
/// its budget (a share of the process's CPU time) over a window (100 ms), R falls by the factor
/// needed (at least half); after a second of using under a quarter of the budget with no drop
/// it doubles. A fall re-creates the
/// shadows at the new scaled capacity (a new epoch: keys that left the sample would otherwise
/// linger, forever under LFU); their counts carry over into the cumulative ratios. A rise keeps
/// them and raises their capacity: newly sampled keys enter as ordinary first misses. Offered,
/// sampled and dropped counts and the rate are in every snapshot.
///
/// Memory is bounded: the rings are fixed, each shadow holds at most its capacity (plus the
/// policy's bounded ghosts), the curve uses the fixed-size SHARDS variant with a fixed
/// log-bucketed histogram.
class ShadowSet
{
public:
    /// Validates the config and builds the shadows; the consumer starts with start().
    static Result<std::unique_ptr<ShadowSet>> create(const ShadowConfig &config);
    /// Stops the consumer (stop()).
    ~ShadowSet();
    ShadowSet(const ShadowSet &) = delete;
    ShadowSet &operator=(const ShadowSet &) = delete;

    /// The handle of producer `index` (0 <= index < maxShadowProducers), made on first use;
    /// lock-free, any thread. The handle lives as long as the set.
    ShadowProducer &producer(int index);

    /// Starts the consumer thread.
    void start();
    /// Processes what the rings still hold, publishes a last snapshot and joins the consumer.
    /// Call once producers have stopped (late offers are then only counted as drops).
    void stop();
    /// Without a consumer thread (tests, tools): processes everything buffered now on the
    /// calling thread, adapts the rate and publishes a snapshot.
    void drain();

    /// Pauses the producers (offers are ignored, not counted) or resumes them. Any thread.
    void setPaused(bool paused);
    /// The live cache's capacity changed; applied by the consumer before its next batch. Same
    /// unit: each shadow resizes in place; a new unit starts a new epoch. Any thread.
    void setCapacity(qint64 capacity, SizeUnit unit);

    /// The latest publication; cheap (a copy under a mutex the consumer holds only to publish).
    ShadowSnapshot snapshot() const;
    /// The rate producers sample at now.
    double samplingRate() const;

private:
    struct Consumer;
    explicit ShadowSet(const ShadowConfig &config);
    void consumerLoop();
    /// One pass over the rings; publishes when due (or `publish`). True when a ring was filling
    /// up (over 1/4 of its capacity): the consumer comes back sooner.
    bool processOnce(bool publish);

    std::atomic<quint64> m_threshold { 0 }; // producers sample below it; 0 while paused
    std::atomic<bool> m_paused { false };
    std::array<std::atomic<ShadowProducer *>, maxShadowProducers> m_producers {};
    std::unique_ptr<Consumer> m_consumer; // the consumer's state: touched by one thread at a time

    mutable std::mutex m_mutex; // guards what follows (owner <-> consumer, never a worker)
    std::condition_variable m_wake;
    bool m_stopRequested = false;
    quint64 m_activeThreshold = 0; // the rate's threshold, paused or not
    bool m_capacityPending = false;
    qint64 m_pendingCapacity = 0;
    SizeUnit m_pendingUnit = SizeUnit::Objects;
    ShadowSnapshot m_published;

    std::thread m_thread;
};

} // namespace CacheScope
