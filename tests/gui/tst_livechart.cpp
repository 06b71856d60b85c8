// The live charts: bounded memory however long the run, markers, hover text, pause and
// scroll-back, and the log axis never given a zero.

#include "gui/chartpanel.h"
#include "gui/guiresources.h"
#include "gui/livechart.h"

#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_LiveChart : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void slidingWindowStaysBoundedAfter10000Ticks();
    void seriesGetOneReplacePerRender();
    void databaseBufferSeriesOnlyWhenReported();
    void secondTierSeries();
    void markersAreLabelledAndDropOutOfTheWindow();
    void crowdedMarkersKeepThreeLabelRows();
    void throttledPanelDrawsOneChartPerFrame();
    void hoverShowsEveryValueAtTheTime();
    void pausedChartsKeepCollectingAndScrollBack();
    void latencySkipsIntervalsWithoutRequests();
    void thinsLongViewsKeepingSpikes();

private:
    static MetricsSnapshot snapshot(int tick);
};

void tst_LiveChart::initTestCase()
{
    initCacheScopeResources();
    QVERIFY2(
        QFontMetrics(QApplication::font()).inFont(QLatin1Char('A')), "install fonts-dejavu-core");
}

MetricsSnapshot tst_LiveChart::snapshot(int tick)
{
    MetricsSnapshot s;
    s.elapsedMs = qint64(tick) * 100;
    s.intervalMs = 100;
    s.interval.requests = 1000;
    s.interval.hits = 900;
    s.interval.misses = 100;
    s.total.requests = 1000 * quint64(tick + 1);
    s.total.hits = 900 * quint64(tick + 1);
    s.total.misses = 100 * quint64(tick + 1);
    s.requestsPerSecond = 10000;
    s.hitsPerSecond = 9000;
    s.missesPerSecond = 1000;
    s.evictionsPerSecond = { 50, 0, 0 };
    s.entries = 500;
    s.bytes = 64000;
    s.capacity = 1000;
    s.hitLatency = { 900, 2000, 5000, 9000, 20000, 40000 };
    s.missLatency = { 100, 200000, 500000, 900000, 2000000, 3000000 };
    return s;
}

void tst_LiveChart::slidingWindowStaysBoundedAfter10000Ticks()
{
    ChartPanel panel;
    panel.resize(1000, 700);
    constexpr int ticks = 10000;
    for (int i = 0; i < ticks; ++i) {
        // Hidden, the panel only collects; the last 1000 ticks also draw (each costs Qt Charts
        // a path rebuild per series, too slow to repeat 10 000 times in a test).
        if (i == ticks - 1000) {
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
        }
        panel.addSnapshot(i * 0.1, snapshot(i));
        if (i % 100 == 0)
            panel.addMarker(i * 0.1, u"change %1"_s.arg(i));
    }
    const double oldest = (ticks - ChartPanel::windowPoints) * 0.1;
    QCOMPARE(panel.oldestTime(), oldest);
    for (int c = 0; c < ChartPanel::ChartCount; ++c) {
        const LiveChart *chart = panel.chart(c);
        for (int s = 0; s < chart->seriesCount(); ++s) {
            const qsizetype held = chart->buffer(s).size();
            QVERIFY2(held <= ChartPanel::windowPoints,
                qPrintable(
                    u"%1/%2 holds %3"_s.arg(chart->title(), chart->series(s)->name()).arg(held)));
            QVERIFY(chart->series(s)->count() <= LiveChart::maxPlotPoints + 2);
        }
        // The window held is the last 300 s at 10 Hz; the view shows the last 60 s of it.
        QCOMPARE(chart->buffer(0).size(), ChartPanel::windowPoints);
        QCOMPARE(chart->buffer(0).at(0).x(), oldest);
        // The view ends on the next 10 s (a sixth of the span) after the newest point, 999.9 s.
        QCOMPARE(chart->viewEnd(), 1000.0);
        QCOMPARE(chart->viewEnd() - chart->viewStart(), 60.0);
        // One marker every 10 s; only those still inside the window remain.
        QVERIFY(chart->markerCount() <= LiveChart::maxMarkers);
        QCOMPARE(chart->markerCount(), 30);
        for (int m = 0; m < chart->markerCount(); ++m)
            QVERIFY(chart->markerTime(m) >= oldest);
    }
}

void tst_LiveChart::seriesGetOneReplacePerRender()
{
    ChartPanel panel;
    panel.show();
    for (int i = 0; i < 5; ++i)
        panel.addSnapshot(i * 0.1, snapshot(i));
    // replace() emits pointsReplaced once and never pointAdded (which clear()+append() would).
    QLineSeries *requests = panel.chart(ChartPanel::Throughput)->series(0);
    QSignalSpy replaced(requests, &QXYSeries::pointsReplaced);
    QSignalSpy added(requests, &QXYSeries::pointAdded);
    panel.addSnapshot(0.5, snapshot(5));
    QCOMPARE(replaced.count(), 1);
    QCOMPARE(added.count(), 0);
    QCOMPARE(requests->count(), 6);
    QCOMPARE(requests->at(5), QPointF(0.5, 10)); // 10 000/s, shown in thousands
    QVERIFY(panel.chart(ChartPanel::Throughput)->leftAxis()->titleText().contains(u"thousands"_s));
}

void tst_LiveChart::databaseBufferSeriesOnlyWhenReported()
{
    ChartPanel panel;
    panel.show();
    const LiveChart *hit = panel.chart(ChartPanel::HitRatio);
    panel.addSnapshot(0.1, snapshot(1)); // SQLite: no database cache watched
    QVERIFY(!hit->isSeriesVisible(2));
    QCOMPARE(hit->buffer(2).size(), 0);
    MetricsSnapshot pg = snapshot(2);
    pg.databaseBufferHitRatio = 0.975;
    panel.addSnapshot(0.2, pg);
    QVERIFY(hit->isSeriesVisible(2));
    QCOMPARE(hit->buffer(2).last(), QPointF(0.2, 97.5));
    panel.clear(); // the next run may be on SQLite again
    QVERIFY(!hit->isSeriesVisible(2));
}

void tst_LiveChart::secondTierSeries()
{
    ChartPanel panel;
    panel.show();
    LiveChart *hit = panel.chart(ChartPanel::HitRatio);
    LiveChart *ev = panel.chart(ChartPanel::Evictions);
    LiveChart *lat = panel.chart(ChartPanel::Latency);
    const auto tierSeriesShown = [&] {
        return hit->seriesApplies(ChartPanel::L1HitRatioSeries)
            && hit->seriesApplies(ChartPanel::L2HitRatioSeries)
            && lat->seriesApplies(ChartPanel::L2P50Series)
            && lat->seriesApplies(ChartPanel::L2P99Series)
            && ev->seriesApplies(ChartPanel::L2ErrorsSeries);
    };
    MetricsSnapshot s = snapshot(1);
    s.staleMeasured = true;
    panel.addSnapshot(0.1, s); // one tier: the tier series collect, hidden
    QVERIFY(!tierSeriesShown());
    QVERIFY(!ev->seriesApplies(ChartPanel::StaleReadsSeries));
    QVERIFY(!ev->rightAxis()->isVisible());
    QCOMPARE(hit->buffer(ChartPanel::L1HitRatioSeries).last(), QPointF(0.1, 90.0));
    QCOMPARE(hit->buffer(ChartPanel::L2HitRatioSeries).last(), QPointF(0.1, 0.0));

    panel.setSecondTier(true);
    QVERIFY(tierSeriesShown());
    QVERIFY(ev->seriesApplies(ChartPanel::StaleReadsSeries));
    QVERIFY(ev->rightAxis()->isVisible());
    QCOMPARE(hit->series(0)->name(), u"overall"_s);
    s = snapshot(2);
    s.staleMeasured = true;
    s.interval.l2Hits = 300; // of the 900 hits, of 1 000 reads
    s.interval.l2Errors = 2;
    s.interval.staleReads = 5;
    s.l2Latency = { 400, 150000, 0, 700000, 0, 900000 };
    s.staleness = { 5, 20000000, 0, 80000000, 0, 90000000 }; // p99 80 ms
    panel.addSnapshot(0.2, s);
    QCOMPARE(hit->buffer(0).last(), QPointF(0.2, 90.0)); // overall: both tiers
    QCOMPARE(hit->buffer(ChartPanel::L1HitRatioSeries).last(), QPointF(0.2, 60.0));
    QCOMPARE(hit->buffer(ChartPanel::L2HitRatioSeries).last(), QPointF(0.2, 30.0));
    QCOMPARE(ev->buffer(ChartPanel::StaleReadsSeries).last(), QPointF(0.2, 50.0)); // 5 in 0.1 s
    QCOMPARE(ev->buffer(ChartPanel::L2ErrorsSeries).last(), QPointF(0.2, 20.0));
    QCOMPARE(ev->buffer(ChartPanel::StalenessSeries).last(), QPointF(0.2, 80000.0)); // µs
    QCOMPARE(lat->buffer(ChartPanel::L2P50Series).last(), QPointF(0.2, 150.0));
    QCOMPARE(lat->buffer(ChartPanel::L2P99Series).last(), QPointF(0.2, 700.0));
    panel.setSecondTier(false); // switched off mid-run: the window still shows what it did
    QVERIFY(tierSeriesShown());

    panel.clear(); // the next run may have no second tier
    QVERIFY(!tierSeriesShown());
    QVERIFY(!ev->rightAxis()->isVisible());
    QCOMPARE(hit->series(0)->name(), u"per interval"_s);
    // Stale reads without a second tier (a fleet's other writers) still show.
    s.interval.l2Hits = 0;
    panel.addSnapshot(0.3, s);
    QVERIFY(ev->seriesApplies(ChartPanel::StaleReadsSeries));
    QVERIFY(ev->seriesApplies(ChartPanel::StalenessSeries));
    QVERIFY(!hit->seriesApplies(ChartPanel::L2HitRatioSeries));
}

void tst_LiveChart::markersAreLabelledAndDropOutOfTheWindow()
{
    LiveChart::Spec spec { u"test"_s, { u"y"_s }, std::nullopt, { { u"a"_s, Qt::blue } }, 10 };
    LiveChart chart(spec);
    chart.resize(500, 300);
    for (int i = 0; i < 10; ++i)
        chart.append(0, i, i);
    chart.addMarker(3, u"capacity 100 → 10 000"_s);
    chart.render(0, 10);
    QCOMPARE(chart.markerCount(), 1);
    QCOMPARE(chart.markerLabel(0), u"capacity 100 → 10 000"_s);
    QCOMPARE(chart.markerTime(0), 3.0);
    // Four more points push t = 0..3 out of the 10-point ring: the marker at 3 goes too.
    for (int i = 10; i < 14; ++i)
        chart.append(0, i, i);
    chart.render(4, 14);
    QCOMPARE(chart.markerCount(), 0);
    chart.addMarker(13, u"ttl 0 ms → 500 ms"_s);
    chart.clear();
    QCOMPARE(chart.markerCount(), 0);
    QCOMPARE(chart.buffer(0).size(), 0);
}

void tst_LiveChart::crowdedMarkersKeepThreeLabelRows()
{
    LiveChart::Spec spec { u"test"_s, { u"y"_s }, std::nullopt, { { u"a"_s, Qt::blue } }, 100 };
    LiveChart chart(spec);
    chart.resize(600, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    for (int i = 0; i < 60; ++i)
        chart.append(0, i, 1);
    for (int i = 0; i < 5; ++i) // five changes within a second: three labels fit, all lines stay
        chart.addMarker(
            20 + i * 0.2, u"workload zipf over 100000 keys, alpha 0.99 → scan %1"_s.arg(i));
    chart.addMarker(55, u"far away"_s);
    chart.render(0, 60);
    int shown = 0;
    for (int i = 0; i < 5; ++i)
        shown += chart.isMarkerLabelShown(i) ? 1 : 0;
    QCOMPARE(shown, 3);
    QVERIFY(chart.isMarkerLabelShown(5)); // near the right edge, shifted left, still shown
    QCOMPARE(chart.markerCount(), 6);
    QVERIFY(chart.hoverText(20.8).contains(u"scan 4"_s)); // a hidden label is still in the hover
}

void tst_LiveChart::throttledPanelDrawsOneChartPerFrame()
{
    ChartPanel panel;
    panel.setMinRenderIntervalMs(500); // each chart at most every 500 ms: a frame every 100 ms
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto drawn = [&panel] {
        int n = 0;
        for (int c = 0; c < ChartPanel::ChartCount; ++c)
            n += panel.chart(c)->series(0)->count() > 0 ? 1 : 0;
        return n;
    };
    panel.addSnapshot(0.1, snapshot(1));
    QCOMPARE(drawn(), 1); // one paint never carries more than one chart
    panel.addSnapshot(0.2, snapshot(2));
    QCOMPARE(drawn(), 1); // ticks between frames are coalesced: drawn by the next frame
    QTRY_COMPARE_WITH_TIMEOUT(drawn(), 5, 20000); // the others come one per frame
    QCOMPARE(panel.chart(ChartPanel::Throughput)->buffer(0).size(), 2); // every point kept
    panel.setMinRenderIntervalMs(0);
    panel.addSnapshot(0.3, snapshot(3));
    for (int c = 0; c < ChartPanel::ChartCount; ++c)
        QCOMPARE(panel.chart(c)->series(0)->count(), 3);
}

void tst_LiveChart::hoverShowsEveryValueAtTheTime()
{
    ChartPanel panel;
    panel.show();
    panel.addSnapshot(1.0, snapshot(10));
    panel.addSnapshot(1.1, snapshot(11));
    panel.addMarker(1.1, u"policy lru → s3fifo"_s);
    const QString hit = panel.chart(ChartPanel::HitRatio)->hoverText(1.1);
    QVERIFY2(hit.contains(u"per interval: 90.0%"_s), qPrintable(hit));
    QVERIFY2(hit.contains(u"cumulative: 90.0%"_s), qPrintable(hit));
    QVERIFY2(hit.contains(u"policy lru → s3fifo"_s), qPrintable(hit));
    LiveChart *lat = panel.chart(ChartPanel::Latency);
    QVERIFY2(lat->hoverText(1.0).contains(u"hit p50: 2.00 µs"_s), qPrintable(lat->hoverText(1.0)));
    QVERIFY2(lat->hoverText(1.0).contains(u"miss p99: 900 µs"_s), qPrintable(lat->hoverText(1.0)));
    // p99.9 starts hidden (legend click): not in the hover text until shown.
    QVERIFY(!lat->isSeriesVisible(7));
    QVERIFY(!lat->hoverText(1.0).contains(u"miss p99.9"_s));
    lat->setSeriesHiddenByUser(7, false);
    QVERIFY2(
        lat->hoverText(1.0).contains(u"miss p99.9: 2.00 ms"_s), qPrintable(lat->hoverText(1.0)));
    QCOMPARE(lat->series(7)->count(), 2); // drawn as soon as it is shown
    QVERIFY(panel.chart(ChartPanel::HitRatio)->hoverText(30.0).isEmpty()); // no data there
}

void tst_LiveChart::pausedChartsKeepCollectingAndScrollBack()
{
    ChartPanel panel;
    panel.show();
    for (int i = 0; i < 1200; ++i) // 120 s
        panel.addSnapshot(i * 0.1, snapshot(i));
    const LiveChart *tp = panel.chart(ChartPanel::Throughput);
    QCOMPARE(tp->viewEnd(), 120.0);
    panel.setPaused(true);
    for (int i = 1200; i < 1300; ++i)
        panel.addSnapshot(i * 0.1, snapshot(i));
    QCOMPARE(tp->viewEnd(), 120.0); // frozen...
    QCOMPARE(tp->buffer(0).size(), 1300); // ...while points keep coming
    panel.scrollTo(10);
    QCOMPARE(tp->viewStart(), 10.0);
    QCOMPARE(tp->viewEnd(), 70.0);
    QCOMPARE(tp->series(0)->at(0).x(), 9.9); // one point before the view, so lines reach the edge
    panel.setPaused(false);
    QCOMPARE(tp->viewEnd(), 130.0); // live again: 129.9 s rounded up to the next 10 s
}

void tst_LiveChart::latencySkipsIntervalsWithoutRequests()
{
    ChartPanel panel;
    panel.show();
    MetricsSnapshot quiet = snapshot(0);
    quiet.hitLatency = {};
    quiet.missLatency = {};
    quiet.interval = {};
    panel.addSnapshot(0.1, quiet);
    const LiveChart *lat = panel.chart(ChartPanel::Latency);
    for (int s = 0; s < lat->seriesCount(); ++s)
        QCOMPARE(lat->buffer(s).size(), 0);
    QCOMPARE(panel.chart(ChartPanel::HitRatio)->buffer(0).size(), 0); // "n/a", not 0% or 100%
    panel.addSnapshot(0.2, snapshot(1));
    for (int s = 0; s < ChartPanel::L2P50Series; ++s) // hits and misses
        QCOMPARE(lat->buffer(s).size(), 1);
    for (const int s : { ChartPanel::L2P50Series, ChartPanel::L2P99Series }) // no L2 reads
        QCOMPARE(lat->buffer(s).size(), 0);
    const auto *axis = qobject_cast<QLogValueAxis *>(lat->leftAxis());
    QVERIFY(axis);
    QVERIFY(axis->min() > 0);
    // In ms, whole decades around what is shown: hit p50 2 µs ... miss p99 0.9 ms (the p99.9
    // lines start hidden).
    QCOMPARE(axis->min(), 0.001);
    QCOMPARE(axis->max(), 1.0);
}

void tst_LiveChart::thinsLongViewsKeepingSpikes()
{
    LiveChart::Spec spec { u"test"_s, { u"y"_s }, std::nullopt, { { u"a"_s, Qt::blue } }, 3000 };
    LiveChart chart(spec);
    for (int i = 0; i < 3000; ++i)
        chart.append(0, i * 0.1, i == 1234 ? 1000.0 : 1.0);
    chart.render(0, 300);
    const QLineSeries *s = chart.series(0);
    QVERIFY(s->count() <= LiveChart::maxPlotPoints);
    bool spike = false;
    for (int i = 0; i < s->count(); ++i)
        spike = spike || s->at(i).y() == 1000.0;
    QVERIFY(spike);
    QCOMPARE(qobject_cast<QValueAxis *>(chart.leftAxis())->max(), 2000.0); // nice ceiling of 1050
}

QTEST_MAIN(tst_LiveChart)
#include "tst_livechart.moc"
