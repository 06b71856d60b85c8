#include "core/engine/queryengine.h"

#include "core/db/queryconnection.h"
#include "core/db/queryexecutor.h"
#include "core/db/threadconnection.h"
#include "core/engine/queryengine_p.h"
#include "core/metrics/tickclock.h"
#include "core/whatif/shadowset.h"

#include <QThread>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

/// Run ids name connections ("cachescope-r<id>-t<thread>"), so they are unique in the process,
/// not only per engine.
std::atomic<quint64> nextRunId { 1 };

/// Pool threads beyond the largest worker count: the start check, and a worker leaving while
/// its replacement starts (setThreads() down and up again).
constexpr int spareThreads = 8;

/// The templates a run uses from its start: each is prepared once by the start check, so a bad
/// custom template or a missing table fails the start with the database's message.
QList<SqlTemplate> templatesOf(const RunConfig &config)
{
    QList<SqlTemplate> templates;
    if (!config.customSql.isEmpty()) {
        if (Result<SqlTemplate> custom = SqlTemplate::custom(config.customSql))
            templates << *custom;
    } else {
        if (config.mix.point > 0)
            templates << SqlTemplate::point();
        if (config.mix.range > 0)
            templates << SqlTemplate::range();
        if (config.mix.aggregate > 0)
            templates << SqlTemplate::aggregate();
    }
    if (config.writeRatio > 0)
        templates << SqlTemplate::write();
    return templates;
}

/// Connects and prepares every template, on the calling (pool) thread; leaves no connection.
Result<void> checkDatabase(
    const ConnectionSettings &settings, quint64 runId, const QList<SqlTemplate> &templates)
{
    Result<void> checked;
    {
        Result<QueryConnection> connection = QueryConnection::acquire(settings, runId);
        if (!connection)
            return connection.error();
        QSqlDatabase db = connection->database();
        for (const SqlTemplate &sqlTemplate : templates) {
            if (Result<void> prepared = prepareTemplate(db, sqlTemplate); !prepared) {
                checked = prepared.error();
                break;
            }
        }
    } // the handle and a per-query connection go first
    releaseThreadConnection();
    return checked;
}

} // namespace

QString engineStateName(EngineState state)
{
    switch (state) {
    case EngineState::Idle:
        return u"idle"_s;
    case EngineState::Starting:
        return u"starting"_s;
    case EngineState::Running:
        return u"running"_s;
    case EngineState::Paused:
        return u"paused"_s;
    case EngineState::Stopping:
        return u"stopping"_s;
    }
    return {};
}

QueryEngine::QueryEngine(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(maxWorkerThreads + spareThreads);
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, id_t(gettid()));
    m_ownerNice = errno == 0 ? nice : 0;
}

QueryEngine::~QueryEngine()
{
    if (m_run)
        m_run->requestStop();
    m_pool.waitForDone(); // the only place the owner waits: workers finish their query
    m_shadows.reset(); // before the cache: no worker offers keys any more
}

bool QueryEngine::hasLiveRun() const { return m_run && isActive(); }

void QueryEngine::setState(EngineState state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

Result<void> QueryEngine::start(const RunConfig &config)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (isActive())
        return Error { u"a run is already active: stop it and wait for stopped() first"_s, {}, 0,
            u"state"_s, engineStateName(m_state) };
    if (Result<void> valid = config.validate(); !valid)
        return valid;
    ResultCacheConfig cacheConfig = config.cache;
    if (cacheConfig.shardCount == 0)
        cacheConfig.shardCount = ResultCache::automaticShardCount(
            config.threads, cacheConfig.capacity, cacheConfig.sizeUnit);
    Result<std::unique_ptr<ResultCache>> cache = ResultCache::create(cacheConfig);
    if (!cache)
        return cache.error();

    // Idle: every worker of the previous run has left, so its cache and shadows can go.
    m_run.reset();
    m_shadows.reset();
    m_cache = std::move(cache).value();
    m_config = config;
    const quint64 id = nextRunId.fetch_add(1, std::memory_order_relaxed);
    auto run = std::make_shared<Run>(id, config, m_cache.get(), m_observer, m_workloadVersion);
    // Workers post to this object; the destructor waits for them, so `this` outlives every post,
    // and events still queued when it dies are dropped with it.
    run->allWorkersLeft = [this, id] {
        QMetaObject::invokeMethod(
            this, [this, id] { workersLeft(id); }, Qt::QueuedConnection);
    };
    run->firstError = [this, id](const Error &error) {
        QMetaObject::invokeMethod(
            this,
            [this, id, error] {
                if (m_run && m_run->id == id && isActive())
                    emit errorOccurred(error);
            },
            Qt::QueuedConnection);
    };
    if (!config.queryLog.isSet()) { // drawn keys: the parameter is the row
        const qint64 rows
            = qint64(std::min<quint64>(config.workload.keys, VersionBoard::maxRows)) + 1;
        if (config.staleBoard.isEmpty()) {
            run->board = VersionBoard::inMemory(rows);
        } else {
            Result<std::shared_ptr<VersionBoard>> board
                = VersionBoard::open(config.staleBoard, rows);
            if (!board)
                return board.error();
            run->board = std::move(board).value();
        }
    }
    m_run = run;
    if (config.shadows) {
        if (Result<void> shadows = startShadows(); !shadows) {
            m_run.reset();
            return shadows;
        }
    }
    setState(EngineState::Starting);

    if (run->feed) {
        run->feed->onFinished = [this, id] {
            QMetaObject::invokeMethod(
                this,
                [this, id] {
                    if (m_run && m_run->id == id && isActive())
                        emit queryLogFinished();
                },
                Qt::QueuedConnection);
        };
    }
    m_pool.start([this, id, feed = run->feed, settings = config.database, l2 = config.l2,
                     templates
                     = config.queryLog.isSet() ? QList<SqlTemplate>() : templatesOf(config)] {
        (void)TickClock::usesTsc(); // calibrates once (5 ms), before any worker times a request
        Result<void> checked = feed ? feed->open() : Result<void>();
        if (checked)
            checked = checkDatabase(settings, id, templates);
        if (checked && l2.isSet()) { // an unreachable second tier fails the start
            if (Result<std::unique_ptr<RedisTierConnection>> redis = RedisTierConnection::open(l2);
                !redis)
                checked = redis.error();
        }
        QMetaObject::invokeMethod(
            this, [this, id, checked] { finishStart(id, checked); }, Qt::QueuedConnection);
    });
    return {};
}

void QueryEngine::finishStart(quint64 runId, const Result<void> &checked)
{
    if (!m_run || m_run->id != runId)
        return;
    if (m_state == EngineState::Stopping) { // stopped while checking: no worker ever ran
        finishShadows();
        setState(EngineState::Idle);
        emit stopped();
        return;
    }
    if (m_state != EngineState::Starting)
        return;
    if (!checked) {
        finishShadows();
        setState(EngineState::Idle);
        emit startFailed(checked.error());
        return;
    }
    m_run->startedNs = Detail::steadyNowNs();
    if (m_run->feed) {
        m_run->logOriginNs.store(m_run->startedNs, std::memory_order_release);
        m_run->feed->start();
    }
    startListener(*m_run); // after the start check: an unreachable Redis fails it first
    launchWorkers();
    setState(EngineState::Running);
    emit started();
}

void QueryEngine::launchWorkers()
{
    const std::shared_ptr<Detail::EngineRun> run = m_run;
    const int nice = m_workerNiceness > 0 ? m_ownerNice + m_workerNiceness : 0;
    const bool pipeline = m_config.io == IoModel::Pipeline;
    // The pipeline model's event loops are fixed for the run; its live knob is inFlight.
    const int tasks = pipeline ? m_config.ioThreads : m_config.threads;
    for (const int index : m_run->setThreadTarget(tasks))
        m_pool.start([run, index, nice, pipeline] {
            // Per thread on Linux; a pool thread keeps it for the engine's next runs. Failing
            // (a sandbox) only leaves the default.
            if (nice > 0)
                (void)setpriority(PRIO_PROCESS, id_t(gettid()), std::min(nice, 19));
            if (pipeline)
                Detail::runPipelineLoop(run, index);
            else
                Detail::runWorker(run, index);
        });
}

void QueryEngine::workersLeft(quint64 runId)
{
    if (!m_run || m_run->id != runId || m_state != EngineState::Stopping)
        return;
    finishShadows();
    setState(EngineState::Idle);
    emit stopped();
}

void QueryEngine::pause()
{
    if (m_state != EngineState::Running)
        return;
    m_run->setPaused(true);
    m_run->pausedNs = Detail::steadyNowNs();
    setState(EngineState::Paused);
}

void QueryEngine::resume()
{
    if (m_state != EngineState::Paused)
        return;
    // A timed log replay goes on where it paused: its time zero moves by the pause.
    m_run->logOriginNs.fetch_add(
        Detail::steadyNowNs() - m_run->pausedNs, std::memory_order_acq_rel);
    m_run->setPaused(false);
    setState(EngineState::Running);
}

void QueryEngine::stop()
{
    if (m_state == EngineState::Idle || m_state == EngineState::Stopping)
        return;
    const EngineState was = m_state;
    m_run->stoppedNs = Detail::steadyNowNs();
    m_run->requestStop();
    if (m_run->listener)
        m_run->listener->stop();
    if (m_run->watcher)
        m_run->watcher->stop();
    if (m_run->feed)
        m_run->feed->stop(); // a reader waiting for room in a lane gives up
    setState(EngineState::Stopping);
    // Starting: finishStart() reports stopped(). Running or paused: the last worker to leave.
    if (was != EngineState::Starting && m_run->liveWorkers() == 0) {
        finishShadows();
        setState(EngineState::Idle);
        emit stopped();
    }
}

void QueryEngine::publishSettings()
{
    if (hasLiveRun())
        m_run->publish(Detail::WorkerSettings::from(m_config, m_workloadVersion));
}

Result<void> QueryEngine::refusedDuringLogReplay(const QString &field) const
{
    if (!m_config.queryLog.isSet() || !isActive())
        return {};
    return Error { u"a query log is replaying: its sessions and timing decide this; stop the "
                   "replay to change it"_s,
        m_config.queryLog.path, 0, field, {} };
}

const QueryLogFeed *QueryEngine::queryLogFeed() const
{
    return m_run ? m_run->feed.get() : nullptr;
}

Result<void> QueryEngine::startShadows()
{
    ShadowConfig config = m_shadowDefaults;
    config.capacity = m_cache->capacity();
    config.sizeUnit = m_cache->sizeUnit();
    config.seed = m_config.cache.seed;
    Result<std::unique_ptr<ShadowSet>> shadows = ShadowSet::create(config);
    if (!shadows)
        return shadows.error();
    m_shadows = std::move(shadows).value();
    m_shadows->start();
    m_run->shadows.store(m_shadows.get(), std::memory_order_release);
    return {};
}

void QueryEngine::finishShadows()
{
    if (m_shadows)
        m_shadows->stop(); // waits for one last pass over the rings: a few ms at most
}

std::optional<ShadowSnapshot> QueryEngine::shadowSnapshot() const
{
    if (!m_shadows)
        return std::nullopt;
    return m_shadows->snapshot();
}

MetricsReading QueryEngine::reading() const
{
    MetricsReading reading;
    if (m_run) {
        if (m_run->startedNs > 0) {
            const qint64 end = m_run->stoppedNs > 0 ? m_run->stoppedNs : Detail::steadyNowNs();
            reading.elapsedMs = std::max<qint64>(0, (end - m_run->startedNs) / 1'000'000);
        }
        for (int i = 0; i < maxWorkerThreads; ++i) {
            const Detail::WorkerSlot *slot = m_run->slotIfMade(i);
            if (!slot)
                break; // slots are made in index order
            reading.counters += slot->counters.values();
            reading.hitLatency.merge(slot->hitLatency);
            reading.missLatency.merge(slot->missLatency);
            reading.writeLatency.merge(slot->writeLatency);
            reading.l2Latency.merge(slot->l2Latency);
            reading.staleness.merge(slot->staleness);
            reading.inFlight += slot->inFlight.load(std::memory_order_relaxed);
        }
        reading.counters += m_run->listenerCounters.values();
        reading.counters.l2Evictions = m_run->l2EvictedBefore;
        if (const L2Watcher *watcher = m_run->watcher.get()) {
            reading.counters.l2Evictions += watcher->evictedKeys();
            reading.l2UsedBytes = watcher->usedBytes();
            reading.l2MaxBytes = watcher->maxBytes();
        }
        reading.staleMeasured = m_run->board != nullptr;
    }
    if (m_cache) {
        const ResultCacheStats stats = m_cache->stats();
        reading.counters.evictions = stats.evictions;
        reading.entries = stats.entries;
        reading.bytes = stats.bytes;
        reading.capacity = m_cache->capacity();
        reading.capacityUnit = m_cache->sizeUnit();
    } else {
        reading.capacity = m_config.cache.capacity;
        reading.capacityUnit = m_config.cache.sizeUnit;
    }
    return reading;
}

int QueryEngine::activeWorkers() const { return m_run ? m_run->liveWorkers() : 0; }

quint64 QueryEngine::runId() const { return m_run ? m_run->id : 0; }

bool QueryEngine::setRequestObserver(RequestObserver observer)
{
    if (isActive())
        return false;
    m_observer = std::move(observer);
    return true;
}

} // namespace CacheScope
