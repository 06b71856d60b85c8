#include "core/policy/twoqpolicy.h"
#include "testsupport.h"

#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_TwoQPolicy : public QObject
{
    Q_OBJECT

private slots:
    void followsPaper_data();
    void followsPaper();
    void byteMode();
    void removeIsNotEviction();
    void shrinkRecomputesShares();
};

namespace {
Request req(Key key, quint32 size = 1) { return Request { key, -1, size, 0 }; }

struct Step
{
    Key key;
    bool hit;
    std::vector<Key> evicted;
};
} // namespace

Q_DECLARE_METATYPE(std::vector<Step>)

void tst_TwoQPolicy::followsPaper_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<std::vector<Step>>("steps");
    QTest::addColumn<std::vector<Key>>("resident");
    // 4 slots: Kin = 1, Kout = 2. Worked out by hand (lists newest first):
    //  1 2 3 4   A1in = [4 3 2 1]
    //  1         hit in A1in: no change
    //  5         |A1in| = 4 > Kin: 1 -> A1out = [1]
    //  1         found in A1out: reclaim pages out 2 (A1out = [2]); 1 -> Am = [1]
    //  6 7       3, then 4 leave A1in; A1out = [4 3] (2 forgotten, Kout = 2)
    //  2         a new key again: 5 -> A1out = [5 4]
    //  1         hit in Am
    //  4         found in A1out: 6 -> A1out = [6 5]; Am = [4 1]
    //  8 9       7, then 2 leave A1in; A1out = [2 7]; A1in = [9 8]
    //  1         hit in Am: Am = [1 4]
    //  7         found in A1out: 8 leaves A1in (A1out = [8 2]); Am = [7 1 4]; A1in = [9]
    //  10        |A1in| = 1 = Kin: Am's LRU 4 goes, with no ghost
    //  4         so 4 is new: 9 leaves A1in; A1in = [4 10], Am = [7 1]
    const std::vector<Step> fourSlots = {
        { 1, false, {} },
        { 2, false, {} },
        { 3, false, {} },
        { 4, false, {} },
        { 1, true, {} },
        { 5, false, { 1 } },
        { 1, false, { 2 } },
        { 6, false, { 3 } },
        { 7, false, { 4 } },
        { 2, false, { 5 } },
        { 1, true, {} },
        { 4, false, { 6 } },
        { 8, false, { 7 } },
        { 9, false, { 2 } },
        { 1, true, {} },
        { 7, false, { 8 } },
        { 10, false, { 4 } },
        { 4, false, { 9 } },
    };
    QTest::newRow("4 slots") << qint64(4) << fourSlots << std::vector<Key> { 1, 4, 7, 10 };
    // 1 slot: Kin = Kout = 1. With Am empty A1in pages out even at Kin; a key found in A1out
    // goes to Am; Am's victim leaves no ghost, so the alternation never hits.
    const std::vector<Step> oneSlot = {
        { 1, false, {} },
        { 2, false, { 1 } },
        { 1, false, { 2 } },
        { 2, false, { 1 } },
        { 2, true, {} },
        { 1, false, { 2 } },
    };
    QTest::newRow("1 slot") << qint64(1) << oneSlot << std::vector<Key> { 1 };
}

void tst_TwoQPolicy::followsPaper()
{
    QFETCH(qint64, capacity);
    QFETCH(std::vector<Step>, steps);
    QFETCH(std::vector<Key>, resident);
    TwoQPolicy q({ capacity, SizeUnit::Objects, 1 });
    int n = 0;
    for (const Step &s : steps) {
        QVERIFY2(q.access(req(s.key)) == s.hit, qPrintable(u"step %1"_s.arg(n)));
        QCOMPARE(q.lastEvicted(), s.evicted);
        QVERIFY(q.used() <= capacity);
        ++n;
    }
    QCOMPARE(q.entryCount(), qint64(resident.size()));
    for (Key k : resident)
        QVERIFY(q.contains(k));
}

void tst_TwoQPolicy::byteMode()
{
    // 100 bytes: Kin = 25, Kout = 50 (bytes of remembered objects).
    // a40 b30 c20 -> A1in (90). d30: A1in 90 > 25 pages out a (A1out = [a]).
    // a40: found in A1out: b leaves A1in (A1out = [b]); a -> Am. e30: c leaves (A1out = [c b]).
    // f20: d leaves; A1out = [d c b] is 80 > 50: b is forgotten. b30 is new again: e leaves.
    TwoQPolicy q({ 100, SizeUnit::Bytes, 1 });
    for (Key k : { 1, 2, 3 })
        QVERIFY(!q.access(req(k, k == 1 ? 40 : k == 2 ? 30 : 20)));
    QVERIFY(!q.access(req(4, 30)));
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(q.used(), 80);
    QVERIFY(!q.access(req(1, 40)));
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 2 });
    QCOMPARE(q.used(), 90);
    QVERIFY(!q.access(req(5, 30)));
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 3 });
    QVERIFY(!q.access(req(6, 20)));
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 4 });
    QCOMPARE(q.used(), 90);
    QVERIFY(!q.access(req(2, 30)));
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 5 });
    QVERIFY(q.access(req(1, 40))); // Am
    QVERIFY(!q.access(req(7, 101))); // larger than the cache: not admitted
    QVERIFY(q.lastEvicted().empty());
    QCOMPARE(q.used(), 90);
}

void tst_TwoQPolicy::removeIsNotEviction()
{
    TwoQPolicy q({ 4, SizeUnit::Objects, 1 });
    for (Key k : { 1, 2, 3, 4, 5, 1 }) // 1 -> A1out -> Am; 2 -> A1out
        q.access(req(k));
    QVERIFY(q.remove(1)); // from Am
    QVERIFY(q.remove(5)); // from A1in
    QVERIFY(!q.remove(2)); // only remembered in A1out
    QVERIFY(!q.remove(9));
    QCOMPARE(q.used(), 2);
    QCOMPARE(q.stats().evictions, 2u);
    QVERIFY(!q.access(req(2))); // still a ghost: goes to Am, and there is room
    QVERIFY(q.lastEvicted().empty());
    QCOMPARE(q.used(), 3);
}

void tst_TwoQPolicy::shrinkRecomputesShares()
{
    // 8 slots (Kin 2, Kout 4): 1..8 fill A1in. Shrinking to 4 (Kin 1, Kout 2) pages out
    // 1 2 3 4 from A1in; A1out keeps only [4 3].
    TwoQPolicy q({ 8, SizeUnit::Objects, 1 });
    for (Key k = 1; k <= 8; ++k)
        q.access(req(k));
    q.setCapacity(4);
    QCOMPARE(q.lastEvicted(), (std::vector<Key> { 1, 2, 3, 4 }));
    QCOMPARE(q.used(), 4);
    QVERIFY(!q.access(req(3))); // remembered: to Am, 5 leaves A1in
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 5 });
    QVERIFY(!q.access(req(2))); // forgotten: to A1in, 6 leaves A1in
    QCOMPARE(q.lastEvicted(), std::vector<Key> { 6 });
    QVERIFY(q.access(req(3)));
    QVERIFY(q.memoryBytes() > 0);
}

QTEST_GUILESS_MAIN(tst_TwoQPolicy)
#include "tst_twoqpolicy.moc"
