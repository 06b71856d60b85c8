#include "core/policy/arcpolicy.h"
#include "testsupport.h"

#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_ArcPolicy : public QObject
{
    Q_OBJECT

private slots:
    void followsPaperCases();
    void fullT1EvictsWithoutGhost();
    void ghostHitIsAMiss();
    void byteMode();
    void removeIsNotEviction();
    void shrinkKeepsGhostsBounded();
};

namespace {
Request req(Key key, quint32 size = 1) { return Request { key, -1, size, 0 }; }
} // namespace

void tst_ArcPolicy::followsPaperCases()
{
    // c = 3, p = 0. Worked out by hand from the FAST '03 pseudo-code:
    // 1 2 3   misses, T1 = [3 2 1]
    // 1       hit (case I): T2 = [1], T1 = [3 2]
    // 4       case IV.B (|L1| = 2 < 3, |L1|+|L2| = 3): REPLACE, |T1| = 2 > p: 2 -> B1
    // 2       case II (B1): p = 0 + 1 = 1; REPLACE, |T1| = 2 > 1: 3 -> B1; T2 = [2 1], T1 = [4]
    // 5       case IV.B: REPLACE, |T1| = 1 = p and 5 not in B2: T2's LRU 1 -> B2
    // 1       case III (B2): p = max(1 - 1, 0) = 0; REPLACE, |T1| = 2 > 0: 4 -> B1 = [4 3]
    // 6       case IV.A (|L1| = |T1|+|B1| = 3 = c, |T1| < c): drop ghost 3; REPLACE: 5 -> B1
    // 3       a new key again (its ghost is gone), case IV.A: drop ghost 4; REPLACE: 6 -> B1
    struct Step
    {
        Key key;
        bool hit;
        std::vector<Key> evicted;
        double p;
    };
    const std::vector<Step> steps = {
        { 1, false, {}, 0 },
        { 2, false, {}, 0 },
        { 3, false, {}, 0 },
        { 1, true, {}, 0 },
        { 4, false, { 2 }, 0 },
        { 2, false, { 3 }, 1 },
        { 5, false, { 1 }, 1 },
        { 1, false, { 4 }, 0 },
        { 6, false, { 5 }, 0 },
        { 3, false, { 6 }, 0 },
    };
    ArcPolicy arc({ 3, SizeUnit::Objects, 1 });
    int n = 0;
    for (const Step &s : steps) {
        QVERIFY2(arc.access(req(s.key)) == s.hit, qPrintable(u"step %1"_s.arg(n)));
        QCOMPARE(arc.lastEvicted(), s.evicted);
        QCOMPARE(arc.target(), s.p);
        QVERIFY(arc.used() <= arc.capacity());
        ++n;
    }
    for (Key k : { 1, 2, 3 })
        QVERIFY(arc.contains(k));
    QCOMPARE(arc.entryCount(), 3);
    QCOMPARE(arc.stats().hits, 1u);
    QCOMPARE(arc.stats().misses, 9u);
    QCOMPARE(arc.stats().evictions, 6u);
}

void tst_ArcPolicy::fullT1EvictsWithoutGhost()
{
    // c = 2: 1 2 fill T1; 3 finds |T1| = c (case IV.A, B1 empty): 1 is deleted, not remembered.
    // So 1 is a plain new key next time: no adaptation of p.
    ArcPolicy arc({ 2, SizeUnit::Objects, 1 });
    for (Key k : { 1, 2 })
        QVERIFY(!arc.access(req(k)));
    QVERIFY(!arc.access(req(3)));
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 1 });
    QVERIFY(!arc.access(req(1)));
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 2 });
    QCOMPARE(arc.target(), 0.0);
}

void tst_ArcPolicy::ghostHitIsAMiss()
{
    // A ghost is metadata only: contains() is false and a ghost hit counts as a miss.
    ArcPolicy arc({ 2, SizeUnit::Objects, 1 });
    for (Key k : { 1, 2, 1, 3 }) // 1 -> T2; 3: REPLACE moves 2 (T1's LRU) to B1
        arc.access(req(k));
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 2 });
    QVERIFY(!arc.contains(2));
    QVERIFY(!arc.remove(2)); // only a ghost
    QVERIFY(!arc.access(req(2)));
    QCOMPARE(arc.target(), 1.0);
    QCOMPARE(arc.stats().misses, 4u);
}

void tst_ArcPolicy::byteMode()
{
    // c = 100 bytes. a50 b30 fill T1 (80). c40: |T1|+|B1| + 40 > 100 with B1 empty, so T1's
    // LRU a is deleted outright (case IV.A). c hits -> T2. d40: 70 + 40 > 100, REPLACE
    // (|T1| = 30 > p = 0) moves b to B1. b30 again: ghost hit, p = 0 + 1 * 30 (the step scales
    // with the size); 80 + 30 > 100: REPLACE, |T1| = 40 > 30, moves d to B1. T2 = [b c].
    ArcPolicy arc({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!arc.access(req(1, 50)));
    QVERIFY(!arc.access(req(2, 30)));
    QVERIFY(!arc.access(req(3, 40)));
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(arc.used(), 70);
    QVERIFY(arc.access(req(3, 40)));
    QVERIFY(!arc.access(req(4, 40)));
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 2 });
    QCOMPARE(arc.used(), 80);
    QVERIFY(!arc.access(req(2, 30)));
    QCOMPARE(arc.target(), 30.0);
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 4 });
    QCOMPARE(arc.used(), 70);
    QVERIFY(!arc.access(req(5, 101))); // larger than the cache: not admitted
    QVERIFY(arc.lastEvicted().empty());
    QCOMPARE(arc.entryCount(), 2);
}

void tst_ArcPolicy::removeIsNotEviction()
{
    ArcPolicy arc({ 3, SizeUnit::Objects, 1 });
    for (Key k : { 1, 2, 3, 1 })
        arc.access(req(k));
    QVERIFY(arc.remove(1)); // from T2
    QVERIFY(arc.remove(3)); // from T1
    QVERIFY(!arc.remove(3));
    QCOMPARE(arc.used(), 1);
    QCOMPARE(arc.entryCount(), 1);
    QCOMPARE(arc.stats().evictions, 0u);
    // Room again: new keys fill the cache without evicting.
    QVERIFY(!arc.access(req(4)));
    QVERIFY(!arc.access(req(5)));
    QVERIFY(arc.lastEvicted().empty());
    QCOMPARE(arc.used(), 3);
}

void tst_ArcPolicy::shrinkKeepsGhostsBounded()
{
    // 1 2 3 4 fill T1 = [4 3 2 1]; 1 2 hit -> T2 = [2 1], T1 = [4 3].
    // setCapacity(2): REPLACE twice with p = 0: T1's 3 then 4 go to B1.
    ArcPolicy arc({ 4, SizeUnit::Objects, 1 });
    for (Key k : { 1, 2, 3, 4, 1, 2 })
        arc.access(req(k));
    arc.setCapacity(2);
    QCOMPARE(arc.lastEvicted(), (std::vector<Key> { 3, 4 }));
    QCOMPARE(arc.used(), 2);
    QVERIFY(arc.contains(1) && arc.contains(2));
    // |T1|+|B1| <= c still holds: both ghosts fit (2 <= 2), a third new key drops ghost 3.
    QVERIFY(!arc.access(req(5))); // case IV.A: drop ghost 3, REPLACE: T1 empty -> T2's 1
    QCOMPARE(arc.lastEvicted(), std::vector<Key> { 1 });
    QVERIFY(!arc.access(req(4))); // 4's ghost survived: case II, p = 1
    QCOMPARE(arc.target(), 1.0);
    arc.setCapacity(1);
    QCOMPARE(arc.used(), 1);
    QCOMPARE(arc.target(), 1.0);
}

QTEST_GUILESS_MAIN(tst_ArcPolicy)
#include "tst_arcpolicy.moc"
