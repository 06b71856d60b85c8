#include "core/metrics/latencyhistogram.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <atomic>
#include <thread>
#include <vector>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

/// The nearest-rank percentile of sorted values: the oracle the histogram must agree with.
qint64 exactPercentile(const std::vector<qint64> &sorted, double p)
{
    const auto rank
        = std::max<std::size_t>(1, std::size_t(std::ceil(p / 100.0 * double(sorted.size()))));
    return sorted[rank - 1];
}

double relativeError(qint64 got, qint64 want)
{
    return std::abs(double(got) - double(want)) / double(want);
}

} // namespace

class tst_LatencyHistogram : public QObject
{
    Q_OBJECT

private slots:
    void bucketsAreNarrowEnough();
    void emptyHasNoValues();
    void uniformPercentiles_data();
    void uniformPercentiles();
    void agreesWithSortedSamples_data();
    void agreesWithSortedSamples();
    void clampsToRange();
    void concurrentRecordingSumsExactly();
    void ownedRecordingWhileAnotherThreadReads();
    void subtractLeavesTheInterval();
    void mergeAddsCounts();
};

void tst_LatencyHistogram::bucketsAreNarrowEnough()
{
    QCOMPARE(LatencyHistogram::bucketIndex(LatencyHistogram::lowestNs), 61); // 1000 = 125 << 3
    QVERIFY(
        LatencyHistogram::bucketIndex(LatencyHistogram::highestNs) < LatencyHistogram::bucketCount);
    for (int i = 0; i < LatencyHistogram::bucketCount; ++i) {
        const qint64 low = LatencyHistogram::bucketLowNs(i);
        const qint64 high = LatencyHistogram::bucketHighNs(i);
        QVERIFY(double(high - low) / double(low) <= 1.0 / 64);
        QCOMPARE(LatencyHistogram::bucketIndex(low), i);
        QCOMPARE(LatencyHistogram::bucketIndex(high - 1), i);
        if (i + 1 < LatencyHistogram::bucketCount)
            QCOMPARE(LatencyHistogram::bucketLowNs(i + 1), high);
    }
}

void tst_LatencyHistogram::emptyHasNoValues()
{
    LatencyHistogram h;
    QCOMPARE(h.count(), 0u);
    QVERIFY(h.isEmpty());
    QCOMPARE(h.percentileNs(50), 0);
    QCOMPARE(h.maxNs(), 0);
    QCOMPARE(h.minNs(), 0);
    QCOMPARE(h.meanNs(), 0.0);
}

void tst_LatencyHistogram::uniformPercentiles_data()
{
    QTest::addColumn<double>("percentile");
    QTest::addColumn<qint64>("expectedNs");
    // 1, 2, ..., 100,000 µs once each: the p-th percentile by nearest rank is p * 1,000 µs.
    QTest::newRow("p1") << 1.0 << qint64(1'000'000);
    QTest::newRow("p50") << 50.0 << qint64(50'000'000);
    QTest::newRow("p95") << 95.0 << qint64(95'000'000);
    QTest::newRow("p99") << 99.0 << qint64(99'000'000);
    QTest::newRow("p99.9") << 99.9 << qint64(99'900'000);
    QTest::newRow("p100") << 100.0 << qint64(100'000'000);
}

void tst_LatencyHistogram::uniformPercentiles()
{
    QFETCH(double, percentile);
    QFETCH(qint64, expectedNs);
    LatencyHistogram h;
    for (qint64 us = 1; us <= 100'000; ++us)
        h.record(us * 1000);
    QCOMPARE(h.count(), 100'000u);
    const qint64 got = h.percentileNs(percentile);
    QVERIFY2(relativeError(got, expectedNs) <= 0.02,
        qPrintable(QString::number(got) + u" vs "_s + QString::number(expectedNs)));
    QCOMPARE(h.maxNs(), 100'000'000); // max is exact
    QCOMPARE(h.minNs(), 1'000);
    QCOMPARE(h.meanNs(), 50'000.5 * 1000);
}

void tst_LatencyHistogram::agreesWithSortedSamples_data()
{
    QTest::addColumn<QString>("distribution");
    QTest::newRow("exponential, mean 2 ms") << u"exponential"_s;
    QTest::newRow("lognormal, 5 decades") << u"lognormal"_s;
    QTest::newRow("bimodal hit/miss") << u"bimodal"_s;
}

void tst_LatencyHistogram::agreesWithSortedSamples()
{
    QFETCH(QString, distribution);
    std::mt19937_64 rng(7);
    std::exponential_distribution<double> exponential(1.0 / 2e6);
    std::lognormal_distribution<double> lognormal(std::log(1e6), 2.5);
    std::normal_distribution<double> hit(3e3, 5e2);
    std::normal_distribution<double> miss(4e6, 1e6);
    std::bernoulli_distribution isHit(0.9);

    std::vector<qint64> values;
    LatencyHistogram h;
    for (int i = 0; i < 200'000; ++i) {
        double v = 0;
        if (distribution == u"exponential"_s)
            v = exponential(rng);
        else if (distribution == u"lognormal"_s)
            v = lognormal(rng);
        else
            v = isHit(rng) ? hit(rng) : miss(rng);
        const qint64 ns = LatencyHistogram::clamp(qint64(v));
        values.push_back(ns);
        h.record(ns);
    }
    std::sort(values.begin(), values.end());
    for (double p : { 0.0, 1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0 }) {
        const qint64 want = exactPercentile(values, p);
        const qint64 got = h.percentileNs(p);
        QVERIFY2(relativeError(got, want) <= 0.02,
            qPrintable(u"p"_s + QString::number(p) + u": "_s + QString::number(got) + u" vs "_s
                + QString::number(want)));
    }
    QCOMPARE(h.maxNs(), values.back());
    QCOMPARE(h.minNs(), values.front());
}

void tst_LatencyHistogram::clampsToRange()
{
    LatencyHistogram h;
    h.record(0);
    h.record(500);
    h.record(100'000'000'000); // 100 s
    QCOMPARE(h.count(), 3u);
    QCOMPARE(h.minNs(), 1'000);
    QCOMPARE(h.maxNs(), 60'000'000'000);
    QCOMPARE(h.percentileNs(0), 1'000);
    QVERIFY(relativeError(h.percentileNs(50), 1'000) <= 1.0 / 128);
    QCOMPARE(h.percentileNs(100), 60'000'000'000);
    QCOMPARE(LatencyHistogram::clamp(-5), 1'000);
}

void tst_LatencyHistogram::concurrentRecordingSumsExactly()
{
    constexpr int threads = 4;
    constexpr int perThread = 250'000;
    LatencyHistogram shared;
    LatencyHistogram reference; // the same values recorded by one thread
    const auto valueOf
        = [](int t, int i) { return qint64(1000 + (i * 7919 + t * 104729) % 5'000'000); };
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&shared, &valueOf, t] {
            for (int i = 0; i < perThread; ++i)
                shared.record(valueOf(t, i));
        });
    }
    for (int t = 0; t < threads; ++t) {
        for (int i = 0; i < perThread; ++i)
            reference.record(valueOf(t, i));
    }
    for (std::thread &w : workers)
        w.join();
    QCOMPARE(shared.count(), quint64(threads) * perThread);
    QCOMPARE(shared.meanNs(), reference.meanNs());
    QCOMPARE(shared.maxNs(), reference.maxNs());
    QCOMPARE(shared.minNs(), reference.minNs());
    for (double p : { 1.0, 50.0, 99.0, 99.9 })
        QCOMPARE(shared.percentileNs(p), reference.percentileNs(p));
}

/// recordOwned(): one recording thread (a worker's own histogram) while another thread reads,
/// as the sampler does. Same histogram as record(), readings never go backwards.
void tst_LatencyHistogram::ownedRecordingWhileAnotherThreadReads()
{
    constexpr int count = 500'000;
    LatencyHistogram owned;
    LatencyHistogram reference;
    const auto valueOf = [](int i) { return 500 + (qint64(i) * 7919) % 3'000'000; };
    std::atomic<bool> done { false };
    std::thread writer([&] {
        for (int i = 0; i < count; ++i)
            owned.recordOwned(valueOf(i));
        done = true;
    });
    quint64 lastCount = 0;
    bool monotonic = true;
    while (!done.load()) {
        const LatencyHistogram copy(owned); // the sampler's relaxed copy
        monotonic = monotonic && copy.count() >= lastCount;
        lastCount = copy.count();
    }
    writer.join();
    for (int i = 0; i < count; ++i)
        reference.record(valueOf(i));
    QVERIFY(monotonic);
    QCOMPARE(owned.count(), quint64(count));
    QCOMPARE(owned.meanNs(), reference.meanNs());
    QCOMPARE(owned.maxNs(), reference.maxNs());
    QCOMPARE(owned.minNs(), reference.minNs());
    for (double p : { 1.0, 50.0, 99.0, 99.9 })
        QCOMPARE(owned.percentileNs(p), reference.percentileNs(p));
}

void tst_LatencyHistogram::subtractLeavesTheInterval()
{
    LatencyHistogram cumulative;
    LatencyHistogram second; // what the second interval alone recorded
    for (qint64 us = 1; us <= 1000; ++us)
        cumulative.record(us * 1000);
    const LatencyHistogram before = cumulative;
    for (qint64 us = 5000; us < 7000; ++us) {
        cumulative.record(us * 1000);
        second.record(us * 1000);
    }
    LatencyHistogram interval = cumulative;
    interval.subtract(before);
    QCOMPARE(interval.count(), 2000u);
    QCOMPARE(interval.meanNs(), second.meanNs());
    QCOMPARE(interval.maxNs(), 6'999'000); // a new cumulative max: exact
    for (double p : { 1.0, 50.0, 99.0 })
        QCOMPARE(interval.percentileNs(p), second.percentileNs(p));

    // A third interval below the earlier max: its max comes from its buckets, within 1/64.
    const LatencyHistogram before3 = cumulative;
    cumulative.record(2'000'000);
    LatencyHistogram third = cumulative;
    third.subtract(before3);
    QCOMPARE(third.count(), 1u);
    QVERIFY(relativeError(third.maxNs(), 2'000'000) <= 1.0 / 64);
    QVERIFY(relativeError(third.percentileNs(50), 2'000'000) <= 0.02);

    LatencyHistogram none = cumulative;
    none.subtract(cumulative);
    QCOMPARE(none.count(), 0u);
    QCOMPARE(none.maxNs(), 0);
    QCOMPARE(none.percentileNs(99), 0);
}

void tst_LatencyHistogram::mergeAddsCounts()
{
    LatencyHistogram a;
    LatencyHistogram b;
    LatencyHistogram both;
    for (qint64 i = 1; i <= 500; ++i) {
        a.record(i * 3000);
        b.record(i * 11000);
        both.record(i * 3000);
        both.record(i * 11000);
    }
    a.merge(b);
    QCOMPARE(a.count(), 1000u);
    QCOMPARE(a.maxNs(), both.maxNs());
    QCOMPARE(a.minNs(), both.minNs());
    QCOMPARE(a.percentileNs(50), both.percentileNs(50));
    QCOMPARE(a.percentileNs(99.9), both.percentileNs(99.9));
    a.reset();
    QCOMPARE(a.count(), 0u);
}

QTEST_GUILESS_MAIN(tst_LatencyHistogram)
#include "tst_latencyhistogram.moc"
