#pragma once

// Private to src/core/engine: the state one live run shares between QueryEngine (on its owner's
// thread) and the run's workers (on the engine's pool threads), and the worker loop itself.

#include "core/cache/l2watcher.h"
#include "core/cache/redistier.h"
#include "core/cache/resultcache.h"
#include "core/cache/versionboard.h"
#include "core/db/connectionsettings.h"
#include "core/db/sqltemplate.h"
#include "core/engine/queryengine.h"
#include "core/engine/runconfig.h"
#include "core/metrics/counters.h"
#include "core/metrics/latencyhistogram.h"
#include "core/querylog/logfeed.h"
#include "core/whatif/shadowset.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace CacheScope::Detail {

/// std::chrono::steady_clock now, in nanoseconds since its epoch.
qint64 steadyNowNs() noexcept;

/// The wait after a database failure, for workers and event loops alike: 10 ms after the
/// first (current 0), then doubling up to 1 s.
inline qint64 nextDatabaseBackoffNs(qint64 currentNs) noexcept
{
    return currentNs ? std::min<qint64>(currentNs * 2, 1'000'000'000) : 10'000'000;
}

/// The key stream of drawer `index` of `parallelism` (a worker, or an event loop): its own
/// draws over the shared hot set; null if the (validated) workload cannot be made.
std::unique_ptr<KeyGenerator> workerKeyGenerator(
    const WorkloadSpec &workload, int index, int parallelism);

/// What workers follow between requests; the owner publishes a new one on every live change.
struct WorkerSettings
{
    WorkloadSpec workload;
    quint64 workloadVersion = 0; // bumped when the workload changes: workers rebuild generators
    double pointUpTo = 1.0; // read template by a uniform u: point below this,
    double rangeUpTo = 1.0; // range below this, aggregate above
    double writeRatio = 0.0;
    LoadModel loadModel = LoadModel::ClosedLoop;
    double targetRate = 0.0; // requests/s over all workers
    int thinkTimeMs = 0;
    int threads = 1;
    int ioThreads = 1; // pipeline I/O model: event loops
    int inFlight = 64; // pipeline I/O model: logical clients over all loops
    L2Settings l2; // the second tier now (with the run's origin); workers reconnect on change

    static WorkerSettings from(const RunConfig &config, quint64 workloadVersion);
};

/// One worker's counters, histograms and wake-up; only that worker writes the metrics, the owner
/// sums the slots in reading(). Its own cache lines, so workers never share one on the hot path.
struct alignas(cacheLineBytes) WorkerSlot
{
    Counters counters;
    LatencyHistogram hitLatency;
    LatencyHistogram missLatency;
    LatencyHistogram writeLatency;
    LatencyHistogram l2Latency; // reads the second tier answered
    LatencyHistogram staleness; // stale reads' ages
    /// A task runs for this index. Set by the owner when it starts one; a worker leaving because
    /// the thread count went down clears it, then takes it back if the count went up meanwhile.
    std::atomic<bool> claimed { false };
    /// Pipeline I/O model: this loop's requests waiting for the database now (a gauge).
    std::atomic<int> inFlight { 0 };
    std::mutex waitMutex; // guards nothing but the sleeps on `wake`
    std::condition_variable wake;
};

/// A run as its workers see it. Created by QueryEngine::start(); workers hold a shared_ptr, so it
/// outlives the engine's interest in it until the last worker has left.
class EngineRun
{
public:
    EngineRun(quint64 runId, const RunConfig &config, ResultCache *runCache,
        RequestObserver runObserver, quint64 workloadVersion);
    virtual ~EngineRun();
    EngineRun(const EngineRun &) = delete;
    EngineRun &operator=(const EngineRun &) = delete;

    const quint64 id;
    const ConnectionSettings database;
    ResultCache *const cache; // owned by the engine, alive until every worker has left
    const RequestObserver observer;
    const SqlTemplate point = SqlTemplate::point();
    const SqlTemplate range = SqlTemplate::range();
    const SqlTemplate aggregate = SqlTemplate::aggregate();
    const SqlTemplate write = SqlTemplate::write();
    const std::optional<SqlTemplate> custom; // replaces the mix when set
    /// The run's id in published invalidations (PubSub skips its own), for every L2 setting
    /// it gets.
    const QByteArray l2Origin = newInvalidationOrigin();
    const int instance; // RunConfig::instance: drawers' streams are drawerStream(instance, i)
    /// The run's shadow policies, owned by the engine and alive until every worker has left;
    /// null until shadows are first turned on in this run, then never replaced.
    std::atomic<ShadowSet *> shadows { nullptr };
    /// A query-log replay's statements (RunConfig::queryLog), or null when keys are drawn.
    const std::shared_ptr<QueryLogFeed> feed;
    /// A timed replay's time zero (steady ns): the launch, moved later by every pause.
    std::atomic<qint64> logOriginNs { 0 };

    /// Row versions the run's writes committed, for stale-read measurement (set by the engine
    /// before the workers start; null when not measured: a query-log replay).
    std::shared_ptr<VersionBoard> board;
    /// Counts of the invalidation listener's thread (keys it invalidated, its L2 errors).
    Counters listenerCounters;
    /// PubSub or Tracking invalidation: hears the other instances' writes (declared after what
    /// it uses: destroyed, and joined, first).
    std::unique_ptr<InvalidationListener> listener;
    /// With a second tier: Redis's evictions and memory (INFO), for the charts; and the
    /// evictions counted by the watchers of earlier second tiers of this run.
    std::unique_ptr<L2Watcher> watcher;
    quint64 l2EvictedBefore = 0;

    /// Posted to the owner: the last worker has left a stopping run; the first error of a streak.
    std::function<void()> allWorkersLeft;
    std::function<void(const Error &)> firstError;

    // Owner side (the engine's thread).
    void publish(const WorkerSettings &settings);
    void requestStop();
    void setPaused(bool paused);
    /// Changes the worker count; returns the indexes that need a new task (claimed for them).
    std::vector<int> setThreadTarget(int threads);
    const WorkerSlot *slotIfMade(int index) const { return m_slots[std::size_t(index)].get(); }
    int liveWorkers() const { return m_liveWorkers.load(std::memory_order_acquire); }
    /// Wakes sleeping and paused workers so that they look at the flags again.
    void wakeAll();

    // Worker side.
    bool isStopping() const { return m_stopping.load(std::memory_order_acquire); }
    bool isPaused() const { return m_paused.load(std::memory_order_acquire); }
    int threadTarget() const { return m_threadTarget.load(std::memory_order_seq_cst); }
    quint64 settingsVersion() const { return m_settingsVersion.load(std::memory_order_acquire); }
    std::shared_ptr<const WorkerSettings> settings() const;
    /// `settings` as workers get them: with this run's l2Origin.
    std::shared_ptr<const WorkerSettings> withOrigin(WorkerSettings settings) const;
    WorkerSlot &slot(int index) { return *m_slots[std::size_t(index)]; }
    /// For a worker whose index is no longer wanted: true if it must go on after all (the
    /// count went up again before it left), false if it leaves.
    bool keepClaim(int index);
    /// The worker's task ends (after it closed its connection).
    void workerLeft();
    /// Counts towards the error streak; reports the first error of a streak, at most once a
    /// second, never per query.
    void reportError(const Error &error);
    /// A database round trip succeeded: the streak (if any) is over.
    void endErrorStreak()
    {
        if (m_errorStreak.load(std::memory_order_relaxed))
            m_errorStreak.store(false, std::memory_order_relaxed);
    }

private:
    std::atomic<bool> m_stopping { false };
    std::atomic<bool> m_paused { false };
    std::atomic<int> m_threadTarget { 0 };
    std::atomic<int> m_liveWorkers { 0 };
    std::atomic<quint64> m_settingsVersion { 0 };
    std::atomic<bool> m_errorStreak { false };
    std::atomic<qint64> m_lastErrorReportNs { 0 };

    mutable std::mutex m_settingsMutex;
    std::shared_ptr<const WorkerSettings> m_settings;

    std::array<std::unique_ptr<WorkerSlot>, maxWorkerThreads> m_slots;
};

/// A read a cache tier served (L1 or L2) of `row`'s value read at `version`: stale when a
/// write committed a newer version (the run's version board); counted on `slot` with its age.
/// On the slot owner's thread.
void judgeStaleness(const EngineRun &run, WorkerSlot &slot, qint64 row, qint64 version);
/// The version a committed write returned (RETURNING version), recorded on the run's board
/// for `row` now; 0 when the result has none.
qint64 recordWrittenVersion(EngineRun &run, const QList<QVariantList> &rows, qint64 row);

/// The body of worker `index`'s pool task: runs requests until the run stops or the thread count
/// drops below index + 1, then closes its thread connection and leaves.
void runWorker(const std::shared_ptr<EngineRun> &run, int index);

/// The body of event loop `index` of the pipeline I/O model (pipelineloop.cpp): its share of
/// the logical clients on one PostgreSQL connection in pipeline mode, until the run stops.
void runPipelineLoop(const std::shared_ptr<EngineRun> &run, int index);

} // namespace CacheScope::Detail
