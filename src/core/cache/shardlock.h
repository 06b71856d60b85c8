#pragma once

#include <atomic>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace CacheScope {

/// The lock of one ResultCache shard: spins briefly, then sleeps (a futex through
/// std::atomic::wait). Critical sections are a hash lookup and a relink, tens of nanoseconds,
/// so a thread that finds the lock held nearly always gets it within the spin; glibc's
/// std::mutex goes to the kernel at once, and on 2 threads over a zipf workload that futex
/// traffic was a quarter of the run. Sleeping after the spin keeps it safe with more workers
/// than cores (a holder that was preempted). Lockable, for std::lock_guard, std::unique_lock
/// and std::condition_variable_any. Three states, as in Drepper's "Futexes are tricky": 0 free,
/// 1 held, 2 held with possible sleepers.
class ShardLock
{
public:
    bool try_lock() noexcept
    {
        std::uint32_t expected = 0;
        return m_state.compare_exchange_strong(
            expected, 1, std::memory_order_acquire, std::memory_order_relaxed);
    }
    void lock() noexcept
    {
        if (!try_lock())
            lockContended();
    }
    void unlock() noexcept
    {
        if (m_state.exchange(0, std::memory_order_release) == 2)
            m_state.notify_one();
    }

private:
    static constexpr int spinLimit = 128;

    static void pause() noexcept
    {
#if defined(__x86_64__) || defined(__i386__)
        _mm_pause();
#endif
    }
    void lockContended() noexcept
    {
        for (int i = 0; i < spinLimit; ++i) {
            pause();
            if (m_state.load(std::memory_order_relaxed) == 0 && try_lock())
                return;
        }
        while (m_state.exchange(2, std::memory_order_acquire) != 0)
            m_state.wait(2, std::memory_order_relaxed);
    }

    std::atomic<std::uint32_t> m_state { 0 };
};

} // namespace CacheScope
