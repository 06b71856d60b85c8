#include "core/policy/sievepolicy.h"

#include "testsupport.h"

#include <QStringList>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_SievePolicy : public QObject
{
    Q_OBJECT

private slots:
    void handChecked_data();
    void handChecked();
    void byteMode();
    void removeMovesTheHand();
    void shrinkSweepsFromTheHand();
};

void tst_SievePolicy::handChecked_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<QString>("keys");
    QTest::addColumn<QString>("expected");
    // Queue written newest..oldest, * = visited, ^ = hand (nil: start at the tail).
    // 1 2 3: [3 2 1]; 1 hits: [3 2 1*]; 4: 1* cleared, 2 evicted, hand -> 3: [4 ^3 1];
    // 5: the hand is at 3 (not the tail 1): 3 evicted, hand -> 4: [5 ^4 1];
    // 1 hits: [5 ^4 1*]; 6: 4 evicted, hand -> 5: [6 ^5 1*].
    QTest::newRow("hand keeps its place")
        << qint64(3) << u"1 2 3 1 4 5 1 6"_s << u"1m 2m 3m 1h 4m-2 5m-3 1h 6m-4"_s;
    // All visited: the hand clears 1, 2, 3, wraps to the tail and evicts 1; hand -> 2:
    // [4 3 ^2]; 5 evicts 2, hand -> 3: [5 4 ^3]; 4 hits; 6 evicts 3, hand -> 4*: [6 5 ^4*];
    // 7: 4* cleared, 5 evicted, hand -> 6: [7 ^6 4].
    QTest::newRow("wraps to the tail")
        << qint64(3) << u"1 2 3 1 2 3 4 5 4 6 7"_s << u"1m 2m 3m 1h 2h 3h 4m-1 5m-2 4h 6m-3 7m-5"_s;
    // New entries start unvisited: 2 (never hit) goes before the older but visited 1.
    QTest::newRow("new entries unvisited") << qint64(2) << u"1 1 2 3"_s << u"1m 1h 2m 3m-2"_s;
    QTest::newRow("one slot") << qint64(1) << u"1 1 2 2 1"_s << u"1m 1h 2m-1 2h 1m-2"_s;
}

void tst_SievePolicy::handChecked()
{
    QFETCH(qint64, capacity);
    QFETCH(QString, keys);
    QFETCH(QString, expected);
    SievePolicy sieve({ capacity, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(sieve, keys), expected);
    QVERIFY(sieve.used() <= capacity);
    QCOMPARE(sieve.stats().hits + sieve.stats().misses, sieve.stats().requests);
    QVERIFY(sieve.memoryBytes() > 0);
}

void tst_SievePolicy::byteMode()
{
    SievePolicy sieve({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!sieve.access({ 1, -1, 50, 0 }));
    QVERIFY(!sieve.access({ 2, -1, 30, 0 }));
    QVERIFY(!sieve.access({ 3, -1, 20, 0 }));
    QCOMPARE(sieve.used(), 100);
    QVERIFY(sieve.access({ 1, -1, 50, 0 }));
    // 4 (40 B): 1* cleared; 2 evicted (70 + 40 > 100 still); 3 evicted: 50 + 40 = 90.
    QVERIFY(!sieve.access({ 4, -1, 40, 0 }));
    QCOMPARE(sieve.lastEvicted(), (std::vector<Key> { 2, 3 }));
    QCOMPARE(sieve.used(), 90);
    // 5 (60 B): the hand fell off the head, wraps to the tail 1 (now unvisited): 40 + 60.
    QVERIFY(!sieve.access({ 5, -1, 60, 0 }));
    QCOMPARE(sieve.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(sieve.used(), 100);
    // Larger than the cache: a miss, not admitted, nothing evicted.
    QVERIFY(!sieve.access({ 6, -1, 101, 0 }));
    QVERIFY(sieve.lastEvicted().empty());
    QVERIFY(!sieve.contains(6));
    QCOMPARE(sieve.stats().evictions, 3u);
    QCOMPARE(sieve.stats().bytesMissed, 50u + 30 + 20 + 40 + 60 + 101);
}

void tst_SievePolicy::removeMovesTheHand()
{
    SievePolicy sieve({ 3, SizeUnit::Objects, 1 });
    // As in "hand keeps its place": [4 ^3 1], 1's bit cleared.
    QCOMPARE(TestSupport::replay(sieve, u"1 2 3 1 4"_s), u"1m 2m 3m 1h 4m-2"_s);
    // Removing the entry under the hand moves the hand to its newer neighbour: [^4 1].
    QVERIFY(sieve.remove(3));
    QVERIFY(!sieve.remove(3));
    QVERIFY(!sieve.contains(3));
    QCOMPARE(sieve.used(), 2);
    QCOMPARE(sieve.stats().evictions, 1u); // invalidation is not an eviction
    // 5 fits: [5 ^4 1]; 6 evicts 4 under the hand (a hand reset to the tail would take 1).
    QCOMPARE(TestSupport::replay(sieve, u"5 6"_s), u"5m 6m-4"_s);
    QCOMPARE(sieve.stats().evictions, 2u);
}

void tst_SievePolicy::shrinkSweepsFromTheHand()
{
    SievePolicy sieve({ 4, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(sieve, u"1 2 3 4 1 3"_s), u"1m 2m 3m 4m 1h 3h"_s);
    // [4 3* 2 1*] -> 2: 1* cleared, 2 evicted; 3* cleared, 4 evicted.
    sieve.setCapacity(2);
    QCOMPARE(sieve.lastEvicted(), (std::vector<Key> { 2, 4 }));
    QCOMPARE(sieve.entryCount(), 2);
    QCOMPARE(sieve.used(), 2);
    QVERIFY(sieve.contains(1) && sieve.contains(3));
    // Both bits are clear now and the hand wraps to the tail: 1 goes first.
    QCOMPARE(TestSupport::replay(sieve, u"5"_s), u"5m-1"_s);
}

QTEST_GUILESS_MAIN(tst_SievePolicy)
#include "tst_sievepolicy.moc"
