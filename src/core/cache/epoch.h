#pragma once

#include <QtGlobal>

#include <atomic>

namespace CacheScope {

/// Epoch-based reclamation for the ResultCache's lock-free reads (Fraser, "Practical lock
/// freedom", 2004; the scheme of crossbeam-epoch and folly's hazptr-free readers).
///
/// A reader pins the current epoch for the span of one lookup (an EpochGuard) and may follow
/// any pointer it loads inside it. A writer that unlinks an object stamps it with
/// Epoch::current() and frees it only once Epoch::current() >= stamp + 2: the global epoch
/// moves forward only when every pinned thread has seen the current one, so by then no reader
/// that could have loaded the pointer is still running. Reads write nothing shared: one store
/// to the thread's own cache line on entry and one on exit.
///
/// One process-wide domain; a thread registers on its first guard and gives its slot back when
/// it exits. Guards nest.
class Epoch
{
public:
    /// The global epoch (starts at 1).
    static quint64 current();
    /// Moves the epoch one step if every pinned thread has seen the current one; true if it
    /// moved (or another thread moved it meanwhile).
    static bool tryAdvance();
    /// Whether an object retired at `stamp` can be freed now.
    static bool isSafe(quint64 stamp) { return current() >= stamp + 2; }
    /// A small per-thread number (0, 1, 2, ... in order of first use, reused after a thread
    /// exits): spreads threads over per-shard read buffers.
    static unsigned threadIndex();
};

/// Pins the epoch while it lives. Cheap: a thread-local lookup and two stores to a line only
/// this thread writes.
class EpochGuard
{
public:
    EpochGuard();
    ~EpochGuard();
    EpochGuard(const EpochGuard &) = delete;
    EpochGuard &operator=(const EpochGuard &) = delete;

    /// Epoch::threadIndex() of this thread, without a second thread-local lookup.
    unsigned threadIndex() const;

private:
    struct Record *m_record;
};

} // namespace CacheScope
