#include "core/policy/optpolicy.h"
#include "core/policy/lrupolicy.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <unordered_map>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_OptPolicy : public QObject
{
    Q_OBJECT

private slots:
    void beladyString_data();
    void beladyString();
    void evictsFurthestNextUse();
    void byteModeEvictsUntilFits();
    void removeAndShrink();
    void largeTraceIsFast();
};

namespace {
/// Fills nextAccess as SimulationRunner does: index of the next request for the same key.
std::vector<Request> withNextAccess(std::vector<Request> requests)
{
    std::unordered_map<Key, qint64> next;
    for (qint64 i = qint64(requests.size()) - 1; i >= 0; --i) {
        auto it = next.find(requests[i].key);
        requests[i].nextAccess = it == next.end() ? -1 : it->second;
        next[requests[i].key] = i;
    }
    return requests;
}
} // namespace

void tst_OptPolicy::beladyString_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<quint64>("misses");
    QTest::addColumn<std::vector<Key>>("victims");
    // Belady's string 1,2,3,4,1,2,5,1,2,3,4,5, worked out by hand (index: next uses).
    // 3 slots: at 3 (key 4) {1@4 2@5 3@9}: evict 3; at 6 (5) {1@7 2@8 4@10}: evict 4; at 9 (3)
    // 1 and 2 are never used again: the older touch, 1 (at 7), goes; at 10 (4) {2 never,
    // 5@11, 3 never}: 2 (touched at 8) goes. 7 misses.
    QTest::newRow("3 slots") << qint64(3) << quint64(7) << std::vector<Key> { 3, 4, 1, 2 };
    // 4 slots: at 6 (5) {1@7 2@8 3@9 4@10}: evict 4; at 10 (4) 1, 2, 3 never: 1 goes. 6 misses.
    QTest::newRow("4 slots") << qint64(4) << quint64(6) << std::vector<Key> { 4, 1 };
    // 1 slot: every change of key is a miss and evicts the previous key.
    QTest::newRow("1 slot") << qint64(1) << quint64(12)
                            << std::vector<Key> { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4 };
}

void tst_OptPolicy::beladyString()
{
    QFETCH(qint64, capacity);
    QFETCH(quint64, misses);
    QFETCH(std::vector<Key>, victims);
    const auto reqs
        = withNextAccess(TestSupport::requestsFromKeys({ 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 }));
    OptPolicy opt({ capacity, SizeUnit::Objects, 1 });
    std::vector<Key> evicted;
    for (const Request &r : reqs) {
        opt.access(r);
        evicted.insert(evicted.end(), opt.lastEvicted().begin(), opt.lastEvicted().end());
        QVERIFY(opt.used() <= capacity);
    }
    QCOMPARE(opt.stats().misses, misses);
    QCOMPARE(evicted, victims);
    // The batch path agrees.
    OptPolicy batch({ capacity, SizeUnit::Objects, 1 });
    batch.accessBatch(reqs);
    QCOMPARE(batch.stats().misses, misses);
    QCOMPARE(batch.stats().evictions, quint64(victims.size()));
}

void tst_OptPolicy::evictsFurthestNextUse()
{
    // A hit refreshes the next use: 1 (next at 3) is hit at 3 and then not needed until 100,
    // so at 4 it is the furthest, ahead of 2 (next at 50).
    OptPolicy opt({ 2, SizeUnit::Objects, 1 });
    QVERIFY(!opt.access({ 1, 3, 1, 0 }));
    QVERIFY(!opt.access({ 2, 50, 1, 0 }));
    QVERIFY(opt.access({ 1, 100, 1, 0 }));
    QVERIFY(!opt.access({ 3, 60, 1, 0 }));
    QCOMPARE(opt.lastEvicted(), std::vector<Key> { 1 });
    // Never again (-1) beats any finite distance; no bypass: 4 is inserted anyway.
    QVERIFY(!opt.access({ 4, -1, 1, 0 }));
    QCOMPARE(opt.lastEvicted(), std::vector<Key> { 3 });
    QVERIFY(opt.contains(4));
    QVERIFY(!opt.access({ 5, 70, 1, 0 }));
    QCOMPARE(opt.lastEvicted(), std::vector<Key> { 4 });
}

void tst_OptPolicy::byteModeEvictsUntilFits()
{
    // 0:a60 1:b30 2:c20 3:b30 4:d50 5:a60 in a 100-byte cache.
    // At 2, 90 + 20 > 100: a (next 5) is further than b (next 3): a goes, c fits (50 used).
    // At 3 b hits (now never again). At 4 d fits (100). At 5 a needs 60: b, c, d are never
    // used again; the oldest touches go first, c (2), b (3), d (4): all three.
    std::vector<Request> reqs = { { 1, 0, 60, 0 }, { 2, 0, 30, 0 }, { 3, 0, 20, 0 },
        { 2, 0, 30, 0 }, { 4, 0, 50, 0 }, { 1, 0, 60, 0 } };
    reqs = withNextAccess(reqs);
    OptPolicy opt({ 100, SizeUnit::Bytes, 1 });
    QVERIFY(!opt.access(reqs[0]));
    QVERIFY(!opt.access(reqs[1]));
    QVERIFY(!opt.access(reqs[2]));
    QCOMPARE(opt.lastEvicted(), std::vector<Key> { 1 });
    QCOMPARE(opt.used(), 50);
    QVERIFY(opt.access(reqs[3]));
    QVERIFY(!opt.access(reqs[4]));
    QCOMPARE(opt.used(), 100);
    QVERIFY(!opt.access(reqs[5]));
    QCOMPARE(opt.lastEvicted(), (std::vector<Key> { 3, 2, 4 }));
    QCOMPARE(opt.used(), 60);
    QVERIFY(!opt.access({ 9, -1, 101, 0 })); // larger than the cache: not admitted
    QCOMPARE(opt.entryCount(), 1);
}

void tst_OptPolicy::removeAndShrink()
{
    OptPolicy opt({ 4, SizeUnit::Objects, 1 });
    opt.access({ 1, 10, 1, 0 });
    opt.access({ 2, 40, 1, 0 });
    opt.access({ 3, 20, 1, 0 });
    opt.access({ 4, 30, 1, 0 });
    QVERIFY(opt.remove(2));
    QVERIFY(!opt.remove(2));
    QCOMPARE(opt.used(), 3);
    QCOMPARE(opt.stats().evictions, 0u);
    opt.setCapacity(1); // furthest first: 4 (30), then 3 (20); 2's stale heap entry is skipped
    QCOMPARE(opt.lastEvicted(), (std::vector<Key> { 4, 3 }));
    QVERIFY(opt.contains(1));
    QVERIFY(!opt.access({ 2, -1, 1, 0 }));
    QCOMPARE(opt.lastEvicted(), std::vector<Key> { 1 });
}

void tst_OptPolicy::largeTraceIsFast()
{
    // 2 M requests over 200 k keys in a 20 k cache: the heap keeps this well under a second
    // (a linear scan for the victim would take minutes). MIN is optimal for unit sizes, so it
    // misses at most as often as LRU and at least once per distinct key; the lazy heap stays
    // bounded.
    std::vector<Request> reqs(2'000'000);
    quint64 x = 12345;
    for (Request &r : reqs) {
        x = mixKey(x + 1);
        r.key = (x % 1000) < 800 ? x % 20'000 : x % 200'000; // 80% on a hot fifth
    }
    reqs = withNextAccess(std::move(reqs));
    OptPolicy opt({ 20'000, SizeUnit::Objects, 1 });
    QElapsedTimer timer;
    timer.start();
    opt.accessBatch(reqs);
    QVERIFY2(timer.elapsed() < 10'000, qPrintable(u"%1 ms"_s.arg(timer.elapsed())));
    QCOMPARE(opt.stats().requests, quint64(reqs.size()));
    QCOMPARE(opt.entryCount(), 20'000);
    LruPolicy lru({ 20'000, SizeUnit::Objects, 1 });
    lru.accessBatch(reqs);
    QVERIFY(opt.stats().misses < lru.stats().misses);
    std::unordered_map<Key, bool> distinct;
    for (const Request &r : reqs)
        distinct[r.key] = true;
    QVERIFY(opt.stats().misses >= distinct.size());
    QVERIFY(opt.memoryBytes() < 20'000u * 200);
}

QTEST_GUILESS_MAIN(tst_OptPolicy)
#include "tst_optpolicy.moc"
