#include "runsession.h"

#include "core/db/demodatabase.h"
#include "core/monitor/monitorsession.h"
#include "core/monitor/postgressource.h"
#include "core/querylog/logfeed.h"
#include "core/session/configjson.h"
#include "core/session/databasetasks.h"

#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QString formatElapsed(qint64 ms)
{
    const qint64 s = ms / 1000;
    return u"%1:%2:%3"_s.arg(s / 3600, 2, 10, QChar(u'0'))
        .arg((s / 60) % 60, 2, 10, QChar(u'0'))
        .arg(s % 60, 2, 10, QChar(u'0'));
}

RunConfig defaultRunConfig(const QString &demoDatabasePath)
{
    RunConfig c;
    c.database.driver = DatabaseDriver::Sqlite;
    c.database.database = demoDatabasePath;
    c.workload.kind = u"zipf"_s;
    c.workload.keys = 100000;
    c.workload.alpha = 0.99;
    c.workload.requests = 0; // a live run is unbounded
    c.threads = 4;
    c.cache.policy = u"qcache"_s;
    c.cache.capacity = 10000;
    return c;
}

Result<RunConfig> scenarioRunConfig(
    const Scenario &scenario, const RunConfig &defaults, const ConnectionSettings &database)
{
    RunConfig base = defaults;
    base.database = database;
    base.database.connectionMode = ConnectionMode::PerThread;
    base.database.simulatedDelayMs = 0;
    if (scenario.fleetInstances > 0)
        return Error { u"is a fleet of %1 instances: play it in the app's Fleet tab (cachescope "
                       "--scenario %2 --start)"_s.arg(scenario.fleetInstances)
                           .arg(scenario.id),
            {}, 0, u"scenario"_s, scenario.id };
    if (scenario.needsPostgres && database.driver != DatabaseDriver::Postgres)
        return Error { u"needs PostgreSQL (SQLite has no async pipeline): connect one in the "
                       "Database panel, or run `cachescope-cli run --scenario %1 --driver "
                       "postgres`"_s.arg(scenario.id),
            database.description(), 0, u"scenario"_s, scenario.id };
    return runConfigFromJson(scenario.config, base, u":/scenarios/"_s + scenario.id + u".json"_s);
}

Error unknownScenarioError(const QList<Scenario> &scenarios, const QString &name)
{
    QStringList ids;
    for (const Scenario &s : scenarios)
        ids << s.id;
    Error e;
    e.message = u"is not a scenario; scenarios: "_s + ids.join(u", "_s);
    e.field = u"scenario"_s;
    e.value = name;
    return e;
}

RunSession::RunSession(QObject *parent)
    : RunSession(Options {}, parent)
{
}

RunSession::RunSession(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_engine(new QueryEngine(this))
    , m_tasks(new DatabaseTasks(this))
    , m_history(options.historyCapacity)
{
    m_tick.setInterval(m_options.tickIntervalMs);
    connect(&m_tick, &QTimer::timeout, this, &RunSession::sample);
    connect(m_tasks, &DatabaseTasks::demoProgress, this, &RunSession::demoProgress);
    connect(m_tasks, &DatabaseTasks::demoReady, this, &RunSession::onDemoReady);
    connect(m_tasks, &DatabaseTasks::demoFailed, this, &RunSession::onDemoFailed);
    connect(m_engine, &QueryEngine::started, this, &RunSession::onStarted);
    connect(m_engine, &QueryEngine::startFailed, this, [this](const Error &e) {
        m_scenario.reset();
        setState(State::Idle);
        emit failed(Failure::StartFailed, e);
        emit finished();
    });
    connect(m_engine, &QueryEngine::stopped, this, &RunSession::onStopped);
    connect(m_engine, &QueryEngine::configChanged, this, &RunSession::onConfigChanged);
    connect(m_engine, &QueryEngine::errorOccurred, this,
        [this](const Error &e) { emit failed(Failure::DatabaseError, e); });
    connect(m_engine, &QueryEngine::stateChanged, this, &RunSession::onEngineState);
    // A query log replays once: its end ends the run (a broken log, with the reader's error).
    connect(m_engine, &QueryEngine::queryLogFinished, this, [this] {
        const QueryLogFeed *feed = m_engine->queryLogFeed();
        if (!isLive() || !feed)
            return;
        if (const std::optional<Error> broken = feed->error())
            emit failed(Failure::QueryLogBroken, *broken);
        const QString done = tr("query log finished: %L1 statements").arg(feed->statementsRead());
        emit marker(currentTime(), done);
        emit info(done.at(0).toUpper() + done.mid(1));
        for (const QString &note : feed->notes())
            emit info(tr("Query log: %1").arg(note));
        stop();
    });
}

RunSession::~RunSession()
{
    m_tick.stop();
    // The engine and the tasks are children, deleted after this object's members: nothing they
    // might still report reaches a half-destroyed session.
    m_engine->disconnect(this);
    m_tasks->disconnect(this);
}

void RunSession::shutDown()
{
    m_tick.stop();
    m_scenario.reset();
    m_startAfterStop.reset();
    if (m_engine->isActive())
        m_engine->stop(); // ~QueryEngine waits for the workers
    m_tasks->cancelPrepare();
}

double RunSession::currentTime() const
{
    if (m_engine->state() == EngineState::Running || m_engine->state() == EngineState::Paused)
        return m_timelineOffset + double(m_engine->reading().elapsedMs) / 1000.0;
    return m_lastTime;
}

MetricsReading RunSession::totalReading() const
{
    MetricsReading r = m_engine->runId() ? m_engine->reading() : MetricsReading {};
    r.elapsedMs += m_previousRuns.elapsedMs;
    r.counters += m_previousRuns.counters;
    r.hitLatency.merge(m_previousRuns.hitLatency);
    r.missLatency.merge(m_previousRuns.missLatency);
    r.writeLatency.merge(m_previousRuns.writeLatency);
    return r;
}

void RunSession::start(const RunConfig &config)
{
    if (m_state != State::Idle)
        return;
    m_scenario.reset();
    startWith(config, false);
}

void RunSession::startScenario(const Scenario &scenario, const RunConfig &config)
{
    m_scenario = scenario;
    m_nextStep = 0;
    if (m_state == State::Idle)
        startWith(config, false);
    else
        queueStart(config, false, {}); // what runs stops first; onStopped() starts the scenario
}

void RunSession::queueStart(const RunConfig &config, bool continueTimeline, const QString &note)
{
    m_startAfterStop = config;
    m_startAfterStopContinues = continueTimeline;
    m_restartNote = note;
    if (m_state == State::Preparing) {
        m_prepareCancelled = true;
        m_tasks->cancelPrepare();
    } else {
        m_engine->stop();
    }
}

void RunSession::startWith(const RunConfig &config, bool continueTimeline)
{
    m_pendingConfig = config;
    m_pendingContinue = continueTimeline;
    setState(State::Preparing);
    if (!config.customSql.isEmpty() || !m_options.prepareDemoDatabase) {
        launchEngine(); // the user's own schema: no demo tables to create
        return;
    }
    emit preparing();
    m_tasks->prepareDemo(config.database, m_options.demoRowsScale);
}

void RunSession::launchEngine()
{
    const Result<void> launched = m_engine->start(m_pendingConfig);
    if (!launched) {
        m_scenario.reset();
        setState(State::Idle);
        emit failed(Failure::StartFailed, launched.error());
        emit finished();
        return;
    }
    if (m_state == State::Preparing)
        setState(State::Starting); // started() or startFailed() follows
}

void RunSession::onDemoReady(const DemoDatabaseInfo &database)
{
    if (m_state != State::Preparing)
        return;
    if (m_startAfterStop) { // a scenario was picked meanwhile: the database is ready for it
        m_prepareCancelled = false;
        const RunConfig next = *m_startAfterStop;
        m_startAfterStop.reset();
        setState(State::Idle);
        startWith(next, m_startAfterStopContinues);
        return;
    }
    if (m_prepareCancelled) { // Stop came while only the metadata was being read
        m_prepareCancelled = false;
        m_scenario.reset();
        setState(State::Idle);
        emit info(tr("Start cancelled while the demo database was being prepared"));
        emit finished();
        return;
    }
    emit info(tr("Demo database ready: %L1 customers, %L2 products, %L3 orders (rows scale %4)")
                  .arg(database.customers)
                  .arg(database.products)
                  .arg(database.orders)
                  .arg(database.rowsScale));
    launchEngine();
}

void RunSession::onDemoFailed(const Error &error)
{
    setState(State::Idle);
    const bool cancelled = m_prepareCancelled;
    m_prepareCancelled = false;
    if (m_startAfterStop) { // a scenario was picked while the database was being prepared
        const RunConfig next = *m_startAfterStop;
        m_startAfterStop.reset();
        startWith(next, m_startAfterStopContinues);
        return;
    }
    m_scenario.reset();
    if (cancelled)
        emit info(tr("Start cancelled while the demo database was being prepared"));
    else
        emit failed(Failure::DatabaseNotReady, error);
    emit finished();
}

void RunSession::onEngineState(EngineState state)
{
    switch (state) {
    case EngineState::Running:
        setState(State::Running);
        break;
    case EngineState::Paused:
        setState(State::Paused);
        break;
    case EngineState::Stopping:
        setState(State::Stopping);
        break;
    case EngineState::Starting:
        setState(State::Starting);
        break;
    case EngineState::Idle:
        if (m_state != State::Preparing)
            setState(State::Idle);
        break;
    }
}

void RunSession::onStarted()
{
    m_sampler.reset();
    if (m_pendingContinue) {
        m_timelineOffset = m_lastTime;
        if (!m_restartNote.isEmpty()) {
            emit marker(m_timelineOffset, m_restartNote);
            m_history.addChange(m_restartNote);
            emit changed(m_restartNote);
            m_restartNote.clear();
        }
    } else {
        m_timelineOffset = 0;
        m_lastTime = 0;
        m_previousRuns = {};
        m_history.clear();
    }
    m_lastSnapshot.reset();
    m_tick.start();
    emit started(m_pendingContinue);
    const RunConfig &c = m_engine->config();
    if (c.database.driver == DatabaseDriver::Postgres && m_options.databaseCacheIntervalMs > 0)
        watchDatabaseCache(c.database);
    const QString workload = c.queryLog.isSet()
        ? tr("replaying the query log %1").arg(QFileInfo(c.queryLog.path).fileName())
        : tr("%1 keys (%2)").arg(c.workload.kind).arg(c.workload.keys);
    const QString io = c.io == IoModel::Pipeline
        ? tr("async pipeline (%1 event loop%2, %L3 requests in flight)")
              .arg(c.ioThreads)
              .arg(c.ioThreads == 1 ? QString() : u"s"_s)
              .arg(c.inFlight)
        : tr("%1 workers").arg(c.threads);
    emit info(tr("Run started: %1, %2, cache %3 of %L4 %5, on %6")
                  .arg(io)
                  .arg(workload)
                  .arg(c.cache.policy)
                  .arg(c.cache.capacity)
                  .arg(c.cache.sizeUnit == SizeUnit::Bytes ? tr("bytes") : tr("entries"))
                  .arg(c.database.description()));
    setState(m_engine->state() == EngineState::Paused ? State::Paused : State::Running);
}

void RunSession::stop()
{
    m_scenario.reset();
    m_startAfterStop.reset();
    if (m_state == State::Preparing) {
        m_prepareCancelled = true;
        m_tasks->cancelPrepare();
        return;
    }
    if (m_engine->isActive())
        m_engine->stop();
}

void RunSession::onStopped()
{
    sample(); // the last interval
    m_tick.stop();
    unwatchDatabaseCache();
    if (m_lastSnapshot)
        emit info(tr("Run stopped after %1: %L2 requests, hit ratio %3")
                      .arg(formatElapsed(m_lastSnapshot->elapsedMs))
                      .arg(m_lastSnapshot->total.requests)
                      .arg(formatRatio(m_lastSnapshot->totalHitRatio())));
    setState(State::Idle);
    if (m_startAfterStop) {
        const RunConfig next = *m_startAfterStop;
        const bool continues = m_startAfterStopContinues;
        m_startAfterStop.reset();
        if (continues) { // the timeline and the totals go on across the restart
            const MetricsReading r = totalReading();
            m_previousRuns = r;
        }
        startWith(next, continues);
        return;
    }
    emit finished();
}

void RunSession::pause()
{
    if (m_engine->state() == EngineState::Running)
        m_engine->pause();
}

void RunSession::resume()
{
    if (m_engine->state() == EngineState::Paused)
        m_engine->resume();
}

void RunSession::togglePause()
{
    if (m_engine->state() == EngineState::Running)
        m_engine->pause();
    else if (m_engine->state() == EngineState::Paused)
        m_engine->resume();
}

void RunSession::onConfigChanged(const QString &description)
{
    if (isLive()) {
        if (m_stepNote.isEmpty()) // a scenario step marks the timeline with its own note
            emit marker(currentTime(), description);
        m_history.addChange(description);
    }
    emit changed(description);
}

Result<void> RunSession::applyConfig(const RunConfig &target)
{
    if (m_state == State::Preparing) {
        // Not running yet: the run starts with the new configuration, on its database.
        const ConnectionSettings db = m_pendingConfig.database;
        m_pendingConfig = target;
        m_pendingConfig.database = db;
        return {};
    }
    if (!isLive())
        return {}; // the next start takes it
    RunConfig live = target;
    const RunConfig &now = m_engine->config();
    live.database = now.database; // not live: locked while running
    live.customSql = now.customSql;
    live.cache.shardCount = now.cache.shardCount;
    live.queryLog = now.queryLog;
    live.io = now.io; // the I/O model and its event loops are fixed for a run
    live.ioThreads = now.ioThreads;
    if (now.queryLog.isSet()) { // the log is the workload and its sessions fix the threads
        live.workload = now.workload;
        live.mix = now.mix;
        live.writeRatio = now.writeRatio;
        live.threads = now.threads;
        live.loadModel = now.loadModel;
        live.targetRate = now.targetRate;
        live.thinkTimeMs = now.thinkTimeMs;
    }
    return applyLive(live);
}

Result<void> RunSession::applyLive(const RunConfig &target)
{
    // One setter per changed field; each validates and reports itself with configChanged().
    const RunConfig now = m_engine->config();
    if (target.inFlight != now.inFlight) {
        if (Result<void> r = m_engine->setInFlight(target.inFlight); !r)
            return r;
    }
    if (target.threads != now.threads) {
        if (Result<void> r = m_engine->setThreads(target.threads); !r)
            return r;
    }
    if (target.loadModel == LoadModel::OpenLoop
        && (now.loadModel != LoadModel::OpenLoop || target.targetRate != now.targetRate)) {
        if (Result<void> r = m_engine->setTargetRate(target.targetRate); !r)
            return r;
    } else if (target.loadModel == LoadModel::ClosedLoop
        && (now.loadModel != LoadModel::ClosedLoop || target.thinkTimeMs != now.thinkTimeMs)) {
        if (Result<void> r = m_engine->setClosedLoop(target.thinkTimeMs); !r)
            return r;
    }
    if (!sameWorkload(target.workload, now.workload)) {
        if (Result<void> r = m_engine->setWorkload(target.workload); !r)
            return r;
    }
    if (!(target.mix == now.mix)) {
        if (Result<void> r = m_engine->setQueryMix(target.mix); !r)
            return r;
    }
    if (target.writeRatio != now.writeRatio) {
        if (Result<void> r = m_engine->setWriteRatio(target.writeRatio); !r)
            return r;
    }
    if (!(target.l2 == now.l2)) {
        if (Result<void> r = m_engine->setL2(target.l2); !r)
            return r;
    }
    if (target.cache.policy != now.cache.policy) {
        if (Result<void> r = m_engine->setCachePolicy(target.cache.policy); !r)
            return r;
    }
    if (target.cache.capacity != now.cache.capacity
        || target.cache.sizeUnit != now.cache.sizeUnit) {
        if (Result<void> r
            = m_engine->setCacheCapacity(target.cache.capacity, target.cache.sizeUnit);
            !r)
            return r;
    }
    if (target.cache.ttlMs != now.cache.ttlMs) {
        if (Result<void> r = m_engine->setTtlMs(target.cache.ttlMs); !r)
            return r;
    }
    if (target.cache.singleFlight != now.cache.singleFlight) {
        if (Result<void> r = m_engine->setSingleFlight(target.cache.singleFlight); !r)
            return r;
    }
    if (target.shadows != now.shadows) {
        if (Result<void> r = m_engine->setShadows(target.shadows); !r)
            return r;
    }
    return {};
}

void RunSession::sample()
{
    // The timer runs from started() to stopped(); onStopped() calls this once more for the
    // last interval before stopping it.
    if (!m_tick.isActive() || m_engine->state() == EngineState::Starting)
        return;
    MetricsSnapshot s = m_sampler.sample(m_engine->reading());
    s.databaseBufferHitRatio = m_databaseBufferHitRatio;
    s.databaseBufferHitRatioCumulative = m_databaseBufferHitRatioCumulative;
    if (m_lastSnapshot && s.elapsedMs <= m_lastSnapshot->elapsedMs)
        return; // no time passed since the last sample (the final sample after a stop)
    const double t = m_timelineOffset + double(s.elapsedMs) / 1000.0;
    m_lastTime = t;
    m_lastSnapshot = s;
    m_history.add(t, s);
    emit tick(t, s);
    runScenarioSteps(t);
}

void RunSession::watchDatabaseCache(const ConnectionSettings &database)
{
    unwatchDatabaseCache();
    MonitorSession::Options options;
    options.intervalMs = m_options.databaseCacheIntervalMs;
    m_databaseWatch = new MonitorSession(std::make_unique<PostgresSource>(database), options, this);
    MonitorSession *watch = m_databaseWatch;
    connect(watch, &MonitorSession::connected, this, [this](const MonitorServerInfo &server) {
        QString buffers;
        for (const auto &[name, value] : server.settings)
            if (name == u"shared_buffers"_s)
                buffers = value;
        emit info(tr("Watching PostgreSQL's buffer cache (pg_stat_database, shared_buffers %1)")
                      .arg(buffers.isEmpty() ? tr("unknown") : buffers));
    });
    connect(watch, &MonitorSession::connectFailed, this, [this](const Error &e) {
        emit info(tr("PostgreSQL's buffer cache is not watched: %1").arg(e.toString()));
    });
    connect(watch, &MonitorSession::interval, this, [this, watch](const MonitorInterval &r) {
        if (watch != m_databaseWatch)
            return;
        m_databaseBufferHitRatio = r.counts.hitRatio();
        m_databaseBufferHitRatioCumulative = r.cumulativeHitRatio;
    });
    connect(watch, &MonitorSession::stopped, watch, &QObject::deleteLater);
    watch->start();
}

void RunSession::unwatchDatabaseCache()
{
    m_databaseBufferHitRatio.reset();
    m_databaseBufferHitRatioCumulative.reset();
    if (!m_databaseWatch)
        return;
    MonitorSession *watch = m_databaseWatch;
    m_databaseWatch = nullptr;
    if (watch->isRunning())
        watch->stop(); // deleted once its thread is done (stopped())
    else
        watch->deleteLater();
}

void RunSession::runScenarioSteps(double t)
{
    if (!m_scenario || !isLive())
        return;
    while (m_scenario && m_nextStep < m_scenario->steps.size()
        && double(m_scenario->steps.at(m_nextStep).atMs) / 1000.0 <= t) {
        const ScenarioStep step = m_scenario->steps.at(m_nextStep++);
        Result<RunConfig> target = runConfigFromJson(
            step.set, m_engine->config(), u":/scenarios/"_s + m_scenario->id + u".json"_s);
        if (!target) {
            emit failed(Failure::StepBroken, target.error());
            continue;
        }
        emit info(tr("Scenario step at %1 s: %2").arg(double(step.atMs) / 1000.0).arg(step.note));
        if (step.restart) {
            emit configApplied(target.value());
            queueStart(target.value(), true, step.note);
            return; // later steps run on the restarted engine
        }
        m_stepNote = step.note;
        const Result<void> applied = applyLive(target.value());
        m_stepNote.clear();
        emit marker(currentTime(), step.note);
        if (!applied)
            emit failed(Failure::StepRefused, applied.error());
        emit configApplied(m_engine->config());
    }
}

void RunSession::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace CacheScope
