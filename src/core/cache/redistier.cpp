#include "core/cache/redistier.h"

#include "core/monitor/hiredistime.h"

#include <hiredis/hiredis.h>

#include <csignal>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

struct ReplyDeleter
{
    void operator()(redisReply *r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

/// A blocking hiredis connection to `address`, authenticated, on its database, answering PING.
/// Errors name the step, host:port and field "l2".
Result<redisContext *> connectTo(const L2Settings &settings, const RedisAddress &address)
{
    // A write to a server that went away raises SIGPIPE: blocked on this (worker) thread, so
    // hiredis sees EPIPE instead.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    const QString where = address.host + u':' + QString::number(address.port);
    const QByteArray host = address.host.toUtf8();
    redisContext *context = redisConnectWithTimeout(
        host.constData(), address.port, hiredisTimeout(settings.timeoutMs));
    if (!context || context->err) {
        const QString reason
            = context ? QString::fromLocal8Bit(context->errstr) : u"out of memory"_s;
        if (context)
            redisFree(context);
        return Error { u"cannot connect to Redis at "_s + where + u": "_s + reason, {}, 0, u"l2"_s,
            settings.url };
    }
    redisSetTimeout(context, hiredisTimeout(settings.timeoutMs));
    const auto check = [&](void *raw) -> Result<void> {
        const Reply reply(static_cast<redisReply *>(raw));
        QString problem;
        if (!reply)
            problem = u"lost the connection"_s;
        else if (reply->type == REDIS_REPLY_ERROR)
            problem = QString::fromUtf8(reply->str, qsizetype(reply->len));
        if (problem.isEmpty())
            return {};
        return Error { u"Redis at "_s + where + u": "_s + problem, {}, 0, u"l2"_s, settings.url };
    };
    Result<void> ok;
    if (!settings.password.isEmpty()) {
        const QByteArray password = settings.password.toUtf8();
        ok = check(
            redisCommand(context, "AUTH %b", password.constData(), std::size_t(password.size())));
    }
    if (ok && address.database != 0)
        ok = check(redisCommand(context, "SELECT %d", address.database));
    if (ok)
        ok = check(redisCommand(context, "PING"));
    if (!ok) {
        redisFree(context);
        return ok.error();
    }
    return context;
}

// A write leaves a tombstone instead of deleting: "cstomb:" + the version it committed, for
// tombstoneMs. A reader's fill (fillScript) that read the database before that write is refused,
// so a fill can never put back a value older than the write (the cache-aside race of GET, miss,
// read, [write, delete], SET). Fills of results without a version are refused while a tombstone
// lives; a fill of version v replaces a tombstone of v or older.
constexpr char tombstonePrefix[] = "cstomb:";
constexpr qint64 tombstoneMs = 2000;
constexpr char fillScript[] = R"lua(local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, 7) == 'cstomb:' then
  local v = tonumber(ARGV[2])
  if v < 0 or v < tonumber(string.sub(cur, 8)) then return 0 end
end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1)lua";

QByteArray channelName(const L2Settings &settings)
{
    return settings.prefix.toUtf8() + "invalidate";
}

} // namespace

Result<std::unique_ptr<RedisTierConnection>> RedisTierConnection::open(const L2Settings &settings)
{
    const Result<RedisAddress> address = parseRedisUrl(settings.url);
    if (!address)
        return address.error();
    Result<redisContext *> context = connectTo(settings, *address);
    if (!context)
        return context.error();
    std::unique_ptr<RedisTierConnection> c(new RedisTierConnection);
    c->m_context = *context;
    c->m_address = address->host + u':' + QString::number(address->port);
    c->m_prefix = settings.prefix.toUtf8();
    c->m_ttlMs = settings.ttlMs;
    c->m_publish = settings.invalidation == L2Invalidation::PubSub;
    if (c->m_publish) {
        c->m_channel = channelName(settings);
        c->m_origin = settings.origin.isEmpty() ? QByteArrayLiteral("-") : settings.origin;
    }
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

Result<QByteArray> RedisTierConnection::info()
{
    const Reply reply(static_cast<redisReply *>(redisCommand(m_context, "INFO")));
    if (!reply || m_context->err)
        return failure(u"INFO failed"_s);
    if (reply->type != REDIS_REPLY_STRING)
        return failure(u"INFO gave no text"_s);
    return QByteArray(reply->str, qsizetype(reply->len));
}

QByteArray RedisTierConnection::keyName(Key key) const { return redisKeyName(m_prefix, key); }

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
    if (QByteArrayView(reply->str, qsizetype(reply->len)).startsWith(tombstonePrefix))
        return std::optional<CachedResult>(); // written moments ago: no value yet
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

Result<void> RedisTierConnection::loadFillScript()
{
    const Reply reply(
        static_cast<redisReply *>(redisCommand(m_context, "SCRIPT LOAD %s", fillScript)));
    if (!reply || m_context->err)
        return failure(u"SCRIPT LOAD failed"_s);
    if (reply->type != REDIS_REPLY_STRING)
        return failure(u"SCRIPT LOAD: "_s
            + (reply->type == REDIS_REPLY_ERROR
                    ? QString::fromUtf8(reply->str, qsizetype(reply->len))
                    : u"no script id"_s));
    m_fillSha = QByteArray(reply->str, qsizetype(reply->len));
    return {};
}

Result<void> RedisTierConnection::set(Key key, const CachedResult &value)
{
    const QByteArray name = keyName(key);
    const QByteArray bytes = encodeCachedResult(value);
    const QByteArray version = QByteArray::number(value.version);
    const QByteArray ttl = QByteArray::number(m_ttlMs);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (m_fillSha.isEmpty()) {
            if (Result<void> loaded = loadFillScript(); !loaded)
                return loaded;
        }
        const Reply reply(static_cast<redisReply *>(
            redisCommand(m_context, "EVALSHA %b 1 %b %b %b %b", m_fillSha.constData(),
                std::size_t(m_fillSha.size()), name.constData(), std::size_t(name.size()),
                bytes.constData(), std::size_t(bytes.size()), version.constData(),
                std::size_t(version.size()), ttl.constData(), std::size_t(ttl.size()))));
        if (!reply || m_context->err)
            return failure(u"SET failed"_s);
        if (reply->type != REDIS_REPLY_ERROR)
            return {};
        const QString message = QString::fromUtf8(reply->str, qsizetype(reply->len));
        if (!message.startsWith(u"NOSCRIPT"_s)) // e.g. OOM with maxmemory and noeviction
            return failure(u"SET: "_s + message);
        m_fillSha.clear(); // a restarted Redis forgot the script: load it again
    }
    return failure(u"SET: the fill script is not accepted"_s);
}

Result<void> RedisTierConnection::remove(const QList<Key> &keys, qint64 version)
{
    if (keys.isEmpty())
        return {};
    std::vector<QByteArray> names;
    names.reserve(std::size_t(keys.size()));
    for (const Key key : keys)
        names.push_back(keyName(key));
    const QByteArray tombstone = tombstonePrefix + QByteArray::number(std::max<qint64>(version, 0));
    const QByteArray lifetime = QByteArray::number(tombstoneMs);
    const auto append = [this](const std::vector<QByteArray> &words) {
        std::vector<const char *> argv;
        std::vector<std::size_t> lengths;
        for (const QByteArray &w : words) {
            argv.push_back(w.constData());
            lengths.push_back(std::size_t(w.size()));
        }
        redisAppendCommandArgv(m_context, int(argv.size()), argv.data(), lengths.data());
    };
    for (const QByteArray &name : names)
        append({ QByteArray("SET"), name, tombstone, QByteArray("PX"), lifetime });
    if (m_publish) { // "origin key key ...": the other instances drop their copies
        QByteArray message = m_origin;
        for (const QByteArray &name : names)
            message += ' ' + name;
        append({ QByteArray("PUBLISH"), m_channel, message });
    }
    const std::size_t replies = names.size() + (m_publish ? 1 : 0);
    for (std::size_t i = 0; i < replies; ++i) {
        const char *command = i < names.size() ? "SET" : "PUBLISH";
        void *raw = nullptr;
        const bool read = redisGetReply(m_context, &raw) == REDIS_OK;
        const Reply reply(static_cast<redisReply *>(raw));
        if (!read || !reply || m_context->err)
            return failure(QString::fromLatin1(command) + u" failed"_s);
        if (reply->type == REDIS_REPLY_ERROR)
            return failure(QString::fromLatin1(command) + u": "_s
                + QString::fromUtf8(reply->str, qsizetype(reply->len)));
    }
    return {};
}

InvalidationListener::InvalidationListener(L2Settings settings, Apply apply, Failed failed)
    : m_settings(std::move(settings))
    , m_apply(std::move(apply))
    , m_failed(std::move(failed))
{
}

InvalidationListener::~InvalidationListener()
{
    stop();
    if (m_thread.joinable())
        m_thread.join();
    for (const int fd : m_wakePipe) {
        if (fd >= 0)
            ::close(fd);
    }
}

void InvalidationListener::start()
{
    if (m_thread.joinable())
        return;
    if (pipe2(m_wakePipe, O_CLOEXEC | O_NONBLOCK) != 0)
        m_wakePipe[0] = m_wakePipe[1] = -1; // stop() then waits for the next poll timeout
    m_thread = std::thread([this] { run(); });
}

void InvalidationListener::stop()
{
    if (m_stopping.exchange(true))
        return;
    if (m_wakePipe[1] >= 0) {
        const char byte = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakePipe[1], &byte, 1);
    }
}

void InvalidationListener::run()
{
    qint64 backoffNs = 0;
    while (!m_stopping.load(std::memory_order_acquire)) {
        if (!listen())
            break;
        m_subscribed.store(false, std::memory_order_release);
        backoffNs = nextL2BackoffNs(backoffNs);
        pollfd wake { m_wakePipe[0], POLLIN, 0 };
        ::poll(&wake, m_wakePipe[0] >= 0 ? 1 : 0, int(backoffNs / 1'000'000));
    }
}

bool InvalidationListener::listen()
{
    bool reported = false;
    const auto lost = [&](const QString &what) {
        if (!reported && m_failed && !m_stopping.load(std::memory_order_acquire))
            m_failed(Error { u"Redis invalidation listener ("_s
                    + invalidationName(m_settings.invalidation) + u"): "_s + what,
                {}, 0, u"invalidation"_s, m_settings.url });
        reported = true;
        return true;
    };
    const Result<RedisAddress> address = parseRedisUrl(m_settings.url);
    if (!address)
        return lost(address.error().message);
    Result<redisContext *> opened = connectTo(m_settings, *address);
    if (!opened)
        return lost(opened.error().message);
    const std::unique_ptr<redisContext, void (*)(redisContext *)> context(*opened, redisFree);
    redisContext *c = context.get();
    const auto command = [&](const char *format, auto... args) -> Reply {
        Reply reply(static_cast<redisReply *>(redisCommand(c, format, args...)));
        if (!reply || c->err || reply->type == REDIS_REPLY_ERROR) {
            lost(reply && reply->type == REDIS_REPLY_ERROR
                    ? QString::fromUtf8(reply->str, qsizetype(reply->len))
                    : u"lost the connection"_s);
            return nullptr;
        }
        return reply;
    };
    const QByteArray prefix = m_settings.prefix.toUtf8();
    Reply subscribed;
    if (m_settings.invalidation == L2Invalidation::Tracking) {
        // RESP2 client-side caching: this connection tracks the prefix in broadcast mode and
        // receives its own notifications, as messages of the __redis__:invalidate channel.
        const Reply id = command("CLIENT ID");
        if (!id || id->type != REDIS_REPLY_INTEGER)
            return lost(u"CLIENT ID gave no id"_s);
        if (!command("CLIENT TRACKING on REDIRECT %lld BCAST PREFIX %b", id->integer,
                prefix.constData(), std::size_t(prefix.size())))
            return true;
        subscribed = command("SUBSCRIBE __redis__:invalidate");
    } else {
        const QByteArray channel = channelName(m_settings);
        subscribed = command("SUBSCRIBE %b", channel.constData(), std::size_t(channel.size()));
    }
    if (!subscribed)
        return true;
    m_subscribed.store(true, std::memory_order_release);

    const QByteArray origin = m_settings.origin;
    const auto deliver = [&](const redisReply *r) {
        if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 || !r->element[0]->str
            || qstrcmp(r->element[0]->str, "message") != 0)
            return;
        const redisReply *payload = r->element[2];
        if (payload->type == REDIS_REPLY_ARRAY) { // tracking: the key names
            for (std::size_t i = 0; i < payload->elements; ++i) {
                const redisReply *name = payload->element[i];
                if (name->type != REDIS_REPLY_STRING)
                    continue;
                if (const std::optional<Key> key
                    = keyFromRedisName(QByteArrayView(name->str, qsizetype(name->len)), prefix))
                    m_apply(*key);
            }
        } else if (payload->type == REDIS_REPLY_STRING) { // pubsub: "origin key key ..."
            for (const Key key : publishedKeys(
                     QByteArrayView(payload->str, qsizetype(payload->len)), prefix, origin))
                m_apply(key);
        }
    };
    for (;;) {
        pollfd fds[2] = { { c->fd, POLLIN, 0 }, { m_wakePipe[0], POLLIN, 0 } };
        const int ready = ::poll(fds, m_wakePipe[0] >= 0 ? 2 : 1, 200);
        if (m_stopping.load(std::memory_order_acquire))
            return false;
        if (ready < 0 && errno != EINTR)
            return lost(u"poll failed: "_s + qt_error_string(errno));
        if (ready <= 0 || !(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (redisBufferRead(c) != REDIS_OK)
            return lost(u"lost the connection: "_s + QString::fromLocal8Bit(c->errstr));
        for (;;) {
            void *raw = nullptr;
            if (redisGetReplyFromReader(c, &raw) != REDIS_OK)
                return lost(u"a reply did not parse: "_s + QString::fromLocal8Bit(c->errstr));
            if (!raw)
                break;
            const Reply reply(static_cast<redisReply *>(raw));
            deliver(reply.get());
        }
    }
}

} // namespace CacheScope
