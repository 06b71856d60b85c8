#pragma once

#include "metricshistory.h"
#include "scenario.h"

#include "core/db/demodatabase.h"
#include "core/engine/queryengine.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QTableView;
class QToolButton;

namespace Ui {
class MainWindow;
}

namespace CacheScope {

class CachePanel;
class ChartPanel;
class CountersModel;
class DatabasePanel;
class DatabaseTasks;
class LogModel;
class MessageBanner;
class RunPanel;
class TraceReplayWidget;
class WhatIfView;
class WorkloadPanel;

/// What the app and the tests set up differently.
struct MainWindowOptions
{
    /// The SQLite demo database the app creates on first Start; empty: defaultDemoDatabasePath().
    QString demoDatabasePath;
    /// Rows scale of a demo database created by Start (1.0: 100 k customers, 1 M orders).
    double demoRowsScale = defaultDemoRowsScale;
    /// Read and write QSettings (last configuration, geometry, recent traces); tests turn it off.
    bool useSettings = true;
    /// Sampling period of the charts: 100 ms is the 10 Hz maximum the windows are sized for.
    int tickIntervalMs = 100;
    /// The charts are drawn at most this often (points are still taken at every tick): 5 Hz
    /// halves the GUI thread's work, which matters when it shares 2 cores with 10 workers.
    int chartRenderIntervalMs = 200;
};

/// The desktop app's window: control panels on the left, the five live charts (and, on a page
/// beside them, the What-if view of the shadow policies), the counters table and the log on the
/// right, trace replay in a second tab.
///
/// Owns the QueryEngine and samples it on a timer (reading() → MetricsSampler → one point per
/// series). Panel edits while running go to the engine's live setters; each change the engine
/// reports becomes a marker on every chart and a log line. Nothing here waits: the demo
/// database is prepared and the Test button runs on DatabaseTasks' pool, trace replays on
/// TraceReplayer's, and the engine answers start() with signals.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class RunState { Idle, Preparing, Starting, Running, Paused, Stopping };

    explicit MainWindow(const MainWindowOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    QueryEngine *engine() const { return m_engine; }
    ChartPanel *chartPanel() const;
    WhatIfView *whatIfView() const;
    DatabasePanel *databasePanel() const;
    WorkloadPanel *workloadPanel() const;
    CachePanel *cachePanel() const;
    RunPanel *runPanel() const;
    TraceReplayWidget *traceReplay() const;
    MessageBanner *messageBanner() const;
    LogModel *logModel() const { return m_log; }
    CountersModel *countersModel() const { return m_counters; }
    const MetricsHistory &history() const { return m_history; }
    const QList<Scenario> &scenarios() const { return m_scenarios; }
    RunState runState() const { return m_runState; }
    QString demoDatabasePath() const;

    /// The configuration the panels show.
    RunConfig panelConfig() const;
    void setPanelConfig(const RunConfig &config);
    /// The defaults: the SQLite demo, zipf 0.99 over 100 k keys, 4 workers, qcache of 10 000.
    RunConfig defaultConfig() const;

    /// Loads a scenario (id or title) into the panels; false and an error if there is none.
    bool loadScenario(const QString &name);
    /// Loads and starts it (stopping a run in progress first).
    bool startScenario(const QString &name);
    void startRun();
    void stopRun();
    void togglePause();
    void resetCharts();
    void showTraceTab();
    /// Brings the What-if page (beside the live charts) to the front.
    void showWhatIfPage();

    Result<void> saveConfig(const QString &path) const;
    Result<void> loadConfig(const QString &path);
    Result<void> exportTimeSeries(const QString &path) const;
    Result<void> saveChartImage(int chartId, const QString &path) const;
    Result<void> saveWindowImage(const QString &path);

    /// An error in the log, the status bar and the non-modal banner; the app carries on.
    void reportError(const QString &context, const Error &error);

signals:
    void runStateChanged(CacheScope::MainWindow::RunState state);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setUpActions();
    void setUpStatusBar();
    void setUpScenarios();
    void connectEngine();
    void startWith(const RunConfig &config, bool continueTimeline);
    void launchEngine();
    void onStarted();
    void onStopped();
    void onConfigChanged(const QString &description);
    void onPanelChanged();
    void addMarker(double t, const QString &label);
    void clearCharts();
    void tick();
    void runScenarioSteps(double t);
    Result<void> applyLive(const RunConfig &target);
    void setRunState(RunState state);
    void updateStatus();
    void logInfo(const QString &message);
    void restoreSettings();
    void saveSettings() const;
    void updateRecentTracesMenu(const QStringList &paths);
    double currentTime() const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    MainWindowOptions m_options;
    QueryEngine *m_engine = nullptr;
    DatabaseTasks *m_tasks = nullptr;
    LogModel *m_log = nullptr;
    CountersModel *m_counters = nullptr;
    QTableView *m_countersView = nullptr;
    MetricsSampler m_sampler;
    MetricsHistory m_history;
    QTimer m_tick;
    QList<Scenario> m_scenarios;
    RunState m_runState = RunState::Idle;

    RunConfig m_pendingConfig; // what Start launches once the demo database is ready
    bool m_pendingContinue = false;
    std::optional<RunConfig> m_startAfterStop; // Start pressed (or a scenario) while stopping
    bool m_startAfterStopContinues = false;
    QString m_restartNote;
    bool m_prepareCancelled = false; // Stop during the demo database's creation: not an error

    // The timeline: seconds since the charts' run started, continued across scenario restarts.
    double m_timelineOffset = 0;
    double m_lastTime = 0;
    std::optional<MetricsSnapshot> m_lastSnapshot;

    std::optional<Scenario> m_scenario; // the scenario being played, with its next step
    qsizetype m_nextStep = 0;
    QString m_stepNote; // set while a step applies: its changes share one marker, the note

    QLabel *m_stateLabel = nullptr;
    QLabel *m_elapsedLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_hitLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancelPrepare = nullptr;
};

} // namespace CacheScope
