// The main window against a real SQLite demo database (rows scale 0.01, in a temporary
// directory): scenarios fill every chart, panel edits reach the live engine and mark the
// charts, a bad PostgreSQL port is reported without taking the window down.

#include "core/history/historywriter.h"
#include "core/history/runhistory.h"
#include "core/history/sessionrecorder.h"
#include "gui/cachepanel.h"
#include "gui/chartpanel.h"
#include "gui/countersmodel.h"
#include "gui/databasepanel.h"
#include "gui/guiresources.h"
#include "gui/livechart.h"
#include "gui/logmodel.h"
#include "gui/mainwindow.h"
#include "gui/whatifview.h"
#include "gui/messagebanner.h"
#include "gui/runpanel.h"
#include "gui/tracereplaywidget.h"

#include "testsupport.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_MainWindowRun : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void fontsRender();
    void scenarioFillsEveryChart();
    void capacityChangeReachesEngineAndMarksCharts();
    void policyChangeReachesEngineAndMarksCharts();
    void refusedChangeIsReportedAndPanelReverts();
    void badPostgresPortShowsErrorAndWindowStaysUsable();
    void stopWhilePreparingStartsNothing();
    void scenarioPickedWhilePreparingWins();
    void exportsTimeSeriesAndConfig();
    void settingsRememberConfigAndRecentTraces();
    void runsAreRecordedInTheHistory();
    void traceReplaysAreRecordedInTheHistory();

private:
    std::unique_ptr<MainWindow> makeWindow(const QString &demoFile = u"demo.sqlite"_s);
    void startDefaultRun(MainWindow &w);
    static void stopRun(MainWindow &w);
    static QStringList emptySeries(const ChartPanel &panel);

    QTemporaryDir m_dir;
};

void tst_MainWindowRun::initTestCase()
{
    initCacheScopeResources();
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void tst_MainWindowRun::fontsRender()
{
    // ENVIRONMENT.md §4: without a usable font every glyph is a box and nothing fails.
    QVERIFY2(
        QFontMetrics(QApplication::font()).inFont(QLatin1Char('A')), "install fonts-dejavu-core");
}

std::unique_ptr<MainWindow> tst_MainWindowRun::makeWindow(const QString &demoFile)
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(demoFile);
    options.demoRowsScale = 0.01; // 1 000 customers, 10 000 orders: created in well under a second
    options.useSettings = false;
    auto w = std::make_unique<MainWindow>(options);
    w->resize(1400, 860);
    w->show();
    return w;
}

void tst_MainWindowRun::startDefaultRun(MainWindow &w)
{
    w.startRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Running, 60000);
}

void tst_MainWindowRun::stopRun(MainWindow &w)
{
    w.stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Idle, 30000);
}

QStringList tst_MainWindowRun::emptySeries(const ChartPanel &panel)
{
    QStringList empty;
    for (int c = 0; c < ChartPanel::ChartCount; ++c) {
        const LiveChart *chart = panel.chart(c);
        for (int s = 0; s < chart->seriesCount(); ++s) {
            // Shown series are drawn; those hidden from the legend still collect points.
            const bool noPoints = chart->isSeriesVisible(s) ? chart->series(s)->count() == 0
                                                            : chart->buffer(s).isEmpty();
            if (chart->seriesApplies(s) && noPoints)
                empty << chart->title() + u": "_s + chart->series(s)->name();
        }
    }
    return empty;
}

void tst_MainWindowRun::scenarioFillsEveryChart()
{
    auto w = makeWindow();
    QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    QVERIFY(w->startScenario(u"lru-100"_s));
    QTRY_COMPARE_WITH_TIMEOUT(w->runState(), MainWindow::RunState::Running, 60000);

    // The scenario's preset reached the engine.
    const RunConfig &config = w->engine()->config();
    QCOMPARE(config.cache.policy, u"lru"_s);
    QCOMPARE(config.cache.capacity, qint64(100));
    QCOMPARE(config.threads, 10);
    QCOMPARE(config.database.database, m_dir.filePath(u"demo.sqlite"_s));

    // Every visible series of the five charts has points within a few ticks.
    QTRY_VERIFY_WITH_TIMEOUT(emptySeries(*w->chartPanel()).isEmpty(), 5000);
    QVERIFY2(w->history().size() <= 10, qPrintable(u"took %1 ticks"_s.arg(w->history().size())));
    const QStringList empty = emptySeries(*w->chartPanel());
    QVERIFY2(empty.isEmpty(), qPrintable(empty.join(u", "_s)));

    // The counters table shows the run: requests = hits + misses (no writes in this preset).
    const CountersModel *counters = w->countersModel();
    const double requests = counters->index(CountersModel::Requests, CountersModel::TotalColumn)
                                .data(CountersModel::ValueRole)
                                .toDouble();
    const double hits = counters->index(CountersModel::Hits, CountersModel::TotalColumn)
                            .data(CountersModel::ValueRole)
                            .toDouble();
    const double misses = counters->index(CountersModel::Misses, CountersModel::TotalColumn)
                              .data(CountersModel::ValueRole)
                              .toDouble();
    QVERIFY(requests > 0);
    QCOMPARE(hits + misses, requests);
    QVERIFY(!w->runPanel()->lookForText().isEmpty());
    stopRun(*w);
    QCOMPARE(w->logModel()->count(LogModel::Level::Error), 0);
}

void tst_MainWindowRun::capacityChangeReachesEngineAndMarksCharts()
{
    auto w = makeWindow();
    startDefaultRun(*w);
    QCOMPARE(w->engine()->config().cache.capacity, qint64(10000));
    for (int c = 0; c < ChartPanel::ChartCount; ++c)
        QCOMPARE(w->chartPanel()->chart(c)->markerCount(), 0);

    auto *capacity = w->cachePanel()->findChild<QSpinBox *>(u"capacitySpin"_s);
    QVERIFY(capacity);
    capacity->setValue(500);
    QCOMPARE(w->engine()->config().cache.capacity, qint64(500));
    for (int c = 0; c < ChartPanel::ChartCount; ++c) {
        const LiveChart *chart = w->chartPanel()->chart(c);
        QCOMPARE(chart->markerCount(), 1);
        QVERIFY2(chart->markerLabel(0).contains(u"capacity"_s)
                && chart->markerLabel(0).contains(u"500"_s),
            qPrintable(chart->markerLabel(0)));
    }
    QCOMPARE(w->logModel()->count(LogModel::Level::Change), 1);
    // The cache follows: it never holds more than the new capacity for long.
    QTRY_VERIFY_WITH_TIMEOUT(
        w->countersModel()->snapshot() && w->countersModel()->snapshot()->capacity == 500, 5000);
    stopRun(*w);
}

void tst_MainWindowRun::policyChangeReachesEngineAndMarksCharts()
{
    auto w = makeWindow();
    startDefaultRun(*w);
    auto *policy = w->cachePanel()->findChild<QComboBox *>(u"policyCombo"_s);
    QVERIFY(policy);
    const int s3fifo = policy->findData(u"s3fifo"_s);
    QVERIFY(s3fifo >= 0);
    policy->setCurrentIndex(s3fifo);
    QCOMPARE(w->engine()->config().cache.policy, u"s3fifo"_s);
    const LiveChart *hit = w->chartPanel()->chart(ChartPanel::HitRatio);
    QCOMPARE(hit->markerCount(), 1);
    QVERIFY2(hit->markerLabel(0).contains(u"s3fifo"_s), qPrintable(hit->markerLabel(0)));
    // The marker sits at the current time on the timeline, not at 0.
    QVERIFY(hit->markerTime(0) > 0);
    QVERIFY(hit->markerTime(0) <= w->chartPanel()->latestTime() + 1.0);
    stopRun(*w);
}

void tst_MainWindowRun::refusedChangeIsReportedAndPanelReverts()
{
    auto w = makeWindow();
    startDefaultRun(*w);
    auto *point = w->findChild<QDoubleSpinBox *>(u"pointSpin"_s);
    QVERIFY(point);
    // An all-zero query mix is impossible: the engine refuses it and keeps the old one.
    point->setValue(0);
    QCOMPARE(w->engine()->config().mix.point, 1.0);
    QCOMPARE(w->logModel()->count(LogModel::Level::Error), 1);
    QVERIFY(w->messageBanner()->isVisible());
    QCOMPARE(point->value(), 1.0); // the panel shows what the engine runs with
    QCOMPARE(w->runState(), MainWindow::RunState::Running); // the run goes on
    stopRun(*w);
}

void tst_MainWindowRun::badPostgresPortShowsErrorAndWindowStaysUsable()
{
    auto w = makeWindow();
    QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    auto *driver = w->databasePanel()->findChild<QComboBox *>(u"driverCombo"_s);
    auto *port = w->databasePanel()->findChild<QSpinBox *>(u"portSpin"_s);
    auto *test = w->databasePanel()->findChild<QPushButton *>(u"testButton"_s);
    QVERIFY(driver && port && test);
    driver->setCurrentIndex(1);
    port->setValue(1); // nothing listens on port 1: the connection is refused at once
    QCOMPARE(w->databasePanel()->settings().driver, DatabaseDriver::Postgres);

    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w->logModel()->count(LogModel::Level::Error), 1, 30000);
    QVERIFY(w->messageBanner()->isVisible());
    QCOMPARE(w->messageBanner()->kind(), MessageBanner::Kind::Error);
    QVERIFY(w->databasePanel()->statusText().startsWith(u"Failed"_s));
    QVERIFY(test->isEnabled());

    // Start on the same settings: reported the same way, and the window is back to idle.
    w->startRun();
    QTRY_COMPARE_WITH_TIMEOUT(w->logModel()->count(LogModel::Level::Error), 2, 30000);
    QTRY_COMPARE(w->runState(), MainWindow::RunState::Idle);
    QVERIFY(w->findChild<QAction *>(u"actionStart"_s)->isEnabled());
    QVERIFY(driver->isEnabled());

    // Still usable: back to the SQLite demo, and a run starts.
    driver->setCurrentIndex(0);
    QCOMPARE(w->databasePanel()->settings().database, m_dir.filePath(u"demo.sqlite"_s));
    startDefaultRun(*w);
    QTRY_VERIFY_WITH_TIMEOUT(w->history().size() >= 2, 5000);
    stopRun(*w);
}

void tst_MainWindowRun::stopWhilePreparingStartsNothing()
{
    // A fresh file: Start has to create the demo database first, and Stop comes before it is
    // ready (the creation is cancelled, or its answer is ignored).
    auto w = makeWindow(u"stop-while-preparing.sqlite"_s);
    w->startRun();
    QCOMPARE(w->runState(), MainWindow::RunState::Preparing);
    w->stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w->runState(), MainWindow::RunState::Idle, 30000);
    QTest::qWait(300);
    QCOMPARE(w->runState(), MainWindow::RunState::Idle);
    QVERIFY(!w->engine()->isActive());
    QCOMPARE(w->history().size(), 0);
    QCOMPARE(w->logModel()->count(LogModel::Level::Error), 0); // a cancel is not an error
}

void tst_MainWindowRun::scenarioPickedWhilePreparingWins()
{
    auto w = makeWindow(u"scenario-while-preparing.sqlite"_s);
    w->startRun();
    QCOMPARE(w->runState(), MainWindow::RunState::Preparing);
    QVERIFY(w->startScenario(u"write-heavy"_s));
    QTRY_COMPARE_WITH_TIMEOUT(w->runState(), MainWindow::RunState::Running, 60000);
    QCOMPARE(w->engine()->config().writeRatio, 0.3);
    QCOMPARE(w->logModel()->count(LogModel::Level::Error), 0);
    stopRun(*w);
}

void tst_MainWindowRun::exportsTimeSeriesAndConfig()
{
    auto w = makeWindow();
    QVERIFY(w->loadScenario(u"stampede"_s));
    const QString configPath = m_dir.filePath(u"config.json"_s);
    QVERIFY(w->saveConfig(configPath));
    auto other = makeWindow();
    QVERIFY(other->loadConfig(configPath));
    const RunConfig a = w->panelConfig();
    const RunConfig b = other->panelConfig();
    QCOMPARE(b.threads, 16);
    QVERIFY(b.cache.ttlMs > 0);
    QCOMPARE(b.cache.ttlMs, a.cache.ttlMs);
    QCOMPARE(b.database.simulatedDelayMs, a.database.simulatedDelayMs);
    QCOMPARE(b.cache.singleFlight, a.cache.singleFlight);
    QCOMPARE(b.workload.keys, a.workload.keys);
    QCOMPARE(b.mix, a.mix);

    startDefaultRun(*w);
    QTRY_VERIFY_WITH_TIMEOUT(w->history().size() >= 3, 5000);
    stopRun(*w);
    const QString csvPath = m_dir.filePath(u"series.csv"_s);
    QVERIFY(w->exportTimeSeries(csvPath));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), w->history().size() + 1);
    QVERIFY(lines.first().startsWith(u"t_s,elapsed_ms"_s));
    const QString pngPath = m_dir.filePath(u"window.png"_s);
    QVERIFY(w->saveWindowImage(pngPath));
    QVERIFY(QImage(pngPath).width() > 100);
}

void tst_MainWindowRun::settingsRememberConfigAndRecentTraces()
{
    // QStandardPaths' test mode (initTestCase) keeps QSettings away from the user's own file.
    QSettings().clear();
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
    options.useSettings = true;
    {
        MainWindow w(options);
        w.show();
        QVERIFY(w.loadScenario(u"stampede"_s));
        w.findChild<QSpinBox *>(u"capacitySpin"_s)->setValue(1234);
        w.traceReplay()->setRecentTraces({ u"/data/a.trace"_s, u"/data/b.trace"_s });
        w.traceReplay()->setCapacities(u"3%,30%"_s);
        w.chartPanel()->setViewSpan(120);
        QCOMPARE(w.whatIfView()->ratioKind(), WhatIfView::RatioKind::Cumulative); // default
        w.whatIfView()->setRatioKind(WhatIfView::RatioKind::Interval);
        w.resize(1111, 777);
        QVERIFY(w.close());
    }
    MainWindow again(options);
    const RunConfig c = again.panelConfig();
    QCOMPARE(c.cache.capacity, qint64(1234));
    QCOMPARE(c.threads, 16); // the stampede preset's
    QCOMPARE(c.database.database, m_dir.filePath(u"demo.sqlite"_s));
    QCOMPARE(again.traceReplay()->recentTraces(),
        QStringList({ u"/data/a.trace"_s, u"/data/b.trace"_s }));
    QCOMPARE(again.traceReplay()->capacities(), u"3%,30%"_s);
    QCOMPARE(again.chartPanel()->viewSpan(), 120.0);
    QCOMPARE(again.whatIfView()->ratioKind(), WhatIfView::RatioKind::Interval);
    QCOMPARE(again.width(), 1111);
    QVERIFY2(
        qAbs(again.height() - 777) <= 20, qPrintable(QString::number(again.height()))); // frame
    QCOMPARE(again.runPanel()->currentScenarioId(), u"stampede"_s);
    QSettings().clear();
}

/// The app records its runs where the CLI's `runs` reads them, without the GUI thread writing:
/// a scenario's run with its name, configuration, points and summary, complete once stopped.
void tst_MainWindowRun::runsAreRecordedInTheHistory()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"history-demo.sqlite"_s);
    options.demoRowsScale = 0.01;
    options.useSettings = false;
    options.historyPath = m_dir.filePath(u"history.sqlite"_s);
    MainWindow w(options);
    w.show();
    QVERIFY(w.sessionRecorder());
    QVERIFY(w.startScenario(u"hot-set-fits"_s));
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Running, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(w.history().size() >= 25, 10000); // 2.5 s of 100 ms ticks
    stopRun(w);
    w.sessionRecorder()->flush();
    QTRY_VERIFY_WITH_TIMEOUT(w.logModel()->toText().contains(u"Run recorded as run"_s), 5000);

    auto history = RunHistory::open(options.historyPath, false);
    QVERIFY2(history, qPrintable(history ? QString() : history.error().toString()));
    const auto runs = history.value()->list();
    QVERIFY(runs);
    QCOMPARE(runs->size(), 1);
    const Result<RunRecord> run = history.value()->run(runs->at(0).id);
    QVERIFY(run);
    QVERIFY(run->complete);
    QCOMPARE(run->kind, u"live"_s);
    QCOMPARE(run->config.value(u"scenario"_s).toString(), u"hot-set-fits"_s);
    QVERIFY(!run->name.isEmpty()); // the scenario's title
    QCOMPARE(run->policy, w.engine()->config().cache.policy);
    QVERIFY(run->pointCount >= 2 && run->pointCount <= 10); // one a second, not one a tick
    QCOMPARE(run->summary.value(u"final"_s).toBool(), true);
    QVERIFY(run->requests > 0);
    QCOMPARE(qint64(run->summary.value(u"requests"_s).toDouble()), run->requests);
    QVERIFY(run->hitRatio && *run->hitRatio > 0);
}

void tst_MainWindowRun::traceReplaysAreRecordedInTheHistory()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"replay-demo.sqlite"_s);
    options.useSettings = false;
    options.historyPath = m_dir.filePath(u"replay-history.sqlite"_s);
    MainWindow w(options);
    w.show();
    TraceReplayWidget *replay = w.traceReplay();
    const QString trace = TestSupport::dataPath(u"lirs_multi1.trace"_s);
    replay->setTracePath(trace);
    replay->setSelectedPolicies({ u"lru"_s, u"arc"_s });
    replay->setCapacities(u"130,500"_s);
    QSignalSpy finished(replay->replayer(), &TraceReplayer::finished);
    QVERIFY(replay->startReplay());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    const auto outcome = finished.at(0).at(0).value<TraceReplayOutcome>();
    QCOMPARE(outcome.results.size(), std::size_t(4));
    w.historyWriter()->flush();
    QTRY_VERIFY_WITH_TIMEOUT(
        w.logModel()->toText().contains(u"Trace replay recorded as run"_s), 5000);

    auto history = RunHistory::open(options.historyPath, false);
    QVERIFY2(history, qPrintable(history ? QString() : history.error().toString()));
    const auto runs = history.value()->list();
    QVERIFY(runs);
    QCOMPARE(runs->size(), 1);
    const Result<RunRecord> run = history.value()->run(runs->at(0).id);
    QVERIFY(run);
    QCOMPARE(run->kind, u"replay"_s);
    QVERIFY(run->complete);
    QCOMPARE(run->workload, u"lirs_multi1.trace"_s);
    QCOMPARE(run->capacity, u"130,500"_s);
    QCOMPARE(run->requests, 15858);
    QCOMPARE(run->pointCount, 0);
    QCOMPARE(run->config.value(u"capacities"_s).toString(), u"130,500"_s);
    QCOMPARE(run->config.value(u"trace"_s).toString(), QFileInfo(trace).absoluteFilePath());
    // Each result as the tab showed it; the list's hit ratio is the best of them.
    const QJsonArray results = run->summary.value(u"results"_s).toArray();
    QCOMPARE(results.size(), 4);
    double best = 0;
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject r = results.at(i).toObject();
        const SimulationResult &expected = outcome.results.at(std::size_t(i));
        QCOMPARE(r.value(u"policy"_s).toString(), expected.policy);
        QCOMPARE(r.value(u"capacity"_s).toInteger(), expected.capacity);
        QCOMPARE(r.value(u"hits"_s).toInteger(), qint64(expected.stats.hits));
        QCOMPARE(r.value(u"misses"_s).toInteger(), qint64(expected.stats.misses));
        best = std::max(best, r.value(u"hit_ratio"_s).toDouble());
    }
    QVERIFY(run->policy == u"lru,arc"_s || run->policy == u"arc,lru"_s);
    QVERIFY(run->hitRatio && *run->hitRatio == best);
    QVERIFY(best > 0);
}

QTEST_MAIN(tst_MainWindowRun)
#include "tst_mainwindowrun.moc"
