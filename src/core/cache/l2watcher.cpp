#include "core/cache/l2watcher.h"

#include "core/monitor/redisinfo.h"

#include <chrono>
#include <optional>

namespace CacheScope {

namespace {

/// A whole-number field of a parsed INFO reply, if present.
std::optional<qint64> infoField(const RedisInfo &info, const QString &name)
{
    bool ok = false;
    const qint64 v = info.value(name).toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

} // namespace

L2Watcher::L2Watcher(L2Settings settings, int periodMs)
    : m_settings(std::move(settings))
    , m_periodMs(std::max(10, periodMs))
{
}

L2Watcher::~L2Watcher()
{
    stop();
    if (m_thread.joinable())
        m_thread.join();
}

void L2Watcher::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { run(); });
}

void L2Watcher::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
}

void L2Watcher::run()
{
    std::unique_ptr<RedisTierConnection> redis;
    std::optional<qint64> baseline;
    for (;;) {
        if (!redis) {
            Result<std::unique_ptr<RedisTierConnection>> opened
                = RedisTierConnection::open(m_settings);
            if (opened)
                redis = std::move(opened).value();
        }
        if (redis) {
            Result<QByteArray> text = redis->info();
            Result<RedisInfo> info = text ? parseRedisInfo(*text) : Result<RedisInfo>(text.error());
            if (!info) {
                redis.reset();
            } else {
                if (const std::optional<qint64> evicted
                    = infoField(*info, QStringLiteral("evicted_keys"))) {
                    if (!baseline || *evicted < *baseline) // first reading, or a restarted Redis
                        baseline = *evicted - qint64(m_evicted.load(std::memory_order_relaxed));
                    m_evicted.store(quint64(*evicted - *baseline), std::memory_order_relaxed);
                }
                if (const std::optional<qint64> used
                    = infoField(*info, QStringLiteral("used_memory")))
                    m_used.store(*used, std::memory_order_relaxed);
                if (const std::optional<qint64> max = infoField(*info, QStringLiteral("maxmemory")))
                    m_max.store(*max, std::memory_order_relaxed);
                m_readings.fetch_add(1, std::memory_order_release);
            }
        }
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_for(
                lock, std::chrono::milliseconds(m_periodMs), [this] { return m_stopping; }))
            return;
    }
}

} // namespace CacheScope
