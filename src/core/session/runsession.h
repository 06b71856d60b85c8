#pragma once

#include "core/engine/queryengine.h"
#include "core/error.h"
#include "core/metrics/metricssnapshot.h"
#include "core/session/metricshistory.h"
#include "core/session/scenario.h"

#include <QObject>
#include <QTimer>

#include <optional>

namespace CacheScope {

class DatabaseTasks;
class MonitorSession;
struct DemoDatabaseInfo;

/// "hh:mm:ss" of a duration in milliseconds.
QString formatElapsed(qint64 ms);

/// The app's and the CLI's default run: `database` (the SQLite demo file), zipf 0.99 over 100 k
/// keys, 4 workers, qcache of 10 000 entries, unbounded.
RunConfig defaultRunConfig(const QString &demoDatabasePath);

/// A scenario's configuration over `defaults`, keeping `database` apart from the connection
/// mode and the simulated delay the scenario sets. Errors name the preset and the field; a
/// fleet scenario (Scenario::fleetInstances) is refused: it is not a single run.
Result<RunConfig> scenarioRunConfig(
    const Scenario &scenario, const RunConfig &defaults, const ConnectionSettings &database);

/// "is not a scenario; scenarios: a, b, …" naming the field "scenario" and the value `name`.
Error unknownScenarioError(const QList<Scenario> &scenarios, const QString &name);

/// The widget-free run model the app and the CLI share. It owns the QueryEngine and:
/// - walks the run states (idle, preparing the demo database on a pool thread, starting,
///   running, paused, stopping) and starts what was asked for while stopping once the engine
///   has stopped (start-after-stop, also used by scenario steps that restart);
/// - samples the engine on a timer and keeps the metrics history the CSV export writes, on one
///   timeline continued across a scenario's restarts (tick());
/// - applies a changed configuration while running, one live setter per changed field
///   (applyLive()), each change a marker on the timeline (marker());
/// - plays a scenario's timed steps, checked at every tick, each step one marker with its note.
///
/// Lives on its owner's thread and never blocks it.
class RunSession : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Preparing, Starting, Running, Paused, Stopping };
    Q_ENUM(State)

    /// What a session reports to its view besides ticks and markers. The view words them.
    enum class Failure {
        StartFailed, // the run could not start (validation, connection, templates)
        DatabaseNotReady, // the demo database could not be created or read
        DatabaseError, // a database error during the run (workers retry)
        StepBroken, // a scenario step's configuration does not parse
        StepRefused, // a scenario step was refused by the engine
        QueryLogBroken, // the replayed query log has bad input: the replay stopped there
    };
    Q_ENUM(Failure)

    struct Options
    {
        /// Rows scale of a demo database created before a start (1.0: 100 k customers).
        double demoRowsScale = 1.0;
        /// Before each start (without custom SQL) the demo tables are checked and created
        /// where missing; off: the database must already hold them.
        bool prepareDemoDatabase = true;
        /// Sampling period: one tick(), one history row, one look at the scenario's steps.
        int tickIntervalMs = 100;
        /// Rows the history keeps (the oldest are dropped).
        qsizetype historyCapacity = 6000;
        /// On PostgreSQL: watch the database's shared buffers (pg_stat_database) on a thread
        /// and connection of their own, every this many ms, into each sample
        /// (MetricsSnapshot::databaseBufferHitRatio). 0: not watched.
        int databaseCacheIntervalMs = 1000;
    };

    explicit RunSession(QObject *parent = nullptr);
    explicit RunSession(const Options &options, QObject *parent = nullptr);
    ~RunSession() override;

    QueryEngine *engine() const { return m_engine; }
    /// The pool that prepares the demo database; the app's Test button uses it too.
    DatabaseTasks *databaseTasks() const { return m_tasks; }
    State state() const { return m_state; }
    bool isLive() const { return m_state == State::Running || m_state == State::Paused; }
    const Options &options() const { return m_options; }
    const MetricsHistory &history() const { return m_history; }
    /// The last sample of the current (or last) run.
    const std::optional<MetricsSnapshot> &lastSnapshot() const { return m_lastSnapshot; }
    /// Seconds on the timeline: now while running, else the last sample's time.
    double currentTime() const;
    double lastTime() const { return m_lastTime; }
    /// The scenario being played, if any.
    const std::optional<Scenario> &scenario() const { return m_scenario; }
    /// The configuration a start in progress launches (while preparing).
    const RunConfig &pendingConfig() const { return m_pendingConfig; }
    /// Counters and histograms of every engine run since the last fresh start (a scenario's
    /// restarts continue it), up to now.
    MetricsReading totalReading() const;

    /// Starts a run (from Idle only; ignored otherwise). Preparing, then Starting, then
    /// Running, or back to Idle with failed(StartFailed or DatabaseNotReady).
    void start(const RunConfig &config);
    /// Plays `scenario` with `config` (scenarioRunConfig()), stopping what runs first.
    void startScenario(const Scenario &scenario, const RunConfig &config);
    /// Stops the run (or cancels the preparation) and forgets any queued start or scenario.
    void stop();
    void pause();
    void resume();
    void togglePause();
    /// While live: moves the engine to `target` (database, custom SQL and shard count are kept),
    /// one live setter per changed field; the first refused change is returned. While
    /// preparing: the queued start takes `target` (keeping its database). Idle: nothing.
    Result<void> applyConfig(const RunConfig &target);
    /// The bare diff: one engine setter per field that differs from the engine's config.
    Result<void> applyLive(const RunConfig &target);
    /// Forgets the history rows and the pending changes.
    void clearHistory() { m_history.clear(); }
    /// Stops ticking, forgets queued starts and stops the engine (shutdown).
    void shutDown();

signals:
    void stateChanged(CacheScope::RunSession::State state);
    /// The demo database is being checked or created for the start in progress.
    void preparing();
    void demoProgress(qint64 rowsDone, qint64 rowsTotal);
    /// The engine started; `continued`: a scenario restart continues the timeline, else the
    /// history was cleared and the view clears its charts.
    void started(bool continued);
    /// One sample at `t` seconds on the timeline (already in history()).
    void tick(double t, const CacheScope::MetricsSnapshot &snapshot);
    /// A configuration change or a scenario step at `t` on the timeline.
    void marker(double t, const QString &label);
    /// Every change the engine reports ("capacity 1000 → 500"), and restart notes.
    void changed(const QString &description);
    /// A scenario step changed the configuration: what the engine runs with (or restarts with).
    void configApplied(const CacheScope::RunConfig &config);
    /// A line for the log.
    void info(const QString &message);
    void failed(CacheScope::RunSession::Failure failure, const CacheScope::Error &error);
    /// The run ended and nothing queued follows (also after a cancelled preparation).
    void finished();

private:
    void startWith(const RunConfig &config, bool continueTimeline);
    void queueStart(const RunConfig &config, bool continueTimeline, const QString &note);
    void launchEngine();
    void onDemoReady(const DemoDatabaseInfo &database);
    void onDemoFailed(const Error &error);
    void onEngineState(EngineState state);
    void onStarted();
    void onStopped();
    void onConfigChanged(const QString &description);
    void sample();
    void runScenarioSteps(double t);
    void watchDatabaseCache(const ConnectionSettings &database);
    void unwatchDatabaseCache();
    void setState(State state);

    Options m_options;
    QueryEngine *m_engine = nullptr;
    DatabaseTasks *m_tasks = nullptr;
    QTimer m_tick;
    MetricsSampler m_sampler;
    MetricsHistory m_history;
    State m_state = State::Idle;

    RunConfig m_pendingConfig; // what the start in progress launches
    bool m_pendingContinue = false;
    std::optional<RunConfig> m_startAfterStop; // asked for while stopping or preparing
    bool m_startAfterStopContinues = false;
    QString m_restartNote;
    bool m_prepareCancelled = false; // Stop during the preparation: not an error

    double m_timelineOffset = 0; // seconds before this engine run on the timeline
    double m_lastTime = 0;
    std::optional<MetricsSnapshot> m_lastSnapshot;
    MetricsReading m_previousRuns; // earlier engine runs of a scenario with restarts

    // PostgreSQL's buffer cache during a run on it: the latest interval's hit ratio and since
    // the watch began (the watch lives as long as the engine run).
    MonitorSession *m_databaseWatch = nullptr;
    std::optional<double> m_databaseBufferHitRatio;
    std::optional<double> m_databaseBufferHitRatioCumulative;

    std::optional<Scenario> m_scenario;
    qsizetype m_nextStep = 0;
    QString m_stepNote; // set while a step applies: its changes share one marker, the note
};

} // namespace CacheScope
