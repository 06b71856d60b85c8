#include "core/workload/generator.h"
#include "core/workload/keypermutation.h"
#include "testsupport.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <unordered_map>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(CacheScope::WorkloadSpec)

namespace {

WorkloadSpec spec(const QString &kind, quint64 keys = 1000, quint64 seed = 42)
{
    WorkloadSpec s;
    s.kind = kind;
    s.keys = keys;
    s.seed = seed;
    return s;
}

std::vector<Key> draw(KeyGenerator &generator, std::size_t n)
{
    std::vector<Key> keys(n);
    for (Key &k : keys)
        k = generator.next();
    return keys;
}

std::vector<Key> draw(const WorkloadSpec &s, std::size_t n)
{
    Result<std::unique_ptr<KeyGenerator>> g = createGenerator(s);
    if (!g)
        qFatal("%s", qPrintable(g.error().toString()));
    return draw(**g, n);
}

std::unordered_map<Key, quint64> counts(const std::vector<Key> &keys)
{
    std::unordered_map<Key, quint64> c;
    for (Key k : keys)
        ++c[k];
    return c;
}

/// Counts from the most to the least requested key.
std::vector<quint64> sortedCounts(const std::vector<Key> &keys)
{
    std::vector<quint64> c;
    for (const auto &[key, n] : counts(keys))
        c.push_back(n);
    std::sort(c.begin(), c.end(), std::greater<>());
    return c;
}

Key mostRequested(const std::vector<Key> &keys, std::size_t from, std::size_t to)
{
    std::unordered_map<Key, quint64> c;
    for (std::size_t i = from; i < to; ++i)
        ++c[keys[i]];
    return std::max_element(c.begin(), c.end(), [](const auto &a, const auto &b) {
        return a.second < b.second;
    })->first;
}

/// H(n, alpha) = sum over k of 1/k^alpha, written out here rather than taken from the sampler.
double harmonic(quint64 n, double alpha)
{
    double sum = 0;
    for (quint64 k = n; k >= 1; --k)
        sum += 1.0 / std::pow(double(k), alpha);
    return sum;
}

} // namespace

class tst_Generator : public QObject
{
    Q_OBJECT

private slots:
    void kinds();
    void reproducible_data();
    void reproducible();
    void seedsDiffer_data();
    void seedsDiffer();
    void keysInRange_data();
    void keysInRange();
    void permutationIsBijective_data();
    void permutationIsBijective();
    void zipfSkew_data();
    void zipfSkew();
    void zipfScattersHotKeys();
    void zipfAlphaZeroIsUniform();
    void hotspotFraction_data();
    void hotspotFraction();
    void scanOrder();
    void shiftingMovesHotSet();
    void objectSizes();
    void generateRequests();
    void validation_data();
    void validation();
};

void tst_Generator::kinds()
{
    QCOMPARE(workloadKinds(),
        (QStringList { u"uniform"_s, u"zipf"_s, u"hotspot"_s, u"scan"_s, u"shifting"_s }));
}

void tst_Generator::reproducible_data()
{
    QTest::addColumn<QString>("kind");
    for (const QString &kind : workloadKinds())
        QTest::newRow(qPrintable(kind)) << kind;
}

void tst_Generator::reproducible()
{
    QFETCH(QString, kind);
    WorkloadSpec s = spec(kind, 5000, 7);
    s.shiftEvery = 1000;
    const std::vector<Key> a = draw(s, 20000);
    const std::vector<Key> b = draw(s, 20000);
    QCOMPARE(a, b);
}

void tst_Generator::seedsDiffer_data()
{
    QTest::addColumn<QString>("kind");
    for (const QString &kind : workloadKinds()) {
        if (kind != u"scan"_s) // a scan has no randomness
            QTest::newRow(qPrintable(kind)) << kind;
    }
}

void tst_Generator::seedsDiffer()
{
    QFETCH(QString, kind);
    const std::vector<Key> a = draw(spec(kind, 5000, 1), 1000);
    const std::vector<Key> b = draw(spec(kind, 5000, 2), 1000);
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        same += a[i] == b[i];
    QVERIFY2(same < 300, qPrintable(QString::number(same))); // zipf repeats its top key often
}

void tst_Generator::keysInRange_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<quint64>("keys");
    for (const QString &kind : workloadKinds()) {
        for (quint64 keys : { quint64(1), quint64(2), quint64(3), quint64(1000), quint64(1) << 40 })
            QTest::addRow("%s, %llu keys", qPrintable(kind), static_cast<unsigned long long>(keys))
                << kind << keys;
    }
}

void tst_Generator::keysInRange()
{
    QFETCH(QString, kind);
    QFETCH(quint64, keys);
    WorkloadSpec s = spec(kind, keys);
    s.shiftEvery = 100;
    for (Key k : draw(s, 20000)) {
        if (k < 1 || k > keys)
            QFAIL(qPrintable(u"key %1 outside 1..%2"_s.arg(k).arg(keys)));
    }
    if (keys <= 3) { // a small space is covered in full
        const std::vector<Key> all = draw(s, 20000);
        QCOMPARE(std::set<Key>(all.begin(), all.end()).size(), std::size_t(keys));
    }
}

void tst_Generator::permutationIsBijective_data()
{
    QTest::addColumn<quint64>("n");
    QTest::addColumn<quint64>("seed");
    for (quint64 n : { 1, 2, 3, 4, 5, 7, 16, 17, 1000, 4096, 4097, 100003 })
        for (quint64 seed : { 0, 42 })
            QTest::addRow("n=%llu seed=%llu", static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(seed))
                << n << seed;
}

void tst_Generator::permutationIsBijective()
{
    QFETCH(quint64, n);
    QFETCH(quint64, seed);
    const KeyPermutation p(n, seed);
    std::vector<bool> hit(n, false);
    for (quint64 x = 0; x < n; ++x) {
        const quint64 y = p.map(x);
        QVERIFY(y < n);
        QVERIFY2(!hit[y], "two values map to one");
        hit[y] = true;
    }
    if (n >= 1000) {
        // Scrambled: consecutive ranks land far apart, few values stay in place.
        quint64 fixed = 0;
        quint64 adjacent = 0;
        for (quint64 x = 0; x < n; ++x) {
            fixed += p.map(x) == x;
            adjacent += x + 1 < n && (p.map(x + 1) == p.map(x) + 1);
        }
        QVERIFY(fixed < 20);
        QVERIFY(adjacent < 20);
    }
}

void tst_Generator::zipfSkew_data()
{
    QTest::addColumn<quint64>("keys");
    QTest::addColumn<double>("alpha");
    QTest::newRow("1000 keys, alpha 0.6") << quint64(1000) << 0.6;
    QTest::newRow("1000 keys, alpha 0.99") << quint64(1000) << 0.99;
    QTest::newRow("1000 keys, alpha 1") << quint64(1000) << 1.0;
    QTest::newRow("1000 keys, alpha 1.5") << quint64(1000) << 1.5;
    QTest::newRow("10 M keys, alpha 0.99") << quint64(10000000) << 0.99;
}

void tst_Generator::zipfSkew()
{
    QFETCH(quint64, keys);
    QFETCH(double, alpha);
    WorkloadSpec s = spec(u"zipf"_s, keys);
    s.alpha = alpha;
    constexpr std::size_t draws = 1000000;
    const std::vector<quint64> c = sortedCounts(draw(s, draws));
    const double h = harmonic(keys, alpha);
    // The k-th most requested key takes close to 1/(k^alpha H); 0.002 is over 5 standard
    // deviations of a share near 0.13 on 1 M draws.
    for (quint64 rank = 1; rank <= 3; ++rank) {
        const double share = double(c[rank - 1]) / draws;
        const double expected = 1.0 / (std::pow(double(rank), alpha) * h);
        QVERIFY2(std::abs(share - expected) < 0.002,
            qPrintable(u"rank %1: share %2, expected %3"_s.arg(rank).arg(share).arg(expected)));
    }
}

void tst_Generator::zipfScattersHotKeys()
{
    // The ten hottest keys of 1000 are not 1..10 and not neighbours of each other.
    WorkloadSpec s = spec(u"zipf"_s, 1000);
    s.alpha = 1.2;
    const std::vector<Key> keys = draw(s, 200000);
    const std::unordered_map<Key, quint64> c = counts(keys);
    std::vector<std::pair<quint64, Key>> byCount;
    for (const auto &[key, n] : c)
        byCount.push_back({ n, key });
    std::sort(byCount.begin(), byCount.end(), std::greater<>());
    std::vector<Key> top;
    for (std::size_t i = 0; i < 10; ++i)
        top.push_back(byCount[i].second);
    std::sort(top.begin(), top.end());
    QVERIFY(top != (std::vector<Key> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }));
    int neighbours = 0;
    for (std::size_t i = 1; i < top.size(); ++i)
        neighbours += top[i] == top[i - 1] + 1;
    QVERIFY(neighbours <= 2);
}

void tst_Generator::zipfAlphaZeroIsUniform()
{
    WorkloadSpec s = spec(u"zipf"_s, 100);
    s.alpha = 0;
    const std::vector<quint64> c = sortedCounts(draw(s, 1000000));
    QCOMPARE(c.size(), std::size_t(100));
    // 10000 expected per key, standard deviation about 100.
    QVERIFY2(c.front() < 10500 && c.back() > 9500,
        qPrintable(u"%1 .. %2"_s.arg(c.back()).arg(c.front())));
}

void tst_Generator::hotspotFraction_data()
{
    QTest::addColumn<double>("hotKeys");
    QTest::addColumn<double>("hotRequests");
    QTest::newRow("80/20") << 0.2 << 0.8;
    QTest::newRow("99/1") << 0.01 << 0.99;
    QTest::newRow("half the keys, 90%") << 0.5 << 0.9;
    QTest::newRow("all hot") << 1.0 << 0.3;
}

void tst_Generator::hotspotFraction()
{
    QFETCH(double, hotKeys);
    QFETCH(double, hotRequests);
    WorkloadSpec s = spec(u"hotspot"_s, 1000);
    s.hotKeyFraction = hotKeys;
    s.hotRequestFraction = hotRequests;
    constexpr std::size_t draws = 1000000;
    const std::vector<quint64> c = sortedCounts(draw(s, draws));
    const auto hot = std::size_t(std::llround(hotKeys * 1000));
    // With every key hot, all requests fall on the hot set.
    const double expected = hot == 1000 ? 1.0 : hotRequests;
    const quint64 hotTotal = std::accumulate(c.begin(), c.begin() + qsizetype(hot), quint64(0));
    const double share = double(hotTotal) / draws;
    QVERIFY2(std::abs(share - expected) < 0.005,
        qPrintable(u"hot share %1, expected %2"_s.arg(share).arg(expected)));
    // Uniform inside each set: the hot keys' counts stay within 25% of their mean.
    const double perHotKey = expected * draws / double(hot);
    QVERIFY(double(c[0]) < perHotKey * 1.25);
    QVERIFY(double(c[hot - 1]) > perHotKey * 0.75);
}

void tst_Generator::scanOrder()
{
    const std::vector<Key> keys = draw(spec(u"scan"_s, 5), 12);
    QCOMPARE(keys, (std::vector<Key> { 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2 }));
    QCOMPARE(draw(spec(u"scan"_s, 1), 3), (std::vector<Key> { 1, 1, 1 }));
}

void tst_Generator::shiftingMovesHotSet()
{
    WorkloadSpec s = spec(u"shifting"_s, 1000);
    s.alpha = 1.0;
    s.shiftEvery = 50000;
    const std::vector<Key> shifting = draw(s, 200000);
    s.kind = u"zipf"_s;
    const std::vector<Key> zipf = draw(s, 200000);
    // Until the first shift it is the zipf stream of the same seed; afterwards it is not.
    QVERIFY(std::equal(zipf.begin(), zipf.begin() + 50000, shifting.begin()));
    QVERIFY(!std::equal(zipf.begin() + 50000, zipf.begin() + 100000, shifting.begin() + 50000));
    std::set<Key> hottest;
    for (std::size_t window = 0; window < 4; ++window) {
        const Key top = mostRequested(shifting, window * 50000, (window + 1) * 50000);
        if (window > 0)
            QVERIFY2(top != mostRequested(shifting, (window - 1) * 50000, window * 50000),
                "the hot key did not move");
        hottest.insert(top);
    }
    QVERIFY(hottest.size() >= 3);
    // Each window is still zipf: its top key takes about 1/H(1000, 1) = 13.4%.
    std::unordered_map<Key, quint64> c;
    for (std::size_t i = 150000; i < 200000; ++i)
        ++c[shifting[i]];
    quint64 top = 0;
    for (const auto &[key, n] : c)
        top = std::max(top, n);
    QVERIFY(std::abs(double(top) / 50000 - 1.0 / harmonic(1000, 1.0)) < 0.01);
}

void tst_Generator::objectSizes()
{
    WorkloadSpec s = spec(u"uniform"_s, 100000);
    Result<std::unique_ptr<KeyGenerator>> unsized = createGenerator(s);
    QVERIFY(unsized);
    for (Key k : { 1, 2, 99999 })
        QCOMPARE((*unsized)->sizeOf(k), 1u);

    s.sizedObjects = true;
    s.minObjectSize = 64;
    s.maxObjectSize = 16384;
    Result<std::unique_ptr<KeyGenerator>> sized = createGenerator(s);
    QVERIFY(sized);
    KeyGenerator &g = **sized;
    quint64 belowGeometricMean = 0;
    std::set<quint32> distinct;
    for (Key k = 1; k <= 20000; ++k) {
        const quint32 size = g.sizeOf(k);
        QVERIFY(size >= 64 && size <= 16384);
        QCOMPARE(g.sizeOf(k), size); // a key keeps its size
        belowGeometricMean += size < 1024; // sqrt(64 * 16384)
        distinct.insert(size);
    }
    // Log-uniform: half the sizes fall below the geometric mean of the bounds.
    QVERIFY2(std::abs(double(belowGeometricMean) / 20000 - 0.5) < 0.02,
        qPrintable(QString::number(belowGeometricMean)));
    QVERIFY(distinct.size() > 1000);
    QVERIFY(distinct.count(64) == 1 && distinct.count(16384) == 1); // both ends reachable

    const Request r = g.nextRequest();
    QCOMPARE(r.size, g.sizeOf(r.key));
    QCOMPARE(r.nextAccess, -1);
    QCOMPARE(r.time, 0u);

    s.seed = 43; // another seed, other sizes
    Result<std::unique_ptr<KeyGenerator>> other = createGenerator(s);
    int same = 0;
    for (Key k = 1; k <= 100; ++k)
        same += (*other)->sizeOf(k) == g.sizeOf(k);
    QVERIFY(same < 10);

    s.minObjectSize = s.maxObjectSize = 4096;
    Result<std::unique_ptr<KeyGenerator>> fixed = createGenerator(s);
    for (Key k = 1; k <= 100; ++k)
        QCOMPARE((*fixed)->sizeOf(k), 4096u);
}

void tst_Generator::generateRequests()
{
    WorkloadSpec s = spec(u"hotspot"_s, 500);
    s.requests = 12345;
    s.sizedObjects = true;
    const Result<std::vector<Request>> requests = CacheScope::generateRequests(s);
    QVERIFY(requests);
    QCOMPARE(requests->size(), std::size_t(12345));
    Result<std::unique_ptr<KeyGenerator>> g = createGenerator(s);
    for (const Request &r : *requests) {
        const Request expected = (*g)->nextRequest();
        QCOMPARE(r.key, expected.key);
        QCOMPARE(r.size, expected.size);
    }

    s.requests = 0;
    const Result<std::vector<Request>> none = CacheScope::generateRequests(s);
    QVERIFY(!none);
    QCOMPARE(none.error().toString(), u"--requests: '0' must be at least 1"_s);
}

void tst_Generator::validation_data()
{
    QTest::addColumn<WorkloadSpec>("spec");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown kind") << spec(u"pareto"_s)
                                  << u"--workload: 'pareto' is not a workload; use uniform, zipf, "
                                     u"hotspot, scan, shifting"_s;
    QTest::newRow("no keys") << spec(u"uniform"_s, 0) << u"--keys: '0' must be at least 1"_s;
    WorkloadSpec s = spec(u"zipf"_s);
    s.alpha = -0.5;
    QTest::newRow("negative alpha") << s << u"--alpha: '-0.5' must be a finite number >= 0"_s;
    s.alpha = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("NaN alpha") << s << u"--alpha: 'nan' must be a finite number >= 0"_s;
    s = spec(u"shifting"_s);
    s.alpha = std::numeric_limits<double>::infinity();
    QTest::newRow("infinite alpha, shifting")
        << s << u"--alpha: 'inf' must be a finite number >= 0"_s;
    s = spec(u"shifting"_s);
    s.shiftEvery = 0;
    QTest::newRow("shift every 0") << s << u"--shift-every: '0' must be at least 1"_s;
    s = spec(u"hotspot"_s);
    s.hotKeyFraction = 0;
    QTest::newRow("hot keys 0") << s << u"--hot-keys: '0' must be in (0, 1]"_s;
    s.hotKeyFraction = 1.5;
    QTest::newRow("hot keys 1.5") << s << u"--hot-keys: '1.5' must be in (0, 1]"_s;
    s.hotKeyFraction = 0.2;
    s.hotRequestFraction = -0.1;
    QTest::newRow("hot requests negative") << s << u"--hot-requests: '-0.1' must be in (0, 1]"_s;
    s = spec(u"uniform"_s);
    s.sizedObjects = true;
    s.minObjectSize = 100;
    s.maxObjectSize = 50;
    QTest::newRow("min size above max")
        << s << u"--min-size: '100' must not be larger than --max-size (50)"_s;
    s.minObjectSize = 0;
    QTest::newRow("min size 0") << s << u"--min-size: '0' must be at least 1"_s;
}

void tst_Generator::validation()
{
    QFETCH(WorkloadSpec, spec);
    QFETCH(QString, message);
    const Result<std::unique_ptr<KeyGenerator>> g = createGenerator(spec);
    QVERIFY(!g);
    QCOMPARE(g.error().toString(), message);
}

QTEST_GUILESS_MAIN(tst_Generator)
#include "tst_generator.moc"
