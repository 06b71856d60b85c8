#pragma once

#include "core/db/demodatabase.h"
#include "core/session/runsession.h"

#include <QMainWindow>

#include <memory>

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
class FleetPage;
class HistoryWriter;
class LogModel;
class RunsPage;
class TemplatesView;
class SessionRecorder;
class MessageBanner;
class MonitorPage;
class RedisDemo;
class RunPanel;
class TraceReplayWidget;
class WhatIfView;
class WorkloadPanel;

/// The "Watch a Redis" scenario's id (Scenarios menu, --scenario watch-redis --start).
inline constexpr QStringView watchRedisScenario = u"watch-redis";

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
    /// Record each run in this run history (SessionRecorder, on a thread of its own); empty:
    /// runs are not recorded (tests, --no-history).
    QString historyPath;
};

/// The desktop app's window: control panels on the left, the five live charts (and, on a page
/// beside them, the What-if view of the shadow policies), the counters table and the log on the
/// right, trace replay in a second tab, the Monitor tab (a Redis, memcached or PostgreSQL the
/// user runs) in a third.
///
/// A view of a RunSession (core/session), which owns the engine, the run states, the metrics
/// history and the scenario steps: panels edit a RunConfig that goes to the session (live
/// changes while running), charts and counters follow its tick() and marker() signals. Nothing
/// here waits: the session prepares the demo database and the Test button runs on
/// DatabaseTasks' pool, trace replays on TraceReplayer's, and the engine answers with signals.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    using RunState = RunSession::State;

    explicit MainWindow(const MainWindowOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    RunSession *session() const { return m_session; }
    QueryEngine *engine() const { return m_session->engine(); }
    ChartPanel *chartPanel() const;
    WhatIfView *whatIfView() const;
    /// The Templates tab beside the charts: a replayed query log's per-template table.
    TemplatesView *templatesView() const { return m_templatesView; }
    DatabasePanel *databasePanel() const;
    WorkloadPanel *workloadPanel() const;
    CachePanel *cachePanel() const;
    RunPanel *runPanel() const;
    TraceReplayWidget *traceReplay() const;
    MonitorPage *monitorPage() const;
    /// The Fleet tab: N cachescope-cli instances sharing one Redis (fleet scenarios play there).
    FleetPage *fleetPage() const;
    MessageBanner *messageBanner() const;
    LogModel *logModel() const { return m_log; }
    CountersModel *countersModel() const { return m_counters; }
    const MetricsHistory &history() const { return m_session->history(); }
    /// Writes the run history (MainWindowOptions::historyPath) for the live runs, the Trace
    /// replay tab and the Monitor tab; null when runs are not recorded.
    HistoryWriter *historyWriter() const { return m_historyWriter; }
    /// Records the live runs; null when runs are not recorded.
    SessionRecorder *sessionRecorder() const { return m_recorder; }
    /// The Runs tab; null when runs are not recorded.
    RunsPage *runsPage() const { return m_runsPage; }
    const QList<Scenario> &scenarios() const { return m_scenarios; }
    RunState runState() const { return m_session->state(); }
    QString demoDatabasePath() const;

    /// The configuration the panels show.
    RunConfig panelConfig() const;
    void setPanelConfig(const RunConfig &config);
    /// The defaults: the SQLite demo, zipf 0.99 over 100 k keys, 4 workers, qcache of 10 000.
    RunConfig defaultConfig() const;

    /// Loads a scenario (id or title) into the panels; false and an error if there is none.
    bool loadScenario(const QString &name);
    /// Loads and starts it (stopping a run in progress first). watchRedisScenario starts the
    /// "Watch a Redis" demo (RedisDemo) in the Monitor tab instead.
    bool startScenario(const QString &name);
    RedisDemo *redisDemo() const { return m_redisDemo; }
    void startRun();
    void stopRun();
    void togglePause();
    void resetCharts();
    void showTraceTab();
    void showMonitorTab();
    void showFleetTab();
    /// Brings the What-if page (beside the live charts) to the front.
    void showWhatIfPage();
    void showTemplatesPage();
    /// The Runs tab, when runs are recorded.
    void showRunsTab();

    Result<void> saveConfig(const QString &path) const;
    Result<void> loadConfig(const QString &path);
    Result<void> exportTimeSeries(const QString &path) const;
    /// A live chart (ChartPanel's ids), or the What-if page's comparison chart
    /// (WhatIfComparisonChart) or LRU curve (WhatIfCurveChart).
    Result<void> saveChartImage(int chartId, const QString &path) const;
    static constexpr int WhatIfComparisonChart = 100;
    static constexpr int WhatIfCurveChart = 101;
    /// The What-if page's ranking and LRU curve (shadowSnapshotCsv()); an error before a run
    /// with shadows has published one.
    Result<void> exportWhatIf(const QString &path) const;
    Result<void> saveWindowImage(const QString &path);

    /// An error in the log, the status bar and the non-modal banner; the app carries on.
    void reportError(const QString &context, const Error &error);

signals:
    void runStateChanged(CacheScope::RunSession::State state);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setUpActions();
    void setUpFileActions(); // mainwindowfiles.cpp, with the File menu's functions and settings
    void setUpHistory(); // mainwindowfiles.cpp: the run recorder and the Runs tab
    void setUpTemplates(); // mainwindowfiles.cpp: the Templates tab
    /// Refreshes the Templates tab from the run's query log: at most once a second while the tab
    /// shows, or now (`force`: a start, the end, the tab shown); clears it for runs without one.
    void refreshTemplates(bool force);
    /// After a replay: the capacity the recommended templates need, computed off this thread.
    void estimateTemplateCapacity();
    void setUpStatusBar();
    void setUpScenarios();
    void connectSession();
    void onPanelChanged();
    void onFailure(RunSession::Failure failure, const Error &error);
    void addMarker(double t, const QString &label);
    void clearCharts();
    void onTick(double t, const MetricsSnapshot &snapshot);
    void updateRunState();
    void updateStatus();
    void logInfo(const QString &message);
    void restoreSettings();
    void saveSettings() const;
    void updateRecentTracesMenu(const QStringList &paths);

    std::unique_ptr<Ui::MainWindow> m_ui;
    MainWindowOptions m_options;
    RunSession *m_session = nullptr;
    HistoryWriter *m_historyWriter = nullptr; // the run history's thread (when a path is set)
    SessionRecorder *m_recorder = nullptr; // records live runs in it
    RunsPage *m_runsPage = nullptr; // the Runs tab (with a run history)
    TemplatesView *m_templatesView = nullptr;
    qint64 m_templatesRefreshedMs = 0; // QDateTime msecs of the last refresh
    quint64 m_capacityGeneration = 0; // a newer run drops an older estimate
    qint64 m_lastRecordedRun = 0; // the last run this window recorded (File > Export report)
    RedisDemo *m_redisDemo = nullptr; // "Watch a Redis"
    LogModel *m_log = nullptr;
    CountersModel *m_counters = nullptr;
    QTableView *m_countersView = nullptr;
    QList<Scenario> m_scenarios;

    QLabel *m_stateLabel = nullptr;
    QLabel *m_elapsedLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_hitLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancelPrepare = nullptr;
};

} // namespace CacheScope
