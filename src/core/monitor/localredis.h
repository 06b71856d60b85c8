#pragma once

#include "core/error.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace CacheScope {

/// A throwaway redis-server for demos ("Watch a Redis"): started from PATH on 127.0.0.1, on a
/// free port, in a temporary directory, without persistence, with a small maxmemory so that it
/// evicts; shut down (SHUTDOWN NOSAVE, else SIGTERM to its pid) when destroyed. Everything is
/// blocking with timeouts and thread-agnostic (a daemonised server and hiredis, no QProcess), so
/// the app starts and stops it on a pool thread, never the GUI thread.
class LocalRedisServer
{
public:
    struct Options
    {
        QString maxmemory = QStringLiteral("4mb"); // as redis.conf takes it
        QString policy = QStringLiteral("allkeys-lru"); // maxmemory-policy
        int startTimeoutMs = 5000;
    };

    /// Starts one; errors say what is missing ("redis-server is not installed…") or what the
    /// server wrote to its log.
    static Result<std::unique_ptr<LocalRedisServer>> start(const Options &options);
    static Result<std::unique_ptr<LocalRedisServer>> start() { return start(Options {}); }
    /// Whether redis-server is on PATH (the scenario offers itself only then).
    static bool isInstalled();

    ~LocalRedisServer();
    LocalRedisServer(const LocalRedisServer &) = delete;
    LocalRedisServer &operator=(const LocalRedisServer &) = delete;

    QString host() const { return QStringLiteral("127.0.0.1"); }
    int port() const { return m_port; }
    /// Shuts the server down now (the destructor does it too); safe to repeat.
    void stop();

private:
    LocalRedisServer() = default;

    std::unique_ptr<QTemporaryDir> m_dir;
    int m_port = 0;
    qint64 m_pid = 0;
};

} // namespace CacheScope
