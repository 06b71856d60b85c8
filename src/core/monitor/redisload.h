#pragma once

#include "core/error.h"
#include "core/monitor/redissource.h"

#include <QList>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace CacheScope {

/// One part of the load: keys "<prefix>:<id>" drawn one way, a share of the requests.
struct RedisKeyStream
{
    enum class Kind {
        Zipf, // ids 1..keys, zipf(alpha): a hot set
        Uniform, // ids 1..keys, all alike
        Once, // a new id every time (sessions, one-off lookups): never read again
    };
    QString prefix;
    double weight = 1; // share of the requests, relative to the other streams
    Kind kind = Kind::Zipf;
    quint64 keys = 10000;
    double alpha = 0.99;
};

struct RedisLoadConfig
{
    RedisSettings server;
    /// Default: user (60%, zipf 0.99 over 10 000), item (30%, zipf 0.8 over 50 000), session
    /// (10%, every key new): per prefix the hit ratios differ, and the sessions' one-off keys
    /// push hot keys out of an LRU.
    QList<RedisKeyStream> streams = defaultStreams();
    int connections = 2; // one thread and one connection each
    int valueBytes = 100; // the SET value's size
    double ratePerSecond = 0; // GETs per second over all connections; 0: as fast as it goes
    quint64 seed = 42;

    static QList<RedisKeyStream> defaultStreams();
    /// Each setting in range; errors name the field ("connections", "streams[1].weight").
    Result<void> validate() const;
};

/// CacheScope's own load generator for a Redis: the cache-aside pattern the users' code runs
/// (GET the key; on a miss, SET it as if loaded from the database), on `connections` threads
/// with a connection of their own (hiredis, blocking with timeouts; never the GUI thread). It
/// drives the Redis that the monitor watches ("Watch a Redis"), and `cachescope-cli redis-load`.
/// A lost connection is retried with backoff (100 ms doubling to 2 s), counted in `errors`.
class RedisLoad
{
public:
    struct Counts
    {
        quint64 gets = 0;
        quint64 hits = 0;
        quint64 misses = 0;
        quint64 sets = 0;
        quint64 errors = 0;
    };

    /// Validates, then connects once on the calling thread to fail fast (unreachable, wrong
    /// password); the workers connect on their own.
    static Result<std::unique_ptr<RedisLoad>> start(const RedisLoadConfig &config);
    /// Stops the workers and waits for them (at most one command timeout).
    ~RedisLoad();
    RedisLoad(const RedisLoad &) = delete;
    RedisLoad &operator=(const RedisLoad &) = delete;

    void stop();
    /// Counts so far; any thread.
    Counts counts() const;
    /// The last connection error a worker saw (empty when none).
    QString lastError() const;

private:
    explicit RedisLoad(const RedisLoadConfig &config);
    void work(int index);

    RedisLoadConfig m_config;
    std::vector<std::thread> m_threads;
    std::atomic<bool> m_stop { false };
    std::atomic<quint64> m_onceNext { 0 };
    std::atomic<quint64> m_gets { 0 };
    std::atomic<quint64> m_hits { 0 };
    std::atomic<quint64> m_misses { 0 };
    std::atomic<quint64> m_sets { 0 };
    std::atomic<quint64> m_errors { 0 };
    mutable std::mutex m_errorMutex;
    QString m_lastError;
};

} // namespace CacheScope
