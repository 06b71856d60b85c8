#include "core/metrics/timeseries.h"

#include <QTest>

using namespace CacheScope;

class tst_TimeSeries : public QObject
{
    Q_OBJECT

private slots:
    void keepsOrderBeforeFull();
    void neverExceedsItsLimit();
    void clearStartsOver();
    void capacityAtLeastOne();
};

void tst_TimeSeries::keepsOrderBeforeFull()
{
    TimeSeries series(5);
    series.push({ 0, 10 });
    series.push({ 1, 11 });
    series.push({ 2, 12 });
    QCOMPARE(series.size(), 3);
    QCOMPARE(series.points(), (QList<QPointF> { { 0, 10 }, { 1, 11 }, { 2, 12 } }));
    QCOMPARE(series.last(), QPointF(2, 12));
}

void tst_TimeSeries::neverExceedsItsLimit()
{
    constexpr qsizetype limit = 600;
    TimeSeries series(limit);
    for (int i = 0; i < 10'000; ++i) {
        series.push({ double(i), double(i % 7) });
        QVERIFY(series.size() <= limit);
    }
    QCOMPARE(series.size(), limit);
    QCOMPARE(series.capacity(), limit);
    const QList<QPointF> points = series.points();
    QCOMPARE(points.size(), limit);
    // The last 600 pushes, oldest first: x = 9400 ... 9999.
    for (qsizetype i = 0; i < limit; ++i) {
        QCOMPARE(points[i].x(), double(10'000 - limit + i));
        QCOMPARE(points[i].y(), double((10'000 - limit + i) % 7));
    }
    QCOMPARE(series.at(0).x(), 9400.0);
    QCOMPARE(series.last().x(), 9999.0);
}

void tst_TimeSeries::clearStartsOver()
{
    TimeSeries series(3);
    for (int i = 0; i < 5; ++i)
        series.push({ double(i), 0 });
    series.clear();
    QVERIFY(series.isEmpty());
    series.push({ 42, 1 });
    QCOMPARE(series.points(), QList<QPointF> { QPointF(42, 1) });
}

void tst_TimeSeries::capacityAtLeastOne()
{
    TimeSeries<int> series(0);
    series.push(1);
    series.push(2);
    QCOMPARE(series.size(), 1);
    QCOMPARE(series.points(), QList<int> { 2 });
}

QTEST_GUILESS_MAIN(tst_TimeSeries)
#include "tst_timeseries.moc"
