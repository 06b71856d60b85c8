#include "core/policy/lrupolicy.h"
#include "core/policy/qcachepolicy.h"

#include "testsupport.h"

#include <QStringList>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_QCachePolicy : public QObject
{
    Q_OBJECT

private slots:
    void evictsLeastRecentlyUsed();
    void agreesWithLru_data();
    void agreesWithLru();
    void oversizedIsNotAdmitted();
    void removeIsNotAnEviction();
    void shrinkEvictsInLruOrder();
    void evictTakesTheLruEntry();
};

namespace {

/// A reproducible skewed stream with sizes 1..500 per key (a 64-bit LCG, Knuth's MMIX).
std::vector<Request> stream(std::size_t n, quint64 keySpace)
{
    std::vector<Request> out;
    quint64 x = 99;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const quint64 a = (x >> 33) % keySpace;
        const Key k = a * a / keySpace; // squares crowd the low keys: some hits
        out.push_back(Request { k, -1, quint32(1 + mixKey(k) % 500), 0 });
    }
    return out;
}
} // namespace

void tst_QCachePolicy::evictsLeastRecentlyUsed()
{
    QCachePolicy qc({ 3, SizeUnit::Objects, 1 });
    // 1 2 3; 1 hits (recency 1 3 2): 4 evicts 2 (recency 4 1 3); 5 evicts 3; 1 hits.
    QCOMPARE(TestSupport::replay(qc, u"1 2 3 1 4 5 1 2"_s), u"1m 2m 3m 1h 4m-2 5m-3 1h 2m-4"_s);
    QCOMPARE(qc.stats().evictions, 3u);
    QCOMPARE(qc.used(), 3);
    QCOMPARE(qc.entryCount(), 3);
    QVERIFY(qc.memoryBytes() > 0);
}

void tst_QCachePolicy::agreesWithLru_data()
{
    QTest::addColumn<int>("unit");
    QTest::addColumn<qint64>("capacity");
    QTest::newRow("objects, 1") << int(SizeUnit::Objects) << qint64(1);
    QTest::newRow("objects, 50") << int(SizeUnit::Objects) << qint64(50);
    QTest::newRow("bytes, 400") << int(SizeUnit::Bytes) << qint64(400); // some too large
    QTest::newRow("bytes, 20000") << int(SizeUnit::Bytes) << qint64(20000);
}

void tst_QCachePolicy::agreesWithLru()
{
    QFETCH(int, unit);
    QFETCH(qint64, capacity);
    const PolicyConfig config { capacity, SizeUnit(unit), 1 };
    LruPolicy lru(config);
    QCachePolicy qc(config);
    const auto reqs = stream(20000, 1000);
    for (const Request &r : reqs) {
        QCOMPARE(qc.access(r), lru.access(r));
        QCOMPARE(qc.lastEvicted(), lru.lastEvicted());
        QCOMPARE(qc.used(), lru.used());
    }
    QVERIFY(qc.stats().hits > 0);
    QCOMPARE(qc.stats().evictions, lru.stats().evictions);
    QCOMPARE(qc.stats().bytesMissed, lru.stats().bytesMissed);
    QCOMPARE(qc.entryCount(), lru.entryCount());
    // The batch path (evictions not recorded) agrees too.
    QCachePolicy batch(config);
    batch.accessBatch(reqs);
    QCOMPARE(batch.stats().misses, lru.stats().misses);
    QCOMPARE(batch.stats().evictions, lru.stats().evictions);
    QCOMPARE(batch.used(), lru.used());
}

void tst_QCachePolicy::oversizedIsNotAdmitted()
{
    // Qt 6.4's QCache::insert() would delete an object costing more than maxCost at once
    // (and drop the key): the policy must not offer it, and nothing resident may go.
    QCachePolicy qc({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!qc.access({ 1, -1, 60, 0 }));
    QVERIFY(!qc.access({ 2, -1, 101, 0 }));
    QVERIFY(qc.lastEvicted().empty());
    QVERIFY(qc.contains(1));
    QVERIFY(!qc.contains(2));
    QCOMPARE(qc.used(), 60);
    QVERIFY(!qc.access({ 3, -1, 100, 0 })); // exactly the capacity: fits alone
    QCOMPARE(qc.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(qc.used(), 100);
    QCOMPARE(qc.stats().misses, 3u);
}

void tst_QCachePolicy::removeIsNotAnEviction()
{
    QCachePolicy qc({ 3, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(qc, u"1 2 3"_s), u"1m 2m 3m"_s);
    QVERIFY(qc.remove(2));
    QVERIFY(!qc.remove(2));
    QVERIFY(!qc.contains(2));
    QCOMPARE(qc.used(), 2);
    QCOMPARE(qc.entryCount(), 2);
    QCOMPARE(qc.stats().evictions, 0u);
    // 4 fits; 5 evicts the LRU entry 1.
    QCOMPARE(TestSupport::replay(qc, u"4 5"_s), u"4m 5m-1"_s);
    QCOMPARE(qc.stats().evictions, 1u);
}

void tst_QCachePolicy::shrinkEvictsInLruOrder()
{
    QCachePolicy qc({ 4, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(qc, u"1 2 3 4 1"_s), u"1m 2m 3m 4m 1h"_s);
    qc.setCapacity(1); // recency 1 4 3 2
    QCOMPARE(qc.lastEvicted(), (std::vector<Key> { 2, 3, 4 }));
    QCOMPARE(qc.entryCount(), 1);
    QCOMPARE(qc.used(), 1);
    QVERIFY(qc.contains(1));
    QCOMPARE(qc.stats().evictions, 3u);
    qc.setCapacity(3);
    QCOMPARE(TestSupport::replay(qc, u"5 6 7"_s), u"5m 6m 7m-1"_s);
}

void tst_QCachePolicy::evictTakesTheLruEntry()
{
    // evict() (PolicyBase's interface; step() does not use it) drops exactly one entry.
    QCachePolicy qc({ 100, SizeUnit::Bytes, 1 });
    qc.access({ 1, -1, 10, 0 });
    qc.access({ 2, -1, 30, 0 });
    qc.access({ 1, -1, 10, 0 });
    const Victim v = qc.evict();
    QCOMPARE(v.key, Key(2));
    QCOMPARE(v.size, 30u);
    QCOMPARE(qc.entryCount(), 1);
    QVERIFY(qc.contains(1));
}

QTEST_GUILESS_MAIN(tst_QCachePolicy)
#include "tst_qcachepolicy.moc"
