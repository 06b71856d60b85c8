// The What-if page: the ranking model under QAbstractItemModelTester (rows move in place, no
// reset per tick), the live miss-ratio curve and its capacity marker, the page fed by hand-made
// shadow snapshots, and a real run with shadows on a small SQLite demo.

#include "gui/cachepanel.h"
#include "gui/chartpanel.h"
#include "gui/guiresources.h"
#include "gui/livechart.h"
#include "gui/livemrcchart.h"
#include "gui/mainwindow.h"
#include "gui/policyrankingmodel.h"
#include "gui/whatifview.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QImage>
#include <QMenu>
#include <QLabel>
#include <QLineSeries>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_WhatIf : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rankingSortsByHitRatioWithRealCacheAmongThem();
    void rankingMovesRowsInPlace();
    void rankingResetsOnlyForANewSetOfPolicies();
    void missRatioAtInterpolates();
    void mrcChartMarksCapacityAndTwiceIt();
    void pageShowsSnapshotsAndSamplingRate();
    void pageSwitchesBetweenIntervalAndCumulative();
    void pageStaysBoundedAfter10000Ticks();
    void scenariosTurnShadowsOn();
    void runWithShadowsFillsThePage();
    void capacityChangeMovesTheMarker();
    void checkboxTurnsShadowsOnWhileRunning();
    void exportsAndPauseCoverTheWhatIfPage();

private:
    std::unique_ptr<MainWindow> makeWindow();
    static void startRun(MainWindow &w);
    static void stopRun(MainWindow &w);
    static ShadowSnapshot shadowSnapshot(int tick, double rate = 1.0);
    static MetricsSnapshot realSnapshot(int tick);

    QTemporaryDir m_dir;
};

void tst_WhatIf::initTestCase()
{
    initCacheScopeResources();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); // "8,000", "196 k"
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QVERIFY2(
        QFontMetrics(QApplication::font()).inFont(QLatin1Char('A')), "install fonts-dejavu-core");
}

namespace {

PolicyStanding standing(
    const QString &id, std::optional<double> ratio, quint64 requests, bool real = false)
{
    return { id, real ? u"real cache"_s : id.toUpper(), ratio, ratio, requests, real };
}

QStringList rowIds(const PolicyRankingModel &model)
{
    QStringList ids;
    for (int r = 0; r < model.rowCount(); ++r) {
        const QModelIndex i = model.index(r, PolicyRankingModel::PolicyColumn);
        ids << (i.data(PolicyRankingModel::RealRole).toBool()
                ? u"real"_s
                : i.data(PolicyRankingModel::PolicyIdRole).toString());
    }
    return ids;
}

} // namespace

void tst_WhatIf::rankingSortsByHitRatioWithRealCacheAmongThem()
{
    PolicyRankingModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStandings({ standing(u"lru"_s, 0.50, 1000), standing(u"sieve"_s, 0.62, 1000),
        standing(u"fifo"_s, std::nullopt, 0), standing(u"lru"_s, 0.55, 8000, true),
        standing(u"arc"_s, 0.58, 1000) });
    QCOMPARE(rowIds(model), QStringList({ u"sieve"_s, u"arc"_s, u"real"_s, u"lru"_s, u"fifo"_s }));
    auto cell = [&model](int row, int column, int role = Qt::DisplayRole) {
        return model.index(row, column).data(role);
    };
    QCOMPARE(cell(0, PolicyRankingModel::RankColumn).toString(), u"1"_s);
    QCOMPARE(cell(0, PolicyRankingModel::HitRatioColumn).toString(), u"62.0%"_s);
    // 62% against the real cache's 55%: 7 points ahead; LRU's 50%: 5 behind (a real minus).
    QCOMPARE(cell(0, PolicyRankingModel::VersusRealColumn).toString(), u"+7.0 pts"_s);
    QVERIFY(
        qAbs(cell(0, PolicyRankingModel::VersusRealColumn, PolicyRankingModel::ValueRole).toDouble()
            - 7.0)
        < 1e-9);
    QCOMPARE(cell(3, PolicyRankingModel::VersusRealColumn).toString(), u"−5.0 pts"_s);
    QCOMPARE(cell(2, PolicyRankingModel::VersusRealColumn).toString(), u"—"_s);
    QVERIFY(cell(2, PolicyRankingModel::PolicyColumn, Qt::FontRole).value<QFont>().bold());
    QCOMPARE(cell(4, PolicyRankingModel::HitRatioColumn).toString(), u"n/a"_s);
    QVERIFY(
        !cell(4, PolicyRankingModel::VersusRealColumn, PolicyRankingModel::ValueRole).isValid());
    QCOMPARE(cell(2, PolicyRankingModel::RequestsColumn, PolicyRankingModel::ValueRole).toDouble(),
        8000.0);
    QCOMPARE(cell(2, PolicyRankingModel::RequestsColumn).toString(), u"8,000"_s);
    QCOMPARE(model.rowOf(u"arc"_s), 1);
    QCOMPARE(model.rowOf({}, true), 2);
    model.setStandings({ standing(u"lru"_s, 0.5, 196432), standing(u"arc"_s, 0.4, 12345678),
        standing(u"lru"_s, 0.4, 99999, true), standing(u"fifo"_s, 0.3, 26703) });
    // Large counts are abbreviated so the column stays narrow.
    QCOMPARE(cell(0, PolicyRankingModel::RequestsColumn).toString(), u"196 k"_s);
    QCOMPARE(cell(1, PolicyRankingModel::RequestsColumn).toString(), u"100 k"_s);
    QCOMPARE(cell(2, PolicyRankingModel::RequestsColumn).toString(), u"12.3 M"_s);
    QCOMPARE(cell(3, PolicyRankingModel::RequestsColumn).toString(), u"26.7 k"_s);
}

void tst_WhatIf::rankingMovesRowsInPlace()
{
    PolicyRankingModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStandings({ standing(u"lru"_s, 0.5, 10), standing(u"arc"_s, 0.4, 10),
        standing(u"lru"_s, 0.45, 10, true) });
    QCOMPARE(rowIds(model), QStringList({ u"lru"_s, u"real"_s, u"arc"_s }));
    const QPersistentModelIndex arc = model.index(2, PolicyRankingModel::HitRatioColumn);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

    // ARC overtakes both: its row moves to the top, the persistent index with it.
    model.setStandings({ standing(u"lru"_s, 0.5, 20), standing(u"arc"_s, 0.7, 20),
        standing(u"lru"_s, 0.45, 20, true) });
    QCOMPARE(rowIds(model), QStringList({ u"arc"_s, u"lru"_s, u"real"_s }));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(layouts.count(), 1);
    QCOMPARE(changes.count(), 1);
    QCOMPARE(arc.row(), 0);
    QCOMPARE(arc.data().toString(), u"70.0%"_s);

    // The same order again: values change, nothing moves.
    model.setStandings({ standing(u"lru"_s, 0.51, 30), standing(u"arc"_s, 0.71, 30),
        standing(u"lru"_s, 0.46, 30, true) });
    QCOMPARE(resets.count(), 0);
    QCOMPARE(layouts.count(), 1);
    QCOMPARE(changes.count(), 2);
    QCOMPARE(model.index(0, PolicyRankingModel::RequestsColumn).data().toString(), u"30"_s);
}

void tst_WhatIf::rankingResetsOnlyForANewSetOfPolicies()
{
    PolicyRankingModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setStandings({ standing(u"lru"_s, 0.5, 10), standing(u"lru"_s, 0.4, 10, true) });
    QCOMPARE(resets.count(), 1);
    // The real cache switching policy is still the same row.
    model.setStandings({ standing(u"lru"_s, 0.5, 10), standing(u"s3fifo"_s, 0.6, 10, true) });
    QCOMPARE(resets.count(), 1);
    QCOMPARE(rowIds(model), QStringList({ u"real"_s, u"lru"_s }));
    model.setStandings({ standing(u"lru"_s, 0.5, 10), standing(u"arc"_s, 0.3, 10),
        standing(u"s3fifo"_s, 0.6, 10, true) });
    QCOMPARE(resets.count(), 2);
    QCOMPARE(model.rowCount(), 3);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_WhatIf::missRatioAtInterpolates()
{
    const std::vector<MrcPoint> curve = { { 100, 0.8 }, { 200, 0.6 }, { 400, 0.5 } };
    QCOMPARE(missRatioAt(curve, 0).value(), 1.0); // an empty cache misses everything
    QCOMPARE(missRatioAt(curve, 50).value(), 0.9); // halfway from (0, 1) to (100, 0.8)
    QCOMPARE(missRatioAt(curve, 100).value(), 0.8);
    QCOMPARE(missRatioAt(curve, 150).value(), 0.7);
    QCOMPARE(missRatioAt(curve, 300).value(), 0.55);
    QCOMPARE(missRatioAt(curve, 1000).value(), 0.5); // flat beyond the last point
    QVERIFY(!missRatioAt({}, 100).has_value());
}

void tst_WhatIf::mrcChartMarksCapacityAndTwiceIt()
{
    LiveMrcChart chart;
    QVERIFY(!chart.capacityMarkerX().has_value());
    const std::vector<MrcPoint> curve = { { 10, 0.9 }, { 100, 0.6 }, { 400, 0.3 } };
    chart.setCurve(curve, 100, SizeUnit::Objects);
    QCOMPARE(chart.capacityMarkerX().value(), 100.0);
    QVERIFY(chart.curveSeries()->count() > 50);
    // The axis reaches past twice the capacity (to 3x, rounded up to a nice number).
    QVERIFY(chart.capacityAxis()->max() >= 300);
    // Every point of the line lies on the curve.
    for (const QPointF &p : chart.curveSeries()->points())
        QVERIFY(qAbs(p.y() - missRatioAt(curve, p.x()).value() * 100.0) < 1e-9);
    // The line ends where the estimate does (400), not flat to the axis's end (500).
    QCOMPARE(chart.capacityAxis()->max(), 500.0);
    QCOMPARE(chart.curveSeries()->points().last().x(), 400.0);
    chart.setCurve(curve, 50, SizeUnit::Objects);
    QCOMPARE(chart.capacityMarkerX().value(), 50.0);
    QCOMPARE(chart.capacityAxis()->max(), 200.0); // 150 rounds up to 200
    chart.clear();
    QCOMPARE(chart.curveSeries()->count(), 0);
}

ShadowSnapshot tst_WhatIf::shadowSnapshot(int tick, double rate)
{
    ShadowSnapshot s;
    s.samplingRate = rate;
    s.offered = quint64(tick) * 1000;
    s.sampled = quint64(double(s.offered) * rate);
    s.dropped = 3;
    const QStringList ids = { u"s3fifo"_s, u"arc"_s, u"lru"_s };
    for (int i = 0; i < ids.size(); ++i) {
        ShadowPolicyStats p;
        p.policy = ids.at(i);
        p.requests = s.sampled;
        p.hitRatio = 0.7 - 0.1 * i;
        p.hits = quint64(double(p.requests) * p.hitRatio);
        p.intervalRequests = 100;
        p.intervalHitRatio = 0.65 - 0.1 * i;
        s.policies.push_back(p);
    }
    s.lruCurve = { { 100, 0.5 }, { 200, 0.4 }, { 400, 0.2 } };
    s.liveCapacity = 100;
    s.hitRatioNow = 0.5;
    s.hitRatioAtDoubleCapacity = 0.6;
    return s;
}

MetricsSnapshot tst_WhatIf::realSnapshot(int tick)
{
    MetricsSnapshot s;
    s.elapsedMs = tick * 100;
    s.intervalMs = 100;
    s.interval.requests = 100;
    s.interval.hits = 48;
    s.interval.misses = 52;
    s.total.requests = quint64(tick) * 100;
    s.total.hits = quint64(tick) * 45;
    s.total.misses = quint64(tick) * 55;
    s.capacity = 100;
    return s;
}

void tst_WhatIf::pageShowsSnapshotsAndSamplingRate()
{
    WhatIfView view;
    view.resize(1100, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.samplingText().contains(u"off"_s));
    view.setShadowsEnabled(true);
    for (int tick = 1; tick <= 5; ++tick)
        view.addSample(tick * 0.1, realSnapshot(tick), u"lru"_s, shadowSnapshot(tick, 0.125));

    // One line per shadow policy and the real cache's, cumulative by default.
    LiveChart *chart = view.comparisonChart();
    QCOMPARE(view.ratioKind(), WhatIfView::RatioKind::Cumulative);
    for (const QString &id : { u"s3fifo"_s, u"arc"_s, u"lru"_s, QString() }) {
        const int s = view.seriesIndex(id, WhatIfView::RatioKind::Cumulative);
        QVERIFY2(s >= 0, qPrintable(id));
        QVERIFY2(chart->isSeriesVisible(s), qPrintable(id));
        QCOMPARE(chart->buffer(s).size(), 5);
        QVERIFY(chart->series(s)->count() > 0);
        QVERIFY(!chart->isSeriesVisible(view.seriesIndex(id, WhatIfView::RatioKind::Interval)));
    }
    QCOMPARE(
        chart->buffer(view.seriesIndex(u"arc"_s, WhatIfView::RatioKind::Cumulative)).last().y(),
        60.0);
    QCOMPARE(
        chart->buffer(view.seriesIndex({}, WhatIfView::RatioKind::Cumulative)).last().y(), 45.0);
    // A policy no snapshot named has no line and no legend entry.
    QVERIFY(!chart->seriesApplies(view.seriesIndex(u"fifo"_s, WhatIfView::RatioKind::Cumulative)));
    // The real cache's line stands out: the widest pen.
    const double realWidth
        = chart->series(view.seriesIndex({}, WhatIfView::RatioKind::Cumulative))->pen().widthF();
    QVERIFY(realWidth > chart->series(view.seriesIndex(u"lru"_s, WhatIfView::RatioKind::Cumulative))
                            ->pen()
                            .widthF());

    // The same publication again (ticks outpace the shadows' snapshots): the real cache gets its
    // point, the shadows none.
    view.addSample(0.52, realSnapshot(5), u"lru"_s, shadowSnapshot(5, 0.125));
    QCOMPARE(
        chart->buffer(view.seriesIndex(u"arc"_s, WhatIfView::RatioKind::Cumulative)).size(), 5);
    QCOMPARE(chart->buffer(view.seriesIndex({}, WhatIfView::RatioKind::Cumulative)).size(), 6);

    // The axis narrows to the lines (45% to 70%, a point of margin, in tens): 40..80.
    const auto *axis = qobject_cast<QValueAxis *>(chart->leftAxis());
    QVERIFY(axis);
    QCOMPARE(axis->min(), 40.0);
    QCOMPARE(axis->max(), 80.0);

    // Ranked: S3-FIFO 70%, ARC 60%, LRU 50%, the real cache's 45% last.
    QCOMPARE(
        rowIds(*view.rankingModel()), QStringList({ u"s3fifo"_s, u"arc"_s, u"lru"_s, u"real"_s }));
    QCOMPARE(view.rankingModel()->index(0, PolicyRankingModel::VersusRealColumn).data().toString(),
        u"+25.0 pts"_s);

    QCOMPARE(view.samplingText(), u"Shadows see 12.5% of keys (sampled), 3 dropped"_s);
    QCOMPARE(view.readoutText(), u"LRU at 2× capacity: hit ratio 60.0% (now 50.0%)"_s);
    // S3-FIFO 70% against the LRU shadow's 50% on the same keys and the real LRU cache's 45%;
    // the LRU shadow reads 5 points above the real cache: a caveat.
    QCOMPARE(view.bestText(),
        u"Best here: S3-FIFO, hit ratio 70.0% (20.0 points above LRU on the same keys, 25.0 "
        "points above the real cache)"_s);
    QVERIFY2(view.caveatText().startsWith(u"The LRU shadow reads 5.0 points above the real LRU"_s),
        qPrintable(view.caveatText()));
    // A real cache whose policy no shadow runs (none here): no twin, no caveat.
    view.addSample(0.55, realSnapshot(5), u"sieve"_s, shadowSnapshot(50, 0.125));
    QCOMPARE(view.bestText(),
        u"Best here: S3-FIFO, hit ratio 70.0% (25.0 points above the real cache)"_s);
    QVERIFY(view.caveatText().isEmpty());
    QVERIFY(view.mrcChart()->curveSeries()->count() > 0);
    QCOMPARE(view.mrcChart()->capacityMarkerX().value(), 100.0);

    // Every key: the label says so.
    view.addSample(0.6, realSnapshot(6), u"lru"_s, shadowSnapshot(6, 1.0));
    QCOMPARE(view.samplingText(), u"Shadows see every key (100%), 3 dropped"_s);
    view.setShadowsEnabled(false); // turned off mid-run: what they saw stays, said as such
    QCOMPARE(view.samplingText(), u"Shadows paused: they saw every key (100%), 3 dropped"_s);
    view.setShadowsEnabled(true);

    view.addMarker(0.6, u"capacity 100 → 200"_s);
    QCOMPARE(chart->markerCount(), 1);
    view.clear();
    QCOMPARE(view.rankingModel()->rowCount(), 0);
    QCOMPARE(chart->markerCount(), 0);
    QVERIFY(view.readoutText().contains(u"n/a"_s));
    QVERIFY(view.bestText().isEmpty());
    QVERIFY(view.caveatText().isEmpty());
}

void tst_WhatIf::pageSwitchesBetweenIntervalAndCumulative()
{
    WhatIfView view;
    view.resize(1100, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int tick = 1; tick <= 3; ++tick)
        view.addSample(tick * 0.1, realSnapshot(tick), u"lru"_s, shadowSnapshot(tick));
    LiveChart *chart = view.comparisonChart();
    view.setRatioKind(WhatIfView::RatioKind::Interval);
    const int interval = view.seriesIndex(u"arc"_s, WhatIfView::RatioKind::Interval);
    QVERIFY(chart->isSeriesVisible(interval));
    QVERIFY(!chart->isSeriesVisible(interval + 1));
    QCOMPARE(chart->series(interval)->count(), 3);
    QCOMPARE(chart->buffer(interval).last().y(), 55.0);
    QCOMPARE(chart->buffer(view.seriesIndex({}, WhatIfView::RatioKind::Interval)).last().y(), 48.0);
    // Unnamed policies stay hidden in either kind.
    QVERIFY(!chart->seriesApplies(view.seriesIndex(u"fifo"_s, WhatIfView::RatioKind::Interval)));
}

void tst_WhatIf::pageStaysBoundedAfter10000Ticks()
{
    WhatIfView view;
    for (int tick = 1; tick <= 10000; ++tick)
        view.addSample(tick * 0.1, realSnapshot(tick), u"lru"_s, shadowSnapshot(tick));
    const LiveChart *chart = view.comparisonChart();
    for (int s = 0; s < chart->seriesCount(); ++s)
        QVERIFY(chart->buffer(s).size() <= 3000);
    QCOMPARE(chart->buffer(view.seriesIndex({}, WhatIfView::RatioKind::Cumulative)).size(), 3000);
    QCOMPARE(view.rankingModel()->rowCount(), 4);
}

std::unique_ptr<MainWindow> tst_WhatIf::makeWindow()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
    options.demoRowsScale = 0.01; // 1 000 customers, 10 000 orders: created in well under a second
    options.useSettings = false;
    auto w = std::make_unique<MainWindow>(options);
    w->resize(1400, 860);
    w->show();
    return w;
}

void tst_WhatIf::startRun(MainWindow &w)
{
    w.startRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Running, 60000);
}

void tst_WhatIf::stopRun(MainWindow &w)
{
    w.stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Idle, 30000);
}

void tst_WhatIf::scenariosTurnShadowsOn()
{
    auto w = makeWindow();
    auto *check = w->cachePanel()->findChild<QCheckBox *>(u"shadowsCheck"_s);
    QVERIFY(check);
    QVERIFY(!check->isChecked()); // off by default: shadows cost the run a little
    QVERIFY(!w->panelConfig().shadows);
    for (const QString &id : { u"scan-pollution"_s, u"lru-100"_s }) {
        QVERIFY(w->loadScenario(u"hot-set-fits"_s));
        QVERIFY(!check->isChecked());
        QVERIFY(w->loadScenario(id));
        QVERIFY2(check->isChecked(), qPrintable(id));
        QVERIFY(w->panelConfig().shadows);
        QVERIFY(!w->whatIfView()->findChild<QLabel *>(u"shadowsOffLabel"_s)->isVisibleTo(w.get()));
    }
}

void tst_WhatIf::runWithShadowsFillsThePage()
{
    auto w = makeWindow();
    QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    WhatIfView *view = w->whatIfView();
    QAbstractItemModelTester tester(
        view->rankingModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    w->cachePanel()->findChild<QCheckBox *>(u"shadowsCheck"_s)->setChecked(true);
    w->showWhatIfPage();
    QVERIFY(view->isVisible());
    startRun(*w);
    QVERIFY(w->engine()->config().shadows);

    // Within a few ticks (shadow snapshots come about 4 times a second): every shadow policy in
    // the table and on the chart, the real cache among them.
    const PolicyRankingModel *ranking = view->rankingModel();
    QTRY_VERIFY_WITH_TIMEOUT(ranking->rowCount() > 2
            && ranking->index(0, PolicyRankingModel::HitRatioColumn)
                   .data(PolicyRankingModel::ValueRole)
                   .isValid(),
        5000);
    QVERIFY2(w->history().size() <= 10, qPrintable(u"took %1 ticks"_s.arg(w->history().size())));
    QVERIFY(ranking->rowOf({}, true) >= 0);
    QVERIFY(ranking->rowOf(u"lru"_s) >= 0);
    QVERIFY(ranking->rowOf(u"s3fifo"_s) >= 0);
    QVERIFY(ranking->rowOf(u"opt"_s) < 0); // needs the future: never a shadow

    LiveChart *chart = view->comparisonChart();
    const int lru = view->seriesIndex(u"lru"_s, WhatIfView::RatioKind::Cumulative);
    const int real = view->seriesIndex({}, WhatIfView::RatioKind::Cumulative);
    QTRY_VERIFY_WITH_TIMEOUT(
        chart->series(lru)->count() > 0 && chart->series(real)->count() > 0, 5000);
    QVERIFY(chart->isSeriesVisible(lru));

    // Ranked by hit ratio, best first, a few ticks later too.
    QTest::qWait(600);
    double previous = 2;
    for (int r = 0; r < ranking->rowCount(); ++r) {
        const QVariant v = ranking->index(r, PolicyRankingModel::HitRatioColumn)
                               .data(PolicyRankingModel::ValueRole);
        if (!v.isValid()) {
            previous = -1; // "n/a" rows come last
            continue;
        }
        QVERIFY2(v.toDouble() <= previous, qPrintable(u"row %1"_s.arg(r)));
        previous = v.toDouble();
        QCOMPARE(ranking->index(r, PolicyRankingModel::RankColumn).data().toString(),
            QString::number(r + 1));
    }

    // The live curve and its readout.
    QTRY_VERIFY_WITH_TIMEOUT(view->mrcChart()->curveSeries()->count() > 0, 5000);
    QCOMPARE(view->mrcChart()->capacityMarkerX().value(), 10000.0);
    // The readout follows on a later tick, once the curve reaches 2× capacity (slower under
    // AddressSanitizer: seen "n/a" right after the first points).
    QTRY_VERIFY2_WITH_TIMEOUT(view->readoutText().contains(u"at 2× capacity: hit ratio"_s)
            && !view->readoutText().contains(u"n/a"_s),
        qPrintable(view->readoutText()), 10000);
    QVERIFY2(view->samplingText().startsWith(u"Shadows see "_s), qPrintable(view->samplingText()));
    QVERIFY(view->samplingText().contains(u"dropped"_s));
    stopRun(*w);
}

void tst_WhatIf::capacityChangeMovesTheMarker()
{
    auto w = makeWindow();
    w->cachePanel()->findChild<QCheckBox *>(u"shadowsCheck"_s)->setChecked(true);
    w->showWhatIfPage();
    startRun(*w);
    WhatIfView *view = w->whatIfView();
    QTRY_VERIFY_WITH_TIMEOUT(
        view->mrcChart()->capacityMarkerX() && *view->mrcChart()->capacityMarkerX() == 10000.0,
        5000);
    auto *capacity = w->cachePanel()->findChild<QSpinBox *>(u"capacitySpin"_s);
    capacity->setValue(500);
    QCOMPARE(w->engine()->config().cache.capacity, qint64(500));
    QTRY_VERIFY_WITH_TIMEOUT(*view->mrcChart()->capacityMarkerX() == 500.0, 5000);
    // The axis follows: out to 3x the capacity, 1500 rounded up to 2000.
    QCOMPARE(view->mrcChart()->capacityAxis()->max(), 2000.0);
    // And the comparison chart carries the change's marker.
    QCOMPARE(view->comparisonChart()->markerCount(), 1);
    QVERIFY(view->comparisonChart()->markerLabel(0).contains(u"500"_s));
    stopRun(*w);
}

void tst_WhatIf::checkboxTurnsShadowsOnWhileRunning()
{
    auto w = makeWindow();
    WhatIfView *view = w->whatIfView();
    w->showWhatIfPage();
    startRun(*w);
    QVERIFY(!w->engine()->config().shadows);
    QVERIFY(view->findChild<QLabel *>(u"shadowsOffLabel"_s)->isVisible());
    QTest::qWait(300);
    QCOMPARE(view->rankingModel()->rowCount(), 0);
    QVERIFY(view->samplingText().contains(u"off"_s));

    w->cachePanel()->findChild<QCheckBox *>(u"shadowsCheck"_s)->setChecked(true);
    QVERIFY(w->engine()->config().shadows);
    QVERIFY(!view->findChild<QLabel *>(u"shadowsOffLabel"_s)->isVisible());
    QCOMPARE(view->comparisonChart()->markerCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(view->rankingModel()->rowCount() > 2, 5000);
    stopRun(*w);
}

/// The What-if page's charts save as PNG like the live ones, its ranking and LRU curve export as
/// CSV, "Pause charts" freezes its comparison chart too, and the ratio choice is remembered.
void tst_WhatIf::exportsAndPauseCoverTheWhatIfPage()
{
    QTemporaryDir out;
    auto w = makeWindow();
    WhatIfView *view = w->whatIfView();
    const QString early = out.filePath(u"early.csv"_s);
    const Result<void> nothing = w->exportWhatIf(early); // no shadows yet: a clear error
    QVERIFY(!nothing);
    QVERIFY(nothing.error().message.contains(u"shadow"_s));
    QVERIFY(!QFile::exists(early));

    w->cachePanel()->findChild<QCheckBox *>(u"shadowsCheck"_s)->setChecked(true);
    // The What-if page is not in front: saving still draws it.
    w->findChild<QTabWidget *>(u"chartTabs"_s)->setCurrentIndex(0);
    startRun(*w);
    QTRY_VERIFY_WITH_TIMEOUT(
        view->shadowSnapshot() && !view->shadowSnapshot()->lruCurve.empty(), 10000);

    for (const int id : { MainWindow::WhatIfComparisonChart, MainWindow::WhatIfCurveChart }) {
        const QString png = out.filePath(u"chart%1.png"_s.arg(id));
        QVERIFY(w->saveChartImage(id, png));
        const QImage image(png);
        QVERIFY2(image.width() > 200 && image.height() > 100, qPrintable(png));
        QSet<QRgb> colours; // drawn: axes, lines and text, not one flat colour
        for (int y = 0; y < image.height(); y += 4)
            for (int x = 0; x < image.width(); x += 4)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));
    }
    const QStringList menu = [&] {
        QStringList titles;
        for (const QAction *a : w->findChild<QMenu *>(u"menuExportChart"_s)->actions())
            titles << a->text();
        return titles;
    }();
    QVERIFY2(
        menu.join(u'|').contains(u"What-if: hit ratio by policy"_s), qPrintable(menu.join(u'|')));
    QVERIFY(menu.join(u'|').contains(u"LRU miss-ratio curve"_s));
    QVERIFY(w->findChild<QAction *>(u"actionExportWhatIf"_s));

    const QString csv = out.filePath(u"whatif.csv"_s);
    QVERIFY(w->exportWhatIf(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.at(0),
        u"kind,policy,capacity,hit_ratio,interval_hit_ratio,requests,hits,miss_ratio"_s);
    QVERIFY(lines.at(1).startsWith(u"real,qcache,10000,"_s));
    int ranking = 0;
    int curve = 0;
    for (const QString &line : lines) {
        QCOMPARE(line.count(u','), 7);
        ranking += line.startsWith(u"ranking,"_s);
        curve += line.startsWith(u"lru_curve,lru,"_s);
    }
    QCOMPARE(ranking, qsizetype(view->shadowSnapshot()->policies.size()));
    QVERIFY(ranking > 5);
    QVERIFY(curve > 10);

    // Paused, the comparison chart keeps its window while points keep coming in.
    w->showWhatIfPage();
    LiveChart *chart = view->comparisonChart();
    const int real = view->seriesIndex({}, WhatIfView::RatioKind::Cumulative);
    QTRY_VERIFY_WITH_TIMEOUT(chart->series(real)->count() > 2, 5000);
    w->chartPanel()->setPaused(true);
    QVERIFY(view->isPaused());
    const qsizetype drawn = chart->series(real)->count();
    const qsizetype held = chart->buffer(real).size();
    QTRY_VERIFY_WITH_TIMEOUT(chart->buffer(real).size() >= held + 3, 5000);
    QCOMPARE(chart->series(real)->count(), drawn);
    w->chartPanel()->setPaused(false);
    QVERIFY(!view->isPaused());
    QTRY_VERIFY(chart->series(real)->count() > drawn);
    stopRun(*w);
}

QTEST_MAIN(tst_WhatIf)
#include "tst_whatif.moc"
