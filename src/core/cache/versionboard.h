#pragma once

#include "core/error.h"

#include <QString>
#include <QtGlobal>

#include <memory>
#include <optional>

namespace CacheScope {

/// The database's current row versions as the run's writers committed them, so that a read
/// served from a cache tier can be judged stale exactly: the demo's rows carry a `version` that
/// every write bumps (the write template returns the new one), a cached point result carries
/// the version it was read at, and it is stale when the board knows a newer one.
///
/// One slot of 32 bytes per row id (the requests' parameter), in private memory for one
/// process or in a shared file mapping (`open(path)`) that every instance of a fleet on this
/// machine maps, so a write in one process makes another process's cached copy count as stale.
/// Times are CLOCK_MONOTONIC nanoseconds (steady_clock), the same in every process.
///
/// Lock-free to read: a fresh value costs one relaxed load. Writers of one slot take its
/// sequence word (a spin lock; they are rare and short), readers of a stale value retry while
/// it is odd.
class VersionBoard
{
public:
    /// The most rows a board covers; row ids at or past rows() are not measured.
    static constexpr qint64 maxRows = 4 << 20;

    /// A board for this process only, for row ids 0..rows-1 (clamped to 1..maxRows); null
    /// when the address space is exhausted.
    static std::shared_ptr<VersionBoard> inMemory(qint64 rows);
    /// Maps `path` (created when missing, shared with every process that maps it): a file
    /// made for another row count, or one that is not a board, is an Error naming it.
    static Result<std::shared_ptr<VersionBoard>> open(const QString &path, qint64 rows);
    ~VersionBoard();
    VersionBoard(const VersionBoard &) = delete;
    VersionBoard &operator=(const VersionBoard &) = delete;

    qint64 rows() const { return m_rows; }

    /// A write committed `version` of `row` at `atNs`; an older version than the board's (a
    /// writer that lost the race to publish) changes nothing.
    void written(qint64 row, qint64 version, qint64 atNs) noexcept;
    /// The version the board knows for `row`; 0 when never written (or out of range).
    qint64 current(qint64 row) const noexcept;
    /// For a value of `row` read at `version` and served at `nowNs`: nothing when it is
    /// current, else how long it has been stale (since the next version was written; when it
    /// missed two writes or more, since the one before the latest: a lower bound).
    std::optional<qint64> staleness(qint64 row, qint64 version, qint64 nowNs) const noexcept;

    struct Slot;

private:
    VersionBoard(void *memory, qint64 bytes, Slot *first, qint64 rows);
    Slot *slot(qint64 row) const noexcept;

    void *m_memory;
    qint64 m_bytes;
    Slot *m_slots;
    qint64 m_rows;
};

} // namespace CacheScope
