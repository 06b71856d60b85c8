#include "core/monitor/rediscapture.h"

#include "core/policy/policyregistry.h"
#include "core/whatif/shadowset.h"
#include "core/workload/redismonitortracereader.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>

#include <poll.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr int pollMs = 100; // a wait for MONITOR output; stop() is seen within it
constexpr std::size_t drainEvery = 1024; // keys offered between drains (rings hold 8192)
constexpr std::size_t topKeysShown = 10;

QString setting(const MonitorServerInfo &info, const QString &name)
{
    for (const auto &[n, v] : info.settings)
        if (n == name)
            return v;
    return {};
}

int intSetting(const MonitorServerInfo &info, const QString &name, int fallback)
{
    bool ok = false;
    const int v = setting(info, name).toInt(&ok);
    return ok ? v : fallback;
}

} // namespace

struct RedisCapture::Worker
{
    struct Model
    {
        RedisCaptureReadout readout; // its counts are filled at publish()
        std::unique_ptr<CachePolicy> policy;
        bool warm = false; // has held its capacity
        quint64 warmRequests = 0;
        quint64 warmHits = 0;
    };

    explicit Worker(const RedisCaptureOptions &options)
        : prefixes(KeyPrefixStats::Options { options.prefixDepth, ':', 256, 1024, 64 })
    {
    }
    ~Worker()
    {
        if (context)
            redisFree(context);
        if (record)
            std::fclose(record);
    }
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    redisContext *context = nullptr;
    std::FILE *record = nullptr;
    RedisMonitorLine line;
    KeyPrefixStats prefixes;
    std::unique_ptr<ShadowSet> shadowSet;
    std::vector<Model> models; // the own policy (or its stand-in) first: it judges prefixes
    std::size_t sinceDrain = 0;
    bool started = false;
    quint64 origin = 0; // the first line's minute, in seconds (as the trace reader)
    RedisCaptureSnapshot counts; // counters, notes and the settings; the rest at publish()
};

RedisCapture::RedisCapture(RedisCaptureOptions options)
    : m_options(std::move(options))
    , m_worker(std::make_unique<Worker>(m_options))
{
}

RedisCapture::~RedisCapture() { stop(); }

QString RedisCapture::modelOf(const QString &maxmemoryPolicy)
{
    if (maxmemoryPolicy.endsWith(u"-lru"_s))
        return u"redis-lru"_s;
    if (maxmemoryPolicy.endsWith(u"-lfu"_s))
        return u"redis-lfu"_s;
    if (maxmemoryPolicy.endsWith(u"-random"_s))
        return u"redis-random"_s;
    return {};
}

Result<void> RedisCapture::start()
{
    if (m_thread.joinable())
        return {};
    if (!m_options.recordPath.isEmpty()) {
        m_worker->record = std::fopen(m_options.recordPath.toLocal8Bit().constData(), "wb");
        if (!m_worker->record)
            return Error { u"cannot be written: "_s + QString::fromLocal8Bit(std::strerror(errno)),
                m_options.recordPath, 0, u"--record"_s, m_options.recordPath };
    }
    m_stop.store(false);
    m_thread = std::thread([this] { run(); });
    return {};
}

void RedisCapture::stop()
{
    m_stop.store(true);
    if (m_thread.joinable())
        m_thread.join();
}

bool RedisCapture::waitFor(RedisCaptureSnapshot::State state, int timeoutMs) const
{
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, std::chrono::milliseconds(timeoutMs),
        [&] { return m_published.finished() || int(m_published.state) >= int(state); });
}

RedisCaptureSnapshot RedisCapture::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_published;
}

void RedisCapture::publish(RedisCaptureSnapshot::State state)
{
    Worker &w = *m_worker;
    RedisCaptureSnapshot s = w.counts;
    s.state = state;
    s.prefixes = w.prefixes.rows();
    s.topKeys = w.prefixes.topKeys(topKeysShown);
    for (const Worker::Model &m : w.models) {
        RedisCaptureReadout r = m.readout;
        r.requests = m.policy->stats().requests;
        r.hits = m.policy->stats().hits;
        r.warmRequests = m.warmRequests;
        r.warmHits = m.warmHits;
        s.readouts.push_back(r);
    }
    if (w.shadowSet) {
        w.shadowSet->drain();
        w.sinceDrain = 0;
        s.shadows = w.shadowSet->snapshot();
    }
    {
        std::lock_guard lock(m_mutex);
        m_published = std::move(s);
    }
    m_changed.notify_all();
}

void RedisCapture::run()
{
    Worker &w = *m_worker;
    auto fail = [&](Error error) {
        w.counts.error = std::move(error);
        publish(RedisCaptureSnapshot::State::Failed);
    };
    // Connect as the monitor source does (AUTH, PING, the eviction settings), then one INFO.
    RedisSource source(m_options.server);
    const Result<MonitorServerInfo> info = source.connect();
    if (!info)
        return fail(info.error());
    const Result<MonitorSample> sample = source.poll();
    if (!sample)
        return fail(sample.error());
    w.context = source.takeContext();

    if (m_options.shadows) {
        RedisCaptureSnapshot &c = w.counts;
        c.maxmemoryPolicy = setting(*info, u"maxmemory-policy"_s);
        c.ownPolicy = modelOf(c.maxmemoryPolicy);
        const qint64 limit = sample->memoryLimitBytes;
        const qint64 used = sample->memoryBytes;
        const qint64 keys = sample->keys;
        if (m_options.capacityKeys > 0) {
            c.capacityKeys = m_options.capacityKeys;
            c.notes << u"shadows at %1 keys (given)"_s.arg(c.capacityKeys);
        } else if (limit <= 0) {
            c.capacityKeys = std::max<qint64>(keys, 1);
            c.notes << u"no maxmemory: this Redis never evicts, there is no eviction to model; "
                       "the shadows run at its current %1 keys (give a capacity in keys for "
                       "another what-if)"_s.arg(c.capacityKeys);
        } else if (keys > 0 && (sample->evictions > 0 || double(used) >= 0.95 * double(limit))) {
            c.capacityKeys = keys;
            c.notes << u"Redis is at maxmemory: the shadows run at the %1 keys it holds"_s.arg(
                keys);
        } else if (keys > 0 && used > 0) {
            // Redis's own memory (used_memory_startup, the clients' buffers) is there before any
            // key and stays: only the rest grows with the keys, so the keys that fit are counted
            // from that share.
            const qint64 base = std::clamp<qint64>(sample->memoryBaselineBytes, 0, used - 1);
            c.capacityKeys = std::max<qint64>(1,
                qint64(double(keys) * double(std::max<qint64>(limit - base, 1))
                    / double(used - base)));
            c.capacityEstimated = true;
            c.notes
                << u"capacity estimated: %1 keys use %2 of %3 bytes of maxmemory (%4 of them "
                   "Redis's own and its clients'), so about %5 keys fit; exact once Redis is full "
                   "(start the capture then)"_s.arg(keys)
                       .arg(used)
                       .arg(limit)
                       .arg(base)
                       .arg(c.capacityKeys);
        } else {
            c.notes << u"no keys yet: the capacity in keys cannot be estimated, no shadows (give "
                       "a capacity in keys)"_s;
        }
        if (c.ownPolicy.isEmpty())
            c.notes << u"maxmemory-policy %1 has no model in the registry: redis-lru stands "
                       "in for the per-prefix hit ratios"_s.arg(c.maxmemoryPolicy);
        if (c.capacityKeys > 0) {
            RedisEvictionOptions redis;
            redis.samples = intSetting(*info, u"maxmemory-samples"_s, redis.samples);
            redis.lfuLogFactor = intSetting(*info, u"lfu-log-factor"_s, redis.lfuLogFactor);
            redis.lfuDecayTime = intSetting(*info, u"lfu-decay-time"_s, redis.lfuDecayTime);
            const QString own = c.ownPolicy.isEmpty() ? u"redis-lru"_s : c.ownPolicy;
            auto model = [&](const QString &label, const QString &id, qint64 capacity,
                             int samples) {
                PolicyConfig config { capacity, SizeUnit::Objects, 42, redis };
                config.redis.samples = samples;
                config.redis.traceTimes = true; // MONITOR's own timestamps are the clock
                w.models.push_back({ RedisCaptureReadout { label, id, capacity, samples, 0, 0 },
                    findPolicy(id)->create(config) });
            };
            const qint64 cap = c.capacityKeys;
            model(c.ownPolicy.isEmpty() ? u"redis-lru (stand-in)"_s : u"own policy"_s, own, cap,
                redis.samples);
            model(u"allkeys-lfu"_s, u"redis-lfu"_s, cap, redis.samples);
            model(u"maxmemory-samples 10"_s, own, cap, 10);
            model(u"2x maxmemory"_s, own, 2 * cap, redis.samples);
            ShadowConfig shadowConfig;
            shadowConfig.capacity = cap;
            shadowConfig.adaptive = false; // every key: the capture is bounded already
            shadowConfig.redis = redis;
            Result<std::unique_ptr<ShadowSet>> made = ShadowSet::create(shadowConfig);
            if (!made)
                return fail(made.error());
            w.shadowSet = std::move(*made);
        }
    }

    // MONITOR: its reply is +OK, then a status reply per command the server runs.
    auto *reply = static_cast<redisReply *>(redisCommand(w.context, "MONITOR"));
    const QString address = source.address();
    if (!reply)
        return fail(monitorError(u"lost the connection to Redis at "_s + address
            + u" while starting MONITOR: "_s + QString::fromLocal8Bit(w.context->errstr)));
    if (reply->type == REDIS_REPLY_ERROR) {
        const QString text = QString::fromUtf8(reply->str, qsizetype(reply->len));
        freeReplyObject(reply);
        if (text.startsWith(u"NOPERM"_s))
            return fail(monitorError(u"Redis at "_s + address
                + u" refused MONITOR: the user has no permission to run it ("_s + text
                + u"); key capture needs a user with +monitor (ACL SETUSER <user> +monitor)"_s));
        return fail(monitorError(u"Redis at "_s + address + u" refused MONITOR: "_s + text));
    }
    freeReplyObject(reply);
    publish(RedisCaptureSnapshot::State::Capturing);

    const auto begin = std::chrono::steady_clock::now();
    auto lastPublish = begin;
    QString reason = u"stopped"_s;
    for (;;) {
        if (m_stop.load(std::memory_order_relaxed))
            break;
        const auto now = std::chrono::steady_clock::now();
        if (m_options.maxDurationMs > 0
            && now - begin >= std::chrono::milliseconds(m_options.maxDurationMs)) {
            reason = u"duration of %1 ms reached"_s.arg(m_options.maxDurationMs);
            break;
        }
        if (now - lastPublish >= std::chrono::milliseconds(m_options.publishIntervalMs)) {
            lastPublish = now;
            publish(RedisCaptureSnapshot::State::Capturing);
        }
        void *raw = nullptr;
        if (redisGetReplyFromReader(w.context, &raw) != REDIS_OK)
            return fail(monitorError(u"MONITOR stream from Redis at "_s + address
                + u" is not RESP: "_s + QString::fromLocal8Bit(w.context->errstr)));
        if (!raw) { // nothing buffered: wait for the socket
            pollfd fd { w.context->fd, POLLIN, 0 };
            const int ready = ::poll(&fd, 1, pollMs);
            if (ready < 0 && errno != EINTR)
                return fail(monitorError(u"waiting for MONITOR output failed: "_s
                    + QString::fromLocal8Bit(std::strerror(errno))));
            if (ready > 0 && redisBufferRead(w.context) != REDIS_OK)
                return fail(monitorError(u"lost the connection to Redis at "_s + address + u": "_s
                    + QString::fromLocal8Bit(w.context->errstr)));
            continue;
        }
        reply = static_cast<redisReply *>(raw);
        if (reply->type == REDIS_REPLY_STATUS || reply->type == REDIS_REPLY_STRING)
            handleLine(reply->str, reply->str + reply->len);
        freeReplyObject(reply);
        if (m_options.maxCommands > 0 && qint64(w.counts.commands) >= m_options.maxCommands) {
            reason = u"limit of %1 commands reached"_s.arg(m_options.maxCommands);
            break;
        }
    }
    if (w.record)
        std::fflush(w.record);
    redisFree(w.context);
    w.context = nullptr;
    w.counts.stopReason = reason;
    publish(RedisCaptureSnapshot::State::Finished);
}

void RedisCapture::handleLine(const char *begin, const char *end)
{
    Worker &w = *m_worker;
    RedisCaptureSnapshot &c = w.counts;
    ++c.commands;
    if (w.record) {
        std::fwrite(begin, 1, std::size_t(end - begin), w.record);
        std::fputc('\n', w.record);
        ++c.recordedLines;
    }
    RedisMonitorLineProblem problem;
    if (!parseRedisMonitorLine(begin, end, w.line, problem)) {
        ++c.malformed;
        return;
    }
    const RedisCommandKeys keys = redisCommandKeys(w.line);
    if (keys.kind == RedisCommandKeys::Kind::Other) {
        ++c.others;
        return;
    }
    const std::string &first = w.line.args[keys.first];
    if (keys.kind == RedisCommandKeys::Kind::Write) {
        ++c.writes;
        w.prefixes.addWrite(first, redisMonitorKey(first, w.line.db));
        return;
    }
    ++c.readCommands;
    if (!w.started) {
        w.started = true;
        w.origin = w.line.seconds / 60 * 60;
    }
    const auto time
        = quint32(std::min<quint64>(w.line.seconds >= w.origin ? w.line.seconds - w.origin : 0,
            std::numeric_limits<quint32>::max()));
    for (std::size_t i = keys.first; i < keys.first + keys.count; ++i) {
        const std::string &key = w.line.args[i];
        const Key hash = redisMonitorKey(key, w.line.db);
        ++c.reads;
        std::optional<bool> hit;
        const Request request { hash, -1, 1, time };
        for (Worker::Model &m : w.models) {
            const bool h = m.policy->access(request);
            if (m.warm) {
                ++m.warmRequests;
                m.warmHits += h ? 1 : 0;
            } else if (m.policy->entryCount() >= m.readout.capacity) {
                m.warm = true; // counted from the next read on
            }
            if (!hit)
                hit = h; // the first model is the own policy (or its stand-in)
        }
        w.prefixes.addRead(key, hash, hit);
        if (w.shadowSet) {
            w.shadowSet->producer(0).offer(hash, 1);
            if (++w.sinceDrain >= drainEvery) {
                w.shadowSet->drain();
                w.sinceDrain = 0;
            }
        }
    }
}

} // namespace CacheScope
