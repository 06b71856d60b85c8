#pragma once

#include "core/monitor/monitorsource.h"

#include <QString>

struct redisContext;

namespace CacheScope {

struct RedisSettings
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 6379;
    int database = 0;
    QString user; // an ACL user (AUTH user password); empty: the default user
    QString password; // from --password-env or a prompt; never written anywhere
    int connectTimeoutMs = 2000;
    int commandTimeoutMs = 2000;
};

/// Watches a Redis through hiredis (blocking calls with timeouts, on the session's thread):
/// INFO for the counters, a few timed PINGs per poll for the round trip, and on connect the
/// version and the eviction settings (maxmemory-policy, maxmemory-samples, LFU factors).
class RedisSource final : public MonitorSource
{
public:
    /// Round trips timed per poll.
    static constexpr int pingsPerPoll = 3;

    explicit RedisSource(RedisSettings settings);
    ~RedisSource() override;
    RedisSource(const RedisSource &) = delete;
    RedisSource &operator=(const RedisSource &) = delete;

    Result<MonitorServerInfo> connect() override;
    Result<MonitorSample> poll() override;
    void disconnect() override;
    QString kind() const override { return QStringLiteral("redis"); }
    QString address() const override;

    /// Hands the connection over (RedisCapture turns it into a MONITOR client); the source is
    /// disconnected afterwards. nullptr when not connected.
    redisContext *takeContext()
    {
        redisContext *c = m_context;
        m_context = nullptr;
        return c;
    }

private:
    /// Runs one command (printf-style arguments as hiredis takes them); the reply's text, or an
    /// error saying what the server or the connection said.
    Result<QByteArray> command(
        const char *format, const QByteArray &argument = {}, const QByteArray &second = {});

    RedisSettings m_settings;
    redisContext *m_context = nullptr;
    quint64 m_commandsSent = 0; // every command, for MonitorSample::ownOperations
    const char *m_infoCommand = "INFO"; // the sections the poll reads (connect() picks them)
};

} // namespace CacheScope
