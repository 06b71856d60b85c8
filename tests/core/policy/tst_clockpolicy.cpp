#include "core/policy/clockpolicy.h"

#include "testsupport.h"

#include <QStringList>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_ClockPolicy : public QObject
{
    Q_OBJECT

private slots:
    void handChecked_data();
    void handChecked();
    void byteMode();
    void removeIsNotAnEviction();
    void shrinkGivesSecondChances();
};

void tst_ClockPolicy::handChecked_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<QString>("keys");
    QTest::addColumn<QString>("expected");
    // Circle from the newest to the hand's next entry (the oldest), * = bit set.
    // 1 2 3: [3 2 1]; 1 hits: [3 2 1*]; 4: 1* cleared and passed: [1 3 2], 2 evicted:
    // [4 1 3]; 5 evicts 3: [5 4 1]; 1 hits; 2: 1* passed, 4 evicted: [2 1 5].
    QTest::newRow("second chance")
        << qint64(3) << u"1 2 3 1 4 5 1 2"_s << u"1m 2m 3m 1h 4m-2 5m-3 1h 2m-4"_s;
    // New entries enter with the bit clear: 2 goes before the hit 1 (with the bit set on
    // insert, both would be passed once and 1 evicted).
    QTest::newRow("new bit clear") << qint64(2) << u"1 2 1 3"_s << u"1m 2m 1h 3m-2"_s;
    // Every bit set: a full turn clears them all and the oldest goes, as FIFO: [4 3 2];
    // then 5 evicts 2.
    QTest::newRow("full turn") << qint64(3) << u"1 2 3 1 2 3 4 5"_s
                               << u"1m 2m 3m 1h 2h 3h 4m-1 5m-2"_s;
    QTest::newRow("one slot") << qint64(1) << u"1 1 2 2 1"_s << u"1m 1h 2m-1 2h 1m-2"_s;
}

void tst_ClockPolicy::handChecked()
{
    QFETCH(qint64, capacity);
    QFETCH(QString, keys);
    QFETCH(QString, expected);
    ClockPolicy clock({ capacity, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(clock, keys), expected);
    QVERIFY(clock.used() <= capacity);
    QCOMPARE(clock.stats().hits + clock.stats().misses, clock.stats().requests);
    QVERIFY(clock.memoryBytes() > 0);
}

void tst_ClockPolicy::byteMode()
{
    ClockPolicy clock({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!clock.access({ 1, -1, 50, 0 }));
    QVERIFY(!clock.access({ 2, -1, 30, 0 }));
    QVERIFY(!clock.access({ 3, -1, 20, 0 }));
    QVERIFY(clock.access({ 2, -1, 30, 0 }));
    // 4 (40 B): the hand starts at 1 (clear): 50 + 40 = 90 fits.
    QVERIFY(!clock.access({ 4, -1, 40, 0 }));
    QCOMPARE(clock.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(clock.used(), 90);
    // 5 (30 B): 2* passed, 3 (20 B) evicted: 70 + 30 = 100.
    QVERIFY(!clock.access({ 5, -1, 30, 0 }));
    QCOMPARE(clock.lastEvicted(), std::vector<Key> { 3 });
    QCOMPARE(clock.used(), 100);
    // 6 (100 B) fills the cache alone: 4, 2 (bit cleared above), 5 all go, in circle order.
    QVERIFY(!clock.access({ 6, -1, 100, 0 }));
    QCOMPARE(clock.lastEvicted(), (std::vector<Key> { 4, 2, 5 }));
    QCOMPARE(clock.entryCount(), 1);
    QVERIFY(!clock.access({ 7, -1, 101, 0 })); // larger than the cache: not admitted
    QVERIFY(clock.lastEvicted().empty());
    QVERIFY(clock.contains(6));
}

void tst_ClockPolicy::removeIsNotAnEviction()
{
    ClockPolicy clock({ 3, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(clock, u"1 2 3"_s), u"1m 2m 3m"_s);
    QVERIFY(clock.remove(1));
    QVERIFY(!clock.remove(1));
    QVERIFY(!clock.contains(1));
    QCOMPARE(clock.used(), 2);
    QCOMPARE(clock.stats().evictions, 0u);
    // 4 fits; 5 evicts the oldest remaining, 2.
    QCOMPARE(TestSupport::replay(clock, u"4 5"_s), u"4m 5m-2"_s);
    QCOMPARE(clock.stats().evictions, 1u);
}

void tst_ClockPolicy::shrinkGivesSecondChances()
{
    ClockPolicy clock({ 4, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(clock, u"1 2 3 4 1 2"_s), u"1m 2m 3m 4m 1h 2h"_s);
    // [4 3 2* 1*] -> 2: 1* and 2* passed, 3 and 4 evicted.
    clock.setCapacity(2);
    QCOMPARE(clock.lastEvicted(), (std::vector<Key> { 3, 4 }));
    QCOMPARE(clock.used(), 2);
    QVERIFY(clock.contains(1) && clock.contains(2));
    QCOMPARE(clock.stats().evictions, 2u);
}

QTEST_GUILESS_MAIN(tst_ClockPolicy)
#include "tst_clockpolicy.moc"
