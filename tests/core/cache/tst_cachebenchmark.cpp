#include "core/cache/cachebenchmark.h"
#include "core/workload/xoshiro256.h"
#include "core/workload/zipfsampler.h"

#include <QTest>

#include <cmath>
#include <random>
#include <vector>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_CacheBenchmark : public QObject
{
    Q_OBJECT

private slots:
    void zipfFrequencies_data();
    void zipfFrequencies();
    void runsAndReports_data();
    void runsAndReports();
    void readOnlyOfWritesHasNoRatio();
    void rejectsBadOptions_data();
    void rejectsBadOptions();
};

void tst_CacheBenchmark::zipfFrequencies_data()
{
    QTest::addColumn<double>("alpha");
    QTest::newRow("uniform") << 0.0;
    QTest::newRow("0.99") << 0.99;
    QTest::newRow("1.0") << 1.0;
    QTest::newRow("1.5") << 1.5;
}

void tst_CacheBenchmark::zipfFrequencies()
{
    // Rank k of n has probability k^-alpha / H(n, alpha): compare the draws with that formula.
    QFETCH(double, alpha);
    constexpr quint64 n = 1000;
    constexpr int draws = 1'000'000;
    double harmonic = 0;
    for (quint64 k = 1; k <= n; ++k)
        harmonic += std::pow(double(k), -alpha);
    // The benchmark draws its key pool with the workload's sampler: check it per rank.
    const ZipfSampler zipf(n, alpha);
    Xoshiro256 rng(5);
    std::vector<int> counts(n + 1);
    for (int i = 0; i < draws; ++i) {
        const quint64 rank = zipf.sample(rng);
        QVERIFY(rank >= 1 && rank <= n);
        ++counts[rank];
    }
    for (quint64 k : { 1, 2, 10, 100 }) {
        const double expected = std::pow(double(k), -alpha) / harmonic * draws;
        const double err = std::abs(counts[k] - expected) / expected;
        QVERIFY2(err < 0.05 + 4 / std::sqrt(expected), // 5% or 4 sigma, whichever is wider
            qPrintable(u"rank %1: %2 vs %3"_s.arg(k).arg(counts[k]).arg(expected)));
    }
}

void tst_CacheBenchmark::runsAndReports_data()
{
    QTest::addColumn<QString>("policy");
    QTest::newRow("qcache") << u"qcache"_s;
    QTest::newRow("lru") << u"lru"_s;
    QTest::newRow("std-lru baseline") << u"std-lru"_s;
}

void tst_CacheBenchmark::runsAndReports()
{
    QFETCH(QString, policy);
    BenchCacheConfig c;
    c.policy = policy;
    c.threads = 2;
    c.seconds = 0.2;
    c.keys = 1000; // all fit in 2,000 entries: only cold misses
    c.capacity = 2000;
    c.readRatio = 0.9;
    c.recordMetrics = policy == u"qcache"_s;
    const auto r = runCacheBenchmark(c);
    QVERIFY(r);
    QCOMPARE(r->policy, policy);
    QCOMPARE(r->threads, 2);
    QVERIFY(r->seconds >= 0.2 && r->seconds < 5);
    QVERIFY(r->ops > 10'000);
    QCOMPARE(r->opsPerSecond, double(r->ops) / r->seconds);
    // Nothing is evicted, so each thread misses each key at most once: at most 2,000 misses
    // among the ~90% of operations that are reads (however slow the build, e.g. under TSan).
    QVERIFY(r->hitRatio);
    QVERIFY2(*r->hitRatio >= 1.0 - 2.0 * double(c.keys) / (0.8 * double(r->ops)),
        qPrintable(QString::number(*r->hitRatio) + u" over "_s + QString::number(r->ops)));
    QVERIFY(r->entries > 0 && r->entries <= 1000);
    if (c.recordMetrics)
        QVERIFY(r->p50HitNs >= 1000 && r->p99HitNs >= r->p50HitNs);
}

void tst_CacheBenchmark::readOnlyOfWritesHasNoRatio()
{
    BenchCacheConfig c;
    c.seconds = 0.05;
    c.keys = 100;
    c.readRatio = 0;
    const auto writes = runCacheBenchmark(c);
    QVERIFY(writes);
    QVERIFY(!writes->hitRatio);
    c.policy = u"none"_s;
    c.readRatio = 1;
    const auto none = runCacheBenchmark(c);
    QVERIFY(none);
    QCOMPARE(*none->hitRatio, 0.0);
}

void tst_CacheBenchmark::rejectsBadOptions_data()
{
    QTest::addColumn<QString>("field");
    QTest::newRow("threads") << u"threads"_s;
    QTest::newRow("seconds") << u"seconds"_s;
    QTest::newRow("keys") << u"keys"_s;
    QTest::newRow("alpha") << u"alpha"_s;
    QTest::newRow("read-ratio") << u"read-ratio"_s;
    QTest::newRow("capacity") << u"capacity"_s;
    QTest::newRow("policy") << u"policy"_s;
}

void tst_CacheBenchmark::rejectsBadOptions()
{
    QFETCH(QString, field);
    BenchCacheConfig c;
    c.seconds = 0.01;
    if (field == u"threads"_s)
        c.threads = 0;
    else if (field == u"seconds"_s)
        c.seconds = 0;
    else if (field == u"keys"_s)
        c.keys = 0;
    else if (field == u"alpha"_s)
        c.alpha = -1;
    else if (field == u"read-ratio"_s)
        c.readRatio = 1.5;
    else if (field == u"capacity"_s)
        c.capacity = 0;
    else
        c.policy = u"opt"_s;
    const auto r = runCacheBenchmark(c);
    QVERIFY(!r);
    QCOMPARE(r.error().field, field);
}

QTEST_GUILESS_MAIN(tst_CacheBenchmark)
#include "tst_cachebenchmark.moc"
