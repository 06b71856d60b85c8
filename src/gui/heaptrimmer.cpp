#include "heaptrimmer.h"

#include <QByteArray>

#include <atomic>
#include <chrono>
#include <malloc.h>

namespace CacheScope {
namespace {

std::atomic<qint64> g_trims { 0 };
std::atomic<qint64> g_totalNs { 0 };
std::atomic<qint64> g_maxNs { 0 };
std::atomic<int> g_intervalS { 0 };

} // namespace

HeapTrimmer::HeapTrimmer(int intervalS)
    : m_intervalS(intervalS)
{
    if (m_intervalS <= 0)
        return;
    g_intervalS.store(m_intervalS, std::memory_order_relaxed);
    m_thread = std::thread([this] { run(); });
}

HeapTrimmer::~HeapTrimmer()
{
    if (!m_thread.joinable())
        return;
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

int HeapTrimmer::defaultIntervalS()
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("CACHESCOPE_HEAP_TRIM_S", &ok);
    return ok ? fromEnv : 30;
}

HeapTrimStats HeapTrimmer::stats()
{
    return { g_trims.load(std::memory_order_relaxed), g_totalNs.load(std::memory_order_relaxed),
        g_maxNs.load(std::memory_order_relaxed), g_intervalS.load(std::memory_order_relaxed) };
}

void HeapTrimmer::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, std::chrono::seconds(m_intervalS), [this] { return m_stop; })) {
        lock.unlock();
        const auto start = std::chrono::steady_clock::now();
        malloc_trim(0);
        const qint64 ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - start)
                              .count();
        g_trims.fetch_add(1, std::memory_order_relaxed);
        g_totalNs.fetch_add(ns, std::memory_order_relaxed);
        qint64 max = g_maxNs.load(std::memory_order_relaxed);
        while (ns > max && !g_maxNs.compare_exchange_weak(max, ns, std::memory_order_relaxed)) { }
        lock.lock();
    }
}

} // namespace CacheScope
