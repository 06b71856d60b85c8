#include "core/cache/redistier.h"

#include "core/monitor/hiredistime.h"

#include <hiredis/hiredis.h>

#include <csignal>
#include <vector>

#include <pthread.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

struct ReplyDeleter
{
    void operator()(redisReply *r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

} // namespace

Result<std::unique_ptr<RedisTierConnection>> RedisTierConnection::open(const L2Settings &settings)
{
    const Result<RedisAddress> address = parseRedisUrl(settings.url);
    if (!address)
        return address.error();
    // A write to a server that went away raises SIGPIPE: blocked on this (worker) thread, so
    // hiredis sees EPIPE instead.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    std::unique_ptr<RedisTierConnection> c(new RedisTierConnection);
    c->m_address = address->host + u':' + QString::number(address->port);
    c->m_prefix = settings.prefix.toUtf8();
    c->m_ttlMs = settings.ttlMs;
    const QByteArray host = address->host.toUtf8();
    c->m_context = redisConnectWithTimeout(
        host.constData(), address->port, hiredisTimeout(settings.timeoutMs));
    if (!c->m_context || c->m_context->err)
        return Error { u"cannot connect to Redis at "_s + c->m_address + u": "_s
                + (c->m_context ? QString::fromLocal8Bit(c->m_context->errstr)
                                : u"out of memory"_s),
            {}, 0, u"l2"_s, settings.url };
    redisSetTimeout(c->m_context, hiredisTimeout(settings.timeoutMs));
    const auto check = [&c, &settings](void *raw) -> Result<void> {
        const Reply reply(static_cast<redisReply *>(raw));
        if (!reply)
            return c->failure(u"lost the connection"_s);
        if (reply->type == REDIS_REPLY_ERROR)
            return Error { u"Redis at "_s + c->m_address + u": "_s
                    + QString::fromUtf8(reply->str, qsizetype(reply->len)),
                {}, 0, u"l2"_s, settings.url };
        return {};
    };
    if (!settings.password.isEmpty()) {
        const QByteArray password = settings.password.toUtf8();
        if (Result<void> ok = check(redisCommand(
                c->m_context, "AUTH %b", password.constData(), std::size_t(password.size())));
            !ok)
            return ok.error();
    }
    if (address->database != 0) {
        if (Result<void> ok = check(redisCommand(c->m_context, "SELECT %d", address->database));
            !ok)
            return ok.error();
    }
    if (Result<void> ok = check(redisCommand(c->m_context, "PING")); !ok)
        return ok.error();
    return c;
}

RedisTierConnection::~RedisTierConnection()
{
    if (m_context)
        redisFree(m_context);
}

Error RedisTierConnection::failure(const QString &what) const
{
    QString detail;
    if (m_context && m_context->err)
        detail = u": "_s + QString::fromLocal8Bit(m_context->errstr);
    return Error { u"Redis at "_s + m_address + u": "_s + what + detail, m_address, 0, u"l2"_s,
        {} };
}

QByteArray RedisTierConnection::keyName(Key key) const
{
    return m_prefix + QByteArray::number(quint64(key), 16).rightJustified(16, '0');
}

Result<std::optional<CachedResult>> RedisTierConnection::get(Key key, Error *corrupt)
{
    const QByteArray name = keyName(key);
    const Reply reply(static_cast<redisReply *>(
        redisCommand(m_context, "GET %b", name.constData(), std::size_t(name.size()))));
    if (!reply || m_context->err)
        return failure(u"GET failed"_s);
    if (reply->type == REDIS_REPLY_NIL)
        return std::optional<CachedResult>();
    if (reply->type == REDIS_REPLY_ERROR)
        return failure(u"GET: "_s + QString::fromUtf8(reply->str, qsizetype(reply->len)));
    if (reply->type != REDIS_REPLY_STRING)
        return failure(u"GET returned no string"_s);
    Result<CachedResult> value
        = decodeCachedResult(QByteArrayView(reply->str, qsizetype(reply->len)));
    if (!value) {
        if (corrupt) {
            *corrupt = value.error();
            corrupt->file = m_address;
            corrupt->field = u"l2 key"_s;
            corrupt->value = QString::fromUtf8(name);
        }
        return std::optional<CachedResult>();
    }
    return std::optional<CachedResult>(std::move(value).value());
}

Result<void> RedisTierConnection::set(Key key, const CachedResult &value)
{
    const QByteArray name = keyName(key);
    const QByteArray bytes = encodeCachedResult(value);
    Reply reply;
    if (m_ttlMs > 0)
        reply.reset(static_cast<redisReply *>(
            redisCommand(m_context, "SET %b %b PX %lld", name.constData(), std::size_t(name.size()),
                bytes.constData(), std::size_t(bytes.size()), static_cast<long long>(m_ttlMs))));
    else
        reply.reset(static_cast<redisReply *>(redisCommand(m_context, "SET %b %b", name.constData(),
            std::size_t(name.size()), bytes.constData(), std::size_t(bytes.size()))));
    if (!reply || m_context->err)
        return failure(u"SET failed"_s);
    if (reply->type == REDIS_REPLY_ERROR) // e.g. OOM with maxmemory and noeviction
        return failure(u"SET: "_s + QString::fromUtf8(reply->str, qsizetype(reply->len)));
    return {};
}

Result<void> RedisTierConnection::remove(const QList<Key> &keys)
{
    if (keys.isEmpty())
        return {};
    std::vector<QByteArray> names;
    names.reserve(std::size_t(keys.size()) + 1);
    names.emplace_back("DEL");
    for (const Key key : keys)
        names.push_back(keyName(key));
    std::vector<const char *> argv;
    std::vector<std::size_t> lengths;
    for (const QByteArray &n : names) {
        argv.push_back(n.constData());
        lengths.push_back(std::size_t(n.size()));
    }
    const Reply reply(static_cast<redisReply *>(
        redisCommandArgv(m_context, int(argv.size()), argv.data(), lengths.data())));
    if (!reply || m_context->err)
        return failure(u"DEL failed"_s);
    if (reply->type == REDIS_REPLY_ERROR)
        return failure(u"DEL: "_s + QString::fromUtf8(reply->str, qsizetype(reply->len)));
    return {};
}

} // namespace CacheScope
