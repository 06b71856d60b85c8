#pragma once

#include "core/monitor/memcachedstats.h"
#include "core/monitor/monitorsource.h"

#include <QString>

#include <memory>

class QTcpSocket;

namespace CacheScope {

struct MemcachedSettings
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 11211;
    int connectTimeoutMs = 2000;
    int commandTimeoutMs = 2000;
};

/// Watches a memcached over its text protocol: `stats` and `stats items` every poll, `stats
/// slabs` and the version on connect, a few timed `version` round trips per poll. The socket
/// is created by connect(), on the session's thread, and used only there (blocking waits).
class MemcachedSource final : public MonitorSource
{
public:
    static constexpr int roundTripsPerPoll = 3;

    explicit MemcachedSource(MemcachedSettings settings);
    ~MemcachedSource() override;
    MemcachedSource(const MemcachedSource &) = delete;
    MemcachedSource &operator=(const MemcachedSource &) = delete;

    Result<MonitorServerInfo> connect() override;
    Result<MonitorSample> poll() override;
    void disconnect() override;
    QString kind() const override { return QStringLiteral("memcached"); }
    QString address() const override;

private:
    /// Sends one command line and reads its whole reply (one line for `version`).
    Result<QByteArray> request(const QByteArray &line, bool oneLine = false);
    Result<MemcachedStats> stats(const QByteArray &line);

    MemcachedSettings m_settings;
    std::unique_ptr<QTcpSocket> m_socket;
};

} // namespace CacheScope
