#include "localredis.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>

#include <hiredis/hiredis.h>

#include <csignal>

#include <signal.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

/// A reply to `command` from the server on `port` within a short timeout; nothing when it does
/// not answer.
bool answers(int port, const char *command)
{
    const timeval timeout { 0, 300000 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, timeout);
    bool ok = false;
    if (c && !c->err) {
        redisSetTimeout(c, timeout);
        auto *reply = static_cast<redisReply *>(redisCommand(c, command));
        ok = reply && reply->type != REDIS_REPLY_ERROR;
        freeReplyObject(reply);
    }
    redisFree(c);
    return ok;
}

int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

bool LocalRedisServer::isInstalled()
{
    return !QStandardPaths::findExecutable(u"redis-server"_s).isEmpty();
}

Result<std::unique_ptr<LocalRedisServer>> LocalRedisServer::start(const Options &options)
{
    const QString program = QStandardPaths::findExecutable(u"redis-server"_s);
    if (program.isEmpty())
        return Error { u"redis-server is not installed (Debian package redis-server; scripts/run "
                       "installs it)"_s,
            {}, 0, {}, {} };
    std::unique_ptr<LocalRedisServer> server(new LocalRedisServer);
    server->m_dir = std::make_unique<QTemporaryDir>();
    if (!server->m_dir->isValid())
        return Error { u"cannot create a directory for redis-server: "_s
                + server->m_dir->errorString(),
            {}, 0, {}, {} };
    const QString dir = server->m_dir->path();
    server->m_port = freePort();
    if (server->m_port == 0)
        return Error { u"no free port on 127.0.0.1 for redis-server"_s, {}, 0, {}, {} };
    const QStringList args { u"--bind"_s, u"127.0.0.1"_s, u"--port"_s,
        QString::number(server->m_port), u"--save"_s, u""_s, u"--appendonly"_s, u"no"_s, u"--dir"_s,
        dir, u"--daemonize"_s, u"yes"_s, u"--pidfile"_s, dir + u"/redis.pid"_s, u"--logfile"_s,
        dir + u"/redis.log"_s, u"--maxmemory"_s, options.maxmemory, u"--maxmemory-policy"_s,
        options.policy };
    // Daemonised: the process started here exits at once (a local QProcess, on this thread),
    // the server runs on. Bad settings end it before that, with the reason on its output.
    QProcess launcher;
    launcher.setProcessChannelMode(QProcess::MergedChannels);
    launcher.start(program, args);
    if (!launcher.waitForFinished(options.startTimeoutMs) || launcher.exitCode() != 0) {
        const QString output = QString::fromUtf8(launcher.readAll()).simplified();
        launcher.kill();
        return Error { u"redis-server refused to start: "_s
                + (output.isEmpty() ? launcher.errorString() : output.right(300)),
            {}, 0, {}, options.maxmemory + u' ' + options.policy };
    }
    const QDeadlineTimer deadline(options.startTimeoutMs);
    while (!answers(server->m_port, "PING")) {
        if (deadline.hasExpired()) {
            QFile log(dir + u"/redis.log"_s);
            const QString why = log.open(QIODevice::ReadOnly)
                ? QString::fromUtf8(log.readAll()).trimmed().section(u'\n', -1)
                : QString();
            server->stop();
            return Error { u"redis-server did not answer on 127.0.0.1:%1 within %2 ms: %3"_s
                               .arg(server->m_port)
                               .arg(options.startTimeoutMs)
                               .arg(why),
                {}, 0, {}, {} };
        }
        QThread::msleep(20);
    }
    QFile pid(dir + u"/redis.pid"_s);
    if (pid.open(QIODevice::ReadOnly))
        server->m_pid = pid.readAll().trimmed().toLongLong();
    return server;
}

LocalRedisServer::~LocalRedisServer() { stop(); }

void LocalRedisServer::stop()
{
    if (m_port == 0)
        return;
    answers(m_port, "SHUTDOWN NOSAVE"); // no reply: the server is gone
    const QDeadlineTimer deadline(2000);
    while (answers(m_port, "PING") && !deadline.hasExpired())
        QThread::msleep(20);
    if (m_pid > 0 && answers(m_port, "PING"))
        ::kill(pid_t(m_pid), SIGTERM);
    m_port = 0;
    m_pid = 0;
}

} // namespace CacheScope
