// The app's per-tick path holds its memory flat once the chart windows are full (issue 17): the
// live charts (ChartPanel), the What-if page (WhatIfView: comparison chart, ranking model, live
// miss-ratio curve) and the log are fed synthetic snapshots at 10 Hz-equivalent for thousands of
// ticks, drawn and painted, and the live heap (mallinfo2: bytes in use in every arena plus mmapped
// blocks, not RSS, which fragmentation and the allocator's caching move) must not keep growing
// after the 3000-point windows are full.

#include "gui/chartpanel.h"
#include "gui/livechart.h"
#include "gui/logmodel.h"
#include "gui/policyrankingmodel.h"
#include "gui/whatifview.h"

#include <QLineSeries>
#include <QtTest>

#include <malloc.h>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

namespace {

/// Bytes the program holds from malloc now: in use in every arena, plus mmapped blocks.
qint64 liveHeapBytes()
{
    const struct mallinfo2 m = mallinfo2();
    return qint64(m.uordblks + m.hblkhd);
}

MetricsSnapshot snapshot(int tick)
{
    MetricsSnapshot s;
    s.elapsedMs = qint64(tick) * 100;
    s.intervalMs = 100;
    // Values that move, so axes rescale and lines are not flat.
    const quint64 requests = 50'000 + quint64((tick * 7919) % 20'000);
    const quint64 hits = requests * quint64(40 + tick % 30) / 100;
    s.interval.requests = requests;
    s.interval.hits = hits;
    s.interval.misses = requests - hits;
    s.total.requests = quint64(tick) * 60'000;
    s.total.hits = quint64(tick) * 30'000;
    s.total.misses = quint64(tick) * 30'000;
    s.requestsPerSecond = double(requests) * 10;
    s.hitsPerSecond = double(hits) * 10;
    s.missesPerSecond = double(requests - hits) * 10;
    s.evictionsPerSecond = { double(requests - hits) * 10, double(tick % 5), 0 };
    s.entries = 100;
    s.bytes = 100 * 512 + tick % 97;
    s.capacity = 100;
    for (LatencySummary *l : { &s.hitLatency, &s.missLatency }) {
        l->count = hits;
        l->p50Ns = 900 + (tick % 13) * 50;
        l->p95Ns = 5'000 + (tick % 17) * 300;
        l->p99Ns = 40'000 + (tick % 19) * 2'000;
        l->p999Ns = 900'000 + (tick % 23) * 10'000;
    }
    s.missLatency.p50Ns *= 20;
    return s;
}

ShadowSnapshot shadowSnapshot(int tick)
{
    static const QStringList ids = { u"lru"_s, u"fifo"_s, u"lfu"_s, u"random"_s, u"clock"_s,
        u"arc"_s, u"twoq"_s, u"lirs"_s, u"sieve"_s, u"s3fifo"_s, u"wtinylfu"_s, u"qcache"_s };
    ShadowSnapshot s;
    s.samplingRate = 0.125;
    s.offered = quint64(tick) * 5'000;
    s.sampled = s.offered / 8;
    s.policies.reserve(std::size_t(ids.size()));
    for (int i = 0; i < ids.size(); ++i) {
        ShadowPolicyStats p;
        p.policy = ids.at(i);
        p.requests = s.sampled;
        // Rankings change now and then, so rows move.
        p.hitRatio = 0.5 + 0.01 * double((i * 7 + tick / 50) % 12);
        p.hits = quint64(double(p.requests) * p.hitRatio);
        p.intervalRequests = 600;
        p.intervalHitRatio = p.hitRatio - 0.02 * double(tick % 3);
        p.capacity = 64;
        s.policies.push_back(p);
    }
    for (int c = 1; c <= 40; ++c)
        s.lruCurve.push_back(
            { qint64(c) * 25, 1.0 / (1.0 + 0.02 * double(c) + 0.001 * (tick % 7)) });
    s.liveCapacity = 100;
    s.hitRatioNow = 0.55;
    s.hitRatioAtDoubleCapacity = 0.65;
    return s;
}

/// Feeds `ticks` ticks starting at `from` through `feed`, lets the widget paint every
/// `paintEvery` ticks, and returns the live heap after each of `checkpoints` equal parts.
template <typename Feed>
std::vector<qint64> run(int from, int ticks, int checkpoints, int paintEvery, Feed feed)
{
    std::vector<qint64> heap;
    const int part = ticks / checkpoints;
    for (int i = 0; i < ticks; ++i) {
        feed(from + i);
        if (i % paintEvery == 0)
            QCoreApplication::processEvents();
        if ((i + 1) % part == 0) {
            QCoreApplication::processEvents();
            heap.push_back(liveHeapBytes());
        }
    }
    return heap;
}

QString describe(const std::vector<qint64> &heap)
{
    QStringList parts;
    for (const qint64 h : heap)
        parts << QString::number(double(h) / 1024.0, 'f', 0);
    return u"live heap (KiB) at each checkpoint: "_s + parts.join(u' ');
}

/// Growth over the measured checkpoints: last minus the lowest of the first two (the first
/// may still hold the fill's last transients).
qint64 growth(const std::vector<qint64> &heap) { return heap.back() - std::min(heap[0], heap[1]); }

} // namespace

class tst_ChartMemory : public QObject
{
    Q_OBJECT

private slots:
    void chartPanelHeapFlatOnceWindowsAreFull();
    void whatIfViewHeapFlatOnceWindowsAreFull();
    void logModelHeapFlatAtCapacity();
};

// Ticks drawn after the windows are full (each draws every chart: a few seconds in all).
constexpr int measuredTicks = 1000;
// A leak of a point per series per tick (16 bytes × 22 series) would add 344 KiB over the
// measured ticks, a marker's items per tick more; the bound is well under that and well over
// the allocator's noise (a few KiB).
constexpr qint64 allowedGrowth = 128 * 1024;

void tst_ChartMemory::chartPanelHeapFlatOnceWindowsAreFull()
{
    ChartPanel panel;
    panel.resize(900, 560);
    panel.setMinRenderIntervalMs(0); // every chart drawn at every tick
    // Hidden, a panel collects without drawing: fill the 3000-point windows fast, with a
    // configuration change now and then (markers come and go as they scroll out: at most 64).
    const int full = int(ChartPanel::windowPoints);
    for (int tick = 0; tick < full; ++tick) {
        panel.addSnapshot(double(tick) * 0.1, snapshot(tick));
        if (tick % 300 == 0)
            panel.addMarker(double(tick) * 0.1, u"capacity 100 → 200"_s);
    }
    QCOMPARE(panel.chart(ChartPanel::Throughput)->buffer(0).size(), ChartPanel::windowPoints);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    // Warm-up: each series' point list and Qt Charts' geometry reach their full size.
    int tick = full;
    for (int i = 0; i < 100; ++i, ++tick) {
        panel.addSnapshot(double(tick) * 0.1, snapshot(tick));
        if (i % 4 == 0)
            QCoreApplication::processEvents();
    }

    const std::vector<qint64> heap = run(tick, measuredTicks, 5, 4, [&panel](int t) {
        panel.addSnapshot(double(t) * 0.1, snapshot(t));
        if (t % 300 == 0 && qEnvironmentVariableIsEmpty("NOMARK"))
            panel.addMarker(double(t) * 0.1, u"capacity 100 → 200"_s);
    });
    qInfo().noquote() << describe(heap);
    QCOMPARE(panel.chart(ChartPanel::Throughput)->buffer(0).size(), ChartPanel::windowPoints);
    // Drawn: the series hold the visible points (thinned to the plot's budget).
    QVERIFY(panel.chart(ChartPanel::Throughput)->series(0)->count() > 500); // 60 s shown
    QVERIFY2(growth(heap) < allowedGrowth, qPrintable(describe(heap)));
}

void tst_ChartMemory::whatIfViewHeapFlatOnceWindowsAreFull()
{
    WhatIfView view;
    view.resize(900, 560);
    view.setShadowsEnabled(true);
    view.setMinRenderIntervalMs(0);
    constexpr int full = 3000; // the comparison chart's window, as the live charts'
    for (int tick = 0; tick < full; ++tick)
        view.addSample(double(tick) * 0.1, snapshot(tick), u"lru"_s, shadowSnapshot(tick));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    int tick = full;
    for (int i = 0; i < 100; ++i, ++tick) {
        view.addSample(double(tick) * 0.1, snapshot(tick), u"lru"_s, shadowSnapshot(tick));
        if (i % 4 == 0)
            QCoreApplication::processEvents();
    }
    const std::vector<qint64> heap = run(tick, measuredTicks, 5, 4, [&view](int t) {
        view.addSample(double(t) * 0.1, snapshot(t), u"lru"_s, shadowSnapshot(t));
    });
    qInfo().noquote() << describe(heap);
    QCOMPARE(view.rankingModel()->rowCount(), 13); // 12 shadows and the real cache
    const int lru = view.seriesIndex(u"lru"_s, WhatIfView::RatioKind::Cumulative);
    QCOMPARE(view.comparisonChart()->buffer(lru).size(), qsizetype(full));
    QVERIFY(view.comparisonChart()->series(lru)->count() > 500);
    QVERIFY2(growth(heap) < allowedGrowth, qPrintable(describe(heap)));
}

void tst_ChartMemory::logModelHeapFlatAtCapacity()
{
    LogModel log(500);
    for (int i = 0; i < 1'000; ++i)
        log.add(LogModel::Level::Info, u"Scenario step at %1 s: capacity 100 → 200"_s.arg(i));
    const std::vector<qint64> heap = run(0, 5'000, 5, 100, [&log](int i) {
        log.add(LogModel::Level::Change, u"Scenario step at %1 s: capacity 100 → 200"_s.arg(i));
    });
    qInfo().noquote() << describe(heap);
    QCOMPARE(log.rowCount(), 500);
    QVERIFY2(growth(heap) < 64 * 1024, qPrintable(describe(heap)));
}

QTEST_MAIN(tst_ChartMemory)
#include "tst_chartmemory.moc"
