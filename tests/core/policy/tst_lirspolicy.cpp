#include "core/policy/lirspolicy.h"
#include "core/policy/lrupolicy.h"
#include "testsupport.h"

#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_LirsPolicy : public QObject
{
    Q_OBJECT

private slots:
    void followsPaper();
    void loopLargerThanCache();
    void capacityOne();
    void nonResidentEntriesAreBounded();
    void byteMode();
    void removeIsNotEviction();
    void shrinkDemotesLir();
};

namespace {
Request req(Key key, quint32 size = 1) { return Request { key, -1, size, 0 }; }

struct Step
{
    Key key;
    bool hit;
    std::vector<Key> evicted;
};

void replay(LirsPolicy &lirs, const std::vector<Step> &steps)
{
    int n = 0;
    for (const Step &s : steps) {
        QVERIFY2(lirs.access(req(s.key)) == s.hit, qPrintable(u"step %1"_s.arg(n)));
        QCOMPARE(lirs.lastEvicted(), s.evicted);
        QVERIFY(lirs.used() <= lirs.capacity());
        ++n;
    }
}
} // namespace

void tst_LirsPolicy::followsPaper()
{
    // 3 slots: LIR 2, resident HIR 1. Worked out by hand (S top first, nr = non-resident):
    //  1 2    LIR while the LIR set has room; S = [2 1]
    //  3      HIR: S = [3 2 1], Q = [3]
    //  4      Q's front 3 is evicted but stays in S (nr); 4 HIR: S = [4 3nr 2 1], Q = [4]
    //  3      evict 4 (stays nr in S); 3 was in S: LIR. The bottom LIR 1 turns HIR (Q = [1]),
    //         S = [3 4nr 2]
    //  2      LIR hit at the bottom: S = [2 3 4nr], pruned to [2 3]
    //  5      evict 1 (not in S: forgotten); 5 HIR: S = [5 2 3], Q = [5]
    //  1      new again: evict 5 (nr in S); S = [1 5nr 2 3], Q = [1]
    //  5      evict 1 (nr); 5 in S: LIR; bottom LIR 3 -> Q = [3]; S = [5 1nr 2]
    //  3      resident HIR not in S: hit, pushed on S, moved to Q's end; S = [3 5 1nr 2]
    //  3      resident HIR in S: LIR; bottom LIR 2 -> Q = [2]; S = [3 5 1nr], pruned to [3 5]
    LirsPolicy lirs({ 3, SizeUnit::Objects, 1 });
    replay(lirs,
        { { 1, false, {} }, { 2, false, {} }, { 3, false, {} }, { 4, false, { 3 } },
            { 3, false, { 4 } }, { 2, true, {} }, { 5, false, { 1 } }, { 1, false, { 5 } },
            { 5, false, { 1 } }, { 3, true, {} }, { 3, true, {} } });
    for (Key k : { 2, 3, 5 })
        QVERIFY(lirs.contains(k));
    QCOMPARE(lirs.entryCount(), 3);
    QCOMPARE(lirs.nonResidentCount(), 0);
    // 2 is now the only resident HIR block: the next miss evicts it, not a LIR block.
    QVERIFY(!lirs.access(req(6)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 2 });
}

void tst_LirsPolicy::loopLargerThanCache()
{
    // A loop over 11 keys in 10 slots (LIR 9, HIR 1): LRU always evicts the key needed next
    // and never hits; LIRS keeps keys 1..9 as LIR and only 10 and 11 miss: 9 hits a round
    // after the first (worked out above the same way: each round ends with S = [11 10nr 9..1]).
    std::vector<Request> loop;
    for (int round = 0; round < 5; ++round)
        for (Key k = 1; k <= 11; ++k)
            loop.push_back(req(k));
    LirsPolicy lirs({ 10, SizeUnit::Objects, 1 });
    LruPolicy lru({ 10, SizeUnit::Objects, 1 });
    lirs.accessBatch(loop);
    lru.accessBatch(loop);
    QCOMPARE(lru.stats().hits, 0u);
    QCOMPARE(lirs.stats().hits, 4u * 9u);
    QCOMPARE(lirs.stats().evictions, 4u * 2u + 1u);
}

void tst_LirsPolicy::capacityOne()
{
    // 1 slot: no LIR room, a single HIR slot. 1 2: 2 evicts 1 (nr in S). 1 again was in S: it
    // turns LIR and, over the LIR share of 0, straight back to HIR; 2 is evicted. 1 then hits.
    LirsPolicy lirs({ 1, SizeUnit::Objects, 1 });
    replay(lirs,
        { { 1, false, {} }, { 2, false, { 1 } }, { 1, false, { 2 } }, { 1, true, {} },
            { 1, true, {} }, { 3, false, { 1 } } });
    QCOMPARE(lirs.used(), 1);
    QVERIFY(lirs.contains(3));
}

void tst_LirsPolicy::nonResidentEntriesAreBounded()
{
    // 3 slots: 1 2 LIR, then 100 new keys each pass through the one HIR slot and stay in S as
    // non-resident entries; the bound keeps the 2 x 3 = 6 most recent ones (103..108).
    LirsPolicy lirs({ 3, SizeUnit::Objects, 1 });
    lirs.access(req(1));
    lirs.access(req(2));
    for (Key k = 10; k < 110; ++k)
        lirs.access(req(k));
    QCOMPARE(lirs.nonResidentCount(), 6);
    const std::size_t memory = lirs.memoryBytes();
    for (Key k = 1000; k < 11000; ++k)
        lirs.access(req(k));
    QCOMPARE(lirs.nonResidentCount(), 6);
    QCOMPARE(lirs.memoryBytes(), memory);
    // A remembered key turns LIR on its return (the bottom LIR 1 is demoted and goes next);
    // a forgotten one is new, HIR.
    QVERIFY(!lirs.access(req(10998)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 10999 });
    QVERIFY(!lirs.access(req(10)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 1 });
}

void tst_LirsPolicy::byteMode()
{
    // 1000 bytes: HIR share 10 bytes, LIR 990.
    //  a400 b500  LIR (900)
    //  c100       900 + 100 > 990: HIR; 1000 bytes used
    //  d50        evicts Q's c (nr in S); d fits the LIR share (950)
    //  c100       non-resident in S; Q is empty, so the bottom LIR a is demoted and evicted
    //             (not in S: forgotten); c turns LIR (650)
    //  e400       again Q is empty: bottom LIR b goes; e is LIR (550)
    LirsPolicy lirs({ 1000, SizeUnit::Bytes, 1 });
    QVERIFY(!lirs.access(req(1, 400)));
    QVERIFY(!lirs.access(req(2, 500)));
    QVERIFY(!lirs.access(req(3, 100)));
    QCOMPARE(lirs.used(), 1000);
    QVERIFY(!lirs.access(req(4, 50)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 3 });
    QCOMPARE(lirs.used(), 950);
    QVERIFY(!lirs.access(req(3, 100)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(lirs.used(), 650);
    QVERIFY(!lirs.access(req(5, 400)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 2 });
    QCOMPARE(lirs.used(), 550);
    QVERIFY(lirs.access(req(3, 100)));
    QVERIFY(!lirs.access(req(6, 1001))); // larger than the cache: not admitted
    QCOMPARE(lirs.entryCount(), 3);
}

void tst_LirsPolicy::removeIsNotEviction()
{
    // 3 slots: 1 2 LIR, 3 HIR. Removing the bottom LIR block prunes nothing (2 is LIR);
    // removing 3 leaves one object, so the LIR set has room again: 4 is LIR, 5 HIR.
    LirsPolicy lirs({ 3, SizeUnit::Objects, 1 });
    for (Key k : { 1, 2, 3 })
        lirs.access(req(k));
    QVERIFY(lirs.remove(1));
    QVERIFY(lirs.remove(3));
    QVERIFY(!lirs.remove(3));
    QCOMPARE(lirs.used(), 1);
    QCOMPARE(lirs.stats().evictions, 0u);
    replay(lirs, { { 4, false, {} }, { 5, false, {} }, { 6, false, { 5 } }, { 2, true, {} } });
    QVERIFY(lirs.contains(4) && lirs.contains(6));
}

void tst_LirsPolicy::shrinkDemotesLir()
{
    // 10 slots: 1..9 LIR, 10 HIR. At 5 slots the LIR share is 4: 1..5 are demoted from S's
    // bottom into Q behind 10, and Q's front is evicted until 5 objects remain.
    LirsPolicy lirs({ 10, SizeUnit::Objects, 1 });
    for (Key k = 1; k <= 10; ++k)
        lirs.access(req(k));
    lirs.setCapacity(5);
    QCOMPARE(lirs.lastEvicted(), (std::vector<Key> { 10, 1, 2, 3, 4 }));
    QCOMPARE(lirs.used(), 5);
    for (Key k = 5; k <= 9; ++k)
        QVERIFY(lirs.contains(k));
    QCOMPARE(lirs.nonResidentCount(), 1); // 10 was still in S
    QVERIFY(!lirs.access(req(11)));
    QCOMPARE(lirs.lastEvicted(), std::vector<Key> { 5 });
}

QTEST_GUILESS_MAIN(tst_LirsPolicy)
#include "tst_lirspolicy.moc"
