// ShadowSet: the shadow policies of a live run, without the engine. At rate 1 every shadow
// equals a direct replay of the same stream; a full buffer drops and counts instead of waiting;
// the rate falls on drops and on an exceeded CPU budget (clocks injected, no timing) and rises
// with headroom; sampled shadows estimate the full-size policies; capacity changes arrive;
// producer threads against the consumer thread (run under ThreadSanitizer by scripts/test).

#include "testsupport.h"

#include "core/metrics/missratiocurve.h"
#include "core/policy/policyregistry.h"
#include "core/whatif/shadowset.h"
#include "core/workload/generator.h"

#include <QTest>

#include <cmath>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

namespace {

/// A stream of reads with an invalidation of the read's key after every `writeEvery`-th read
/// (0: none); keys are cache-key-like (a template tag in the top byte).
struct Step
{
    Request request;
    bool invalidate = false;
};

std::vector<Step> makeStream(quint64 requests, quint64 keys, bool sized, int writeEvery)
{
    WorkloadSpec spec;
    spec.kind = u"zipf"_s;
    spec.keys = keys;
    spec.requests = requests;
    spec.alpha = 0.99;
    spec.sizedObjects = sized;
    spec.seed = 5;
    const Result<std::vector<Request>> generated = generateRequests(spec);
    Q_ASSERT(generated.has_value());
    std::vector<Step> steps;
    for (Request r : generated.value()) {
        r.key |= quint64(1) << 56;
        steps.push_back({ r, false });
        if (writeEvery > 0 && steps.size() % std::size_t(writeEvery) == 0)
            steps.push_back({ r, true });
    }
    return steps;
}

/// Clocks the test moves by hand: the rate adaptation reads them.
struct FakeClocks
{
    std::shared_ptr<qint64> wall = std::make_shared<qint64>(1'000'000'000);
    std::shared_ptr<qint64> cpu = std::make_shared<qint64>(0);
    std::shared_ptr<qint64> process = std::make_shared<qint64>(0);
    void install(ShadowConfig &config) const
    {
        config.wallClockNs = [w = wall] { return *w; };
        config.cpuClockNs = [c = cpu] { return *c; };
        config.processCpuClockNs = [p = process] { return *p; };
    }
    /// `ms` of wall time pass, in which the whole process used `processCores` (two busy
    /// workers by default) and the consumer `consumerShare` of that.
    void advance(qint64 ms, double consumerShare, double processCores = 2.0) const
    {
        *wall += ms * 1'000'000;
        *process += qint64(double(ms) * 1e6 * processCores);
        *cpu += qint64(double(ms) * 1e6 * processCores * consumerShare);
    }
};

ShadowConfig fixedRate(qint64 capacity, double rate)
{
    ShadowConfig config;
    config.capacity = capacity;
    config.initialRate = rate;
    config.adaptive = false;
    return config;
}

} // namespace

Q_DECLARE_METATYPE(CacheScope::ShadowConfig)

class tst_ShadowSet : public QObject
{
    Q_OBJECT

private slots:
    void validation_data()
    {
        QTest::addColumn<ShadowConfig>("config");
        QTest::addColumn<QString>("field");
        ShadowConfig c;
        c.capacity = 0;
        QTest::newRow("capacity 0") << c << u"capacity"_s;
        c = {};
        c.initialRate = 0;
        QTest::newRow("rate 0") << c << u"initialRate"_s;
        c = {};
        c.initialRate = 1.5;
        QTest::newRow("rate above 1") << c << u"initialRate"_s;
        c = {};
        c.policies = QStringList { u"opt"_s };
        QTest::newRow("opt needs the future") << c << u"policy"_s;
        c.policies = QStringList { u"nope"_s };
        QTest::newRow("unknown policy") << c << u"policy"_s;
        c = {};
        c.ringCapacity = 1;
        QTest::newRow("ring") << c << u"ringCapacity"_s;
    }
    void validation()
    {
        QFETCH(ShadowConfig, config);
        QFETCH(QString, field);
        const Result<std::unique_ptr<ShadowSet>> set = ShadowSet::create(config);
        QVERIFY(!set);
        QCOMPARE(set.error().field, field);
    }

    void shadowsEveryLivePolicy()
    {
        const std::unique_ptr<ShadowSet> set = ShadowSet::create({}).value();
        const ShadowSnapshot s = set->snapshot();
        QStringList expected;
        for (const PolicyInfo &info : policyRegistry())
            if (!info.needsFuture)
                expected << info.id;
        QStringList got;
        for (const ShadowPolicyStats &p : s.policies)
            got << p.policy;
        got.sort();
        expected.sort();
        QCOMPARE(got, expected);
        QVERIFY(!got.contains(u"opt"_s));
        QCOMPARE(s.samplingRate, 1.0);
        QVERIFY(s.lruCurve.empty()); // nothing sampled yet
    }

    /// Rate 1, one producer: every shadow's hits and requests equal a replay of the same reads
    /// and invalidations through a fresh policy of the same id, capacity and seed.
    void rateOneMatchesDirectReplay_data()
    {
        QTest::addColumn<bool>("bytes");
        QTest::newRow("objects") << false;
        QTest::newRow("bytes") << true;
    }
    void rateOneMatchesDirectReplay()
    {
        QFETCH(bool, bytes);
        const std::vector<Step> stream = makeStream(200'000, 5'000, bytes, 97);
        ShadowConfig config = fixedRate(bytes ? 400'000 : 500, 1.0);
        config.sizeUnit = bytes ? SizeUnit::Bytes : SizeUnit::Objects;
        config.ringCapacity = 1024;
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(3);
        quint64 reads = 0;
        std::size_t sinceDrain = 0;
        for (const Step &step : stream) {
            if (step.invalidate)
                producer.invalidate(step.request.key);
            else {
                producer.offer(step.request.key, step.request.size);
                ++reads;
            }
            if (++sinceDrain == 1000) { // below the ring's 1024: nothing is dropped
                set->drain();
                sinceDrain = 0;
            }
        }
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.offered, reads);
        QCOMPARE(s.sampled, reads);
        QCOMPARE(s.dropped, quint64(0));
        QCOMPARE(s.rateChanges, quint64(0));
        const auto online = std::count_if(policyRegistry().begin(), policyRegistry().end(),
            [](const PolicyInfo &p) { return !p.needsFuture; });
        QCOMPARE(qsizetype(s.policies.size()), qsizetype(online)); // every policy but opt

        for (const ShadowPolicyStats &shadow : s.policies) {
            const PolicyConfig policyConfig { config.capacity, config.sizeUnit, config.seed };
            std::unique_ptr<CachePolicy> direct = createPolicy(shadow.policy, policyConfig).value();
            for (const Step &step : stream) {
                if (step.invalidate)
                    direct->remove(step.request.key);
                else
                    direct->access(step.request);
            }
            QVERIFY2(shadow.hits == direct->stats().hits,
                qPrintable(u"%1: shadow %2 hits, replay %3"_s.arg(shadow.policy)
                               .arg(shadow.hits)
                               .arg(direct->stats().hits)));
            QCOMPARE(shadow.requests, direct->stats().requests);
            QCOMPARE(shadow.capacity, config.capacity);
            // At rate 1 the estimate is the plain ratio.
            QVERIFY(
                std::abs(shadow.hitRatio - double(shadow.hits) / double(shadow.requests)) < 1e-12);
        }
    }

    /// Spatial sampling at 1/4 and 1/16 (capacity scaled alike): every policy's estimate stays
    /// near its full-size replay, and the SHARDS curve near the exact LRU curve. Seeded stream,
    /// so the numbers are fixed; the bounds state the accuracy the what-if view relies on.
    void sampledEstimatesFullPolicy_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("1/4") << 0.25 << 0.02;
        QTest::newRow("1/16") << 0.0625 << 0.03;
    }
    void sampledEstimatesFullPolicy()
    {
        QFETCH(double, rate);
        QFETCH(double, tolerance);
        constexpr qint64 capacity = 2000;
        const std::vector<Step> stream = makeStream(1'000'000, 20'000, false, 0);
        ShadowConfig config = fixedRate(capacity, rate);
        config.ringCapacity = 1 << 20; // the whole sample fits: one drain at the end
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        std::vector<Request> requests;
        for (const Step &step : stream) {
            producer.offer(step.request.key, 1);
            requests.push_back(step.request);
        }
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.dropped, quint64(0));
        QCOMPARE(s.samplingRate, rate);
        for (const ShadowPolicyStats &shadow : s.policies) {
            QCOMPARE(shadow.capacity, qint64(std::llround(double(capacity) * rate)));
            std::unique_ptr<CachePolicy> full
                = createPolicy(shadow.policy, { capacity, SizeUnit::Objects, config.seed }).value();
            full->accessBatch(requests);
            const double exact = 1.0 - full->stats().missRatio();
            QVERIFY2(std::abs(shadow.hitRatio - exact) <= tolerance,
                qPrintable(u"%1: estimated %2, full replay %3"_s.arg(shadow.policy)
                               .arg(shadow.hitRatio)
                               .arg(exact)));
        }
        const MissRatioCurve lru = exactLruCurve(requests);
        QVERIFY2(std::abs(s.hitRatioNow - (1.0 - lru.missRatio(capacity))) <= tolerance,
            qPrintable(
                u"LRU now: %1 vs %2"_s.arg(s.hitRatioNow).arg(1.0 - lru.missRatio(capacity))));
        QVERIFY2(
            std::abs(s.hitRatioAtDoubleCapacity - (1.0 - lru.missRatio(2 * capacity))) <= tolerance,
            qPrintable(u"LRU at 2x: %1 vs %2"_s.arg(s.hitRatioAtDoubleCapacity)
                           .arg(1.0 - lru.missRatio(2 * capacity))));
        // The curve spans 1 to 4x the live capacity, in the live unit, rising capacities.
        QCOMPARE(s.lruCurve.front().capacity, qint64(1));
        QCOMPARE(s.lruCurve.back().capacity, 4 * capacity);
        for (std::size_t i = 1; i < s.lruCurve.size(); ++i) {
            QVERIFY(s.lruCurve[i].capacity > s.lruCurve[i - 1].capacity);
            QVERIFY(s.lruCurve[i].missRatio <= s.lruCurve[i - 1].missRatio + 1e-12);
        }
        // Ranked: best estimated hit ratio first.
        for (std::size_t i = 1; i < s.policies.size(); ++i)
            QVERIFY(s.policies[i - 1].hitRatio >= s.policies[i].hitRatio);
    }

    /// The "LRU of 100 entries" scenario's workload (zipf 0.99 over 100 000 keys) at capacity
    /// 100, shadows unsampled: the curve's point at the live capacity and at twice it agree with
    /// the exact LRU (and with the LRU shadow) within 2 points. A SHARDS sample alone (16 384 of
    /// the 100 000 keys) read 29.5% against 27.4% there: an LRU of 100 is 16 sampled entries.
    /// The curve is exact up to its exact-distance bound, SHARDS beyond it.
    void smallCapacityCurveAgreesWithExactLru_data()
    {
        QTest::addColumn<qint64>("capacity");
        QTest::newRow("100 (lru-100)") << qint64(100);
        QTest::newRow("1000") << qint64(1000);
        QTest::newRow("10000 (past the exact bound)") << qint64(10000);
    }
    void smallCapacityCurveAgreesWithExactLru()
    {
        QFETCH(qint64, capacity);
        WorkloadSpec spec;
        spec.kind = u"zipf"_s;
        spec.keys = 100'000;
        spec.requests = 600'000;
        spec.alpha = 0.99;
        spec.seed = 42;
        const std::vector<Request> requests = generateRequests(spec).value();
        ShadowConfig config = fixedRate(capacity, 1.0);
        config.policies = { u"lru"_s };
        config.ringCapacity = 1 << 20;
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        for (const Request &r : requests)
            producer.offer(r.key, 1);
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.dropped, quint64(0));
        const MissRatioCurve lru = exactLruCurve(requests);
        const double exactNow = 1.0 - lru.missRatio(capacity);
        const double exactDouble = 1.0 - lru.missRatio(2 * capacity);
        QVERIFY2(std::abs(s.policies.front().hitRatio - exactNow) < 1e-9,
            qPrintable(
                u"LRU shadow %1 vs exact %2"_s.arg(s.policies.front().hitRatio).arg(exactNow)));
        QVERIFY2(std::abs(s.hitRatioNow - exactNow) <= 0.02,
            qPrintable(u"curve now %1 vs exact %2"_s.arg(s.hitRatioNow).arg(exactNow)));
        QVERIFY2(std::abs(s.hitRatioAtDoubleCapacity - exactDouble) <= 0.02,
            qPrintable(
                u"curve at 2x %1 vs exact %2"_s.arg(s.hitRatioAtDoubleCapacity).arg(exactDouble)));
    }

    /// No consumer: the ring fills, the rest is dropped and counted, and offer() returns.
    void fullBufferDropsWithoutWaiting()
    {
        ShadowConfig config = fixedRate(100, 1.0);
        config.ringCapacity = 64;
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        for (Key k = 1; k <= 1000; ++k)
            producer.offer(k, 1);
        set->drain();
        ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.offered, quint64(1000));
        QCOMPARE(s.sampled, quint64(64));
        QCOMPARE(s.dropped, quint64(1000 - 64));
        QCOMPARE(s.samplingRate, 1.0); // not adaptive: only counted
        QVERIFY(s.effectiveRate() < 0.07);

        // After stop() (no consumer any more) offers are still taken without waiting.
        set->start();
        set->stop();
        for (Key k = 1; k <= 100; ++k)
            producer.offer(k, 1);
        set->drain();
        s = set->snapshot();
        QCOMPARE(s.offered, quint64(1100));
        QCOMPARE(s.sampled + s.dropped, quint64(1100));
    }

    /// Drops in a window halve the rate; the shadows restart at the new scaled capacity.
    void rateFallsOnDrops()
    {
        FakeClocks clocks;
        ShadowConfig config;
        config.capacity = 1000;
        config.ringCapacity = 64;
        config.cpuBudget = 0.5;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        set->drain(); // opens the first window
        for (Key k = 1; k <= 1000; ++k)
            producer.offer(k, 1);
        clocks.advance(150, 0.01);
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        QVERIFY(s.dropped > 0);
        QCOMPARE(s.samplingRate, 0.5);
        QCOMPARE(set->samplingRate(), 0.5);
        QCOMPARE(s.rateChanges, quint64(1));
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(500));
        // The counts of the first epoch carry over into the new shadows'.
        QCOMPARE(s.policies.front().requests, quint64(64));
    }

    /// A consumer over its CPU budget falls towards a rate that fits it: 9x over the budget
    /// (0.9 of the process's CPU time, budget 0.1) is four halvings (1/16): three (1/8, the
    /// most per window) in one window, the fourth in the next.
    void rateFallsOverCpuBudget()
    {
        FakeClocks clocks;
        ShadowConfig config;
        config.capacity = 1600;
        config.cpuBudget = 0.1;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        set->drain();
        for (Key k = 1; k <= 2000; ++k) // enough keys that the time is theirs, not overhead
            producer.offer(k, 1);
        clocks.advance(50, 0.9, 1.1);
        set->drain();
        QCOMPARE(set->snapshot().samplingRate, 1.0); // a window is 100 ms
        clocks.advance(60, 0.9, 1.1);
        set->drain();
        QCOMPARE(set->snapshot().samplingRate, 1.0 / 8);
        for (Key k = 3000; k <= 30'000; ++k) // about 3400 sampled at 1/8
            producer.offer(k, 1);
        clocks.advance(100, 0.2, 1.1); // 2x over: one more halving
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.samplingRate, 1.0 / 16);
        QCOMPARE(s.rateChanges, quint64(2));
        QCOMPARE(s.dropped, quint64(0));
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(100));
        // Producers sample at the new rate: only keys hashed below 2^53 / 16 get through.
        quint64 expected = 0;
        for (Key k = 10'000; k < 12'000; ++k) {
            producer.offer(k, 1);
            expected += shadowSampleHash(k) < (quint64(1) << 49) ? 1 : 0;
        }
        set->drain();
        QCOMPARE(set->snapshot().sampled, s.sampled + expected);
        QCOMPARE(set->snapshot().offered, s.offered + 2000);

        // Few keys over budget: the time is the consumer's fixed overhead, which a lower rate
        // would not cut: the rate stays.
        for (Key k = 20'000; k < 21'000; ++k)
            producer.offer(k, 1); // about 60 sampled at 1/16
        clocks.advance(100, 0.9, 1.1);
        set->drain();
        QCOMPARE(set->snapshot().samplingRate, 1.0 / 16);
    }

    /// Drops keep halving the rate, down to minRate and no further.
    void rateStopsAtMinRate()
    {
        FakeClocks clocks;
        ShadowConfig config;
        config.capacity = 1000;
        config.ringCapacity = 64;
        config.minRate = 1.0 / 64;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        set->drain();
        Key next = 0;
        for (int i = 0; i < 10; ++i) {
            for (int k = 0; k < 64 * 64 * 8; ++k)
                producer.offer(next++, 1); // overflows the ring at every rate down to 1/64
            clocks.advance(100, 0.01);
            set->drain();
        }
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.samplingRate, 1.0 / 64);
        QCOMPARE(s.rateChanges, quint64(6));
        QVERIFY(s.dropped > 0);
    }

    /// With minShadowEntries, a consumer over its CPU budget never shrinks a shadow below that
    /// many entries: an LRU of 1000 stops at 1/8 (125 entries; 1/16 would leave 62), an LRU of
    /// 100 stays at rate 1, and a capacity cut live raises the rate to the new floor. Rings that
    /// overflow still lower it (keys would be lost at random otherwise).
    void rateStopsAtTheShadowEntryFloor()
    {
        FakeClocks clocks;
        ShadowConfig config;
        config.capacity = 1000;
        config.cpuBudget = 0.1;
        config.ringCapacity = 1 << 16;
        config.minShadowEntries = 64;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        set->drain();
        Key next = 1;
        const auto overBudget = [&] {
            for (int i = 0; i < 6; ++i) {
                for (int k = 0; k < 40'000; ++k) // thousands sampled even at 1/16: no "few keys"
                    producer.offer(next++, 1);
                clocks.advance(110, 0.9, 1.1); // 9x over the budget every window
                set->drain();
            }
        };
        overBudget();
        ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.samplingRate, 1.0 / 8);
        QCOMPARE(s.dropped, quint64(0));
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(125));

        set->setCapacity(100, SizeUnit::Objects);
        overBudget();
        s = set->snapshot();
        QCOMPARE(s.samplingRate, 1.0);
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(100));

        // Overflowing rings go below the floor.
        ShadowConfig small = config;
        small.ringCapacity = 64;
        clocks.install(small);
        const std::unique_ptr<ShadowSet> overflowing = ShadowSet::create(small).value();
        ShadowProducer &flooding = overflowing->producer(0);
        overflowing->drain();
        for (int i = 0; i < 6; ++i) {
            for (int k = 0; k < 64 * 64 * 8; ++k)
                flooding.offer(next++, 1);
            clocks.advance(110, 0.01);
            overflowing->drain();
        }
        QVERIFY(overflowing->snapshot().samplingRate < 1.0 / 8);
        QVERIFY(overflowing->snapshot().dropped > 0);
    }

    /// A second of using under a quarter of the budget doubles the rate, up to 1; the shadows
    /// keep their contents and grow.
    void rateRisesWithHeadroom()
    {
        FakeClocks clocks;
        ShadowConfig config;
        config.capacity = 800;
        config.initialRate = 0.125;
        config.cpuBudget = 0.2;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        set->drain();
        for (int i = 0; i < 9; ++i) {
            clocks.advance(100, 0.01);
            set->drain();
        }
        QCOMPARE(set->snapshot().samplingRate, 0.125);
        clocks.advance(100, 0.01);
        set->drain();
        ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.samplingRate, 0.25);
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(200));
        // A busy window near the budget resets the count: no rise then.
        for (int i = 0; i < 9; ++i) {
            clocks.advance(100, 0.01);
            set->drain();
        }
        for (Key k = 0; k < 8000; ++k)
            set->producer(0).offer(k, 1); // about 2000 sampled at 1/4
        clocks.advance(100, 0.15);
        set->drain();
        clocks.advance(100, 0.01);
        set->drain();
        QCOMPARE(set->snapshot().samplingRate, 0.25);
        for (int i = 0; i < 100; ++i) {
            clocks.advance(100, 0.0);
            set->drain();
        }
        s = set->snapshot();
        QCOMPARE(s.samplingRate, 1.0);
        QCOMPARE(s.rateChanges, quint64(3));
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(800));
    }

    /// A paused or idle run: the consumer is most of the little CPU the process uses, but under
    /// half a percent of a core it is never over budget, and the rate recovers.
    void idleRunDoesNotLowerRate()
    {
        FakeClocks clocks;
        ShadowConfig config;
        config.capacity = 100;
        config.initialRate = 0.5;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        set->drain();
        for (int i = 0; i < 10; ++i) {
            clocks.advance(100, 0.9, 0.001);
            set->drain();
        }
        QCOMPARE(set->snapshot().samplingRate, 1.0);
        QCOMPARE(set->snapshot().rateChanges, quint64(1));
    }

    /// Not adaptive: neither drops nor CPU move the rate.
    void fixedRateStays()
    {
        FakeClocks clocks;
        ShadowConfig config = fixedRate(100, 0.5);
        config.ringCapacity = 8;
        clocks.install(config);
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        set->drain();
        for (Key k = 0; k < 100; ++k)
            set->producer(1).offer(k, 1);
        clocks.advance(500, 1.0);
        set->drain();
        QVERIFY(set->snapshot().dropped > 0);
        QCOMPARE(set->snapshot().samplingRate, 0.5);
    }

    void capacityChangeReachesShadows()
    {
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(fixedRate(1000, 0.25)).value();
        ShadowProducer &producer = set->producer(0);
        for (Key k = 0; k < 5000; ++k)
            producer.offer(k % 2000, 100);
        set->drain();
        set->setCapacity(400, SizeUnit::Objects);
        set->drain();
        ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.liveCapacity, qint64(400));
        QCOMPARE(s.unit, SizeUnit::Objects);
        QCOMPARE(s.lruCurve.back().capacity, qint64(1600));
        const quint64 requestsBefore = s.policies.front().requests;
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.capacity, qint64(100));
        QVERIFY(requestsBefore > 0);

        set->setCapacity(1 << 20, SizeUnit::Bytes); // a new unit: new shadows, counts kept
        set->drain();
        s = set->snapshot();
        QCOMPARE(s.unit, SizeUnit::Bytes);
        QCOMPARE(s.liveCapacity, qint64(1 << 20));
        for (const ShadowPolicyStats &p : s.policies) {
            QCOMPARE(p.capacity, qint64(1 << 18));
            QCOMPARE(p.requests, requestsBefore);
        }
    }

    void pausedProducersOfferNothing()
    {
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(fixedRate(100, 1.0)).value();
        ShadowProducer &producer = set->producer(0);
        producer.offer(1, 1);
        set->setPaused(true);
        producer.offer(2, 1);
        producer.invalidate(1);
        set->setPaused(false);
        producer.offer(1, 1);
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.offered, quint64(2));
        QCOMPARE(s.sampled, quint64(2));
        const ShadowPolicyStats *lru = s.find(u"lru"_s);
        QVERIFY(lru);
        QCOMPARE(lru->hits, quint64(1)); // the invalidation was not offered either
    }

    /// Interval ratios cover the last publications only: a phase of misses after a phase of
    /// hits shows in the interval ratio, less in the cumulative one.
    void intervalRatioFollowsRecentRequests()
    {
        ShadowConfig config = fixedRate(10, 1.0);
        config.intervalPublications = 1;
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        ShadowProducer &producer = set->producer(0);
        for (int i = 0; i < 1000; ++i)
            producer.offer(Key(i % 5), 1); // 5 cold misses, then hits
        set->drain();
        for (Key k = 100; k < 1100; ++k)
            producer.offer(k, 1); // all cold
        set->drain();
        const ShadowSnapshot s = set->snapshot();
        const ShadowPolicyStats *lru = s.find(u"lru"_s);
        QVERIFY(lru);
        QCOMPARE(lru->intervalRequests, quint64(1000));
        QCOMPARE(lru->intervalHitRatio, 0.0);
        QCOMPARE(lru->hitRatio, 995.0 / 2000.0);
    }

    /// Producer threads against the consumer thread, then stop(): every offered key is either
    /// sampled or dropped, and each shadow served exactly the sampled requests.
    void producerThreadsAndConsumerThread()
    {
        ShadowConfig config = fixedRate(500, 1.0);
        config.ringCapacity = 256; // small: drops happen, and must add up
        const std::unique_ptr<ShadowSet> set = ShadowSet::create(config).value();
        set->start();
        constexpr int threads = 3;
        constexpr quint64 perThread = 300'000;
        std::vector<std::thread> producers;
        for (int t = 0; t < threads; ++t) {
            producers.emplace_back([&set, t] {
                ShadowProducer &producer = set->producer(t);
                for (quint64 i = 0; i < perThread; ++i) {
                    producer.offer(mixKey(i + quint64(t)) % 3000, 10);
                    if (i % 1000 == 0)
                        producer.invalidate(i % 3000);
                }
            });
        }
        for (std::thread &t : producers)
            t.join();
        set->stop();
        const ShadowSnapshot s = set->snapshot();
        QCOMPARE(s.offered, threads * perThread);
        QVERIFY(s.sampled > 0);
        QCOMPARE(s.sampled + s.dropped, s.offered);
        QVERIFY(s.sampled <= s.offered);
        for (const ShadowPolicyStats &p : s.policies)
            QCOMPARE(p.requests, s.sampled);
    }
};

QTEST_GUILESS_MAIN(tst_ShadowSet)
#include "tst_shadowset.moc"
