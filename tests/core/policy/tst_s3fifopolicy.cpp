#include "core/policy/s3fifopolicy.h"

#include "testsupport.h"

#include <QStringList>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_S3FifoPolicy : public QObject
{
    Q_OBJECT

private slots:
    void handChecked_data();
    void handChecked();
    void queueSizes();
    void byteModeGhostBytes();
    void removeIsNotAnEviction();
    void shrink();
};

namespace {

// Capacity 5: small's target is 1 (10%, at least 1), main 4, the ghost 4 keys.
// Queues newest..oldest, freq in parentheses when not 0, G = ghost.
// 1..5 fill small: S[5 4 3 2 1]; 1 1 2 hit: 1(2), 2(1).
// 6: small 5 > 1: 1(2) moves to main with freq 0, 2(1) is evicted: S[6 5 4 3] M[1] G[2]
// 7: 3 evicted: S[7 6 5 4] G[3 2]
// 2: a ghost: 4 evicted, 2 goes to main: S[7 6 5] M[2 1] G[4 3]; 1 hits: M[2 1(1)]
// 8, 9, 10 evict 5, 6, 7 from small; G keeps 4 keys: G[7 6 5 4], then 3 has fallen out
// 3: no longer a ghost, enters small: 8 evicted: S[3 10 9] G[8 7 6 5]
// 6: ghost, 9 evicted: S[3 10] M[6 2 1(1)] G[9 8 7 5]; 7: ghost, 10 evicted:
// S[3] M[7 6 2 1(1)] G[10 9 8 5]
// 8: ghost; small is at its target, so main evicts: 1(1) goes round at 0, 2 evicted:
// S[3] M[8 1 7 6] G[10 9 5]
// 11: main again: 6 evicted: S[11 3] M[8 1 7]; 12: small over target: 3 to the ghost.
const QString fiveKeys = u"1 2 3 4 5 1 1 2 6 7 2 1 8 9 10 3 6 7 8 11 12"_s;
const QString fiveExpected
    = u"1m 2m 3m 4m 5m 1h 1h 2h 6m-2 7m-3 2m-4 1h 8m-5 9m-6 10m-7 3m-8 6m-9 7m-10 8m-2 11m-6 "
      "12m-3"_s;
} // namespace

void tst_S3FifoPolicy::handChecked_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<QString>("keys");
    QTest::addColumn<QString>("expected");
    QTest::newRow("small, main and ghost") << qint64(5) << fiveKeys << fiveExpected;
    // Capacity 2: small 1, main 1, ghost 1. 3 evicts 1 to the ghost; 1 comes back into main
    // (2 leaves small for the ghost); 4: small holds only 3, so main's 1 goes.
    QTest::newRow("two slots") << qint64(2) << u"1 2 3 1 4"_s << u"1m 2m 3m-1 1m-2 4m-1"_s;
    // Capacity 1: small 1, main 0, no ghost: a FIFO of one.
    QTest::newRow("one slot") << qint64(1) << u"1 1 2 1 1"_s << u"1m 1h 2m-1 1m-2 1h"_s;
    // A one-hit scan never reaches main: 1 (hit twice) survives 6 new keys in capacity 3.
    QTest::newRow("scan resistant")
        << qint64(3) << u"1 1 1 2 3 4 5 6 7 1"_s << u"1m 1h 1h 2m 3m 4m-2 5m-3 6m-4 7m-5 1h"_s;
}

void tst_S3FifoPolicy::handChecked()
{
    QFETCH(qint64, capacity);
    QFETCH(QString, keys);
    QFETCH(QString, expected);
    S3FifoPolicy s3({ capacity, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(s3, keys), expected);
    QVERIFY(s3.used() <= capacity);
    QCOMPARE(s3.used(), s3.smallUsed() + s3.mainUsed());
    QCOMPARE(s3.stats().hits + s3.stats().misses, s3.stats().requests);
    QVERIFY(s3.memoryBytes() > 0);
}

void tst_S3FifoPolicy::queueSizes()
{
    S3FifoPolicy s3({ 5, SizeUnit::Objects, 1 });
    TestSupport::replay(s3, fiveKeys);
    // S[12 11] M[8 1 7] G[3 10 9 5] (see fiveExpected).
    QCOMPARE(s3.smallUsed(), 2);
    QCOMPARE(s3.mainUsed(), 3);
    QCOMPARE(s3.ghostUsed(), 4);
    for (Key k : { 3, 10, 9, 5 }) {
        QVERIFY(s3.isGhost(k));
        QVERIFY(!s3.contains(k));
    }
    for (Key k : { 12, 11, 8, 1, 7 })
        QVERIFY(s3.contains(k));
    QCOMPARE(s3.entryCount(), 5);
}

void tst_S3FifoPolicy::byteModeGhostBytes()
{
    // 100 bytes: small's target 10 B, main 90 B, the ghost up to 90 B of keys.
    S3FifoPolicy s3({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!s3.access({ 1, -1, 50, 0 }));
    QVERIFY(!s3.access({ 2, -1, 30, 0 }));
    QVERIFY(s3.access({ 1, -1, 50, 0 }));
    QVERIFY(s3.access({ 1, -1, 50, 0 }));
    // 3 (40 B): small 80 B > 10: 1 (freq 2) moves to main, 2 is evicted to the ghost.
    QVERIFY(!s3.access({ 3, -1, 40, 0 }));
    QCOMPARE(s3.lastEvicted(), std::vector<Key> { 2 });
    QCOMPARE(s3.mainUsed(), 50);
    QCOMPARE(s3.smallUsed(), 40);
    QCOMPARE(s3.ghostUsed(), 30);
    // 2 again: a ghost, so main; small's 3 makes room and becomes a ghost (40 B).
    QVERIFY(!s3.access({ 2, -1, 30, 0 }));
    QCOMPARE(s3.lastEvicted(), std::vector<Key> { 3 });
    QCOMPARE(s3.mainUsed(), 80);
    QCOMPARE(s3.smallUsed(), 0);
    QCOMPARE(s3.ghostUsed(), 40);
    // 4 (60 B): small is empty, main's oldest 1 (freq 0 since its move) goes.
    QVERIFY(!s3.access({ 4, -1, 60, 0 }));
    QCOMPARE(s3.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(s3.used(), 90);
    // 5 (30 B): small 60 B > 10: 4 to the ghost, 40 + 60 > 90 B pushes 3 out of it.
    QVERIFY(!s3.access({ 5, -1, 30, 0 }));
    QCOMPARE(s3.lastEvicted(), std::vector<Key> { 4 });
    QCOMPARE(s3.ghostUsed(), 60);
    QVERIFY(s3.isGhost(4));
    QVERIFY(!s3.isGhost(3));
    QCOMPARE(s3.used(), 60);
    QVERIFY(!s3.access({ 6, -1, 101, 0 })); // larger than the cache: not admitted
    QVERIFY(s3.lastEvicted().empty());
    QCOMPARE(s3.used(), 60);
}

void tst_S3FifoPolicy::removeIsNotAnEviction()
{
    S3FifoPolicy s3({ 2, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(s3, u"1 2 3 1"_s), u"1m 2m 3m-1 1m-2"_s); // S[3] M[1] G[2]
    QVERIFY(s3.remove(1)); // from main
    QVERIFY(s3.remove(3)); // from small
    QVERIFY(!s3.remove(3));
    QVERIFY(!s3.remove(2)); // a ghost is not resident
    QVERIFY(s3.isGhost(2));
    QCOMPARE(s3.used(), 0);
    QCOMPARE(s3.entryCount(), 0);
    QCOMPARE(s3.stats().evictions, 2u);
    // The ghost still counts: 2 comes back into main; 4 enters small, which is then at its
    // target, so 5 evicts from main.
    QCOMPARE(TestSupport::replay(s3, u"2 4 5"_s), u"2m 4m 5m-2"_s);
    QCOMPARE(s3.mainUsed(), 0);
    QCOMPARE(s3.smallUsed(), 2);
}

void tst_S3FifoPolicy::shrink()
{
    S3FifoPolicy s3({ 10, SizeUnit::Objects, 1 });
    QCOMPARE(TestSupport::replay(s3, u"1 2 3 4 5 1 1"_s), u"1m 2m 3m 4m 5m 1h 1h"_s);
    // Capacity 3: small 1, ghost 2. 1 (freq 2) moves to main, 2 and then 3 are evicted.
    s3.setCapacity(3);
    QCOMPARE(s3.lastEvicted(), (std::vector<Key> { 2, 3 }));
    QCOMPARE(s3.used(), 3);
    QCOMPARE(s3.mainUsed(), 1);
    QVERIFY(s3.contains(1) && s3.contains(4) && s3.contains(5));
    QVERIFY(s3.isGhost(2) && s3.isGhost(3));
    // Capacity 2: the ghost shrinks with main to 1 key: 2 drops out at once, 3 when 4 joins.
    s3.setCapacity(2);
    QCOMPARE(s3.lastEvicted(), std::vector<Key> { 4 });
    QVERIFY(!s3.isGhost(2) && !s3.isGhost(3));
    QVERIFY(s3.isGhost(4));
}

QTEST_GUILESS_MAIN(tst_S3FifoPolicy)
#include "tst_s3fifopolicy.moc"
