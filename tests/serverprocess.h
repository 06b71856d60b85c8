#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace CacheScope::TestSupport {

/// A private redis-server or memcached for one test: its own process on a free 127.0.0.1 port,
/// its own directory, stopped (killed) by the destructor. Tests that only read use the shared
/// servers scripts/test starts (CACHESCOPE_REDIS_PORT, CACHESCOPE_MEMCACHED_PORT); tests that
/// change a server's configuration, flush it or restart it start their own with this, so that
/// ctest -j2 never lets two tests disturb each other.
class ServerProcess
{
public:
    enum class Kind { Redis, Memcached };

    /// Starts the server with extraArgs appended (e.g. {"--maxmemory", "1mb"}); returns false and
    /// sets error() when the binary is missing or the server does not answer within 5 s.
    bool start(Kind kind, const QStringList &extraArgs = {});
    /// Stops the server (SIGKILL: a crash as far as clients are concerned) and keeps the port,
    /// so restart() brings it back on the same address.
    void kill();
    bool restart();
    bool running() const;

    quint16 port() const { return m_port; }
    QString host() const { return QStringLiteral("127.0.0.1"); }
    QString error() const { return m_error; }

    ~ServerProcess();

private:
    bool launch();

    Kind m_kind = Kind::Redis;
    QStringList m_extraArgs;
    quint16 m_port = 0;
    QString m_error;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
};

/// A free TCP port on 127.0.0.1 (bound then released: good enough for a test's own server).
quint16 freeLocalPort();

} // namespace CacheScope::TestSupport
