#pragma once

#include "core/error.h"
#include "core/monitor/keyprefixstats.h"
#include "core/monitor/redissource.h"
#include "core/whatif/shadowsnapshot.h"

#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace CacheScope {

struct RedisCaptureOptions
{
    RedisSettings server;
    qint64 maxCommands = 0; // stop after this many MONITOR lines; 0: no limit
    qint64 maxDurationMs = 0; // stop after this long capturing; 0: no limit
    int prefixDepth = 1; // key segments (split on ':') that make a prefix
    /// Shadow policies at the Redis's capacity in keys: the ShadowSet of every registry policy,
    /// plus exact replays of its own policy and the readouts (allkeys-lfu, maxmemory-samples
    /// 10, 2x maxmemory), whose judgements give the per-prefix hit ratios.
    bool shadows = false;
    qint64 capacityKeys = 0; // the shadows' capacity; 0: from INFO (see RedisCapture)
    QString recordPath; // the raw MONITOR lines go there (trace format redis-monitor); empty: none
    int publishIntervalMs = 200;
};

/// One what-if readout: a Redis eviction model replayed exactly on the captured reads.
struct RedisCaptureReadout
{
    QString label; // "own policy", "allkeys-lfu", "maxmemory-samples 10", "2x maxmemory"
    QString policy; // registry id: "redis-lru"
    qint64 capacity = 0; // keys
    int samples = 5;
    quint64 requests = 0;
    quint64 hits = 0;
    /// The reads after the model first held `capacity` keys: the model starts empty while
    /// Redis is warm, so these are the ones to hold against Redis's measured hit ratio.
    quint64 warmRequests = 0;
    quint64 warmHits = 0;
    std::optional<double> hitRatio() const
    {
        return requests ? std::optional(double(hits) / double(requests)) : std::nullopt;
    }
    std::optional<double> warmHitRatio() const
    {
        return warmRequests ? std::optional(double(warmHits) / double(warmRequests)) : std::nullopt;
    }
};

/// What a capture has seen so far (cumulative since it started), as a value.
struct RedisCaptureSnapshot
{
    enum class State { Connecting, Capturing, Finished, Failed };
    State state = State::Connecting;
    std::optional<Error> error; // Failed: why
    QString stopReason; // Finished: "limit of N commands", "duration", "stopped"
    QStringList notes; // the capacity's origin, what cannot be modelled

    quint64 commands = 0; // MONITOR lines
    quint64 readCommands = 0;
    quint64 reads = 0; // keys read (requests; an MGET of 3 keys is 3)
    quint64 writes = 0; // write commands
    quint64 others = 0; // commands without a key (PING, INFO, SELECT ...)
    quint64 malformed = 0; // lines the parser refused, skipped
    quint64 recordedLines = 0;

    std::vector<KeyPrefixStats::Row> prefixes; // most read first
    std::vector<TopKeys::Entry> topKeys; // the 10 most read

    // With shadows.
    QString maxmemoryPolicy; // the server's, e.g. "allkeys-lru"
    QString ownPolicy; // its model in the registry ("redis-lru"); empty when there is none
    qint64 capacityKeys = 0; // 0: no shadows
    bool capacityEstimated = false; // from used_memory / keys, not from a full Redis
    std::vector<RedisCaptureReadout> readouts; // own policy first (when there is one)
    std::optional<ShadowSnapshot> shadows;

    bool finished() const { return state == State::Finished || state == State::Failed; }
};

/// Opt-in key capture from a Redis through `MONITOR` (costly: Redis documents about half its
/// throughput while a MONITOR client is attached; say so where the user switches it on).
///
/// Its own hiredis connection, on a thread of its own (std::thread, never the GUI's): connects
/// (RedisSource: AUTH, PING, INFO, CONFIG GET), sends MONITOR and reads its lines until the
/// limit, the duration or stop(). Each line goes through parseRedisMonitorLine, the parser of
/// the redis-monitor trace reader, so the live capture and `simulate --trace` agree; a
/// malformed line is counted and skipped. Reads feed KeyPrefixStats and, with shadows, the
/// shadows; every line goes to the record file when there is one.
///
/// The shadows' capacity in keys: the keys Redis holds when it is at maxmemory (it has evicted,
/// or used_memory is within 5% of maxmemory); otherwise keys x maxmemory / used_memory, an
/// estimate (notes say which). Without maxmemory Redis never evicts: there is nothing of its
/// own to model and the shadows run at its current key count (what-if by capacity still works
/// with capacityKeys). MONITOR shows no hits: the per-prefix hit ratio is the own-policy
/// shadow's.
class RedisCapture
{
public:
    explicit RedisCapture(RedisCaptureOptions options);
    /// stop()
    ~RedisCapture();
    RedisCapture(const RedisCapture &) = delete;
    RedisCapture &operator=(const RedisCapture &) = delete;

    /// Opens the record file (an error if it cannot) and starts the thread; returns at once.
    Result<void> start();
    /// Asks the thread to stop, waits for it (at most one poll of 100 ms, or a connect's
    /// timeout) and publishes the last snapshot.
    void stop();
    /// Waits until the state is at least `state` (Finished and Failed both end it); false on
    /// timeout. Any thread but the capture's.
    bool waitFor(RedisCaptureSnapshot::State state, int timeoutMs) const;

    /// The latest publication (every publishIntervalMs, and at the end). Any thread.
    RedisCaptureSnapshot snapshot() const;

    /// The server's maxmemory-policy as a registry id: allkeys-lru and volatile-lru ->
    /// redis-lru, *-lfu -> redis-lfu, *-random -> redis-random; empty for the others.
    static QString modelOf(const QString &maxmemoryPolicy);

private:
    struct Worker;
    void run();
    /// One MONITOR line: recorded, parsed, counted, fed to the prefixes and the shadows.
    void handleLine(const char *begin, const char *end);
    void publish(RedisCaptureSnapshot::State state);

    RedisCaptureOptions m_options;
    std::unique_ptr<Worker> m_worker; // the thread's state
    std::atomic<bool> m_stop { false };
    std::thread m_thread;

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    RedisCaptureSnapshot m_published;
};

} // namespace CacheScope
