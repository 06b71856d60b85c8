// Invariants every registry entry must keep, on a real trace and a synthetic skewed stream:
// occupancy never exceeds capacity, hits + misses = requests, capacity 0 is an Error, and the
// live interface (access/lastEvicted/remove/setCapacity) agrees with the batch one.
#include "core/engine/simulationrunner.h"
#include "core/policy/policyregistry.h"
#include "testsupport.h"

#include <QTest>

#include <unordered_set>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_PolicyConformance : public QObject
{
    Q_OBJECT

private slots:
    void registryIsComplete();
    void invariants_data();
    void invariants();
    void batchEqualsSingle_data() { invariants_data(); }
    void batchEqualsSingle();
    void byteMode_data() { invariants_data(); }
    void byteMode();
    void rejectsBadCapacity_data() { invariants_data(); }
    void rejectsBadCapacity();
    void unknownPolicyListsIds();
};

namespace {
std::vector<Request> skewedStream(std::size_t n, quint64 seed, bool sized)
{
    // A deterministic skewed stream built here (not by the project's generators): key = floor of
    // a power of a uniform draw gives a heavy head and a long tail.
    std::vector<Request> out;
    out.reserve(n);
    quint64 s = seed;
    for (std::size_t i = 0; i < n; ++i) {
        s = mixKey(s + 0x9e3779b97f4a7c15ULL);
        const double u = double(s >> 11) / double(1ULL << 53);
        const Key k = Key(u * u * u * 5000);
        out.push_back({ k, -1, sized ? quint32(1 + mixKey(k) % 900) : 1u, 0 });
    }
    return out;
}
} // namespace

void tst_PolicyConformance::registryIsComplete()
{
    // The ids the foundation issue names, as libCacheSim spells them.
    const QStringList expected
        = { u"lru"_s, u"fifo"_s, u"lfu"_s, u"random"_s, u"clock"_s, u"sieve"_s, u"arc"_s, u"twoq"_s,
              u"lirs"_s, u"s3fifo"_s, u"wtinylfu"_s, u"qcache"_s, u"opt"_s };
    for (const QString &id : expected)
        QVERIFY2(findPolicy(id), qPrintable(id));
    QCOMPARE(qsizetype(policyRegistry().size()), expected.size());
    QVERIFY(findPolicy(u"opt")->needsFuture);
    QVERIFY(!findPolicy(u"lru")->needsFuture);
}

void tst_PolicyConformance::invariants_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<qint64>("capacity");
    for (const PolicyInfo &info : policyRegistry())
        for (qint64 c : { 1, 2, 3, 10, 100, 1000 })
            QTest::addRow("%s %lld", qPrintable(info.id), c) << info.id << c;
}

void tst_PolicyConformance::invariants()
{
    QFETCH(QString, policy);
    QFETCH(qint64, capacity);
    std::vector<Request> reqs
        = TestSupport::requestsFromKeys(TestSupport::loadSharedTraceKeys(u"lirs_multi1.trace"_s));
    annotateNextAccess(reqs);
    auto p = createPolicy(policy, { capacity, SizeUnit::Objects, 7 });
    QVERIFY(p);
    CachePolicy &c = *p.value();
    std::unordered_set<Key> seen;
    quint64 cold = 0;
    for (const Request &r : reqs) {
        const bool wasResident = c.contains(r.key);
        const bool hit = c.access(r);
        QCOMPARE(hit, wasResident); // a hit is exactly a resident key
        if (seen.insert(r.key).second) {
            QVERIFY(!hit); // the first access is a miss
            ++cold;
        }
        QVERIFY(c.used() <= capacity);
        QCOMPARE(c.used(), c.entryCount());
        for (Key k : c.lastEvicted())
            QVERIFY(!c.contains(k) || k == r.key);
    }
    const PolicyStats &s = c.stats();
    QCOMPARE(s.hits + s.misses, quint64(reqs.size()));
    QVERIFY(s.misses >= cold);
    // Every miss inserted (object mode: everything fits), so evictions = misses - resident.
    QCOMPARE(qint64(s.evictions), qint64(s.misses) - c.entryCount());
    QVERIFY(c.memoryBytes() > 0);
}

void tst_PolicyConformance::batchEqualsSingle()
{
    QFETCH(QString, policy);
    QFETCH(qint64, capacity);
    std::vector<Request> reqs = skewedStream(20000, 3, false);
    annotateNextAccess(reqs);
    auto a = createPolicy(policy, { capacity, SizeUnit::Objects, 7 });
    auto b = createPolicy(policy, { capacity, SizeUnit::Objects, 7 });
    QVERIFY(a && b);
    a.value()->accessBatch(reqs);
    for (const Request &r : reqs)
        b.value()->access(r);
    QCOMPARE(a.value()->stats().misses, b.value()->stats().misses);
    QCOMPARE(a.value()->stats().evictions, b.value()->stats().evictions);
}

void tst_PolicyConformance::byteMode()
{
    QFETCH(QString, policy);
    QFETCH(qint64, capacity);
    const qint64 bytes = capacity * 500;
    std::vector<Request> reqs = skewedStream(20000, 5, true);
    annotateNextAccess(reqs);
    auto p = createPolicy(policy, { bytes, SizeUnit::Bytes, 7 });
    QVERIFY(p);
    CachePolicy &c = *p.value();
    quint64 bytesRequested = 0;
    for (const Request &r : reqs) {
        c.access(r);
        bytesRequested += r.size;
        QVERIFY(c.used() <= bytes);
        if (qint64(r.size) > bytes)
            QVERIFY(!c.contains(r.key)); // larger than the cache: never admitted
    }
    QCOMPARE(c.stats().hits + c.stats().misses, quint64(reqs.size()));
    QCOMPARE(c.stats().bytesRequested, bytesRequested);
    QVERIFY(c.stats().byteMissRatio() <= 1.0);
    // Shrinking evicts until the contents fit, and reports the victims.
    const qint64 before = c.entryCount();
    c.setCapacity(bytes / 2);
    QVERIFY(c.used() <= bytes / 2);
    QCOMPARE(qint64(c.lastEvicted().size()), before - c.entryCount());
    for (Key k : c.lastEvicted())
        QVERIFY(!c.contains(k));
}

void tst_PolicyConformance::rejectsBadCapacity()
{
    QFETCH(QString, policy);
    for (qint64 bad : { qint64(0), qint64(-5) }) {
        auto p = createPolicy(policy, { bad, SizeUnit::Objects, 1 });
        QVERIFY(!p);
        QCOMPARE(p.error().field, u"capacity"_s);
        QCOMPARE(p.error().value, QString::number(bad));
    }
}

void tst_PolicyConformance::unknownPolicyListsIds()
{
    auto p = createPolicy(u"mru", { 10, SizeUnit::Objects, 1 });
    QVERIFY(!p);
    QVERIFY(
        p.error().toString().startsWith(u"policy: 'mru' is not a policy; valid ids: lru, fifo"_s));
}

QTEST_GUILESS_MAIN(tst_PolicyConformance)
#include "tst_policyconformance.moc"
