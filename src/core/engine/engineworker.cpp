#include "core/engine/engineworker.h"

#include "core/db/queryexecutor.h"
#include "core/db/threadconnection.h"
#include "core/metrics/tickclock.h"
#include "core/workload/xoshiro256.h"

#include <QThread>

#include <algorithm>
#include <chrono>
#include <utility>

namespace CacheScope::Detail {

namespace {

constexpr qint64 errorReportGapNs = 1'000'000'000; // errorOccurred() at most once a second

std::optional<SqlTemplate> customTemplate(const QString &sql)
{
    if (sql.isEmpty())
        return std::nullopt;
    Result<SqlTemplate> custom = SqlTemplate::custom(sql);
    return custom ? std::optional<SqlTemplate>(*custom) : std::nullopt; // validated by start()
}

/// Request timestamps: steady_clock nanoseconds, or TickClock ticks where only a duration is
/// needed (closed loop, no observer).
class Stamps
{
public:
    explicit Stamps(bool steady)
        : m_steady(steady)
    {
    }
    qint64 now() const noexcept { return m_steady ? steadyNowNs() : qint64(TickClock::now()); }
    bool isSteady() const noexcept { return m_steady; }
    /// From the intended start (open loop) or the issue time to done, in nanoseconds.
    qint64 latencyNs(qint64 intendedNs, qint64 issued, qint64 done) const noexcept
    {
        if (m_steady)
            return done - (intendedNs ? intendedNs : issued);
        return TickClock::elapsedNs(TickClock::Ticks(issued), TickClock::Ticks(done));
    }

private:
    bool m_steady;
};

/// One worker's loop and the state only it touches.
class Worker
{
public:
    Worker(const std::shared_ptr<EngineRun> &run, int index)
        : m_run(*run)
        , m_index(index)
        , m_slot(run->slot(index))
        , m_rng(mixKey(run->settings()->workload.seed
              ^ mixKey(0x776f726b6572ULL + quint64(drawerStream(run->instance, index)))))
    {
    }

    void run()
    {
        if (m_run.feed) {
            runLog();
            return;
        }
        for (;;) {
            if (const Gate g = gate(); g != Gate::Go) {
                if (g == Gate::Leave)
                    break;
                continue;
            }
            if (m_run.settingsVersion() != m_version)
                reload();

            qint64 intendedNs = 0;
            if (m_settings->loadModel == LoadModel::OpenLoop) {
                const qint64 now = steadyNowNs();
                if (!m_scheduled) {
                    m_nextNs = now;
                    m_scheduled = true;
                }
                if (now < m_nextNs && !sleepUntil(m_nextNs))
                    continue; // woken early (stop, pause, a change): look again
                intendedNs = m_nextNs;
                m_nextNs += m_intervalNs;
            }

            const bool failed = serveOne(intendedNs);
            if (failed)
                sleepUntil(steadyNowNs() + m_backoffNs);
            else if (m_settings->loadModel == LoadModel::ClosedLoop && m_settings->thinkTimeMs > 0)
                sleepUntil(steadyNowNs() + qint64(m_settings->thinkTimeMs) * 1'000'000);
        }
    }

private:
    /// What a loop does before each request: Leave (the run stops, or this worker's index is no
    /// longer wanted), Again (it waited for a pause to end: look again), or Go.
    enum class Gate { Leave, Again, Go };
    Gate gate()
    {
        if (m_run.isStopping())
            return Gate::Leave;
        if (m_index >= m_run.threadTarget())
            return m_run.keepClaim(m_index) ? Gate::Again : Gate::Leave;
        if (m_run.isPaused()) {
            waitWhilePaused();
            m_scheduled = false; // the open-loop schedule restarts on resume
            return Gate::Again;
        }
        return Gate::Go;
    }

    /// The loop of a query-log replay: this worker's lane of sessions, in the log's order.
    void runLog()
    {
        QueryLogFeed &feed = *m_run.feed;
        const double speed = feed.spec().speed;
        ReplayStatement statement;
        bool holding = false; // a statement taken and not yet run (its time has not come)
        bool ended = false;
        for (;;) {
            if (const Gate g = gate(); g != Gate::Go) {
                if (g == Gate::Leave)
                    break;
                continue;
            }
            if (m_run.settingsVersion() != m_version)
                m_version = m_run.settingsVersion(); // nothing of the settings applies here
            if (ended) { // the log is over: wait for stop()
                sleepUntil(steadyNowNs() + 1'000'000'000);
                continue;
            }
            if (!holding) {
                const QueryLogFeed::Take took = feed.take(m_index, statement, 50);
                if (took == QueryLogFeed::Take::Timeout)
                    continue;
                if (took == QueryLogFeed::Take::End) {
                    ended = true;
                    feed.laneFinished(m_index);
                    continue;
                }
                holding = true;
            }
            qint64 intendedNs = 0;
            if (speed > 0 && statement.offsetNs >= 0) {
                intendedNs = m_run.logOriginNs.load(std::memory_order_acquire)
                    + qint64(double(statement.offsetNs) / speed);
                if (steadyNowNs() < intendedNs && !sleepUntil(intendedNs))
                    continue; // woken early (stop, pause): look again, keep the statement
            }
            holding = false;
            if (serveLogged(statement, intendedNs))
                sleepUntil(steadyNowNs() + m_backoffNs);
        }
    }

    /// Runs one logged statement: a read through the cache (its key: template, parameters and
    /// the generations of the tables it reads), a write then its tables' invalidation, anything
    /// else straight to the database. Returns whether the database failed (for the backoff).
    bool serveLogged(const ReplayStatement &s, qint64 intendedNs)
    {
        TemplateCounters &t = *s.counters;
        TemplateStatsTable &templates = m_run.feed->templates();
        t.calls.fetch_add(1, std::memory_order_relaxed);
        const Stamps stamps(true);
        const qint64 issuedNs = stamps.now();
        // Fills, writes and invalidations are timed on the log's clock when it has one, so the
        // fill-to-invalidation times (the TTL answer) do not depend on the replay's speed.
        const auto logClock = [&s](qint64 wallNs) { return s.offsetNs >= 0 ? s.offsetNs : wallNs; };
        auto runStatement = [&] { return executeText(m_run.database, m_run.id, s.text); };

        if (s.kind != StatementKind::Read) {
            const Result<QueryResult> answer = runStatement();
            const qint64 doneNs = stamps.now();
            if (answer && s.kind == StatementKind::Write) {
                for (const int slot : t.tableSlots)
                    templates.generations().bump(slot, logClock(doneNs));
            }
            if (m_run.isStopping())
                return false;
            Counters &counters = m_slot.counters;
            counters.addOwned(Counter::Requests);
            if (s.kind == StatementKind::Write)
                counters.addOwned(Counter::Writes);
            if (!answer) {
                TemplateStatsTable::recordError(t, answer.error().message);
                failed(answer.error());
                return true;
            }
            t.missLatencyUs.record(quint64((doneNs - issuedNs) / 1000));
            if (s.kind == StatementKind::Write)
                m_slot.writeLatency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
            databaseSucceeded();
            return false;
        }

        const quint64 signature = templates.generations().signature(t.tableSlots);
        templates.noteSignature(t, signature, logClock(issuedNs));
        const Key key = mixKey(s.parameterKey ^ signature);
        qint64 loadNs = 0;
        const LoadResult answer = m_run.cache->getOrLoad(key, [&]() -> Result<CachedResult> {
            const qint64 before = steadyNowNs();
            Result<QueryResult> loaded = runStatement();
            loadNs = steadyNowNs() - before;
            if (!loaded)
                return loaded.error();
            CachedResult value;
            value.rows = std::move(loaded->rows);
            value.sizeBytes = loaded->approximateBytes;
            return value;
        });
        const qint64 doneNs = stamps.now();
        const bool ok = answer.result.has_value();
        if (m_run.isStopping())
            return false;
        Counters &counters = m_slot.counters;
        counters.addOwned(Counter::Requests);
        if (answer.outcome == LoadOutcome::Hit) {
            counters.addOwned(Counter::Hits);
            TemplateStatsTable::recordHit(t);
            m_slot.hitLatency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
        } else {
            counters.addOwned(Counter::Misses);
            if (answer.outcome == LoadOutcome::Waited)
                counters.addOwned(Counter::SingleFlightWaits);
            if (!ok) {
                TemplateStatsTable::recordError(t, answer.result.error().message);
                failed(answer.result.error());
                return true;
            }
            m_slot.missLatency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
            if (answer.outcome == LoadOutcome::Loaded) {
                TemplateStatsTable::recordFill(
                    t, loadNs, answer.result->sizeBytes, logClock(doneNs));
                databaseSucceeded();
            } else {
                t.misses.fetch_add(1, std::memory_order_relaxed);
            }
        }
        if (ShadowProducer *shadow = shadowProducer())
            shadow->offer(
                key, quint32(std::clamp<qint64>(answer.result->sizeBytes, 1, UINT32_MAX)));
        return false;
    }

    /// Whether a sleep or a pause must end early to look at the run's flags again.
    bool interrupted() const
    {
        return m_run.isStopping() || m_run.isPaused() || m_index >= m_run.threadTarget()
            || m_run.settingsVersion() != m_version;
    }

    /// Sleeps until deadlineNs; false when woken early by a change.
    bool sleepUntil(qint64 deadlineNs)
    {
        m_chained = false; // the next request is not issued when the last one was done
        const std::chrono::steady_clock::time_point deadline { std::chrono::nanoseconds(
            deadlineNs) };
        std::unique_lock lock(m_slot.waitMutex);
        return !m_slot.wake.wait_until(lock, deadline, [this] { return interrupted(); });
    }

    void waitWhilePaused()
    {
        m_chained = false;
        std::unique_lock lock(m_slot.waitMutex);
        m_slot.wake.wait(lock, [this] {
            return !m_run.isPaused() || m_run.isStopping() || m_index >= m_run.threadTarget();
        });
    }

    void reload()
    {
        m_chained = false;
        m_version = m_run.settingsVersion();
        const std::shared_ptr<const WorkerSettings> previous
            = std::exchange(m_settings, m_run.settings());
        const WorkerSettings &s = *m_settings;
        if (!previous || previous->loadModel != s.loadModel)
            m_scheduled = false; // an open loop starts its schedule now, not where one ended
        if (!m_generator || s.workloadVersion != m_workloadVersion) {
            if (std::unique_ptr<KeyGenerator> g
                = workerKeyGenerator(s.workload, drawerStream(m_run.instance, m_index), s.threads))
                m_generator = std::move(g); // validated by the engine; else keep the old one
            m_workloadVersion = s.workloadVersion;
        }
        m_intervalNs = s.targetRate > 0
            ? std::max<qint64>(1, qint64(double(s.threads) * 1e9 / s.targetRate))
            : 1;
    }

    const SqlTemplate &pickRead()
    {
        if (m_run.custom)
            return *m_run.custom;
        const WorkerSettings &s = *m_settings;
        if (s.pointUpTo >= 1.0)
            return m_run.point;
        const double u = m_rng.nextDouble();
        if (u < s.pointUpTo)
            return m_run.point;
        return u < s.rangeUpTo ? m_run.range : m_run.aggregate;
    }

    /// A request's issue time: the last one's done time when they ran back to back.
    qint64 issued(const Stamps &stamps) const
    {
        return m_chained && !stamps.isSteady() ? m_doneTicks : stamps.now();
    }
    /// A request's done time, kept as the next one's issue time (TickClock stamps only).
    qint64 done(const Stamps &stamps)
    {
        const qint64 t = stamps.now();
        m_doneTicks = t;
        m_chained = !stamps.isSteady();
        return t;
    }

    /// Runs one request; true when it failed (the caller backs off).
    bool serveOne(qint64 intendedNs)
    {
        const qint64 parameter = qint64(m_generator->next());
        const double writeRatio = m_settings->writeRatio;
        const bool isWrite = writeRatio > 0 && m_rng.nextDouble() < writeRatio;
        const bool observing = bool(m_run.observer);
        QString connection;

        // Latency on the closed-loop hot path comes from TickClock (the time-stamp counter:
        // clock_gettime took 40% of an all-hits run); open loop and observers need
        // steady_clock times, to compare with the schedule and with each other.
        // Back to back (closed loop, no think time, nothing in between), a request is issued
        // when the one before it was done: one clock read per request instead of two (the
        // second read cost 10-15% of an all-hits run). The worker's own bookkeeping between
        // the two, tens of nanoseconds, counts into the latency (whose first bucket is 1 µs).
        const Stamps stamps(observing || intendedNs != 0);
        const qint64 issuedNs = issued(stamps);
        if (isWrite) {
            Result<QueryResult> written = execute(m_run.database, m_run.id, m_run.write, parameter);
            if (observing)
                connection = threadConnectionName();
            if (written) {
                const qint64 version = recordWrittenVersion(m_run, written->rows, parameter);
                // What a custom read depends on is unknown; its result for the same key is the
                // one a write of that customer most likely changes.
                QList<Key> keys = m_run.write.affectedKeys(parameter);
                if (m_run.custom)
                    keys.append(m_run.custom->cacheKey(parameter));
                const auto invalidateL1 = [&] {
                    for (const Key key : keys)
                        m_run.cache->invalidate(key);
                };
                // Only after the commit: a read that starts after this returns sees the new row.
                invalidateL1();
                if (ShadowProducer *shadow = shadowProducer()) {
                    for (const Key key : keys)
                        shadow->invalidate(key);
                }
                if (RedisTierConnection *l2 = l2Connection()) {
                    if (Result<void> removed = l2->remove(keys, version); !removed)
                        l2Failed(removed.error());
                    // Again: an L1 miss meanwhile may have found the old value in Redis, before
                    // its tombstone, and brought it back.
                    invalidateL1();
                }
            }
            const qint64 doneNs = done(stamps);
            const bool late = m_run.isStopping(); // a late result of a stopped run: dropped
            if (!late) {
                Counters &counters = m_slot.counters;
                counters.addOwned(Counter::Requests);
                counters.addOwned(Counter::Writes);
                if (written) {
                    m_slot.writeLatency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
                    databaseSucceeded();
                } else {
                    failed(written.error());
                }
            }
            if (observing) {
                ObservedRequest seen = observed(TemplateKind::Write, parameter, LoadOutcome::Loaded,
                    intendedNs, issuedNs, doneNs, !late);
                seen.connection = connection;
                if (!written) {
                    seen.ok = false;
                    seen.error = written.error();
                }
                m_run.observer(seen);
            }
            return !late && !written;
        }

        const SqlTemplate &read = pickRead();
        const Key key = read.cacheKey(parameter);
        bool fromL2 = false; // the second tier answered this request's load
        const LoadResult answer = m_run.cache->getOrLoad(key, [&]() -> Result<CachedResult> {
            RedisTierConnection *l2 = l2Connection();
            if (l2) {
                Error corrupt;
                Result<std::optional<CachedResult>> got = l2->get(key, &corrupt);
                if (!got) {
                    l2Failed(got.error());
                    l2 = nullptr;
                } else if (*got) {
                    fromL2 = true;
                    return std::move(**got);
                } else if (!corrupt.message.isEmpty()) {
                    m_slot.counters.addOwned(Counter::L2Errors); // refilled below
                    m_run.reportError(corrupt);
                }
            }
            m_slot.counters.addOwned(Counter::DbQueries);
            Result<QueryResult> loaded = execute(m_run.database, m_run.id, read, parameter);
            if (observing)
                connection = threadConnectionName();
            if (!loaded)
                return loaded.error();
            CachedResult value;
            value.rows = std::move(loaded->rows);
            value.sizeBytes = loaded->approximateBytes;
            value.version = CachedResult::rowVersion(loaded->columns, value.rows);
            if (l2) {
                if (Result<void> stored = l2->set(key, value); !stored)
                    l2Failed(stored.error());
            }
            return value;
        });
        const qint64 doneNs = done(stamps);
        const bool ok = answer.result.has_value();
        const bool late = m_run.isStopping();
        if (!late) {
            Counters &counters = m_slot.counters;
            counters.addOwned(Counter::Requests);
            if (answer.outcome == LoadOutcome::Hit) {
                counters.addOwned(Counter::Hits);
                m_slot.hitLatency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
            } else if (fromL2 && ok) { // a hit of the second tier: a hit overall
                counters.addOwned(Counter::Hits);
                counters.addOwned(Counter::L2Hits);
                m_slot.l2Latency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
            } else {
                counters.addOwned(Counter::Misses);
                // Counted here with its miss, not from the cache's own tally: a wait that ends
                // after stop() is then dropped together with its request.
                if (answer.outcome == LoadOutcome::Waited)
                    counters.addOwned(Counter::SingleFlightWaits);
                if (ok) {
                    m_slot.missLatency.recordOwned(stamps.latencyNs(intendedNs, issuedNs, doneNs));
                    if (answer.outcome == LoadOutcome::Loaded)
                        databaseSucceeded();
                } else {
                    failed(answer.result.error());
                }
            }
            if (ok && (answer.outcome == LoadOutcome::Hit || fromL2))
                judgeStaleness(m_run, m_slot, parameter, answer.result->version);
            if (ok) {
                if (ShadowProducer *shadow = shadowProducer())
                    shadow->offer(
                        key, quint32(std::clamp<qint64>(answer.result->sizeBytes, 1, UINT32_MAX)));
            }
        }
        if (observing) {
            ObservedRequest seen = observed(
                read.kind(), parameter, answer.outcome, intendedNs, issuedNs, doneNs, !late);
            seen.connection = connection;
            if (ok) {
                seen.result = *answer.result;
            } else {
                seen.ok = false;
                seen.error = answer.result.error();
            }
            m_run.observer(seen);
        }
        return !late && !ok;
    }

    /// This worker's handle into the run's shadow policies, or null while the run has none.
    ShadowProducer *shadowProducer()
    {
        if (!m_shadow) {
            if (ShadowSet *set = m_run.shadows.load(std::memory_order_acquire))
                m_shadow = &set->producer(m_index);
        }
        return m_shadow;
    }

    /// This worker's connection to the second tier, opened on first use and after a failure
    /// once its backoff is over; null without a second tier or while it is down (requests go
    /// to the database meanwhile).
    RedisTierConnection *l2Connection()
    {
        const L2Settings &want = m_settings->l2;
        if (m_l2 && !(m_l2Settings == want)) { // changed live: another server, TTL or mode
            m_l2.reset();
            m_l2RetryNs = 0;
            m_l2BackoffNs = 0;
        }
        if (!want.isSet())
            return nullptr;
        if (!m_l2) {
            const qint64 now = steadyNowNs();
            if (now < m_l2RetryNs)
                return nullptr;
            Result<std::unique_ptr<RedisTierConnection>> opened = RedisTierConnection::open(want);
            if (!opened) {
                l2Failed(opened.error());
                return nullptr;
            }
            m_l2 = std::move(opened).value();
            m_l2Settings = want;
            m_l2BackoffNs = 0;
        }
        return m_l2.get();
    }

    /// A second-tier command (or connect) failed: counted, reported (throttled), the
    /// connection dropped and tried again after a backoff (100 ms doubling to 2 s).
    void l2Failed(const Error &error)
    {
        m_slot.counters.addOwned(Counter::L2Errors);
        m_l2.reset();
        m_l2BackoffNs = nextL2BackoffNs(m_l2BackoffNs);
        m_l2RetryNs = steadyNowNs() + m_l2BackoffNs;
        m_run.reportError(error);
    }

    void databaseSucceeded()
    {
        if (m_backoffNs) {
            m_backoffNs = 0;
            m_run.endErrorStreak();
        }
    }

    void failed(const Error &error)
    {
        m_slot.counters.addOwned(Counter::Errors);
        // The next attempt opens a fresh connection: the server may have restarted.
        releaseThreadConnection();
        m_backoffNs = nextDatabaseBackoffNs(m_backoffNs);
        m_run.reportError(error);
    }

    ObservedRequest observed(TemplateKind kind, qint64 parameter, LoadOutcome outcome,
        qint64 intendedNs, qint64 issuedNs, qint64 doneNs, bool counted) const
    {
        ObservedRequest seen;
        seen.runId = m_run.id;
        seen.worker = m_index;
        seen.kind = kind;
        seen.parameter = parameter;
        seen.outcome = outcome;
        seen.counted = counted;
        seen.intendedNs = intendedNs ? intendedNs : issuedNs;
        seen.issuedNs = issuedNs;
        seen.completedNs = doneNs;
        seen.thread = QThread::currentThreadId();
        return seen;
    }

    EngineRun &m_run;
    const int m_index;
    WorkerSlot &m_slot;
    Xoshiro256 m_rng; // write-or-read and template choices
    quint64 m_version = ~quint64(0);
    quint64 m_workloadVersion = 0;
    std::shared_ptr<const WorkerSettings> m_settings;
    std::unique_ptr<KeyGenerator> m_generator;
    qint64 m_intervalNs = 1; // open loop: between this worker's intended starts
    qint64 m_nextNs = 0;
    bool m_scheduled = false;
    qint64 m_backoffNs = 0; // 0 after a success; else the wait after the last failure
    bool m_chained = false; // the last request ended just now, at m_doneTicks (TickClock)
    qint64 m_doneTicks = 0;
    ShadowProducer *m_shadow = nullptr; // the run's set never changes once made
    std::unique_ptr<RedisTierConnection> m_l2; // this worker's second-tier connection
    L2Settings m_l2Settings; // what m_l2 was opened with
    qint64 m_l2RetryNs = 0; // after a failure: no new connection before this
    qint64 m_l2BackoffNs = 0;
};

} // namespace

std::unique_ptr<KeyGenerator> workerKeyGenerator(
    const WorkloadSpec &workload, int index, int parallelism)
{
    WorkloadSpec spec = workload;
    spec.stream = quint64(index); // own draws, shared hot set (generator.h)
    // Every drawer moves its hot set after its share of the requests, so the hot set as a
    // whole moves about every shiftEvery requests.
    spec.shiftEvery = std::max<quint64>(1, spec.shiftEvery / quint64(std::max(1, parallelism)));
    Result<std::unique_ptr<KeyGenerator>> generator = createGenerator(spec);
    return generator ? std::move(generator).value() : nullptr;
}

qint64 steadyNowNs() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

WorkerSettings WorkerSettings::from(const RunConfig &config, quint64 workloadVersion)
{
    WorkerSettings s;
    s.workload = config.workload;
    s.workloadVersion = workloadVersion;
    const double total = config.mix.point + config.mix.range + config.mix.aggregate;
    if (total > 0) {
        s.pointUpTo = config.mix.point / total;
        s.rangeUpTo = (config.mix.point + config.mix.range) / total;
        if (config.mix.range == 0 && config.mix.aggregate == 0)
            s.pointUpTo = s.rangeUpTo = 1.0;
    }
    s.writeRatio = config.writeRatio;
    s.loadModel = config.loadModel;
    s.targetRate = config.targetRate;
    s.thinkTimeMs = config.thinkTimeMs;
    s.threads = config.threads;
    s.ioThreads = config.ioThreads;
    s.inFlight = config.inFlight;
    s.l2 = config.l2;
    return s;
}

EngineRun::EngineRun(quint64 runId, const RunConfig &config, ResultCache *runCache,
    RequestObserver runObserver, quint64 workloadVersion)
    : id(runId)
    , database(config.database)
    , cache(runCache)
    , observer(std::move(runObserver))
    , custom(customTemplate(config.customSql))
    , instance(config.instance)
    , feed(config.queryLog.isSet() ? std::make_shared<QueryLogFeed>(config.queryLog, config.threads)
                                   : nullptr)
    , m_settings(withOrigin(WorkerSettings::from(config, workloadVersion)))
{
}

EngineRun::~EngineRun() = default;

void EngineRun::publish(const WorkerSettings &settings)
{
    {
        std::shared_ptr<const WorkerSettings> next = withOrigin(settings);
        std::lock_guard lock(m_settingsMutex);
        m_settings = std::move(next);
    }
    m_settingsVersion.fetch_add(1, std::memory_order_acq_rel);
    wakeAll(); // sleepers recompute their schedule
}

std::shared_ptr<const WorkerSettings> EngineRun::withOrigin(WorkerSettings settings) const
{
    settings.l2.origin = l2Origin;
    return std::make_shared<const WorkerSettings>(std::move(settings));
}

std::shared_ptr<const WorkerSettings> EngineRun::settings() const
{
    std::lock_guard lock(m_settingsMutex);
    return m_settings;
}

void EngineRun::requestStop()
{
    m_stopping.store(true, std::memory_order_seq_cst);
    wakeAll();
}

void EngineRun::setPaused(bool paused)
{
    m_paused.store(paused, std::memory_order_release);
    wakeAll();
}

std::vector<int> EngineRun::setThreadTarget(int threads)
{
    m_threadTarget.store(threads, std::memory_order_seq_cst);
    std::vector<int> toStart;
    for (int i = 0; i < threads; ++i) {
        auto &slot = m_slots[std::size_t(i)];
        if (!slot)
            slot = std::make_unique<WorkerSlot>();
        // A worker that saw a lower count may be leaving: either it takes its claim back or
        // this exchange finds the slot free (sequentially consistent, so never both, never
        // neither).
        if (!slot->claimed.exchange(true, std::memory_order_seq_cst)) {
            m_liveWorkers.fetch_add(1, std::memory_order_acq_rel);
            toStart.push_back(i);
        }
    }
    wakeAll(); // workers above the new count leave
    return toStart;
}

bool EngineRun::keepClaim(int index)
{
    WorkerSlot &s = slot(index);
    s.claimed.store(false, std::memory_order_seq_cst);
    return index < m_threadTarget.load(std::memory_order_seq_cst)
        && !s.claimed.exchange(true, std::memory_order_seq_cst);
}

void EngineRun::workerLeft()
{
    if (m_liveWorkers.fetch_sub(1, std::memory_order_acq_rel) == 1 && isStopping()
        && allWorkersLeft)
        allWorkersLeft();
}

void EngineRun::wakeAll()
{
    for (const std::unique_ptr<WorkerSlot> &slot : m_slots) {
        if (!slot)
            continue;
        {
            std::lock_guard lock(slot->waitMutex);
        }
        slot->wake.notify_all();
    }
}

void EngineRun::reportError(const Error &error)
{
    if (m_errorStreak.load(std::memory_order_relaxed))
        return; // this streak was reported
    const qint64 now = steadyNowNs();
    qint64 last = m_lastErrorReportNs.load(std::memory_order_relaxed);
    if (last != 0 && now - last < errorReportGapNs)
        return; // a new streak right after the last report: the next error may report it
    if (!m_lastErrorReportNs.compare_exchange_strong(last, now, std::memory_order_relaxed))
        return; // another worker reports it
    m_errorStreak.store(true, std::memory_order_relaxed);
    if (firstError)
        firstError(error);
}

void judgeStaleness(const EngineRun &run, WorkerSlot &slot, qint64 row, qint64 version)
{
    const VersionBoard *board = run.board.get();
    if (!board || version < 0 || board->current(row) <= version)
        return; // the common case: one load
    if (const std::optional<qint64> age = board->staleness(row, version, steadyNowNs())) {
        slot.counters.addOwned(Counter::StaleReads);
        slot.staleness.recordOwned(*age);
    }
}

qint64 recordWrittenVersion(EngineRun &run, const QList<QVariantList> &rows, qint64 row)
{
    if (rows.isEmpty() || rows.front().isEmpty())
        return 0;
    bool isNumber = false;
    const qint64 version = rows.front().front().toLongLong(&isNumber);
    if (!isNumber || version < 0)
        return 0;
    if (run.board)
        run.board->written(row, version, steadyNowNs());
    return version;
}

void runWorker(const std::shared_ptr<EngineRun> &run, int index)
{
    Worker(run, index).run();
    releaseThreadConnection(); // this thread may serve another run, or none, next
    run->workerLeft();
}

} // namespace CacheScope::Detail
