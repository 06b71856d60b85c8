#pragma once

#include "core/db/sqltemplate.h"
#include "core/engine/runconfig.h"
#include "core/metrics/metricssnapshot.h"
#include "core/whatif/shadowset.h"

#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>

namespace CacheScope {

class QueryLogFeed;

enum class EngineState { Idle, Starting, Running, Paused, Stopping };

/// "idle", "starting", "running", "paused", "stopping".
QString engineStateName(EngineState state);

/// One finished request as a request observer sees it (tests, tracing tools). Times are
/// std::chrono::steady_clock nanoseconds since its epoch.
struct ObservedRequest
{
    quint64 runId = 0;
    int worker = 0; // 0-based worker index
    TemplateKind kind = TemplateKind::Point; // the template run; Write for writes
    qint64 parameter = 0; // the key bound to :key
    LoadOutcome outcome = LoadOutcome::Loaded; // reads: how the cache answered; writes: Loaded
    bool ok = true;
    bool counted = true; // false: completed after stop(), a late result left out of the metrics
    qint64 intendedNs = 0; // open loop: the scheduled start; closed loop: issuedNs
    qint64 issuedNs = 0; // when the worker began the request (before the cache lookup)
    qint64 completedNs = 0; // after the answer; writes: after the commit and the invalidation
    CachedResult result; // a successful read's rows
    QString connection; // the thread connection this request's own query ran on (per-thread
                        // mode); empty for hits, waits and per-query connections
    Qt::HANDLE thread = nullptr; // the worker thread
    Error error; // when !ok
};

/// Called on worker threads for every request that completes, late ones after stop() included
/// (ObservedRequest::counted). It runs on the hot path: keep it short and thread-safe.
using RequestObserver = std::function<void(const ObservedRequest &)>;

/// The live engine: workers on a private QThreadPool draw keys from the workload, look them up
/// in the ResultCache and on a miss run the SQL template on their own thread's connection.
///
/// Lives on its owner's thread (the GUI thread, the CLI's main thread) and never blocks it:
/// start() connects and prepares on a pool thread and reports with started()/startFailed().
/// Workers write only atomic counters and lock-free histograms; the owner samples them with
/// reading() on a timer. No signal per query.
///
/// Database failures mid-run are counted as errors (errors/s in the snapshots), the failing
/// worker backs off (exponentially, up to 1 s) and retries on a fresh connection, and the run
/// continues when the database returns; errorOccurred() reports the first error of a streak.
class QueryEngine : public QObject
{
    Q_OBJECT

public:
    explicit QueryEngine(QObject *parent = nullptr);
    /// Stops the run and waits for the workers (the only place the owner waits).
    ~QueryEngine() override;

    /// Validates the config, then asynchronously checks the database (connect + prepare every
    /// template) and starts the workers. Returns a validation Error at once; connection
    /// problems arrive as startFailed(). Starting while a run is active is an Error.
    Result<void> start(const RunConfig &config);
    void pause();
    void resume();
    /// Asks the workers to stop and returns at once (a slow query is not waited for);
    /// stopped() follows when the last worker has left.
    void stop();

    /// Workers run this much nicer than the thread that made the engine (Linux `nice`, 0..19;
    /// from the next worker launched). The app sets it so that ten busy workers on two cores
    /// leave its GUI thread the CPU when it needs it; the CLI keeps 0 (its throughput is the
    /// measurement).
    void setWorkerNiceness(int niceness) { m_workerNiceness = std::clamp(niceness, 0, 19); }
    int workerNiceness() const { return m_workerNiceness; }

    EngineState state() const { return m_state; }
    bool isActive() const { return m_state != EngineState::Idle; }
    /// The configuration as it is now (live changes included).
    const RunConfig &config() const { return m_config; }
    /// The cache of the current run, or nullptr before the first start.
    const ResultCache *cache() const { return m_cache.get(); }

    // Live changes while running (and before start: they change the next run's config).
    // Each validates, applies, emits configChanged() with a short description ("capacity
    // 1000 → 500") and returns an Error for an impossible value, changing nothing then.
    /// The thread I/O model's worker count. Under the pipeline model it is kept for a later
    /// run and changes nothing now (its event loops are fixed; setInFlight() is its knob).
    Result<void> setThreads(int threads);
    /// The pipeline I/O model's logical clients (requests in flight at most), over all loops.
    Result<void> setInFlight(int inFlight);
    Result<void> setTargetRate(double requestsPerSecond); // switches to open loop
    Result<void> setClosedLoop(int thinkTimeMs = 0);
    Result<void> setWorkload(const WorkloadSpec &workload);
    Result<void> setQueryMix(const QueryMix &mix);
    Result<void> setWriteRatio(double ratio);
    /// The Redis second tier: off (an empty url), another server, TTL, invalidation mode. The
    /// workers reconnect to the new one between requests; the invalidation listener restarts.
    Result<void> setL2(const L2Settings &l2);
    Result<void> setCachePolicy(const QString &policy);
    Result<void> setCacheCapacity(qint64 capacity, SizeUnit unit);
    Result<void> setTtlMs(qint64 ttlMs);
    Result<void> setSingleFlight(bool enabled);
    /// Shadow policies (ShadowSet) beside the run: on starts them for the rest of the run (or
    /// the next run), off pauses them; what they saw so far stays in shadowSnapshot().
    Result<void> setShadows(bool enabled);
    /// Sampling, adaptation, CPU budget and ring size of the shadow sets made afterwards (tests,
    /// tools); capacity, unit and seed always come from the run's cache. Validated when used.
    void setShadowDefaults(const ShadowConfig &config) { m_shadowDefaults = config; }

    /// Cumulative counters, histograms and cache state since the run started; lock-free,
    /// callable at any rate from the owner's thread. Feed it to a MetricsSampler.
    MetricsReading reading() const;
    /// The shadow policies' latest estimates (refreshed about 4 times a second), or nullopt when
    /// the current (or last) run has had no shadows. Cheap; owner's thread.
    std::optional<ShadowSnapshot> shadowSnapshot() const;

    /// The current (or last) run's query-log feed (its templates and progress), or nullptr when
    /// it replayed no log. Owner's thread.
    const QueryLogFeed *queryLogFeed() const;

    /// Worker tasks running now (they follow setThreads() between requests).
    int activeWorkers() const;
    /// The id of the current (or last) run; 0 before the first start. Connection names carry it.
    quint64 runId() const;
    /// Sees every request of the runs started afterwards, on the worker threads. For tests and
    /// tracing; costs one branch per request when unset. Refused (false) while a run is active.
    bool setRequestObserver(RequestObserver observer);

signals:
    void stateChanged(CacheScope::EngineState state);
    void started();
    void startFailed(const CacheScope::Error &error);
    void stopped();
    void configChanged(const QString &description);
    void errorOccurred(const CacheScope::Error &error);
    /// A query-log replay ran its last statement (or its reader failed: queryLogFeed()->
    /// error()). The run goes on until stop(); owners stop it here.
    void queryLogFinished();

private:
    struct Run;
    void setState(EngineState state);
    Result<void> refusedDuringLogReplay(const QString &field) const;
    void finishStart(quint64 runId, const Result<void> &checked);
    void workersLeft(quint64 runId);
    void publishSettings();
    /// Starts a task for every worker index below the thread count that has none.
    void launchWorkers();
    bool hasLiveRun() const;
    /// Makes and starts the run's shadow set (on first use) and hands it to the workers.
    Result<void> startShadows();
    /// (Re)starts the run's invalidation listener for its current second tier, if it has one.
    void startListener(Run &run);
    /// The run is over: the consumer takes what is left and publishes its last snapshot.
    void finishShadows();

    RunConfig m_config;
    EngineState m_state = EngineState::Idle;
    std::unique_ptr<ResultCache> m_cache;
    std::unique_ptr<ShadowSet> m_shadows; // the current (or last) run's, like m_cache
    ShadowConfig m_shadowDefaults = [] {
        ShadowConfig c;
        c.minShadowEntries = 64; // see ShadowConfig: no miniature cache under 64 entries
        return c;
    }();
    std::shared_ptr<Run> m_run;
    RequestObserver m_observer;
    quint64 m_workloadVersion = 0;
    int m_workerNiceness = 0;
    int m_ownerNice = 0; // the nice value of the thread that made the engine
    QThreadPool m_pool;
};

} // namespace CacheScope

Q_DECLARE_METATYPE(CacheScope::EngineState)
