#include "core/metrics/counters.h"
#include "core/metrics/metricssnapshot.h"

#include <QTest>
#include <QVariant>

#include <thread>
#include <vector>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_MetricsSnapshot : public QObject
{
    Q_OBJECT

private slots:
    void hitRatioIsNaBeforeAnyRead();
    void countersPadded();
    void countersSumAcrossThreads();
    void intervalBetweenReadings();
    void samplerChainsIntervals();
    void travelsInAQVariant();
};

void tst_MetricsSnapshot::hitRatioIsNaBeforeAnyRead()
{
    CounterValues v;
    QVERIFY(!v.hitRatio());
    QCOMPARE(formatRatio(v.hitRatio()), u"n/a"_s);
    v.requests = v.writes = 5; // writes alone are no reads
    QVERIFY(!v.hitRatio());
    v.hits = 3;
    v.misses = 1;
    QCOMPARE(*v.hitRatio(), 0.75);
    QCOMPARE(formatRatio(v.hitRatio()), u"75.0%"_s);
    QVERIFY(!MetricsSnapshot().hitRatio());
    QVERIFY(!MetricsSnapshot().fillRatio()); // no capacity yet
}

void tst_MetricsSnapshot::countersPadded()
{
    // Each counter in its own cache line; per-worker blocks never share one either.
    QCOMPARE(sizeof(Counters), std::size_t(counterCount) * cacheLineBytes);
    QCOMPARE(alignof(Counters), cacheLineBytes);
    CounterGroup group(3);
    QCOMPARE(quintptr(&group.slot(1)) % cacheLineBytes, quintptr(0));
}

void tst_MetricsSnapshot::countersSumAcrossThreads()
{
    constexpr int threads = 4;
    constexpr int perThread = 100'000;
    Counters shared;
    CounterGroup perWorker(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                shared.add(Counter::Requests);
                perWorker.slot(t).add(Counter::Requests);
                perWorker.slot(t).add(i % 4 == 0 ? Counter::Misses : Counter::Hits);
                if (i % 10 == 0)
                    perWorker.slot(t).addEviction(EvictionReason::Expired);
            }
        });
    }
    for (std::thread &w : workers)
        w.join();
    QCOMPARE(shared.value(Counter::Requests), quint64(threads * perThread));
    const CounterValues sum = perWorker.values();
    QCOMPARE(sum.requests, quint64(threads * perThread));
    QCOMPARE(sum.misses, quint64(threads * perThread / 4));
    QCOMPARE(sum.hits, quint64(threads * perThread * 3 / 4));
    QCOMPARE(sum.evictionCount(EvictionReason::Expired), quint64(threads * perThread / 10));
    QCOMPARE(sum.evictionsTotal(), quint64(threads * perThread / 10));
    perWorker.reset();
    QCOMPARE(perWorker.values(), CounterValues());
}

void tst_MetricsSnapshot::intervalBetweenReadings()
{
    MetricsReading before;
    before.elapsedMs = 1000;
    before.counters.requests = 100;
    before.counters.hits = 80;
    before.counters.misses = 20;
    for (int i = 0; i < 80; ++i)
        before.hitLatency.record(2'000); // 2 µs hits so far

    MetricsReading now = before;
    now.elapsedMs = 1500;
    now.counters.requests = 300;
    now.counters.hits = 200;
    now.counters.misses = 90;
    now.counters.writes = 10;
    now.counters.errors = 5;
    now.counters.evictions[int(EvictionReason::Capacity)] = 50;
    now.entries = 250;
    now.capacity = 1000;
    for (int i = 0; i < 120; ++i)
        now.hitLatency.record(10'000); // 10 µs hits in this interval
    now.missLatency.record(5'000'000);

    const MetricsSnapshot s = makeSnapshot(before, now);
    QCOMPARE(s.intervalMs, 500);
    QCOMPARE(s.interval.requests, 200u);
    QCOMPARE(s.interval.hits, 120u);
    QCOMPARE(s.interval.misses, 70u);
    QCOMPARE(s.requestsPerSecond, 400.0);
    QCOMPARE(s.hitsPerSecond, 240.0);
    QCOMPARE(s.missesPerSecond, 140.0);
    QCOMPARE(s.writesPerSecond, 20.0);
    QCOMPARE(s.errorsPerSecond, 10.0);
    QCOMPARE(s.evictionsPerSecond[int(EvictionReason::Capacity)], 100.0);
    QCOMPARE(s.evictionsPerSecondTotal(), 100.0);
    QCOMPARE(*s.hitRatio(), 120.0 / 190.0);
    QCOMPARE(*s.totalHitRatio(), 200.0 / 290.0);
    QCOMPARE(*s.fillRatio(), 0.25);
    // The interval's hits were all 10 µs; the whole run's median is still 10 µs (120 of 200).
    QCOMPARE(s.hitLatency.count, 120u);
    QCOMPARE(s.hitLatency.p50Ns, 10'000);
    QCOMPARE(s.hitLatency.maxNs, 10'000);
    QCOMPARE(s.totalHitLatency.count, 200u);
    QVERIFY(qAbs(s.totalHitLatency.p95Ns - 10'000) <= 10'000 / 64);
    QCOMPARE(s.missLatency.count, 1u);
    QCOMPARE(s.missLatency.p999Ns, 5'000'000);
    QCOMPARE(s.writeLatency.count, 0u);
    QCOMPARE(s.writeLatency.p99Ns, 0);
}

void tst_MetricsSnapshot::samplerChainsIntervals()
{
    MetricsSampler sampler;
    MetricsReading r;
    r.elapsedMs = 100;
    r.counters.requests = r.counters.hits = 10;
    MetricsSnapshot first = sampler.sample(r);
    QCOMPARE(first.intervalMs, 100); // from the start
    QCOMPARE(first.interval.requests, 10u);
    QCOMPARE(first.requestsPerSecond, 100.0);

    r.elapsedMs = 200;
    r.counters.requests = 40;
    r.counters.hits = 30;
    r.counters.misses = 10;
    MetricsSnapshot second = sampler.sample(r);
    QCOMPARE(second.intervalMs, 100);
    QCOMPARE(second.interval.requests, 30u);
    QCOMPARE(*second.hitRatio(), 20.0 / 30.0);
    QCOMPARE(second.total.requests, 40u);

    sampler.reset();
    QCOMPARE(sampler.sample(r).interval.requests, 40u);

    MetricsReading idle = r; // no time passed: rates are 0, not a division by zero
    QCOMPARE(makeSnapshot(r, idle).requestsPerSecond, 0.0);
}

void tst_MetricsSnapshot::travelsInAQVariant()
{
    MetricsSnapshot s;
    s.elapsedMs = 1234;
    s.interval.hits = 7;
    const QVariant v = QVariant::fromValue(s);
    QVERIFY(v.canConvert<MetricsSnapshot>());
    QCOMPARE(v.value<MetricsSnapshot>().elapsedMs, 1234);
    QCOMPARE(v.value<MetricsSnapshot>().interval.hits, 7u);
}

QTEST_GUILESS_MAIN(tst_MetricsSnapshot)
#include "tst_metricssnapshot.moc"
