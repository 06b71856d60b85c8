#include "core/policy/lfupolicy.h"

#include "testsupport.h"

#include <QStringList>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_LfuPolicy : public QObject
{
    Q_OBJECT

private slots:
    void handChecked_data();
    void handChecked();
    void frequencyForgottenOnEviction();
    void byteMode();
    void removeDropsEmptyBuckets();
    void shrinkEvictsByFrequencyThenRecency();
};

void tst_LfuPolicy::handChecked_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<QString>("keys");
    QTest::addColumn<QString>("expected");
    // Frequencies in parentheses. 1 2 3 (1 1 1); 1 2 hit (2 2 1); 4 evicts 3, the only 1;
    // 4 hits: 1, 2, 4 all at 2, last accessed in that order: 5 evicts 1; 6 evicts 5, the
    // newest entry but the only one at 1.
    QTest::newRow("lowest count") << qint64(3) << u"1 2 3 1 2 4 4 5 6"_s
                                  << u"1m 2m 3m 1h 2h 4m-3 4h 5m-1 6m-5"_s;
    // Ties go to the least recently ACCESSED: all at 2, accessed 3, 2, 1: 3 goes although
    // 1 was inserted first (cachetools' insertion order would evict 1).
    QTest::newRow("tie by access")
        << qint64(3) << u"1 2 3 3 2 1 4"_s << u"1m 2m 3m 3h 2h 1h 4m-3"_s;
    // A hot key survives a scan: 1 at 3, the scan keys churn through the other slot.
    QTest::newRow("scan resistant")
        << qint64(2) << u"1 1 1 2 3 4 1"_s << u"1m 1h 1h 2m 3m-2 4m-3 1h"_s;
    QTest::newRow("one slot") << qint64(1) << u"1 1 2 2 1"_s << u"1m 1h 2m-1 2h 1m-2"_s;
}

void tst_LfuPolicy::handChecked()
{
    QFETCH(qint64, capacity);
    QFETCH(QString, keys);
    QFETCH(QString, expected);
    LfuPolicy lfu({ capacity, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(lfu, keys), expected);
    QVERIFY(lfu.used() <= capacity);
    QCOMPARE(lfu.stats().hits + lfu.stats().misses, lfu.stats().requests);
    QVERIFY(lfu.memoryBytes() > 0);
}

void tst_LfuPolicy::frequencyForgottenOnEviction()
{
    LfuPolicy lfu({ 2, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(lfu, u"1 1 1 2"_s), u"1m 1h 1h 2m"_s);
    QCOMPARE(lfu.frequency(1), 3u);
    QCOMPARE(lfu.frequency(2), 1u);
    lfu.setCapacity(1); // 2 is the victim; 1 keeps its count
    QCOMPARE(lfu.lastEvicted(), std::vector<Key> { 2 });
    QCOMPARE(TestSupport::replay(lfu, u"2"_s), u"2m-1"_s); // 1 is the only entry
    QCOMPARE(lfu.frequency(1), 0u);
    QCOMPARE(TestSupport::replay(lfu, u"1"_s), u"1m-2"_s);
    QCOMPARE(lfu.frequency(1), 1u); // counted from 1 again, not 4
}

void tst_LfuPolicy::byteMode()
{
    LfuPolicy lfu({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!lfu.access({ 1, -1, 50, 0 }));
    QVERIFY(!lfu.access({ 2, -1, 30, 0 }));
    QVERIFY(!lfu.access({ 3, -1, 20, 0 }));
    QVERIFY(lfu.access({ 1, -1, 50, 0 }));
    QVERIFY(lfu.access({ 3, -1, 20, 0 }));
    // 4 (40 B): 2 is the only count of 1 (70 + 40 > 100 still); then 1 and 3 are at 2 and
    // 1 was accessed before 3: 20 + 40 = 60.
    QVERIFY(!lfu.access({ 4, -1, 40, 0 }));
    QCOMPARE(lfu.lastEvicted(), (std::vector<Key> { 2, 1 }));
    QCOMPARE(lfu.used(), 60);
    QVERIFY(!lfu.access({ 5, -1, 101, 0 })); // larger than the cache: not admitted
    QVERIFY(lfu.lastEvicted().empty());
    QCOMPARE(lfu.entryCount(), 2);
    QCOMPARE(lfu.stats().bytesMissed, 50u + 30 + 20 + 40 + 101);
}

void tst_LfuPolicy::removeDropsEmptyBuckets()
{
    LfuPolicy lfu({ 3, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(lfu, u"1 2 3 1"_s), u"1m 2m 3m 1h"_s);
    QVERIFY(lfu.remove(2));
    QVERIFY(lfu.remove(1)); // the only entry at count 2: its bucket goes too
    QVERIFY(!lfu.remove(1));
    QCOMPARE(lfu.used(), 1);
    QCOMPARE(lfu.stats().evictions, 0u);
    // 4 5 fit; 6: 3, 4, 5 all at 1, 3 accessed first.
    QCOMPARE(TestSupport::replay(lfu, u"4 5 6 4 7"_s), u"4m 5m 6m-3 4h 7m-5"_s);
    QCOMPARE(lfu.used(), 3);
}

void tst_LfuPolicy::shrinkEvictsByFrequencyThenRecency()
{
    LfuPolicy lfu({ 4, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(lfu, u"1 2 3 4 4 1"_s), u"1m 2m 3m 4m 4h 1h"_s);
    // Count 1: 2, 3 (in access order); count 2: 4 (accessed before 1), then 1.
    lfu.setCapacity(1);
    QCOMPARE(lfu.lastEvicted(), (std::vector<Key> { 2, 3, 4 }));
    QCOMPARE(lfu.entryCount(), 1);
    QVERIFY(lfu.contains(1));
    QCOMPARE(lfu.frequency(1), 2u);
}

QTEST_GUILESS_MAIN(tst_LfuPolicy)
#include "tst_lfupolicy.moc"
