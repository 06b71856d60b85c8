#include "core/policy/randompolicy.h"

#include <QTest>

#include <algorithm>
#include <array>
#include <set>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_RandomPolicy : public QObject
{
    Q_OBJECT

private slots:
    void sameSeedSameVictims();
    void differentSeedsDiffer();
    void victimsAreResidentAndHitsAreFree();
    void victimIsUniform();
    void occupancyBounds_data();
    void occupancyBounds();
    void removeIsNotAnEviction();
    void shrink();
};

namespace {
/// A reproducible stream over `keySpace` keys with sizes 1..100 (a 64-bit LCG, Knuth's MMIX).
std::vector<Request> stream(std::size_t n, quint64 keySpace)
{
    std::vector<Request> out;
    quint64 x = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const Key k = (x >> 33) % keySpace;
        out.push_back(Request { k, -1, quint32(1 + mixKey(k) % 100), 0 });
    }
    return out;
}

std::vector<Key> victims(quint64 seed, const std::vector<Request> &requests)
{
    RandomPolicy p({ 20, SizeUnit::Objects, seed });
    std::vector<Key> all;
    for (const Request &r : requests) {
        p.access(r);
        all.insert(all.end(), p.lastEvicted().begin(), p.lastEvicted().end());
    }
    return all;
}
} // namespace

void tst_RandomPolicy::sameSeedSameVictims()
{
    const auto reqs = stream(5000, 200);
    const std::vector<Key> a = victims(7, reqs);
    QVERIFY(a.size() > 1000); // 20 slots over 200 keys: most requests evict
    QCOMPARE(victims(7, reqs), a);
    // accessBatch takes the same path without recording: the same counts.
    RandomPolicy batch({ 20, SizeUnit::Objects, 7 });
    batch.accessBatch(reqs);
    QCOMPARE(batch.stats().evictions, quint64(a.size()));
}

void tst_RandomPolicy::differentSeedsDiffer()
{
    const auto reqs = stream(5000, 200);
    const std::vector<Key> a = victims(7, reqs);
    // Equal victims over ~4,500 uniform draws from 20 would be a 20^-4500 coincidence.
    QVERIFY(victims(8, reqs) != a);
    QVERIFY(victims(0, reqs) != a);
    QVERIFY(victims(0, reqs) != victims(1, reqs));
}

void tst_RandomPolicy::victimsAreResidentAndHitsAreFree()
{
    RandomPolicy p({ 5, SizeUnit::Objects, 3 });
    for (Key k = 1; k <= 5; ++k)
        QVERIFY(!p.access({ k, -1, 1, 0 }));
    QVERIFY(p.lastEvicted().empty());
    for (Key k = 1; k <= 5; ++k)
        QVERIFY(p.access({ k, -1, 1, 0 })); // hits evict nothing
    QCOMPARE(p.stats().evictions, 0u);
    std::set<Key> resident { 1, 2, 3, 4, 5 };
    for (Key k = 6; k < 200; ++k) {
        QVERIFY(!p.access({ k, -1, 1, 0 }));
        QCOMPARE(p.lastEvicted().size(), 1u);
        const Key v = p.lastEvicted().front();
        QVERIFY(resident.erase(v) == 1);
        QVERIFY(!p.contains(v));
        resident.insert(k);
        for (Key r : resident)
            QVERIFY(p.contains(r));
    }
}

void tst_RandomPolicy::victimIsUniform()
{
    // 4,000 caches holding 1..4, one eviction each: every key about 1,000 times. The binomial
    // standard deviation is sqrt(4000 * 1/4 * 3/4) = 27; allow 5 of them. Deterministic seeds.
    std::array<int, 4> count {};
    for (quint64 seed = 0; seed < 4000; ++seed) {
        RandomPolicy p({ 4, SizeUnit::Objects, seed });
        for (Key k : { 1, 2, 3, 4, 5 })
            p.access({ k, -1, 1, 0 });
        QCOMPARE(p.lastEvicted().size(), 1u);
        ++count[p.lastEvicted().front() - 1];
    }
    for (int c : count)
        QVERIFY2(c > 865 && c < 1135, qPrintable(QString::number(c)));
}

void tst_RandomPolicy::occupancyBounds_data()
{
    QTest::addColumn<int>("unit");
    QTest::addColumn<qint64>("capacity");
    QTest::newRow("objects, 1") << int(SizeUnit::Objects) << qint64(1);
    QTest::newRow("objects, 37") << int(SizeUnit::Objects) << qint64(37);
    QTest::newRow("bytes, 100") << int(SizeUnit::Bytes) << qint64(100);
    QTest::newRow("bytes, 2000") << int(SizeUnit::Bytes) << qint64(2000);
}

void tst_RandomPolicy::occupancyBounds()
{
    QFETCH(int, unit);
    QFETCH(qint64, capacity);
    const SizeUnit sizeUnit = SizeUnit(unit);
    RandomPolicy p({ capacity, sizeUnit, 11 });
    qint64 expectedUsed = 0;
    std::set<Key> resident;
    for (const Request &r : stream(4000, 300)) {
        const quint32 size = sizeUnit == SizeUnit::Objects ? 1 : r.size;
        const bool hit = p.access(r);
        QCOMPARE(hit, resident.count(r.key) == 1);
        for (Key v : p.lastEvicted()) {
            QVERIFY(resident.erase(v) == 1);
            expectedUsed -= sizeUnit == SizeUnit::Objects ? 1 : 1 + mixKey(v) % 100;
        }
        if (!hit && size <= capacity) {
            resident.insert(r.key);
            expectedUsed += size;
        }
        QVERIFY(p.used() <= capacity);
        QCOMPARE(p.used(), expectedUsed);
        QCOMPARE(p.entryCount(), qint64(resident.size()));
    }
    QCOMPARE(p.stats().hits + p.stats().misses, 4000u);
    QVERIFY(p.memoryBytes() > 0);
}

void tst_RandomPolicy::removeIsNotAnEviction()
{
    RandomPolicy p({ 3, SizeUnit::Bytes, 5 });
    p.access({ 1, -1, 1, 0 });
    p.access({ 2, -1, 2, 0 });
    QVERIFY(p.remove(1));
    QVERIFY(!p.remove(1));
    QVERIFY(!p.contains(1));
    QVERIFY(p.contains(2)); // moved into the freed slot of the dense array
    QCOMPARE(p.used(), 2);
    QCOMPARE(p.stats().evictions, 0u);
    QVERIFY(p.access({ 2, -1, 2, 0 }));
    QVERIFY(!p.access({ 3, -1, 1, 0 })); // fits: 2 + 1
    QVERIFY(p.lastEvicted().empty());
    QVERIFY(!p.access({ 4, -1, 4, 0 })); // larger than the cache
    QCOMPARE(p.entryCount(), 2);
}

void tst_RandomPolicy::shrink()
{
    RandomPolicy p({ 6, SizeUnit::Objects, 9 });
    for (Key k = 1; k <= 6; ++k)
        p.access({ k, -1, 1, 0 });
    p.setCapacity(2);
    QCOMPARE(p.lastEvicted().size(), 4u);
    QCOMPARE(p.entryCount(), 2);
    QCOMPARE(p.used(), 2);
    std::set<Key> all(p.lastEvicted().begin(), p.lastEvicted().end());
    QCOMPARE(all.size(), 4u);
    for (Key k = 1; k <= 6; ++k)
        QCOMPARE(p.contains(k), all.count(k) == 0); // each key evicted or still resident
    QCOMPARE(p.stats().evictions, 4u);
}

QTEST_GUILESS_MAIN(tst_RandomPolicy)
#include "tst_randompolicy.moc"
