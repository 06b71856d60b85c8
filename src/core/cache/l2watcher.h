#pragma once

#include "core/cache/redistier.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace CacheScope {

/// The second tier's own view, for the charts: Redis's evicted keys (a maxmemory too small for
/// what the run stores) and its memory, read from INFO on a thread of its own about twice a
/// second. Failures are left to the workers to count (they see them first); the watcher tries
/// again on its next turn.
class L2Watcher
{
public:
    explicit L2Watcher(L2Settings settings, int periodMs = 500);
    /// Stops and joins the thread (at once).
    ~L2Watcher();
    L2Watcher(const L2Watcher &) = delete;
    L2Watcher &operator=(const L2Watcher &) = delete;

    void start();
    void stop();

    /// Keys Redis evicted since the watcher's first reading.
    quint64 evictedKeys() const { return m_evicted.load(std::memory_order_relaxed); }
    /// used_memory and maxmemory (0: no limit) of the latest reading; -1 before the first.
    qint64 usedBytes() const { return m_used.load(std::memory_order_relaxed); }
    qint64 maxBytes() const { return m_max.load(std::memory_order_relaxed); }
    /// Readings taken so far (tests wait for one).
    int readings() const { return m_readings.load(std::memory_order_acquire); }

private:
    void run();

    const L2Settings m_settings;
    const int m_periodMs;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false; // guarded by m_mutex
    std::atomic<quint64> m_evicted { 0 };
    std::atomic<qint64> m_used { -1 };
    std::atomic<qint64> m_max { -1 };
    std::atomic<int> m_readings { 0 };
};

} // namespace CacheScope
