#include "mainwindow.h"

#include "ui_mainwindow.h"

#include "cachepanel.h"
#include "chartpanel.h"
#include "countersmodel.h"
#include "databasepanel.h"
#include "fleetpage.h"
#include "livechart.h"
#include "logmodel.h"
#include "messagebanner.h"
#include "monitorpage.h"
#include "redisdemo.h"
#include "runpanel.h"
#include "tracereplaywidget.h"
#include "whatifview.h"
#include "workloadpanel.h"

#include "core/monitor/localredis.h"
#include "core/history/sessionrecorder.h"
#include "core/session/databasetasks.h"

#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QScrollBar>
#include <QStyle>
#include <QTableView>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

MainWindow::MainWindow(const MainWindowOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_options(options)
{
    if (m_options.demoDatabasePath.isEmpty())
        m_options.demoDatabasePath = defaultDemoDatabasePath();
    m_ui->setupUi(this);
    setWindowIcon(QIcon(u":/icons/cachescope.png"_s));

    RunSession::Options sessionOptions;
    sessionOptions.demoRowsScale = m_options.demoRowsScale;
    sessionOptions.tickIntervalMs = m_options.tickIntervalMs;
    sessionOptions.historyCapacity = ChartPanel::windowPoints;
    m_session = new RunSession(sessionOptions, this);
    // Ten busy workers on two cores would leave this thread an eleventh of the CPU, and every
    // chart update would wait for it: the workers run nicer (CACHESCOPE_WORKER_NICE, 0 for A/B
    // runs of bench/run-gui-soak).
    bool niceSet = false;
    const int nice = qEnvironmentVariableIntValue("CACHESCOPE_WORKER_NICE", &niceSet);
    engine()->setWorkerNiceness(niceSet ? nice : 10);
    m_log = new LogModel(2000, this);
    setUpHistory();
    m_counters = new CountersModel(this);

    m_ui->logView->setModel(m_log);
    m_ui->logView->horizontalHeader()->setSectionResizeMode(
        LogModel::TimeColumn, QHeaderView::ResizeToContents);
    // Fixed: ResizeToContents sizes the column from the first rows and cut "change" later.
    m_ui->logView->horizontalHeader()->setSectionResizeMode(
        LogModel::LevelColumn, QHeaderView::Fixed);
    m_ui->logView->horizontalHeader()->resizeSection(
        LogModel::LevelColumn, fontMetrics().horizontalAdvance(tr("change")) + 40);
    m_ui->logView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    connect(
        m_log, &LogModel::rowsInserted, m_ui->logView, [this] { m_ui->logView->scrollToBottom(); });

    m_countersView = new QTableView(this);
    m_countersView->setObjectName(u"countersView"_s);
    m_countersView->setModel(m_counters);
    m_countersView->verticalHeader()->hide();
    m_countersView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 2);
    m_countersView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_countersView->horizontalHeader()->setSectionResizeMode(
        CountersModel::NameColumn, QHeaderView::ResizeToContents);
    m_countersView->setSelectionMode(QAbstractItemView::NoSelection);
    m_countersView->setFocusPolicy(Qt::NoFocus);
    m_countersView->setMinimumSize(300, 180);
    const auto hideRowsThatDoNotApply = [this] {
        for (int row = 0; row < CountersModel::RowCount; ++row)
            m_countersView->setRowHidden(row, !m_counters->rowApplies(row));
    };
    connect(m_counters, &CountersModel::applicableRowsChanged, this, hideRowsThatDoNotApply);
    hideRowsThatDoNotApply();
    chartPanel()->setCornerWidget(m_countersView);
    chartPanel()->setMinRenderIntervalMs(m_options.chartRenderIntervalMs);
    whatIfView()->setMinRenderIntervalMs(m_options.chartRenderIntervalMs);
    whatIfView()->setViewSpan(chartPanel()->viewSpan());
    connect(chartPanel(), &ChartPanel::viewSpanChanged, whatIfView(), &WhatIfView::setViewSpan);
    // "Pause charts" freezes the What-if comparison too: one timeline, one pause.
    connect(chartPanel(), &ChartPanel::pausedChanged, whatIfView(), &WhatIfView::setPaused);

    m_ui->mainSplitter->setStretchFactor(1, 1);
    m_ui->mainSplitter->setSizes({ 370, 1030 });
    m_ui->chartSplitter->setStretchFactor(0, 1);
    m_ui->chartSplitter->setSizes({ 700, 110 });
    // The panels never scroll sideways: the column is as wide as their widest row.
    m_ui->panelScroll->setMinimumWidth(m_ui->panelContainer->minimumSizeHint().width()
        + m_ui->panelScroll->verticalScrollBar()->sizeHint().width() + 4);

    databasePanel()->setDefaultSqlitePath(m_options.demoDatabasePath);
    setPanelConfig(defaultConfig());

    setUpTemplates();
    setUpActions();
    setUpStatusBar();
    setUpScenarios();
    connectSession();

    connect(databasePanel(), &DatabasePanel::testRequested, this, [this] {
        const ConnectionSettings settings = databasePanel()->settings();
        databasePanel()->setTestRunning();
        logInfo(tr("Testing the connection to %1…").arg(settings.description()));
        m_session->databaseTasks()->testConnection(settings);
    });
    connect(m_session->databaseTasks(), &DatabaseTasks::connectionTested, this,
        [this](bool ok, const QString &message) {
            databasePanel()->setTestResult(ok, message);
            if (ok) {
                logInfo(tr("Connection test: %1").arg(message));
            } else {
                Error e;
                e.message = message;
                reportError(tr("Connection test failed"), e);
            }
        });
    connect(workloadPanel(), &WorkloadPanel::changed, this, &MainWindow::onPanelChanged);
    connect(cachePanel(), &CachePanel::changed, this, &MainWindow::onPanelChanged);
    connect(databasePanel(), &DatabasePanel::changed, this, &MainWindow::onPanelChanged);
    connect(traceReplay(), &TraceReplayWidget::errorOccurred, this,
        [this](const Error &e) { reportError(tr("Trace replay"), e); });
    connect(traceReplay(), &TraceReplayWidget::messageLogged, this, &MainWindow::logInfo);
    connect(traceReplay(), &TraceReplayWidget::recentTracesChanged, this,
        &MainWindow::updateRecentTracesMenu);
    connect(monitorPage(), &MonitorPage::errorOccurred, this, &MainWindow::reportError);
    connect(monitorPage(), &MonitorPage::messageLogged, this, &MainWindow::logInfo);
    m_redisDemo = new RedisDemo(monitorPage(), this);
    connect(m_redisDemo, &RedisDemo::message, this, &MainWindow::logInfo);
    connect(m_redisDemo, &RedisDemo::failed, this, &MainWindow::reportError);
    fleetPage()->setDemoDatabase(m_options.demoDatabasePath, m_options.demoRowsScale);
    fleetPage()->setMinRenderIntervalMs(m_options.chartRenderIntervalMs);
    connect(fleetPage(), &FleetPage::errorOccurred, this, &MainWindow::reportError);
    connect(fleetPage(), &FleetPage::messageLogged, this, &MainWindow::logInfo);

    if (m_options.useSettings)
        restoreSettings();
    updateRunState();
    logInfo(tr(
        "Ready. Pick a scenario and press Load & Start, or set the panels and press Start (F5)."));
}

MainWindow::~MainWindow()
{
    // A run still going when the window closes is recorded with what it did so far.
    if (m_recorder)
        m_recorder->finishRun();
    monitorPage()->finishRecording(); // a monitoring session too
    // The session is a child, deleted after the widgets: it reports to this window no more.
    m_session->disconnect(this);
    m_session->databaseTasks()->disconnect(this);
}

ChartPanel *MainWindow::chartPanel() const { return m_ui->chartPanel; }

WhatIfView *MainWindow::whatIfView() const { return m_ui->whatIfView; }

DatabasePanel *MainWindow::databasePanel() const { return m_ui->databasePanel; }

WorkloadPanel *MainWindow::workloadPanel() const { return m_ui->workloadPanel; }

CachePanel *MainWindow::cachePanel() const { return m_ui->cachePanel; }

RunPanel *MainWindow::runPanel() const { return m_ui->runPanel; }

TraceReplayWidget *MainWindow::traceReplay() const { return m_ui->traceReplay; }

MonitorPage *MainWindow::monitorPage() const { return m_ui->monitorPage; }

FleetPage *MainWindow::fleetPage() const { return m_ui->fleetPage; }

MessageBanner *MainWindow::messageBanner() const { return m_ui->messageBanner; }

QString MainWindow::demoDatabasePath() const { return m_options.demoDatabasePath; }

void MainWindow::setUpActions()
{
    QStyle *s = style();
    m_ui->actionStart->setIcon(s->standardIcon(QStyle::SP_MediaPlay));
    m_ui->actionPause->setIcon(s->standardIcon(QStyle::SP_MediaPause));
    m_ui->actionStop->setIcon(s->standardIcon(QStyle::SP_MediaStop));
    m_ui->actionResetCharts->setIcon(s->standardIcon(QStyle::SP_BrowserReload));
    m_ui->actionOpenConfig->setIcon(s->standardIcon(QStyle::SP_DialogOpenButton));
    m_ui->actionSaveConfig->setIcon(s->standardIcon(QStyle::SP_DialogSaveButton));
    runPanel()->setActions(
        m_ui->actionStart, m_ui->actionPause, m_ui->actionStop, m_ui->actionResetCharts);

    connect(m_ui->actionStart, &QAction::triggered, this, &MainWindow::startRun);
    connect(m_ui->actionPause, &QAction::triggered, this, &MainWindow::togglePause);
    connect(m_ui->actionStop, &QAction::triggered, this, &MainWindow::stopRun);
    connect(m_ui->actionResetCharts, &QAction::triggered, this, &MainWindow::resetCharts);
    connect(m_ui->actionPauseCharts, &QAction::toggled, chartPanel(), &ChartPanel::setPaused);
    connect(
        chartPanel(), &ChartPanel::pausedChanged, m_ui->actionPauseCharts, &QAction::setChecked);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About CacheScope"),
            tr("<h3>CacheScope %1</h3><p>See, live, what a cache in front of your database does: "
               "hit ratio, evictions, throughput and latency while you tune it.</p>"
               "<p>Traces replay through the same policies as libCacheSim counts them.</p>")
                .arg(QCoreApplication::applicationVersion()));
    });
    setUpFileActions();
}

void MainWindow::setUpStatusBar()
{
    m_stateLabel = new QLabel(this);
    m_elapsedLabel = new QLabel(this);
    m_rateLabel = new QLabel(this);
    m_hitLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(260);
    m_progress->setRange(0, 100);
    m_progress->hide();
    m_cancelPrepare = new QToolButton(this);
    m_cancelPrepare->setText(tr("Cancel"));
    m_cancelPrepare->setToolTip(tr("Stop creating the demo database (nothing is kept)"));
    m_cancelPrepare->hide();
    connect(m_cancelPrepare, &QToolButton::clicked, this, &MainWindow::stopRun);
    for (QLabel *l : { m_stateLabel, m_elapsedLabel, m_rateLabel, m_hitLabel })
        l->setMinimumWidth(fontMetrics().horizontalAdvance(u"0000000 req/s  "_s));
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelPrepare);
    statusBar()->addPermanentWidget(m_stateLabel);
    statusBar()->addPermanentWidget(m_elapsedLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_hitLabel);
}

void MainWindow::setUpScenarios()
{
    QList<Error> errors;
    m_scenarios = loadBuiltInScenarios(&errors);
    for (const Error &e : std::as_const(errors))
        reportError(tr("A scenario preset is broken"), e);
    runPanel()->setScenarios(m_scenarios);
    for (const Scenario &s : std::as_const(m_scenarios)) {
        QAction *a = m_ui->menuScenarios->addAction(s.title);
        a->setToolTip(s.lookFor);
        a->setStatusTip(s.lookFor);
        connect(a, &QAction::triggered, this, [this, id = s.id] { startScenario(id); });
    }
    // "Watch a Redis" is not a run of the engine: a local redis-server, load, the Monitor tab.
    m_ui->menuScenarios->addSeparator();
    QAction *redis = m_ui->menuScenarios->addAction(tr("Watch a Redis (local redis-server)"));
    redis->setEnabled(LocalRedisServer::isInstalled());
    redis->setToolTip(redis->isEnabled()
            ? tr("Starts a throwaway redis-server with 4 MB of maxmemory, drives it with "
                 "CacheScope's cache-aside load (user, item and one-off session keys) and "
                 "watches it in the Monitor tab: hit ratio, evictions, memory at the limit.")
            : tr("Needs redis-server (Debian package redis-server; scripts/run installs it)."));
    connect(
        redis, &QAction::triggered, this, [this] { startScenario(watchRedisScenario.toString()); });
    m_ui->menuScenarios->setToolTipsVisible(true);
    connect(runPanel(), &RunPanel::scenarioRequested, this,
        [this](const QString &id) { startScenario(id); });
}

void MainWindow::connectSession()
{
    connect(m_session, &RunSession::stateChanged, this, [this](RunSession::State state) {
        updateRunState();
        emit runStateChanged(state);
    });
    connect(m_session, &RunSession::preparing, this, [this] {
        statusBar()->showMessage(tr("Checking the demo database…"), 3000);
        m_cancelPrepare->show();
    });
    connect(m_session, &RunSession::demoProgress, this, [this](qint64 done, qint64 total) {
        m_progress->setVisible(true);
        m_progress->setFormat(tr("creating the demo database %p%"));
        m_progress->setValue(total > 0 ? int(done * 100 / total) : 0);
    });
    connect(m_session, &RunSession::started, this, [this](bool continued) {
        if (!continued) {
            clearCharts();
            m_counters->clear();
            refreshTemplates(true);
        }
    });
    connect(m_session, &RunSession::finished, this, [this] {
        refreshTemplates(true);
        estimateTemplateCapacity();
    });
    connect(m_session, &RunSession::tick, this, &MainWindow::onTick);
    connect(m_session, &RunSession::marker, this, &MainWindow::addMarker);
    connect(m_session, &RunSession::changed, this, [this](const QString &description) {
        m_log->add(LogModel::Level::Change, description);
        statusBar()->showMessage(tr("Changed: %1").arg(description), 5000);
    });
    connect(m_session, &RunSession::configApplied, this, &MainWindow::setPanelConfig);
    connect(m_session, &RunSession::info, this, &MainWindow::logInfo);
    connect(m_session, &RunSession::failed, this, &MainWindow::onFailure);
}

void MainWindow::onFailure(RunSession::Failure failure, const Error &error)
{
    switch (failure) {
    case RunSession::Failure::StartFailed:
        reportError(tr("The run could not start"), error);
        break;
    case RunSession::Failure::DatabaseNotReady:
        reportError(tr("The database is not ready"), error);
        break;
    case RunSession::Failure::DatabaseError:
        reportError(tr("Database error during the run"), error);
        break;
    case RunSession::Failure::StepBroken:
        reportError(tr("A scenario step is broken"), error);
        break;
    case RunSession::Failure::StepRefused:
        reportError(tr("A scenario step was refused"), error);
        break;
    case RunSession::Failure::QueryLogBroken:
        reportError(tr("The query log stopped the replay"), error);
        break;
    }
}

RunConfig MainWindow::defaultConfig() const { return defaultRunConfig(m_options.demoDatabasePath); }

RunConfig MainWindow::panelConfig() const
{
    RunConfig c = defaultConfig();
    c.database = databasePanel()->settings();
    workloadPanel()->applyTo(c);
    c.cache = cachePanel()->config();
    c.shadows = cachePanel()->shadowsEnabled();
    c.l2 = cachePanel()->l2Settings();
    return c;
}

void MainWindow::setPanelConfig(const RunConfig &config)
{
    databasePanel()->setSettings(config.database);
    workloadPanel()->setConfig(config);
    cachePanel()->setConfig(config.cache);
    cachePanel()->setShadowsEnabled(config.shadows);
    cachePanel()->setL2Settings(config.l2);
    whatIfView()->setShadowsEnabled(config.shadows);
}

bool MainWindow::loadScenario(const QString &name)
{
    if (name == watchRedisScenario) { // nothing to load: it starts a server (startScenario())
        showMonitorTab();
        return true;
    }
    const Scenario *s = findScenario(m_scenarios, name);
    if (!s) {
        reportError(tr("Unknown scenario"), unknownScenarioError(m_scenarios, name));
        return false;
    }
    if (s->fleetInstances > 0) { // the Fleet tab's: its settings, not the panels'
        showFleetTab();
        runPanel()->setCurrentScenario(s->id);
        return fleetPage()->loadScenario(*s);
    }
    // The scenario's settings over the defaults, keeping the database the user chose (apart
    // from the connection mode and simulated delay a scenario may set).
    const Result<RunConfig> config
        = scenarioRunConfig(*s, defaultConfig(), databasePanel()->settings());
    if (!config) {
        reportError(tr("A scenario preset is broken"), config.error());
        return false;
    }
    setPanelConfig(config.value());
    runPanel()->setCurrentScenario(s->id);
    logInfo(tr("Scenario “%1” loaded. Look for: %2").arg(s->title, s->lookFor));
    return true;
}

bool MainWindow::startScenario(const QString &name)
{
    if (name == watchRedisScenario) {
        showMonitorTab();
        m_redisDemo->start();
        return true;
    }
    if (const Scenario *s = findScenario(m_scenarios, name); s && s->fleetInstances > 0) {
        showFleetTab();
        runPanel()->setCurrentScenario(s->id);
        return fleetPage()->startScenario(*s);
    }
    if (!loadScenario(name))
        return false;
    m_session->startScenario(*findScenario(m_scenarios, name), panelConfig());
    return true;
}

void MainWindow::startRun() { m_session->start(panelConfig()); }

void MainWindow::stopRun() { m_session->stop(); }

void MainWindow::togglePause() { m_session->togglePause(); }

void MainWindow::resetCharts()
{
    clearCharts();
    m_session->clearHistory();
    m_counters->clear();
    logInfo(tr("Charts reset"));
}

void MainWindow::showTraceTab() { m_ui->tabs->setCurrentWidget(traceReplay()); }

void MainWindow::showMonitorTab() { m_ui->tabs->setCurrentWidget(monitorPage()); }

void MainWindow::showFleetTab() { m_ui->tabs->setCurrentWidget(fleetPage()); }

void MainWindow::showWhatIfPage()
{
    m_ui->tabs->setCurrentWidget(m_ui->liveTab);
    m_ui->chartTabs->setCurrentWidget(whatIfView());
}

void MainWindow::addMarker(double t, const QString &label)
{
    chartPanel()->addMarker(t, label);
    whatIfView()->addMarker(t, label);
}

void MainWindow::clearCharts()
{
    chartPanel()->clear();
    whatIfView()->clear();
}

void MainWindow::onPanelChanged()
{
    whatIfView()->setShadowsEnabled(cachePanel()->shadowsEnabled());
    if (!m_session->isLive()) {
        // Preparing: the run starts with what the panels show now; idle: the next run's.
        (void)m_session->applyConfig(panelConfig());
        return;
    }
    if (Result<void> applied = m_session->applyConfig(panelConfig()); !applied) {
        reportError(tr("The change was refused"), applied.error());
        setPanelConfig(engine()->config()); // show what the engine runs with
    }
}

void MainWindow::onTick(double t, const MetricsSnapshot &s)
{
    const L2Settings &l2 = engine()->config().l2;
    chartPanel()->setSecondTier(l2.isSet());
    m_counters->setSecondTier(l2.isSet(), l2.invalidation);
    chartPanel()->addSnapshot(t, s);
    whatIfView()->addSample(t, s, engine()->config().cache.policy, engine()->shadowSnapshot());
    m_counters->setSnapshot(s);
    refreshTemplates(false);
    updateStatus();
}

void MainWindow::updateRunState()
{
    const RunState state = runState();
    const bool idle = state == RunState::Idle;
    const bool live = state == RunState::Running || state == RunState::Paused;
    m_ui->actionStart->setEnabled(idle);
    m_ui->actionPause->setEnabled(live);
    m_ui->actionPause->setText(state == RunState::Paused ? tr("Resu&me") : tr("&Pause"));
    m_ui->actionPause->setIcon(style()->standardIcon(
        state == RunState::Paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    m_ui->actionStop->setEnabled(!idle && state != RunState::Stopping);
    databasePanel()->setRunActive(!idle);
    workloadPanel()->setRunActive(!idle);
    cachePanel()->setRunActive(!idle);
    if (state != RunState::Preparing) {
        m_progress->hide();
        m_cancelPrepare->hide();
    }
    updateStatus();
}

void MainWindow::updateStatus()
{
    const std::optional<MetricsSnapshot> &last = m_session->lastSnapshot();
    QString state;
    switch (runState()) {
    case RunState::Idle:
        state = last ? tr("Stopped") : tr("Idle");
        break;
    case RunState::Preparing:
        state = tr("Preparing the database…");
        break;
    case RunState::Starting:
        state = tr("Starting…");
        break;
    case RunState::Running:
        state = tr("Running");
        break;
    case RunState::Paused:
        state = tr("Paused");
        break;
    case RunState::Stopping:
        state = tr("Stopping…");
        break;
    }
    m_stateLabel->setText(state);
    if (last) {
        // Time on the charts' timeline, which a scenario's restart continues.
        m_elapsedLabel->setText(formatElapsed(qint64(m_session->lastTime() * 1000.0)));
        m_rateLabel->setText(
            tr("%1 req/s").arg(QLocale().toString(last->requestsPerSecond, 'f', 0)));
        m_hitLabel->setText(tr("hit ratio %1").arg(formatRatio(last->totalHitRatio())));
    } else {
        m_elapsedLabel->setText(formatElapsed(0));
        m_rateLabel->setText(tr("— req/s"));
        m_hitLabel->setText(tr("hit ratio n/a"));
    }
}

void MainWindow::logInfo(const QString &message) { m_log->add(LogModel::Level::Info, message); }

void MainWindow::reportError(const QString &context, const Error &error)
{
    const QString text = context + u": "_s + error.toString();
    m_log->add(LogModel::Level::Error, text);
    messageBanner()->showMessage(MessageBanner::Kind::Error, text);
    statusBar()->showMessage(text, 10000);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_options.useSettings)
        saveSettings();
    m_session->shutDown();
    traceReplay()->cancelReplay();
    monitorPage()->disconnectFromServer();
    event->accept();
}

} // namespace CacheScope
