// MonitorTracker: consecutive polls into interval records; counters that go backwards (restart,
// CONFIG RESETSTAT) become a marker and a new baseline, never a negative rate.
#include "core/monitor/monitorinterval.h"

#include <QtTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

MonitorSample sample(
    qint64 tMs, quint64 hits, quint64 misses, quint64 ops, const QString &instance = u"a"_s)
{
    MonitorSample s;
    s.tMs = tMs;
    s.instance = instance;
    s.hits = hits;
    s.misses = misses;
    s.operations = ops;
    s.memoryBytes = qint64(tMs);
    s.memoryLimitBytes = 1000;
    s.roundTripNs = { 100'000, 200'000 };
    return s;
}

} // namespace

class tst_MonitorTracker : public QObject
{
    Q_OBJECT

private slots:
    void intervalsAndCumulative()
    {
        MonitorTracker t;
        QVERIFY(!t.add(sample(0, 10, 10, 100)).interval); // the baseline
        const auto a = t.add(sample(1000, 40, 20, 300)).interval;
        QVERIFY(a);
        QCOMPARE(a->counts.hits, 30u);
        QCOMPARE(a->counts.misses, 10u);
        QCOMPARE(*a->counts.hitRatio(), 0.75);
        QCOMPARE(a->opsPerSecond, 200.0);
        QCOMPARE(a->memoryBytes, 1000);
        QCOMPARE(a->latencyCount, 4u); // the baseline's round trips count in the first interval
        QVERIFY(a->latencyP50Ns >= 99'000 && a->latencyP50Ns <= 101'000);
        const auto b = t.add(sample(1500, 40, 30, 300)).interval;
        QCOMPARE(b->counts.hits, 0u);
        QCOMPARE(*b->counts.hitRatio(), 0.0);
        QCOMPARE(*b->cumulativeHitRatio, 0.6); // 30 of 50
        QCOMPARE(b->opsPerSecond, 0.0);
        const MonitorInterval total = t.total();
        QVERIFY(total.final);
        QCOMPARE(total.intervalMs, 1500);
        QCOMPARE(total.counts.hits, 30u);
        QCOMPARE(total.counts.misses, 20u);
        QCOMPARE(total.latencyCount, 6u);
    }

    void countersBackwardsAreAMarker()
    {
        MonitorTracker t;
        t.add(sample(0, 100, 100, 1000));
        t.add(sample(1000, 200, 150, 2000));
        // CONFIG RESETSTAT: same instance, counters from 0 again
        const auto reset = t.add(sample(2000, 3, 1, 10));
        QVERIFY(!reset.interval);
        QVERIFY(reset.marker.contains(u"backwards"_s));
        const auto after = t.add(sample(3000, 13, 1, 30));
        QVERIFY(after.marker.isEmpty());
        QCOMPARE(after.interval->counts.hits, 10u);
        QCOMPARE(after.interval->opsPerSecond, 20.0);
        QCOMPARE(t.total().counts.hits, 110u); // 100 before the reset, 10 after
        QCOMPARE(t.total().intervalMs, 2000); // the reset's interval is not counted
    }

    void newInstanceIsARestartEvenIfCountersGrew()
    {
        MonitorTracker t;
        t.add(sample(0, 5, 5, 50, u"a"_s));
        const auto step = t.add(sample(1000, 500, 500, 5000, u"b"_s));
        QVERIFY(!step.interval);
        QVERIFY(step.marker.contains(u"restarted"_s));
        QCOMPARE(t.add(sample(2000, 501, 500, 5001, u"b"_s)).interval->counts.hits, 1u);
    }

    void aGapIsNotAnInterval()
    {
        MonitorTracker t;
        t.add(sample(0, 0, 0, 0));
        t.add(sample(1000, 10, 0, 10));
        t.breakBaseline();
        const auto back = t.add(sample(9000, 90, 0, 90));
        QVERIFY(!back.interval);
        QVERIFY(back.marker.isEmpty()); // same server, counters grew: only the gap is skipped
        QCOMPARE(t.add(sample(10000, 100, 0, 100)).interval->counts.hits, 10u);
        QCOMPARE(t.total().counts.hits, 20u);
        QCOMPARE(t.total().intervalMs, 2000);
    }

    void ownOperationsAreLeftOut()
    {
        MonitorTracker t;
        MonitorSample a = sample(0, 0, 0, 100);
        a.ownOperations = 40;
        MonitorSample b = sample(1000, 0, 0, 104);
        b.ownOperations = 44;
        t.add(a);
        QCOMPARE(t.add(b).interval->counts.operations, 0u);
    }

    void slabEvictions()
    {
        MonitorTracker t;
        MonitorSample a = sample(0, 0, 0, 0);
        a.slabEvictions = { { 1, 10 }, { 5, 0 } };
        MonitorSample b = sample(1000, 0, 0, 0);
        b.slabEvictions = { { 1, 15 }, { 5, 0 }, { 7, 3 } };
        t.add(a);
        const auto r = t.add(b).interval;
        const std::vector<std::pair<int, quint64>> expected { { 1, 5 }, { 7, 3 } };
        QCOMPARE(r->slabEvictions, expected);
        QCOMPARE(t.total().slabEvictions, expected);
    }
};

QTEST_GUILESS_MAIN(tst_MonitorTracker)
#include "tst_monitortracker.moc"
