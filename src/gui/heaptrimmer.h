#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace CacheScope {

/// What the trimmer has done so far (for the --probe report).
struct HeapTrimStats
{
    qint64 trims = 0;
    qint64 totalNs = 0;
    qint64 maxNs = 0;
    int intervalS = 0; // 0: off
};

/// Hands the arenas' free pages back to the kernel every 30 s: glibc's malloc_trim(0),
/// on a thread of its own (never the GUI thread, never a worker).
///
/// Why (issue 17): ten workers allocate and free query results in their own arenas while the
/// GUI thread allocates in the main one; glibc returns an arena's memory only from its top, so
/// free space in the middle of each arena stays resident, and the process's RSS kept rising
/// (~4 MB/min after 12 minutes) while the live heap stayed flat (heaptrack: ~50 MB from minute 2
/// on). malloc_trim(0) releases every whole free page in every arena (madvise), so resident
/// memory follows the live heap. A trim walks every arena under its lock: ~200 ms of wall time on
/// a 2-core machine under load average 15 (measured), so once per 30 s (< 1% of the time).
class HeapTrimmer
{
public:
    /// intervalS <= 0: does nothing.
    explicit HeapTrimmer(int intervalS);
    ~HeapTrimmer();
    HeapTrimmer(const HeapTrimmer &) = delete;
    HeapTrimmer &operator=(const HeapTrimmer &) = delete;

    /// The interval the app uses: CACHESCOPE_HEAP_TRIM_S if set (0 turns trimming off, for
    /// A/B runs), else 30 s.
    static int defaultIntervalS();
    /// Totals over every trimmer of the process.
    static HeapTrimStats stats();

private:
    void run();

    int m_intervalS = 0;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace CacheScope
