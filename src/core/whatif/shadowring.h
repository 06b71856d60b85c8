#pragma once

#include "core/workload/request.h"

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace CacheScope {

/// A bounded single-producer, single-consumer ring of keys: one worker pushes, the shadow
/// consumer pops. Wait-free on both sides; a push into a full ring fails at once (the caller
/// counts a drop) and never waits. Head and tail sit on their own cache lines and each side keeps
/// a copy of the other's index, so the hot path touches a shared line only when the copy runs
/// out (Rigtorp's SPSCQueue; Lamport's ring for the protocol).
class ShadowRing
{
public:
    enum class Kind : quint32 { Read, Invalidate };
    struct Entry
    {
        Key key = 0;
        quint32 size = 1; // bytes of the result (1 when unknown); unused for Invalidate
        Kind kind = Kind::Read;
    };

    /// capacity: entries, rounded up to a power of two (at least 2).
    explicit ShadowRing(std::size_t capacity);
    ShadowRing(const ShadowRing &) = delete;
    ShadowRing &operator=(const ShadowRing &) = delete;

    /// Producer only. False when the ring is full (nothing was written).
    bool tryPush(const Entry &entry) noexcept
    {
        const std::size_t head = m_head.load(std::memory_order_relaxed);
        if (head - m_tailCopy > m_mask) {
            m_tailCopy = m_tail.load(std::memory_order_acquire);
            if (head - m_tailCopy > m_mask)
                return false;
        }
        m_entries[head & m_mask] = entry;
        m_head.store(head + 1, std::memory_order_release);
        return true;
    }

    /// Consumer only. Appends up to `max` entries to `out`, oldest first; returns how many.
    std::size_t popInto(std::vector<Entry> &out, std::size_t max);

    std::size_t capacity() const { return m_mask + 1; }

private:
    static constexpr std::size_t lineBytes = 64;

    alignas(lineBytes) std::atomic<std::size_t> m_head { 0 }; // next slot the producer fills
    std::size_t m_tailCopy = 0; // the producer's last look at m_tail
    alignas(lineBytes) std::atomic<std::size_t> m_tail { 0 }; // next slot the consumer reads
    std::size_t m_headCopy = 0; // the consumer's last look at m_head
    alignas(lineBytes) std::size_t m_mask = 0;
    std::unique_ptr<Entry[]> m_entries;
};

} // namespace CacheScope
