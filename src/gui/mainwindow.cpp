#include "mainwindow.h"

#include "ui_mainwindow.h"

#include "cachepanel.h"
#include "chartpanel.h"
#include "configjson.h"
#include "countersmodel.h"
#include "databasepanel.h"
#include "databasetasks.h"
#include "livechart.h"
#include "logmodel.h"
#include "messagebanner.h"
#include "runpanel.h"
#include "tracereplaywidget.h"
#include "whatifview.h"
#include "workloadpanel.h"

#include <QCloseEvent>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QStyle>
#include <QTableView>
#include <QToolButton>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

QString formatElapsed(qint64 ms)
{
    const qint64 s = ms / 1000;
    return u"%1:%2:%3"_s.arg(s / 3600, 2, 10, QChar(u'0'))
        .arg((s / 60) % 60, 2, 10, QChar(u'0'))
        .arg(s % 60, 2, 10, QChar(u'0'));
}

Result<void> writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { file.errorString(), path, 0, {}, {} };
    file.write(bytes);
    if (!file.commit())
        return Error { file.errorString(), path, 0, {}, {} };
    return {};
}

Result<void> savePng(const QPixmap &pixmap, const QString &path)
{
    if (pixmap.isNull())
        return Error { u"nothing to save: the window is not shown"_s, path, 0, {}, {} };
    if (!pixmap.save(path, "PNG"))
        return Error { u"cannot write the PNG file"_s, path, 0, {}, {} };
    return {};
}

} // namespace

MainWindow::MainWindow(const MainWindowOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_options(options)
    , m_history(ChartPanel::windowPoints)
{
    if (m_options.demoDatabasePath.isEmpty())
        m_options.demoDatabasePath = defaultDemoDatabasePath();
    m_ui->setupUi(this);
    setWindowIcon(QIcon(u":/icons/cachescope.png"_s));

    m_engine = new QueryEngine(this);
    m_tasks = new DatabaseTasks(this);
    m_log = new LogModel(2000, this);
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
    chartPanel()->setCornerWidget(m_countersView);
    chartPanel()->setMinRenderIntervalMs(m_options.chartRenderIntervalMs);
    whatIfView()->setMinRenderIntervalMs(m_options.chartRenderIntervalMs);
    whatIfView()->setViewSpan(chartPanel()->viewSpan());
    connect(chartPanel(), &ChartPanel::viewSpanChanged, whatIfView(), &WhatIfView::setViewSpan);

    m_ui->mainSplitter->setStretchFactor(1, 1);
    m_ui->mainSplitter->setSizes({ 370, 1030 });
    m_ui->chartSplitter->setStretchFactor(0, 1);
    m_ui->chartSplitter->setSizes({ 700, 110 });
    // The panels never scroll sideways: the column is as wide as their widest row.
    m_ui->panelScroll->setMinimumWidth(m_ui->panelContainer->minimumSizeHint().width()
        + m_ui->panelScroll->verticalScrollBar()->sizeHint().width() + 4);

    databasePanel()->setDefaultSqlitePath(m_options.demoDatabasePath);
    setPanelConfig(defaultConfig());

    setUpActions();
    setUpStatusBar();
    setUpScenarios();
    connectEngine();

    connect(databasePanel(), &DatabasePanel::testRequested, this, [this] {
        const ConnectionSettings settings = databasePanel()->settings();
        databasePanel()->setTestRunning();
        logInfo(tr("Testing the connection to %1…").arg(settings.description()));
        m_tasks->testConnection(settings);
    });
    connect(
        m_tasks, &DatabaseTasks::connectionTested, this, [this](bool ok, const QString &message) {
            databasePanel()->setTestResult(ok, message);
            if (ok) {
                logInfo(tr("Connection test: %1").arg(message));
            } else {
                Error e;
                e.message = message;
                reportError(tr("Connection test failed"), e);
            }
        });
    connect(m_tasks, &DatabaseTasks::demoProgress, this, [this](qint64 done, qint64 total) {
        m_progress->setVisible(true);
        m_progress->setFormat(tr("creating the demo database %p%"));
        m_progress->setValue(total > 0 ? int(done * 100 / total) : 0);
    });
    connect(m_tasks, &DatabaseTasks::demoReady, this, [this](const DemoDatabaseInfo &info) {
        m_progress->hide();
        m_cancelPrepare->hide();
        if (m_runState != RunState::Preparing)
            return;
        if (m_startAfterStop) { // a scenario was picked meanwhile: the database is ready for it
            m_prepareCancelled = false;
            const RunConfig next = *m_startAfterStop;
            m_startAfterStop.reset();
            setRunState(RunState::Idle);
            startWith(next, m_startAfterStopContinues);
            return;
        }
        if (m_prepareCancelled) { // Stop came while only the metadata was being read
            m_prepareCancelled = false;
            m_scenario.reset();
            setRunState(RunState::Idle);
            logInfo(tr("Start cancelled while the demo database was being prepared"));
            return;
        }
        logInfo(tr("Demo database ready: %L1 customers, %L2 products, %L3 orders (rows scale %4)")
                    .arg(info.customers)
                    .arg(info.products)
                    .arg(info.orders)
                    .arg(info.rowsScale));
        launchEngine();
    });
    connect(m_tasks, &DatabaseTasks::demoFailed, this, [this](const Error &e) {
        m_progress->hide();
        m_cancelPrepare->hide();
        setRunState(RunState::Idle);
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
            logInfo(tr("Start cancelled while the demo database was being prepared"));
        else
            reportError(tr("The database is not ready"), e);
    });

    connect(workloadPanel(), &WorkloadPanel::changed, this, &MainWindow::onPanelChanged);
    connect(cachePanel(), &CachePanel::changed, this, &MainWindow::onPanelChanged);
    connect(databasePanel(), &DatabasePanel::changed, this, &MainWindow::onPanelChanged);
    connect(traceReplay(), &TraceReplayWidget::errorOccurred, this,
        [this](const Error &e) { reportError(tr("Trace replay"), e); });
    connect(traceReplay(), &TraceReplayWidget::messageLogged, this, &MainWindow::logInfo);
    connect(traceReplay(), &TraceReplayWidget::recentTracesChanged, this,
        &MainWindow::updateRecentTracesMenu);

    m_tick.setInterval(m_options.tickIntervalMs);
    connect(&m_tick, &QTimer::timeout, this, &MainWindow::tick);

    if (m_options.useSettings)
        restoreSettings();
    setRunState(RunState::Idle);
    logInfo(tr(
        "Ready. Pick a scenario and press Load & Start, or set the panels and press Start (F5)."));
}

MainWindow::~MainWindow() { m_tick.stop(); }

ChartPanel *MainWindow::chartPanel() const { return m_ui->chartPanel; }

WhatIfView *MainWindow::whatIfView() const { return m_ui->whatIfView; }

DatabasePanel *MainWindow::databasePanel() const { return m_ui->databasePanel; }

WorkloadPanel *MainWindow::workloadPanel() const { return m_ui->workloadPanel; }

CachePanel *MainWindow::cachePanel() const { return m_ui->cachePanel; }

RunPanel *MainWindow::runPanel() const { return m_ui->runPanel; }

TraceReplayWidget *MainWindow::traceReplay() const { return m_ui->traceReplay; }

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

    connect(m_ui->actionSaveConfig, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save configuration"), u"cachescope-config.json"_s, tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = saveConfig(path); !r)
            reportError(tr("Cannot save the configuration"), r.error());
        else
            logInfo(tr("Configuration saved to %1").arg(path));
    });
    connect(m_ui->actionOpenConfig, &QAction::triggered, this, [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Open configuration"), {}, tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = loadConfig(path); !r)
            reportError(tr("Cannot load the configuration"), r.error());
    });
    connect(m_ui->actionExportCsv, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export time series"), u"cachescope-timeseries.csv"_s, tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = exportTimeSeries(path); !r)
            reportError(tr("Cannot export the time series"), r.error());
        else
            logInfo(tr("Time series (%n rows) exported to %1", nullptr, int(m_history.size()))
                        .arg(path));
    });
    connect(m_ui->actionSaveWindowPng, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save window as PNG"), u"cachescope.png"_s, tr("PNG images (*.png)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = saveWindowImage(path); !r)
            reportError(tr("Cannot save the window image"), r.error());
        else
            logInfo(tr("Window saved to %1").arg(path));
    });
    for (int id = 0; id < ChartPanel::ChartCount; ++id) {
        LiveChart *chart = chartPanel()->chart(id);
        auto *action = new QAction(tr("Save “%1” as PNG…").arg(chart->title()), this);
        connect(action, &QAction::triggered, this, [this, id, chart] {
            QString name = chart->title().toLower();
            name.replace(u' ', u'-');
            const QString path = QFileDialog::getSaveFileName(this, tr("Save chart as PNG"),
                u"cachescope-"_s + name + u".png"_s, tr("PNG images (*.png)"));
            if (path.isEmpty())
                return;
            if (Result<void> r = saveChartImage(id, path); !r)
                reportError(tr("Cannot save the chart"), r.error());
            else
                logInfo(tr("Chart saved to %1").arg(path));
        });
        m_ui->menuExportChart->addAction(action);
        chart->addAction(action);
        chart->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
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
    m_ui->menuScenarios->setToolTipsVisible(true);
    connect(runPanel(), &RunPanel::scenarioRequested, this,
        [this](const QString &id) { startScenario(id); });
}

void MainWindow::connectEngine()
{
    connect(m_engine, &QueryEngine::started, this, &MainWindow::onStarted);
    connect(m_engine, &QueryEngine::startFailed, this, [this](const Error &e) {
        setRunState(RunState::Idle);
        m_scenario.reset();
        reportError(tr("The run could not start"), e);
    });
    connect(m_engine, &QueryEngine::stopped, this, &MainWindow::onStopped);
    connect(m_engine, &QueryEngine::configChanged, this, &MainWindow::onConfigChanged);
    connect(m_engine, &QueryEngine::errorOccurred, this,
        [this](const Error &e) { reportError(tr("Database error during the run"), e); });
    connect(m_engine, &QueryEngine::stateChanged, this, [this](EngineState state) {
        switch (state) {
        case EngineState::Running:
            setRunState(RunState::Running);
            break;
        case EngineState::Paused:
            setRunState(RunState::Paused);
            break;
        case EngineState::Stopping:
            setRunState(RunState::Stopping);
            break;
        case EngineState::Starting:
            setRunState(RunState::Starting);
            break;
        case EngineState::Idle:
            if (m_runState != RunState::Preparing)
                setRunState(RunState::Idle);
            break;
        }
    });
}

RunConfig MainWindow::defaultConfig() const
{
    RunConfig c;
    c.database.driver = DatabaseDriver::Sqlite;
    c.database.database = m_options.demoDatabasePath;
    c.workload.kind = u"zipf"_s;
    c.workload.keys = 100000;
    c.workload.alpha = 0.99;
    c.workload.requests = 0; // a live run is unbounded
    c.threads = 4;
    c.cache.policy = u"qcache"_s;
    c.cache.capacity = 10000;
    return c;
}

RunConfig MainWindow::panelConfig() const
{
    RunConfig c = defaultConfig();
    c.database = databasePanel()->settings();
    workloadPanel()->applyTo(c);
    c.cache = cachePanel()->config();
    c.shadows = cachePanel()->shadowsEnabled();
    return c;
}

void MainWindow::setPanelConfig(const RunConfig &config)
{
    databasePanel()->setSettings(config.database);
    workloadPanel()->setConfig(config);
    cachePanel()->setConfig(config.cache);
    cachePanel()->setShadowsEnabled(config.shadows);
    whatIfView()->setShadowsEnabled(config.shadows);
}

bool MainWindow::loadScenario(const QString &name)
{
    const Scenario *s = findScenario(m_scenarios, name);
    if (!s) {
        QStringList ids;
        for (const Scenario &sc : std::as_const(m_scenarios))
            ids << sc.id;
        Error e;
        e.message = u"is not a scenario; scenarios: "_s + ids.join(u", "_s);
        e.field = u"scenario"_s;
        e.value = name;
        reportError(tr("Unknown scenario"), e);
        return false;
    }
    // The scenario's settings over the defaults, keeping the database the user chose (apart
    // from the connection mode and simulated delay a scenario may set).
    RunConfig base = defaultConfig();
    base.database = databasePanel()->settings();
    base.database.connectionMode = ConnectionMode::PerThread;
    base.database.simulatedDelayMs = 0;
    Result<RunConfig> config
        = runConfigFromJson(s->config, base, u":/scenarios/"_s + s->id + u".json"_s);
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
    if (!loadScenario(name))
        return false;
    const Scenario *s = findScenario(m_scenarios, name);
    const RunConfig config = panelConfig();
    m_scenario = *s;
    m_nextStep = 0;
    if (m_runState == RunState::Idle) {
        startWith(config, false);
    } else {
        // Stop what runs; onStopped() starts the scenario.
        m_startAfterStop = config;
        m_startAfterStopContinues = false;
        m_restartNote.clear();
        if (m_runState == RunState::Preparing) {
            m_prepareCancelled = true;
            m_tasks->cancelPrepare();
        } else {
            m_engine->stop();
        }
    }
    return true;
}

void MainWindow::startRun()
{
    if (m_runState != RunState::Idle)
        return;
    m_scenario.reset();
    startWith(panelConfig(), false);
}

void MainWindow::startWith(const RunConfig &config, bool continueTimeline)
{
    m_pendingConfig = config;
    m_pendingContinue = continueTimeline;
    setRunState(RunState::Preparing);
    if (!config.customSql.isEmpty()) {
        launchEngine(); // the user's own schema: no demo tables to create
        return;
    }
    statusBar()->showMessage(tr("Checking the demo database…"), 3000);
    m_cancelPrepare->show();
    m_tasks->prepareDemo(config.database, m_options.demoRowsScale);
}

void MainWindow::launchEngine()
{
    const Result<void> started = m_engine->start(m_pendingConfig);
    if (!started) {
        setRunState(RunState::Idle);
        m_scenario.reset();
        reportError(tr("The run could not start"), started.error());
        return;
    }
    if (m_runState == RunState::Preparing)
        setRunState(RunState::Starting); // started() or startFailed() follows
}

void MainWindow::onStarted()
{
    m_sampler.reset();
    if (m_pendingContinue) {
        m_timelineOffset = m_lastTime;
        if (!m_restartNote.isEmpty()) {
            addMarker(m_timelineOffset, m_restartNote);
            m_history.addChange(m_restartNote);
            m_log->add(LogModel::Level::Change, m_restartNote);
            m_restartNote.clear();
        }
    } else {
        m_timelineOffset = 0;
        m_lastTime = 0;
        clearCharts();
        m_history.clear();
        m_counters->clear();
    }
    m_lastSnapshot.reset();
    m_tick.start();
    const RunConfig &c = m_engine->config();
    logInfo(tr("Run started: %1 workers, %2 keys (%3), cache %4 of %L5 %6, on %7")
                .arg(c.threads)
                .arg(c.workload.kind)
                .arg(c.workload.keys)
                .arg(c.cache.policy)
                .arg(c.cache.capacity)
                .arg(c.cache.sizeUnit == SizeUnit::Bytes ? tr("bytes") : tr("entries"))
                .arg(c.database.description()));
    setRunState(m_engine->state() == EngineState::Paused ? RunState::Paused : RunState::Running);
}

void MainWindow::stopRun()
{
    m_scenario.reset();
    m_startAfterStop.reset();
    if (m_runState == RunState::Preparing) {
        m_prepareCancelled = true;
        m_tasks->cancelPrepare();
        return;
    }
    if (m_engine->isActive())
        m_engine->stop();
}

void MainWindow::onStopped()
{
    tick(); // the last interval
    m_tick.stop();
    if (m_lastSnapshot)
        logInfo(tr("Run stopped after %1: %L2 requests, hit ratio %3")
                    .arg(formatElapsed(m_lastSnapshot->elapsedMs))
                    .arg(m_lastSnapshot->total.requests)
                    .arg(formatRatio(m_lastSnapshot->totalHitRatio())));
    setRunState(RunState::Idle);
    if (m_startAfterStop) {
        const RunConfig next = *m_startAfterStop;
        const bool continues = m_startAfterStopContinues;
        m_startAfterStop.reset();
        startWith(next, continues);
    }
}

void MainWindow::togglePause()
{
    if (m_engine->state() == EngineState::Running)
        m_engine->pause();
    else if (m_engine->state() == EngineState::Paused)
        m_engine->resume();
}

void MainWindow::resetCharts()
{
    clearCharts();
    m_history.clear();
    m_counters->clear();
    logInfo(tr("Charts reset"));
}

void MainWindow::showTraceTab() { m_ui->tabs->setCurrentWidget(traceReplay()); }

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

double MainWindow::currentTime() const
{
    if (m_engine->state() == EngineState::Running || m_engine->state() == EngineState::Paused)
        return m_timelineOffset + double(m_engine->reading().elapsedMs) / 1000.0;
    return m_lastTime;
}

void MainWindow::onConfigChanged(const QString &description)
{
    if (m_runState == RunState::Running || m_runState == RunState::Paused) {
        if (m_stepNote.isEmpty()) // a scenario step marks the charts with its own note
            addMarker(currentTime(), description);
        m_history.addChange(description);
    }
    m_log->add(LogModel::Level::Change, description);
    statusBar()->showMessage(tr("Changed: %1").arg(description), 5000);
}

void MainWindow::onPanelChanged()
{
    whatIfView()->setShadowsEnabled(cachePanel()->shadowsEnabled());
    if (m_runState == RunState::Preparing) {
        // Not running yet: the run starts with what the panels show now.
        const ConnectionSettings db = m_pendingConfig.database;
        m_pendingConfig = panelConfig();
        m_pendingConfig.database = db;
        return;
    }
    if (m_runState != RunState::Running && m_runState != RunState::Paused)
        return; // the panels are the next run's configuration
    RunConfig target = panelConfig();
    const RunConfig &now = m_engine->config();
    target.database = now.database; // not live: locked while running
    target.customSql = now.customSql;
    target.cache.shardCount = now.cache.shardCount;
    if (Result<void> applied = applyLive(target); !applied) {
        reportError(tr("The change was refused"), applied.error());
        setPanelConfig(m_engine->config()); // show what the engine runs with
    }
}

Result<void> MainWindow::applyLive(const RunConfig &target)
{
    // One setter per changed field; each validates and reports itself with configChanged().
    const RunConfig now = m_engine->config();
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

void MainWindow::tick()
{
    // The timer runs from started() to stopped(); onStopped() calls this once more for the
    // last interval before stopping it.
    if (!m_tick.isActive() || m_engine->state() == EngineState::Starting)
        return;
    const MetricsSnapshot s = m_sampler.sample(m_engine->reading());
    if (m_lastSnapshot && s.elapsedMs <= m_lastSnapshot->elapsedMs)
        return; // no time passed since the last sample (the final sample after a stop)
    const double t = m_timelineOffset + double(s.elapsedMs) / 1000.0;
    m_lastTime = t;
    m_lastSnapshot = s;
    chartPanel()->addSnapshot(t, s);
    whatIfView()->addSample(t, s, m_engine->config().cache.policy, m_engine->shadowSnapshot());
    m_history.add(t, s);
    m_counters->setSnapshot(s);
    updateStatus();
    runScenarioSteps(t);
}

void MainWindow::runScenarioSteps(double t)
{
    if (!m_scenario || (m_runState != RunState::Running && m_runState != RunState::Paused))
        return;
    while (m_scenario && m_nextStep < m_scenario->steps.size()
        && double(m_scenario->steps.at(m_nextStep).atMs) / 1000.0 <= t) {
        const ScenarioStep step = m_scenario->steps.at(m_nextStep++);
        Result<RunConfig> target = runConfigFromJson(
            step.set, m_engine->config(), u":/scenarios/"_s + m_scenario->id + u".json"_s);
        if (!target) {
            reportError(tr("A scenario step is broken"), target.error());
            continue;
        }
        logInfo(tr("Scenario step at %1 s: %2").arg(double(step.atMs) / 1000.0).arg(step.note));
        if (step.restart) {
            m_startAfterStop = target.value();
            m_startAfterStopContinues = true;
            m_restartNote = step.note;
            setPanelConfig(target.value());
            m_engine->stop();
            return; // later steps run on the restarted engine
        }
        m_stepNote = step.note;
        const Result<void> applied = applyLive(target.value());
        m_stepNote.clear();
        addMarker(currentTime(), step.note);
        if (!applied)
            reportError(tr("A scenario step was refused"), applied.error());
        setPanelConfig(m_engine->config());
    }
}

void MainWindow::setRunState(RunState state)
{
    const bool changed = state != m_runState;
    m_runState = state;
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
    updateStatus();
    if (changed)
        emit runStateChanged(state);
}

void MainWindow::updateStatus()
{
    QString state;
    switch (m_runState) {
    case RunState::Idle:
        state = m_lastSnapshot ? tr("Stopped") : tr("Idle");
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
    if (m_lastSnapshot) {
        // Time on the charts' timeline, which a scenario's restart continues.
        m_elapsedLabel->setText(formatElapsed(qint64(m_lastTime * 1000.0)));
        m_rateLabel->setText(
            tr("%1 req/s").arg(QLocale().toString(m_lastSnapshot->requestsPerSecond, 'f', 0)));
        m_hitLabel->setText(tr("hit ratio %1").arg(formatRatio(m_lastSnapshot->totalHitRatio())));
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

Result<void> MainWindow::saveConfig(const QString &path) const
{
    const QJsonDocument doc(runConfigToJson(panelConfig()));
    return writeFile(path, doc.toJson(QJsonDocument::Indented));
}

Result<void> MainWindow::loadConfig(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { file.errorString(), path, 0, {}, {} };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        Error e { u"is not a JSON object: "_s + parseError.errorString(), path, 0, {}, {} };
        e.offset = parseError.offset;
        return e;
    }
    Result<RunConfig> config = runConfigFromJson(doc.object(), panelConfig(), path);
    if (!config)
        return config.error();
    RunConfig c = config.value();
    c.database.password = databasePanel()->settings().password; // never in the file
    if (m_runState == RunState::Running || m_runState == RunState::Paused) {
        RunConfig live = c;
        const RunConfig &now = m_engine->config();
        if (!(live.database == now.database) || live.customSql != now.customSql)
            logInfo(tr("The database and custom SQL of %1 apply at the next start").arg(path));
        live.database = now.database;
        live.customSql = now.customSql;
        live.cache.shardCount = now.cache.shardCount;
        if (Result<void> r = applyLive(live); !r)
            return r;
        setPanelConfig(live);
    } else {
        setPanelConfig(c);
    }
    logInfo(tr("Configuration loaded from %1").arg(path));
    return {};
}

Result<void> MainWindow::exportTimeSeries(const QString &path) const
{
    return m_history.writeCsv(path);
}

Result<void> MainWindow::saveChartImage(int chartId, const QString &path) const
{
    if (chartId < 0 || chartId >= ChartPanel::ChartCount)
        return Error { u"no such chart"_s, path, 0, u"chart"_s, QString::number(chartId) };
    return savePng(chartPanel()->chart(chartId)->grab(), path);
}

Result<void> MainWindow::saveWindowImage(const QString &path) { return savePng(grab(), path); }

void MainWindow::updateRecentTracesMenu(const QStringList &paths)
{
    m_ui->menuRecentTraces->clear();
    for (const QString &path : paths) {
        m_ui->menuRecentTraces
            ->addAction(QFileInfo(path).fileName(), this,
                [this, path] {
                    showTraceTab();
                    traceReplay()->setTracePath(path);
                })
            ->setToolTip(path);
    }
    m_ui->menuRecentTraces->setEnabled(!paths.isEmpty());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_ui->mainSplitter->restoreState(settings.value(u"window/mainSplitter"_s).toByteArray());
    m_ui->chartSplitter->restoreState(settings.value(u"window/chartSplitter"_s).toByteArray());
    const QByteArray json = settings.value(u"run/config"_s).toByteArray();
    if (!json.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(json);
        if (doc.isObject()) {
            Result<RunConfig> c
                = runConfigFromJson(doc.object(), defaultConfig(), tr("saved settings"));
            if (c)
                setPanelConfig(c.value());
            else
                reportError(tr("The saved configuration was ignored"), c.error());
        }
    }
    const QString scenario = settings.value(u"run/scenario"_s).toString();
    if (!scenario.isEmpty())
        runPanel()->setCurrentScenario(scenario);
    const double span = settings.value(u"charts/span"_s, 60.0).toDouble();
    chartPanel()->setViewSpan(span);
    const QStringList recent = settings.value(u"trace/recent"_s).toStringList();
    traceReplay()->setRecentTraces(recent);
    updateRecentTracesMenu(recent);
    if (settings.contains(u"trace/policies"_s))
        traceReplay()->setSelectedPolicies(settings.value(u"trace/policies"_s).toStringList());
    if (settings.contains(u"trace/capacities"_s))
        traceReplay()->setCapacities(settings.value(u"trace/capacities"_s).toString());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/mainSplitter"_s, m_ui->mainSplitter->saveState());
    settings.setValue(u"window/chartSplitter"_s, m_ui->chartSplitter->saveState());
    settings.setValue(u"run/config"_s,
        QJsonDocument(runConfigToJson(panelConfig())).toJson(QJsonDocument::Compact));
    settings.setValue(u"run/scenario"_s, runPanel()->currentScenarioId());
    settings.setValue(u"charts/span"_s, chartPanel()->viewSpan());
    settings.setValue(u"trace/recent"_s, traceReplay()->recentTraces());
    settings.setValue(u"trace/policies"_s, traceReplay()->selectedPolicies());
    settings.setValue(u"trace/capacities"_s, traceReplay()->capacities());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_options.useSettings)
        saveSettings();
    m_tick.stop();
    m_scenario.reset();
    m_startAfterStop.reset();
    if (m_engine->isActive())
        m_engine->stop(); // ~QueryEngine waits for the workers
    m_tasks->cancelPrepare();
    traceReplay()->cancelReplay();
    event->accept();
}

} // namespace CacheScope
