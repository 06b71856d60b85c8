#pragma once

#include "core/metrics/counters.h"
#include "core/policy/cachepolicy.h"

#include <array>
#include <atomic>

namespace CacheScope {

/// Hits waiting to reach a shard's policy, as in Caffeine's read buffer: lock-free reads record
/// the key here and the holder of the shard lock replays them in batches. Striped: a thread
/// writes the stripe of its Epoch::threadIndex(), so two threads on two stripes share no line.
/// Each stripe is a bounded multi-producer ring (Vyukov's sequence-numbered slots) drained by
/// one consumer at a time (the lock holder). Lossy by design: a full stripe whose drain cannot
/// take the lock drops the hit (only the policy's recency misses it, never a value or a count).
class ReadBuffer
{
public:
    static constexpr int stripeCount = 4;
    static constexpr quint32 slotsPerStripe = 16;

    ReadBuffer()
    {
        for (Stripe &s : m_stripes) {
            for (quint32 i = 0; i < slotsPerStripe; ++i)
                s.ring[i].sequence.store(i, std::memory_order_relaxed);
        }
    }

    enum class Offer { Added, Full, Contended };

    /// Records a hit on key in the given stripe.
    Offer offer(unsigned stripe, Key key)
    {
        Stripe &s = m_stripes[stripe % stripeCount];
        quint32 tail = s.tail.load(std::memory_order_relaxed);
        Slot &slot = s.ring[tail % slotsPerStripe];
        const quint32 sequence = slot.sequence.load(std::memory_order_acquire);
        if (const auto ahead = qint32(sequence - tail); ahead != 0)
            return ahead < 0 ? Offer::Full // the slot of a lap ago is not drained yet
                             : Offer::Contended; // another thread of this stripe moved on
        if (!s.tail.compare_exchange_strong(tail, tail + 1, std::memory_order_relaxed))
            return Offer::Contended; // another thread of this stripe took the slot: drop
        slot.key.store(key, std::memory_order_relaxed);
        slot.sequence.store(tail + 1, std::memory_order_release);
        return Offer::Added;
    }

    /// Replays a stripe's recorded hits in order through f(Key). The shard lock's holder only.
    template <typename F> void drain(unsigned stripe, F &&f)
    {
        Stripe &s = m_stripes[stripe % stripeCount];
        quint32 &head = m_heads[stripe % stripeCount];
        for (;;) {
            Slot &slot = s.ring[head % slotsPerStripe];
            if (slot.sequence.load(std::memory_order_acquire) != head + 1)
                return; // empty, or a writer has the slot but not yet its key
            f(slot.key.load(std::memory_order_relaxed));
            slot.sequence.store(head + slotsPerStripe, std::memory_order_release);
            ++head;
        }
    }
    template <typename F> void drainAll(F &&f)
    {
        for (unsigned i = 0; i < stripeCount; ++i)
            drain(i, f);
    }

private:
    struct Slot
    {
        std::atomic<quint32> sequence; // tail: free for the writer at tail; tail + 1: written
        std::atomic<Key> key { 0 };
    };
    struct alignas(cacheLineBytes) Stripe
    {
        std::atomic<quint32> tail { 0 };
        // The drainer writes the slots' sequences: not on the tail's line.
        alignas(cacheLineBytes) std::array<Slot, slotsPerStripe> ring;
    };

    std::array<Stripe, stripeCount> m_stripes;
    std::array<quint32, stripeCount> m_heads {}; // the consumer's: guarded by the shard lock
};

/// The hit and miss counts of one ResultCache: a cache line per thread, indexed by
/// Epoch::threadIndex(), which no two live threads share, so the owner adds with a plain load
/// and store (no locked instruction on the hit path). A thread that takes over an exited
/// thread's index continues its counts (the index changes hands with release and acquire).
/// Threads past the table share one line and add atomically.
class ThreadCounters
{
public:
    static constexpr unsigned ownedSlots = 64;

    void addHit(unsigned thread) { add(thread, 0); }
    void addMiss(unsigned thread) { add(thread, 1); }
    quint64 hits() const { return sum(0); }
    quint64 misses() const { return sum(1); }

private:
    struct alignas(cacheLineBytes) Slot
    {
        std::array<std::atomic<quint64>, 2> n {};
    };
    void add(unsigned thread, int which)
    {
        if (thread < ownedSlots) {
            std::atomic<quint64> &c = m_slots[thread].n[std::size_t(which)];
            c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        } else {
            m_shared.n[std::size_t(which)].fetch_add(1, std::memory_order_relaxed);
        }
    }
    quint64 sum(int which) const
    {
        quint64 n = m_shared.n[std::size_t(which)].load(std::memory_order_relaxed);
        for (const Slot &slot : m_slots)
            n += slot.n[std::size_t(which)].load(std::memory_order_relaxed);
        return n;
    }

    std::array<Slot, ownedSlots> m_slots;
    Slot m_shared;
};

} // namespace CacheScope
