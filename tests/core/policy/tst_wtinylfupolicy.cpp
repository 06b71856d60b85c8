#include "core/policy/wtinylfupolicy.h"
#include "core/policy/lrupolicy.h"
#include "testsupport.h"

#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_WTinyLfuPolicy : public QObject
{
    Q_OBJECT

private slots:
    void admissionContest_data();
    void admissionContest();
    void scanDoesNotDisplaceHotSet();
    void byteMode();
    void removeAndShrink();
    void sketchAgesByHalving();
    void hugeCapacityGrowsLazily();
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

void tst_WTinyLfuPolicy::admissionContest_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<std::vector<Step>>("steps");
    QTest::addColumn<std::vector<Key>>("resident");
    // Worked out by hand; frequencies are exact counts here (few keys, no halving yet).
    // 1 slot: window 1, no main area. Each new key pushes the old one out as a candidate that
    // meets itself as probation's victim, so it is an LRU of one.
    const std::vector<Step> oneSlot = {
        { 1, false, {} },
        { 1, true, {} },
        { 2, false, { 1 } },
        { 2, true, {} },
        { 1, false, { 2 } },
    };
    QTest::newRow("1 slot") << qint64(1) << oneSlot << std::vector<Key> { 1 };
    // 2 slots: window 1, probation 1 (protected 0).
    //  1 2      1 moves to probation (cache not full: no contest)
    //  3        candidate 2 (f 1) vs victim 1 (f 1): not more frequent, 2 is evicted
    //  1        probation hit (protected has no room, so 1 stays in probation)
    //  2        candidate 3 (f 1) vs 1 (f 2): 3 out
    //  3        candidate 2 (f 2) vs 1 (f 2): 2 out
    //  2        candidate 3 (f 2) vs 1 (f 2): 3 out
    //  3        candidate 2 (f 3) vs 1 (f 2): admitted, 1 out
    const std::vector<Step> twoSlots = {
        { 1, false, {} },
        { 2, false, {} },
        { 3, false, { 2 } },
        { 1, true, {} },
        { 2, false, { 3 } },
        { 3, false, { 2 } },
        { 2, false, { 3 } },
        { 3, false, { 1 } },
    };
    QTest::newRow("2 slots") << qint64(2) << twoSlots << std::vector<Key> { 2, 3 };
    // 10 slots: window 1, main 9 = protected 7 + probation 2.
    //  1..10    window [10], probation [9 .. 1]
    //  1..8     hits: 1..7 fill protected; promoting 8 demotes 1: probation [1 9]
    //  11       candidate 10 (f 1) vs victim 9 (f 1): 10 out
    //  10       candidate 11 (f 1) vs 9: 11 out
    //  12       candidate 10 (f 2) vs 9 (f 1): 10 admitted, 9 out; probation [10 1]
    //  1        hit: promoted again, demoting 2: probation [2 10]
    //  13       candidate 12 (f 1) vs victim 10 (f 2): 12 out
    std::vector<Step> tenSlots;
    for (Key k = 1; k <= 10; ++k)
        tenSlots.push_back({ k, false, {} });
    for (Key k = 1; k <= 8; ++k)
        tenSlots.push_back({ k, true, {} });
    for (const Step &s : std::vector<Step> { { 11, false, { 10 } }, { 10, false, { 11 } },
             { 12, false, { 9 } }, { 1, true, {} }, { 13, false, { 12 } } })
        tenSlots.push_back(s);
    QTest::newRow("10 slots") << qint64(10) << tenSlots
                              << std::vector<Key> { 1, 2, 3, 4, 5, 6, 7, 8, 10, 13 };
}

void tst_WTinyLfuPolicy::admissionContest()
{
    QFETCH(qint64, capacity);
    QFETCH(std::vector<Step>, steps);
    QFETCH(std::vector<Key>, resident);
    WTinyLfuPolicy w({ capacity, SizeUnit::Objects, 1 });
    int n = 0;
    for (const Step &s : steps) {
        QVERIFY2(w.access(req(s.key)) == s.hit, qPrintable(u"step %1"_s.arg(n)));
        QCOMPARE(w.lastEvicted(), s.evicted);
        QVERIFY(w.used() <= capacity);
        ++n;
    }
    QCOMPARE(w.entryCount(), qint64(resident.size()));
    for (Key k : resident)
        QVERIFY(w.contains(k));
}

void tst_WTinyLfuPolicy::scanDoesNotDisplaceHotSet()
{
    // 100 slots: window 1, protected 79, probation 20. Hot keys 1..50, then a filler key that
    // pushes 50 out of the window; three more rounds promote all 50 into protected. A scan of
    // 2000 one-hit keys only ever contests probation (scan keys and the filler), never
    // protected, so the final round hits 50 times. An LRU of 100 has lost them all.
    std::vector<Request> hot;
    for (Key k = 1; k <= 50; ++k)
        hot.push_back(req(k));
    std::vector<Request> warm = hot;
    warm.push_back(req(999));
    for (int round = 0; round < 3; ++round)
        warm.insert(warm.end(), hot.begin(), hot.end());
    std::vector<Request> scan;
    for (Key k = 10'000; k < 12'000; ++k)
        scan.push_back(req(k));

    WTinyLfuPolicy w({ 100, SizeUnit::Objects, 1 });
    LruPolicy lru({ 100, SizeUnit::Objects, 1 });
    for (CachePolicy *p : std::initializer_list<CachePolicy *> { &w, &lru }) {
        p->accessBatch(warm);
        p->accessBatch(scan);
        p->resetStats();
        p->accessBatch(hot);
    }
    QCOMPARE(w.stats().hits, 50u);
    QCOMPARE(lru.stats().hits, 0u);
}

void tst_WTinyLfuPolicy::byteMode()
{
    // 1000 bytes: window 10, main 990 = protected 792 + probation. 100-byte objects are larger
    // than the window, so each passes straight through it into probation.
    //  1..10 (100 each)  probation [10 .. 1], 1000 bytes
    //  1..5              hits: protected [5 .. 1]
    //  11                candidate 11 (f 1) vs victim 6 (f 1): 11 out
    //  11                candidate 11 (f 2) vs 6 (f 1): 6 out
    //  12 (600 bytes)    candidate 12 (f 1) vs 7 (f 1): 12 out
    //  12 (600 bytes)    f 2: beats 7, 8, 9, 10 (f 1) in turn, then meets 11 (f 2) and loses:
    //                    the contest goes on until the cache fits, as Caffeine's does
    WTinyLfuPolicy w({ 1000, SizeUnit::Bytes, 1 });
    for (Key k = 1; k <= 10; ++k)
        QVERIFY(!w.access(req(k, 100)));
    QCOMPARE(w.used(), 1000);
    for (Key k = 1; k <= 5; ++k)
        QVERIFY(w.access(req(k, 100)));
    QVERIFY(!w.access(req(11, 100)));
    QCOMPARE(w.lastEvicted(), std::vector<Key> { 11 });
    QVERIFY(!w.access(req(11, 100)));
    QCOMPARE(w.lastEvicted(), std::vector<Key> { 6 });
    QVERIFY(!w.access(req(12, 600)));
    QCOMPARE(w.lastEvicted(), std::vector<Key> { 12 });
    QCOMPARE(w.used(), 1000);
    QVERIFY(!w.access(req(12, 600)));
    QCOMPARE(w.lastEvicted(), (std::vector<Key> { 7, 8, 9, 10, 12 }));
    QCOMPARE(w.used(), 600);
    QVERIFY(!w.access(req(13, 1001))); // larger than the cache: not admitted
    QVERIFY(w.lastEvicted().empty());
    QCOMPARE(w.entryCount(), 6);
}

void tst_WTinyLfuPolicy::removeAndShrink()
{
    // 10 slots: 1..10 leave window [10], probation [9 .. 1]; hits 1..3 -> protected.
    WTinyLfuPolicy w({ 10, SizeUnit::Objects, 1 });
    for (Key k = 1; k <= 10; ++k)
        w.access(req(k));
    for (Key k = 1; k <= 3; ++k)
        QVERIFY(w.access(req(k)));
    QVERIFY(w.remove(2));
    QVERIFY(!w.remove(2));
    QCOMPARE(w.used(), 9);
    QCOMPARE(w.stats().evictions, 0u);
    // 5 slots: window 1, protected 3, probation 1. Probation's LRU end goes first.
    w.setCapacity(5);
    QCOMPARE(w.lastEvicted(), (std::vector<Key> { 4, 5, 6, 7 }));
    QCOMPARE(w.used(), 5);
    for (Key k : { 1, 3, 8, 9, 10 })
        QVERIFY(w.contains(k));
    // Growing works too; room is used without evicting.
    w.setCapacity(20);
    QVERIFY(w.lastEvicted().empty());
    for (Key k = 30; k < 45; ++k)
        w.access(req(k));
    QCOMPARE(w.used(), 20);
    QVERIFY(w.contains(1) && w.contains(3));
}

void tst_WTinyLfuPolicy::sketchAgesByHalving()
{
    // 10 slots: the sketch halves after 10 x 10 = 100 requests. Key 1 saturates at 15.
    WTinyLfuPolicy w({ 10, SizeUnit::Objects, 1 });
    for (int i = 0; i < 20; ++i)
        w.access(req(1));
    QCOMPARE(w.frequency(1), 15);
    for (int i = 0; i < 79; ++i)
        w.access(req(2));
    QCOMPARE(w.frequency(1), 15); // 99 samples
    w.access(req(2));
    QCOMPARE(w.frequency(1), 7);
    QVERIFY(w.frequency(12345) <= 7);
}

void tst_WTinyLfuPolicy::hugeCapacityGrowsLazily()
{
    // A capacity far above the contents must not allocate a sketch for it up front: the sketch
    // starts at 2^20 counters a row (2 MB) and grows with the resident objects.
    WTinyLfuPolicy w({ qint64(1) << 40, SizeUnit::Objects, 1 });
    QVERIFY(w.memoryBytes() < 4u << 20);
    for (Key k = 0; k < 1000; ++k)
        w.access(req(k));
    QCOMPARE(w.entryCount(), 1000);
    QCOMPARE(w.stats().evictions, 0u);
    WTinyLfuPolicy bytes({ qint64(1) << 40, SizeUnit::Bytes, 1 });
    QVERIFY(bytes.memoryBytes() < 64u << 10);
}

QTEST_GUILESS_MAIN(tst_WTinyLfuPolicy)
#include "tst_wtinylfupolicy.moc"
