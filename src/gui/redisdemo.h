#pragma once

#include "core/error.h"
#include "core/monitor/redisload.h"

#include <QObject>

#include <memory>

namespace CacheScope {

class LocalRedisServer;
class MonitorPage;
struct MonitorInterval;

/// The "Watch a Redis" scenario: a throwaway local redis-server (LocalRedisServer: 4 MB of
/// maxmemory, allkeys-lru, so it evicts), CacheScope's own cache-aside load on it (RedisLoad:
/// user, item and session keys, 2 connections, at most 5 000 GETs/s so the app keeps its share of
/// the machine), watched by the Monitor tab at 2 Hz with key capture on (per-prefix table and
/// what-if: the server's own allkeys-lru replayed as redis-lru beside its measured hit ratio).
/// Starting and stopping the server block (up to a few seconds), so both run on a pool thread; the
/// GUI thread only fills the tab's fields and connects it. Disconnecting the tab ends the demo
/// (load stopped, server shut down).
class RedisDemo : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Starting, Running, Stopping };
    Q_ENUM(State)

    struct Options
    {
        QString maxmemory = QStringLiteral("4mb");
        QString policy = QStringLiteral("allkeys-lru");
        double ratePerSecond = 5000;
        int monitorIntervalMs = 500;
        /// Key capture (MONITOR) for this long once the Redis is full (it has evicted: the
        /// what-if runs at the keys it holds, no estimate); 0: no capture.
        int captureSeconds = 600;
    };

    explicit RedisDemo(MonitorPage *page, QObject *parent = nullptr);
    RedisDemo(MonitorPage *page, const Options &options, QObject *parent = nullptr);
    /// Stops the load and shuts the server down (waits for it: at most about 2 s).
    ~RedisDemo() override;

    State state() const { return m_state; }
    /// The local server's port while running (0 otherwise).
    int port() const;
    /// What the load has done so far (zeros when not running).
    RedisLoad::Counts loadCounts() const;

    /// Starts the server and the load off the GUI thread, then connects the Monitor tab. Only
    /// from Idle.
    void start();
    /// Ends the demo (asynchronously): the load stops, the server shuts down.
    void stop();

signals:
    void stateChanged(CacheScope::RedisDemo::State state);
    void message(const QString &text);
    void failed(const QString &context, const CacheScope::Error &error);

private:
    struct Parts;
    void setState(State state);
    void onPageState();
    void onInterval(const MonitorInterval &record);

    MonitorPage *m_page;
    Options m_options;
    State m_state = State::Idle;
    quint64 m_generation = 0; // a start or stop in flight for an older generation is dropped
    std::shared_ptr<Parts> m_parts;
    bool m_pageWatching = false; // the tab reached Monitoring for this demo
    bool m_captureStarted = false; // for this demo
};

} // namespace CacheScope
