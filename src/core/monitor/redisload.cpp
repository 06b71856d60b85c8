#include "redisload.h"

#include "core/monitor/hiredistime.h"
#include "core/workload/xoshiro256.h"
#include "core/workload/zipfsampler.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <csignal>
#include <optional>

#include <pthread.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

using Clock = std::chrono::steady_clock;

struct ContextDeleter
{
    void operator()(redisContext *c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter
{
    void operator()(redisReply *r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

QString address(const RedisSettings &s) { return s.host + u':' + QString::number(s.port); }

/// Connects, authenticates and selects the database; the error says which step failed. A
/// write to a server that went away raises SIGPIPE: blocked on the calling (worker) thread,
/// hiredis sees EPIPE instead.
Result<Context> connectRedis(const RedisSettings &s)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    const QByteArray host = s.host.toUtf8();
    Context c(
        redisConnectWithTimeout(host.constData(), s.port, hiredisTimeout(s.connectTimeoutMs)));
    if (!c || c->err)
        return Error { u"cannot connect to Redis at "_s + address(s) + u": "_s
                + (c ? QString::fromLocal8Bit(c->errstr) : u"out of memory"_s),
            {}, 0, {}, {} };
    redisSetTimeout(c.get(), hiredisTimeout(s.commandTimeoutMs));
    auto check = [&](Reply reply) -> Result<void> {
        if (!reply)
            return Error { u"lost the connection to Redis at "_s + address(s), {}, 0, {}, {} };
        if (reply->type == REDIS_REPLY_ERROR)
            return Error { u"Redis at "_s + address(s) + u": "_s
                    + QString::fromUtf8(reply->str, qsizetype(reply->len)),
                {}, 0, {}, {} };
        return {};
    };
    if (!s.password.isEmpty()) {
        const QByteArray password = s.password.toUtf8();
        if (Result<void> ok = check(Reply(static_cast<redisReply *>(redisCommand(
                c.get(), "AUTH %b", password.constData(), std::size_t(password.size())))));
            !ok)
            return ok.error();
    }
    if (s.database != 0) {
        if (Result<void> ok = check(
                Reply(static_cast<redisReply *>(redisCommand(c.get(), "SELECT %d", s.database))));
            !ok)
            return ok.error();
    }
    // A password-protected server refuses the first command without AUTH: find out now.
    if (Result<void> ok = check(Reply(static_cast<redisReply *>(redisCommand(c.get(), "PING"))));
        !ok)
        return ok.error();
    return c;
}

Error fieldError(const QString &field, const QString &value, const QString &why)
{
    return Error { why, {}, 0, field, value };
}

} // namespace

QList<RedisKeyStream> RedisLoadConfig::defaultStreams()
{
    return {
        { u"user"_s, 0.6, RedisKeyStream::Kind::Zipf, 10000, 0.99 },
        { u"item"_s, 0.3, RedisKeyStream::Kind::Zipf, 50000, 0.8 },
        { u"session"_s, 0.1, RedisKeyStream::Kind::Once, 0, 0 },
    };
}

Result<void> RedisLoadConfig::validate() const
{
    if (connections < 1 || connections > 256)
        return fieldError(
            u"connections"_s, QString::number(connections), u"must be between 1 and 256"_s);
    if (valueBytes < 0 || valueBytes > 64 * 1024 * 1024)
        return fieldError(
            u"value-bytes"_s, QString::number(valueBytes), u"must be between 0 and 64 MiB"_s);
    if (!(ratePerSecond >= 0) || ratePerSecond > 1e9)
        return fieldError(u"rate"_s, QString::number(ratePerSecond),
            u"must be a number of requests per second, 0 for no limit"_s);
    if (server.port < 1 || server.port > 65535)
        return fieldError(u"port"_s, QString::number(server.port), u"must be 1 to 65535"_s);
    if (streams.isEmpty())
        return fieldError(u"streams"_s, {}, u"needs at least one key stream"_s);
    for (qsizetype i = 0; i < streams.size(); ++i) {
        const RedisKeyStream &k = streams.at(i);
        const QString name = u"streams[%1]."_s.arg(i);
        if (k.prefix.isEmpty() || k.prefix.contains(u' '))
            return fieldError(name + u"prefix"_s, k.prefix, u"must be a non-empty word"_s);
        if (!(k.weight > 0) || k.weight > 1e6)
            return fieldError(
                name + u"weight"_s, QString::number(k.weight), u"must be a positive share"_s);
        if (k.kind != RedisKeyStream::Kind::Once && k.keys < 1)
            return fieldError(name + u"keys"_s, QString::number(k.keys), u"must be at least 1"_s);
        if (k.kind == RedisKeyStream::Kind::Zipf && !(k.alpha >= 0 && k.alpha <= 10))
            return fieldError(
                name + u"alpha"_s, QString::number(k.alpha), u"must be between 0 and 10"_s);
    }
    return {};
}

Result<std::unique_ptr<RedisLoad>> RedisLoad::start(const RedisLoadConfig &config)
{
    if (Result<void> valid = config.validate(); !valid)
        return valid.error();
    if (Result<Context> probe = connectRedis(config.server); !probe)
        return probe.error();
    std::unique_ptr<RedisLoad> load(new RedisLoad(config));
    for (int i = 0; i < config.connections; ++i)
        load->m_threads.emplace_back([raw = load.get(), i] { raw->work(i); });
    return load;
}

RedisLoad::RedisLoad(const RedisLoadConfig &config)
    : m_config(config)
{
}

RedisLoad::~RedisLoad() { stop(); }

void RedisLoad::stop()
{
    m_stop.store(true);
    for (std::thread &t : m_threads)
        if (t.joinable())
            t.join();
    m_threads.clear();
}

RedisLoad::Counts RedisLoad::counts() const
{
    return { m_gets.load(std::memory_order_relaxed), m_hits.load(std::memory_order_relaxed),
        m_misses.load(std::memory_order_relaxed), m_sets.load(std::memory_order_relaxed),
        m_errors.load(std::memory_order_relaxed) };
}

QString RedisLoad::lastError() const
{
    const std::lock_guard lock(m_errorMutex);
    return m_lastError;
}

void RedisLoad::work(int index)
{
    Xoshiro256 rng(m_config.seed + quint64(index) * 0x9e3779b97f4a7c15ULL);
    std::vector<std::optional<ZipfSampler>> zipf;
    double totalWeight = 0;
    for (const RedisKeyStream &k : std::as_const(m_config.streams)) {
        zipf.push_back(k.kind == RedisKeyStream::Kind::Zipf
                ? std::optional<ZipfSampler>(std::in_place, k.keys, k.alpha)
                : std::nullopt);
        totalWeight += k.weight;
    }
    std::vector<QByteArray> prefixes;
    for (const RedisKeyStream &k : std::as_const(m_config.streams))
        prefixes.push_back(k.prefix.toUtf8() + ':');
    const QByteArray value(m_config.valueBytes, 'v');
    const double rate = m_config.ratePerSecond / double(m_config.connections);
    const Clock::time_point begin = Clock::now();
    quint64 sent = 0;
    Context c;
    int backoffMs = 100;
    // Sleeps until `until` in short steps, so that stop() never waits long.
    auto sleepUntil = [this](Clock::time_point until) {
        while (!m_stop.load(std::memory_order_relaxed) && Clock::now() < until)
            std::this_thread::sleep_until(
                std::min(until, Clock::now() + std::chrono::milliseconds(50)));
    };
    auto failed = [&](const QString &why) {
        m_errors.fetch_add(1, std::memory_order_relaxed);
        const std::lock_guard lock(m_errorMutex);
        m_lastError = why;
    };
    while (!m_stop.load(std::memory_order_relaxed)) {
        if (!c) {
            Result<Context> connected = connectRedis(m_config.server);
            if (!connected) {
                failed(connected.error().toString());
                sleepUntil(Clock::now() + std::chrono::milliseconds(backoffMs));
                backoffMs = std::min(backoffMs * 2, 2000);
                continue;
            }
            c = std::move(connected.value());
            backoffMs = 100;
        }
        if (rate > 0)
            sleepUntil(begin
                + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(double(sent) / rate)));
        ++sent;
        // The stream by weight, then its key.
        double pick = rng.nextDouble() * totalWeight;
        std::size_t s = 0;
        while (s + 1 < prefixes.size() && pick >= m_config.streams.at(qsizetype(s)).weight) {
            pick -= m_config.streams.at(qsizetype(s)).weight;
            ++s;
        }
        const RedisKeyStream &stream = m_config.streams.at(qsizetype(s));
        quint64 id = 0;
        switch (stream.kind) {
        case RedisKeyStream::Kind::Zipf:
            id = zipf[s]->sample(rng);
            break;
        case RedisKeyStream::Kind::Uniform:
            id = 1 + rng.next() % stream.keys;
            break;
        case RedisKeyStream::Kind::Once:
            id = 1 + m_onceNext.fetch_add(1, std::memory_order_relaxed);
            break;
        }
        const QByteArray key = prefixes[s] + QByteArray::number(id);
        Reply get(static_cast<redisReply *>(
            redisCommand(c.get(), "GET %b", key.constData(), std::size_t(key.size()))));
        if (!get) {
            failed(u"lost the connection to Redis at "_s + address(m_config.server) + u": "_s
                + QString::fromLocal8Bit(c->errstr));
            c.reset();
            continue;
        }
        if (get->type == REDIS_REPLY_ERROR) {
            failed(QString::fromUtf8(get->str, qsizetype(get->len)));
            continue;
        }
        m_gets.fetch_add(1, std::memory_order_relaxed);
        if (get->type != REDIS_REPLY_NIL) {
            m_hits.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        m_misses.fetch_add(1, std::memory_order_relaxed);
        // Cache-aside: the value "loaded from the database" is stored.
        Reply set(static_cast<redisReply *>(redisCommand(c.get(), "SET %b %b", key.constData(),
            std::size_t(key.size()), value.constData(), std::size_t(value.size()))));
        if (!set) {
            failed(u"lost the connection to Redis at "_s + address(m_config.server));
            c.reset();
            continue;
        }
        if (set->type == REDIS_REPLY_ERROR) // e.g. OOM with maxmemory and noeviction
            failed(QString::fromUtf8(set->str, qsizetype(set->len)));
        else
            m_sets.fetch_add(1, std::memory_order_relaxed);
    }
}

} // namespace CacheScope
