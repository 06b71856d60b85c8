#pragma once

#include "core/cache/cachedresult.h"
#include "core/error.h"
#include "core/key.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

struct redisContext;

namespace CacheScope {

/// How instances sharing a second tier learn of each other's writes, to drop their L1 copies.
/// None: they do not (a copy lives until its TTL or eviction). PubSub: a writer publishes the
/// keys it deleted on the channel prefix + "invalidate"; every instance subscribes. Tracking:
/// Redis's client-side caching (CLIENT TRACKING in broadcast mode over the key prefix, RESP2
/// with a redirect): Redis itself reports every change of a key, fills and expiries included.
enum class L2Invalidation { None, PubSub, Tracking };
/// "none", "pubsub", "tracking".
QString invalidationName(L2Invalidation mode);
/// Parses those names; field "invalidation" in the error.
Result<L2Invalidation> parseInvalidation(const QString &text);

/// The shared second tier of the live engine (RunConfig::l2): a Redis behind the in-process
/// ResultCache. An L1 miss asks Redis; an L2 miss queries the database and fills both.
struct L2Settings
{
    QString url; // redis://HOST:PORT[/DB]; empty: no second tier
    QString password; // from --l2-password-env; never saved
    qint64 ttlMs = 0; // Redis expiry of what the run stores (PX); 0: none
    bool only = false; // no L1: every read asks Redis (for comparison)
    QString prefix = QStringLiteral("cachescope:"); // key names: prefix + 16 hex digits
    int timeoutMs = 1000; // connect and command timeout
    L2Invalidation invalidation = L2Invalidation::None;
    /// PubSub: who publishes (the engine sets a random one per run; a run skips its own).
    QByteArray origin;

    bool isSet() const { return !url.isEmpty(); }
    friend bool operator==(const L2Settings &, const L2Settings &) = default;
};

/// The wait before reconnecting to the second tier after a failure, for workers and the
/// invalidation listener alike: 100 ms after the first (current 0), doubling up to 2 s.
inline qint64 nextL2BackoffNs(qint64 currentNs) noexcept
{
    return currentNs ? std::min<qint64>(currentNs * 2, 2'000'000'000) : 100'000'000;
}

/// Where redis://HOST:PORT[/DB] points. Errors name field "l2" and the URL.
struct RedisAddress
{
    QString host;
    int port = 6379;
    int database = 0;
    friend bool operator==(const RedisAddress &, const RedisAddress &) = default;
};
Result<RedisAddress> parseRedisUrl(const QString &url);

/// A result as stored in Redis: a version byte, then QDataStream of the rows and the size.
QByteArray encodeCachedResult(const CachedResult &value);
/// The reverse; a value that is not one of ours (another program's key, a truncated value) is
/// an Error naming the key, never a crash.
Result<CachedResult> decodeCachedResult(QByteArrayView bytes);

/// One worker's connection to the second tier: blocking hiredis calls with timeouts, used only
/// by the thread that opened it (as a QSqlDatabase).
class RedisTierConnection
{
public:
    /// Connects, authenticates, selects the database and pings; errors say which step failed
    /// and name host:port.
    static Result<std::unique_ptr<RedisTierConnection>> open(const L2Settings &settings);
    ~RedisTierConnection();
    RedisTierConnection(const RedisTierConnection &) = delete;
    RedisTierConnection &operator=(const RedisTierConnection &) = delete;

    /// The value under `key`, or nothing. A value that does not decode counts as absent and is
    /// reported through `corrupt` (the caller counts an L2 error); the connection stays usable.
    Result<std::optional<CachedResult>> get(Key key, Error *corrupt = nullptr);
    /// Stores `value` under `key` (PX ttl when set) unless a write of a newer version than
    /// value.version left a tombstone there meanwhile (a server-side script: check and set in
    /// one step), so a fill never puts back what a write replaced.
    Result<void> set(Key key, const CachedResult &value);
    /// A write's invalidation: replaces the keys' values by short-lived tombstones carrying
    /// the `version` it committed (0: unknown), one round trip; in PubSub mode the keys are
    /// published to the other instances in the same round trip.
    Result<void> remove(const QList<Key> &keys, qint64 version = 0);
    /// INFO's answer (all sections of a default INFO: stats, memory, ...).
    Result<QByteArray> info();
    /// The Redis key name of `key`.
    QByteArray keyName(Key key) const;

private:
    RedisTierConnection() = default;
    Error failure(const QString &what) const;
    Result<void> loadFillScript();

    redisContext *m_context = nullptr;
    QString m_address; // host:port
    QByteArray m_prefix;
    qint64 m_ttlMs = 0;
    bool m_publish = false;
    QByteArray m_channel; // PubSub: where remove() publishes
    QByteArray m_origin;
    QByteArray m_fillSha; // the fill script's id (SCRIPT LOAD), loaded on first use
};

/// An instance's ear for the other instances' writes (L2Invalidation PubSub or Tracking): a
/// thread of its own with one Redis connection, subscribed, handing every key it hears of to
/// `apply` (the run invalidates its L1 copy). A lost connection is reported once per outage
/// through `failed` and reopened with backoff (100 ms doubling to 2 s); meanwhile messages are
/// lost, which the stale-read measurement then shows.
class InvalidationListener
{
public:
    using Apply = std::function<void(Key)>;
    using Failed = std::function<void(const Error &)>;
    InvalidationListener(L2Settings settings, Apply apply, Failed failed);
    /// Stops and joins the thread (at once: it waits on a pipe beside the socket).
    ~InvalidationListener();
    InvalidationListener(const InvalidationListener &) = delete;
    InvalidationListener &operator=(const InvalidationListener &) = delete;

    void start();
    /// Asks the thread to leave; the destructor joins it.
    void stop();
    /// True once subscribed (tests wait for it before writing).
    bool isSubscribed() const { return m_subscribed.load(std::memory_order_acquire); }

private:
    void run();
    bool listen(); // one connection's life; false when stopping

    const L2Settings m_settings;
    const Apply m_apply;
    const Failed m_failed;
    std::thread m_thread;
    std::atomic<bool> m_stopping { false };
    std::atomic<bool> m_subscribed { false };
    int m_wakePipe[2] = { -1, -1 };
};

/// `prefix` + the key in 16 lower-case hex digits: a result's name in Redis.
QByteArray redisKeyName(QByteArrayView prefix, Key key);
/// The reverse: the key of one of our names, or nothing for any other name.
std::optional<Key> keyFromRedisName(QByteArrayView name, QByteArrayView prefix);
/// The keys of a pub/sub invalidation message ("origin name name ..."): none when it came from
/// `skipOrigin` (the run's own); names that are not ours are left out. Outside input.
QList<Key> publishedKeys(QByteArrayView payload, QByteArrayView prefix, QByteArrayView skipOrigin);

/// A fresh random id for L2Settings::origin.
QByteArray newInvalidationOrigin();

} // namespace CacheScope
