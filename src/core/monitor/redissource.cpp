#include "redissource.h"

#include "core/monitor/hiredistime.h"
#include "core/monitor/redisinfo.h"

#include <QElapsedTimer>

#include <hiredis/hiredis.h>

#include <csignal>

#include <pthread.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

/// hiredis writes with write(2): to a server that went away that raises SIGPIPE, which would
/// end the process. Blocked on this thread only (the session's own), the write fails with
/// EPIPE instead and the poll reports a lost connection.
void blockSigpipeOnThisThread()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

} // namespace

RedisSource::RedisSource(RedisSettings settings)
    : m_settings(std::move(settings))
{
}

RedisSource::~RedisSource() { disconnect(); }

QString RedisSource::address() const
{
    return m_settings.host + u':' + QString::number(m_settings.port);
}

void RedisSource::disconnect()
{
    if (m_context)
        redisFree(m_context);
    m_context = nullptr;
}

Result<QByteArray> RedisSource::command(
    const char *format, const QByteArray &argument, const QByteArray &second)
{
    if (!m_context)
        return monitorError(u"not connected to Redis at "_s + address());
    ++m_commandsSent;
    // Every command here takes at most two arguments, passed as binary-safe %b.
    void *raw = argument.isNull() ? redisCommand(m_context, format)
        : second.isNull()
        ? redisCommand(m_context, format, argument.constData(), size_t(argument.size()))
        : redisCommand(m_context, format, argument.constData(), size_t(argument.size()),
            second.constData(), size_t(second.size()));
    auto *reply = static_cast<redisReply *>(raw);
    if (!reply) {
        const QString why = QString::fromLocal8Bit(m_context->errstr);
        disconnect();
        return monitorError(u"lost the connection to Redis at "_s + address() + u": "_s
            + (why.isEmpty() ? u"no reply"_s : why));
    }
    // Plain locals, then one return: assigning Result<QByteArray>s here made GCC 12 at -O1 with
    // ThreadSanitizer warn of a maybe-uninitialized variant member (a false positive, -Werror).
    QByteArray value;
    QString errorText;
    switch (reply->type) {
    case REDIS_REPLY_ERROR:
        errorText = QString::fromUtf8(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        value = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ARRAY: // CONFIG GET: name, value pairs; the value of the first pair
        if (reply->elements >= 2 && reply->element[1]->type == REDIS_REPLY_STRING)
            value = QByteArray(reply->element[1]->str, qsizetype(reply->element[1]->len));
        break;
    default:
        break;
    }
    freeReplyObject(reply);
    if (errorText.isNull())
        return value;
    if (errorText.startsWith(u"NOAUTH"_s))
        return monitorError(
            u"Redis at "_s + address() + u" needs a password ("_s + errorText + u')');
    if (errorText.startsWith(u"WRONGPASS"_s) || errorText.contains(u"invalid password"_s))
        return monitorError(
            u"Redis at "_s + address() + u" refused the password ("_s + errorText + u')');
    return monitorError(u"Redis at "_s + address() + u": "_s + errorText);
}

Result<MonitorServerInfo> RedisSource::connect()
{
    blockSigpipeOnThisThread();
    disconnect();
    const QByteArray host = m_settings.host.toUtf8();
    m_context = redisConnectWithTimeout(
        host.constData(), m_settings.port, hiredisTimeout(m_settings.connectTimeoutMs));
    if (!m_context || m_context->err) {
        const QString why
            = m_context ? QString::fromLocal8Bit(m_context->errstr) : u"out of memory"_s;
        disconnect();
        return monitorError(u"cannot connect to Redis at "_s + address() + u": "_s + why);
    }
    redisSetTimeout(m_context, hiredisTimeout(m_settings.commandTimeoutMs));

    if (!m_settings.password.isEmpty() || !m_settings.user.isEmpty()) {
        const Result<QByteArray> auth = m_settings.user.isEmpty()
            ? command("AUTH %b", m_settings.password.toUtf8())
            : command("AUTH %b %b", m_settings.user.toUtf8(), m_settings.password.toUtf8());
        if (!auth) {
            disconnect();
            return auth.error();
        }
    }
    if (m_settings.database != 0) {
        const QByteArray db = QByteArray::number(m_settings.database);
        if (Result<QByteArray> selected = command("SELECT %b", db); !selected) {
            disconnect();
            return selected.error();
        }
    }
    // The first command a password-protected server refuses without AUTH.
    if (Result<QByteArray> pong = command("PING"); !pong) {
        disconnect();
        Error e = pong.error();
        if (e.message.contains(u"Protocol error"_s)) // something else listens there
            e.message += u": is it Redis?"_s;
        return e;
    }

    MonitorServerInfo info;
    info.source = kind();
    info.address = address();
    if (Result<QByteArray> server = command("INFO server"); server) {
        if (const Result<RedisInfo> parsed = parseRedisInfo(*server); parsed)
            info.version = parsed->value(u"redis_version"_s);
    }
    // Redis 7 takes several sections: only those read (a fifth less of the server's time than
    // the default INFO, 18 against 26 us a call on 7.0); older servers take one, so all.
    m_infoCommand = info.version.section(u'.', 0, 0).toInt() >= 7
        ? "INFO server clients memory stats keyspace"
        : "INFO";
    qint64 maxmemory = -1;
    for (const char *name : { "maxmemory", "maxmemory-policy", "maxmemory-samples",
             "lfu-log-factor", "lfu-decay-time" }) {
        const Result<QByteArray> value = command("CONFIG GET %b", QByteArray(name));
        const QString shown = value ? QString::fromUtf8(*value) : u"unknown (CONFIG GET refused)"_s;
        info.settings.append({ QString::fromLatin1(name), shown });
        if (value && qstrcmp(name, "maxmemory") == 0)
            maxmemory = value->toLongLong();
    }
    if (maxmemory == 0)
        info.notes.append(u"maxmemory is 0 (no limit): this Redis never evicts, so there is no "
                          "eviction to model"_s);
    if (m_settings.database != 0)
        info.notes.append(u"keys are database "_s + QString::number(m_settings.database)
            + u"'s; hits, misses and commands are the whole server's (Redis counts them so)"_s);
    return info;
}

Result<MonitorSample> RedisSource::poll()
{
    std::vector<qint64> roundTrips;
    roundTrips.reserve(pingsPerPoll);
    for (int i = 0; i < pingsPerPoll; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (Result<QByteArray> pong = command("PING"); !pong)
            return pong.error();
        roundTrips.push_back(timer.nsecsElapsed());
    }
    // The server counts a command once it has run it: this INFO shows up in the next one.
    const quint64 ownBefore = m_commandsSent;
    const Result<QByteArray> text = command(m_infoCommand);
    if (!text)
        return text.error();
    const Result<RedisInfo> info = parseRedisInfo(*text);
    if (!info)
        return info.error();
    Result<MonitorSample> sample = redisSampleFromInfo(*info, m_settings.database);
    if (sample) {
        sample->roundTripNs = std::move(roundTrips);
        sample->ownOperations = ownBefore;
    }
    return sample;
}

} // namespace CacheScope
