// ShadowRing, the bounded SPSC buffer between a worker and the shadow consumer: order, a full
// ring refuses instead of waiting, wrap-around, and one producer against one consumer on real
// threads (run under ThreadSanitizer by scripts/test).

#include "core/whatif/shadowring.h"

#include <QTest>

#include <thread>

using namespace CacheScope;

class tst_ShadowRing : public QObject
{
    Q_OBJECT

private slots:
    void roundsCapacityUpToPowerOfTwo()
    {
        QCOMPARE(ShadowRing(5).capacity(), std::size_t(8));
        QCOMPARE(ShadowRing(8).capacity(), std::size_t(8));
        QCOMPARE(ShadowRing(0).capacity(), std::size_t(2));
    }

    void fullRingRefusesAndKeepsOrder()
    {
        ShadowRing ring(4);
        for (Key k = 1; k <= 4; ++k)
            QVERIFY(ring.tryPush({ k, quint32(k * 10), ShadowRing::Kind::Read }));
        QVERIFY(!ring.tryPush({ 5, 1, ShadowRing::Kind::Read })); // full: refused, not waited
        std::vector<ShadowRing::Entry> out;
        QCOMPARE(ring.popInto(out, 3), std::size_t(3));
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(out[0].key, Key(1));
        QCOMPARE(out[2].key, Key(3));
        QCOMPARE(out[2].size, quint32(30));
        QVERIFY(ring.tryPush({ 6, 1, ShadowRing::Kind::Invalidate }));
        QCOMPARE(ring.popInto(out, 100), std::size_t(2));
        QCOMPARE(out[3].key, Key(4));
        QCOMPARE(out[4].key, Key(6));
        QCOMPARE(out[4].kind, ShadowRing::Kind::Invalidate);
        QCOMPARE(ring.popInto(out, 100), std::size_t(0));
    }

    void wrapsAroundManyTimes()
    {
        ShadowRing ring(8);
        std::vector<ShadowRing::Entry> out;
        Key next = 0;
        Key expected = 0;
        for (int round = 0; round < 1000; ++round) {
            for (int i = 0; i < 5; ++i)
                QVERIFY(ring.tryPush({ next++, 1, ShadowRing::Kind::Read }));
            out.clear();
            QCOMPARE(ring.popInto(out, 8), std::size_t(5));
            for (const ShadowRing::Entry &e : out)
                QCOMPARE(e.key, expected++);
        }
    }

    /// One producer thread pushes 0..n-1 (counting refusals), one consumer thread pops: what
    /// arrives is exactly the pushed keys, in order, and pushed + refused == n.
    void producerAndConsumerThreads()
    {
        constexpr Key n = 2'000'000;
        ShadowRing ring(1024);
        std::atomic<bool> done { false };
        std::vector<Key> pushed;
        pushed.reserve(n);
        quint64 refused = 0;
        std::thread producer([&] {
            for (Key k = 0; k < n; ++k) {
                if (ring.tryPush({ k, quint32(k & 0xffff), ShadowRing::Kind::Read }))
                    pushed.push_back(k);
                else
                    ++refused;
            }
            done.store(true, std::memory_order_release);
        });
        std::vector<Key> popped;
        popped.reserve(n);
        bool sizesMatch = true;
        std::thread consumer([&] {
            std::vector<ShadowRing::Entry> batch;
            for (;;) {
                const bool finished = done.load(std::memory_order_acquire);
                batch.clear();
                ring.popInto(batch, 256);
                for (const ShadowRing::Entry &e : batch) {
                    popped.push_back(e.key);
                    sizesMatch = sizesMatch && e.size == quint32(e.key & 0xffff);
                }
                if (finished && batch.empty())
                    break;
            }
        });
        producer.join();
        consumer.join();
        QCOMPARE(quint64(pushed.size()) + refused, quint64(n));
        QVERIFY(sizesMatch);
        QCOMPARE(popped.size(), pushed.size());
        QVERIFY(popped == pushed);
    }
};

QTEST_GUILESS_MAIN(tst_ShadowRing)
#include "tst_shadowring.moc"
