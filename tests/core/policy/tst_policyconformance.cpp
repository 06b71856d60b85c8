// Invariants every registry entry must keep, on a real trace and a synthetic skewed stream:
// occupancy never exceeds capacity, hits + misses = requests, capacity 0 is an Error, the live
// interface (access/lastEvicted/setCapacity) agrees with the batch one, and remove() (which
// every policy supports: the live ResultCache invalidates through it) drops exactly the key,
// its size, and nothing else, in object and byte mode.
#include "core/engine/simulationrunner.h"
#include "core/policy/policyregistry.h"
#include "testsupport.h"

#include <QTest>

#include <unordered_map>
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
    void removeContract_data();
    void removeContract();
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
    const QStringList expected = { u"lru"_s, u"fifo"_s, u"lfu"_s, u"random"_s, u"clock"_s,
        u"sieve"_s, u"arc"_s, u"twoq"_s, u"redis-lru"_s, u"redis-lfu"_s, u"redis-random"_s,
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

void tst_PolicyConformance::removeContract_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<bool>("bytes");
    for (const PolicyInfo &info : policyRegistry())
        for (qint64 c : { 1, 2, 3, 10, 100, 1000 })
            for (bool bytes : { false, true })
                QTest::addRow("%s %lld %s", qPrintable(info.id), c, bytes ? "bytes" : "objects")
                    << info.id << (bytes ? c * 500 : c) << bytes;
}

void tst_PolicyConformance::removeContract()
{
    // Along a skewed stream, every 7th request removes the key just requested and every 11th
    // one a key requested 50 requests before (deeper in the policy's queues: protected, LIR,
    // main, Am...) when resident. Checked at every removal: it returns true once and then false,
    // the key is gone, used() drops by its size (1 in object mode), entryCount() by one, and
    // it is not counted as an eviction; removing an absent key changes nothing. Checked at every
    // request: a removed key requested again is a miss and is resident again after it
    // (re-insert), and no victim is a removed key that was not requested again since (a policy
    // that kept it in its queues would evict it twice). Every 500 requests the sizes of the
    // resident keys add up to used().
    QFETCH(QString, policy);
    QFETCH(qint64, capacity);
    QFETCH(bool, bytes);
    std::vector<Request> reqs = skewedStream(20000, 11, bytes);
    annotateNextAccess(reqs);
    auto p = createPolicy(policy, { capacity, bytes ? SizeUnit::Bytes : SizeUnit::Objects, 7 });
    QVERIFY(p);
    CachePolicy &c = *p.value();
    std::unordered_map<Key, quint32> sizeOf; // every key seen
    std::unordered_set<Key> removed; // removed and not requested since
    quint64 removals = 0;
    quint64 reinserts = 0;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        const Request &r = reqs[i];
        const quint32 size = bytes ? r.size : 1;
        sizeOf[r.key] = size;
        const bool wasRemoved = removed.erase(r.key) > 0;
        const bool hit = c.access(r);
        for (Key v : c.lastEvicted())
            QVERIFY2(!removed.contains(v),
                qPrintable(u"request %1 evicted %2, removed before"_s.arg(i).arg(v)));
        if (wasRemoved) {
            QVERIFY2(!hit, qPrintable(u"request %1: removed key %2 hit"_s.arg(i).arg(r.key)));
            const bool evictedAtOnce = std::find(c.lastEvicted().begin(), c.lastEvicted().end(),
                                           r.key)
                != c.lastEvicted().end(); // byte mode: larger than W-TinyLFU's window
            if (qint64(size) <= capacity && !evictedAtOnce) {
                QVERIFY2(c.contains(r.key),
                    qPrintable(u"request %1: removed key %2 not re-inserted"_s.arg(i).arg(r.key)));
                ++reinserts;
            }
        }
        for (const Key k : { (i % 7 == 3) ? r.key : Key(~0ULL),
                 (i % 11 == 5 && i >= 50) ? reqs[i - 50].key : Key(~0ULL) }) {
            if (k == Key(~0ULL) || !c.contains(k))
                continue;
            const qint64 used = c.used();
            const qint64 entries = c.entryCount();
            const PolicyStats before = c.stats();
            QVERIFY(c.remove(k));
            QVERIFY(!c.contains(k));
            QCOMPARE(c.used(), used - qint64(sizeOf[k]));
            QCOMPARE(c.entryCount(), entries - 1);
            QCOMPARE(c.stats().evictions, before.evictions); // an invalidation, not an eviction
            QCOMPARE(c.stats().requests, before.requests);
            QVERIFY(!c.remove(k)); // gone: a second remove finds nothing
            QCOMPARE(c.used(), used - qint64(sizeOf[k]));
            QCOMPARE(c.entryCount(), entries - 1);
            removed.insert(k);
            ++removals;
        }
        if (i % 500 == 499) {
            qint64 sum = 0;
            qint64 resident = 0;
            for (const auto &[k, s] : sizeOf) {
                if (c.contains(k)) {
                    sum += s;
                    ++resident;
                }
            }
            QCOMPARE(sum, c.used());
            QCOMPARE(resident, c.entryCount());
        }
    }
    QVERIFY(!c.remove(Key(0x7fffffffffffULL))); // never requested
    QVERIFY2(removals > 500, qPrintable(QString::number(removals)));
    if (bytes ? capacity >= 500 * 3 : capacity >= 1)
        QVERIFY2(reinserts > 100, qPrintable(QString::number(reinserts)));
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
