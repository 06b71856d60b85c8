#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <unistd.h>

namespace CacheScope::TestSupport {

quint16 freeLocalPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

ServerProcess::~ServerProcess() { kill(); }

bool ServerProcess::start(Kind kind, const QStringList &extraArgs)
{
    m_kind = kind;
    m_extraArgs = extraArgs;
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    m_port = freeLocalPort();
    if (m_port == 0) {
        m_error = QStringLiteral("no free port on 127.0.0.1");
        return false;
    }
    return launch();
}

bool ServerProcess::launch()
{
    const QString program = QStandardPaths::findExecutable(
        m_kind == Kind::Redis ? QStringLiteral("redis-server") : QStringLiteral("memcached"));
    if (program.isEmpty()) {
        m_error = m_kind == Kind::Redis ? QStringLiteral("redis-server is not installed")
                                        : QStringLiteral("memcached is not installed");
        return false;
    }
    QStringList args;
    if (m_kind == Kind::Redis) {
        args << QStringLiteral("--bind") << host() << QStringLiteral("--port")
             << QString::number(m_port) << QStringLiteral("--save") << QString()
             << QStringLiteral("--appendonly") << QStringLiteral("no") << QStringLiteral("--dir")
             << m_dir->path();
    } else {
        args << QStringLiteral("-l") << host() << QStringLiteral("-p") << QString::number(m_port)
             << QStringLiteral("-U") << QStringLiteral("0") << QStringLiteral("-m")
             << QStringLiteral("8");
        if (geteuid() == 0)
            args << QStringLiteral("-u") << QStringLiteral("nobody");
    }
    args << m_extraArgs;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->start(program, args);
    if (!m_process->waitForStarted(5000)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(program, m_process->errorString());
        return false;
    }
    const QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired()) {
        QTcpSocket probe;
        probe.connectToHost(host(), m_port);
        if (probe.waitForConnected(200))
            return true;
        if (m_process->state() == QProcess::NotRunning)
            break;
        QThread::msleep(20);
    }
    m_error = QStringLiteral("%1 on port %2 did not answer: %3")
                  .arg(program)
                  .arg(m_port)
                  .arg(QString::fromLocal8Bit(m_process->readAll()));
    return false;
}

void ServerProcess::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool ServerProcess::restart()
{
    kill();
    return launch();
}

bool ServerProcess::running() const { return m_process && m_process->state() == QProcess::Running; }

} // namespace CacheScope::TestSupport
