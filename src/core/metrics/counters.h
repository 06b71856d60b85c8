#pragma once

#include <QString>
#include <QtGlobal>

#include <array>
#include <atomic>
#include <memory>
#include <optional>

namespace CacheScope {

/// Why an entry left the result cache.
enum class EvictionReason { Capacity, Expired, Invalidated };
inline constexpr int evictionReasonCount = 3;

/// "capacity", "expired", "invalidated": the JSON and CSV spelling.
QString evictionReasonName(EvictionReason reason);

/// What the engine counts. Requests are reads plus writes; hits and misses are reads.
enum class Counter {
    Requests,
    Hits,
    Misses,
    Writes,
    Errors, // database errors (failed queries, lost connections)
    EvictedCapacity,
    EvictedExpired,
    EvictedInvalidated,
    SingleFlightWaits, // misses that waited for another worker's query instead of running one
    PipelineSyncs, // pipeline I/O model: statement groups the server finished (Sync answers)
    L2Hits, // reads the Redis second tier answered (also counted in Hits)
    L2Errors, // failed second-tier commands (and connects), values that did not decode
    DbQueries, // reads that reached the database (with a second tier: its misses)
    StaleReads, // hits (either tier) whose row version is older than the latest write's
    InvalidationsReceived, // keys other instances' writes invalidated here (through Redis)
};
inline constexpr int counterCount = int(Counter::InvalidationsReceived) + 1;

/// A plain reading of counters at one moment. Two cumulative readings subtract to an interval.
struct CounterValues
{
    quint64 requests = 0;
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 writes = 0;
    quint64 errors = 0;
    std::array<quint64, evictionReasonCount> evictions {};
    quint64 singleFlightWaits = 0;
    quint64 pipelineSyncs = 0;
    quint64 l2Hits = 0;
    quint64 l2Errors = 0;
    quint64 dbQueries = 0;
    quint64 staleReads = 0;
    quint64 invalidationsReceived = 0;
    quint64 l2Evictions = 0; // keys the Redis second tier evicted (its INFO, not a Counter)

    quint64 evictionCount(EvictionReason reason) const { return evictions[int(reason)]; }
    quint64 evictionsTotal() const { return evictions[0] + evictions[1] + evictions[2]; }
    /// hits / (hits + misses); no value before the first read ("n/a", never a made-up 1.0).
    std::optional<double> hitRatio() const
    {
        const quint64 reads = hits + misses;
        return reads ? std::optional<double>(double(hits) / double(reads)) : std::nullopt;
    }

    CounterValues &operator+=(const CounterValues &other);
    /// later - earlier, field by field (saturating at 0 should a counter have been reset).
    friend CounterValues operator-(const CounterValues &later, const CounterValues &earlier);
    friend bool operator==(const CounterValues &, const CounterValues &) = default;
};

inline constexpr std::size_t cacheLineBytes = 64;

/// The engine's counters: relaxed atomics, each in its own cache line so that workers bumping
/// different counters never share a line. No lock and no signal per query: a sampler reads them.
/// Counters shared by all workers still bounce the line of a counter they all bump (requests);
/// give each worker its own Counters (CounterGroup) and sum them when sampling.
class Counters
{
public:
    void add(Counter counter, quint64 n = 1) noexcept
    {
        m_values[int(counter)].value.fetch_add(n, std::memory_order_relaxed);
    }
    void addEviction(EvictionReason reason, quint64 n = 1) noexcept
    {
        add(Counter(int(Counter::EvictedCapacity) + int(reason)), n);
    }
    /// add() for counters that only one thread ever writes (a worker's own slot): a relaxed load
    /// and store instead of a locked read-modify-write, so readers still see whole values at a
    /// fraction of the cost on the hit path. A second writer would lose counts: never mix.
    void addOwned(Counter counter, quint64 n = 1) noexcept
    {
        std::atomic<quint64> &v = m_values[int(counter)].value;
        v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    quint64 value(Counter counter) const noexcept
    {
        return m_values[int(counter)].value.load(std::memory_order_relaxed);
    }
    CounterValues values() const;
    void reset();

private:
    struct alignas(cacheLineBytes) Padded
    {
        std::atomic<quint64> value { 0 };
    };
    std::array<Padded, counterCount> m_values {};
};

/// One Counters per worker, summed on read.
class CounterGroup
{
public:
    explicit CounterGroup(int size);
    int size() const { return m_size; }
    Counters &slot(int index) { return m_slots[index]; }
    const Counters &slot(int index) const { return m_slots[index]; }
    CounterValues values() const;
    void reset();

private:
    std::unique_ptr<Counters[]> m_slots;
    int m_size;
};

} // namespace CacheScope
