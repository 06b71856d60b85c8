#pragma once

#include "core/cache/cachedresult.h"
#include "core/error.h"
#include "core/key.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

struct redisContext;

namespace CacheScope {

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

    bool isSet() const { return !url.isEmpty(); }
    friend bool operator==(const L2Settings &, const L2Settings &) = default;
};

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
    /// Stores `value` under `key` (PX ttl when set).
    Result<void> set(Key key, const CachedResult &value);
    /// Deletes the keys (a write's invalidation), one round trip.
    Result<void> remove(const QList<Key> &keys);
    /// The Redis key name of `key`.
    QByteArray keyName(Key key) const;

private:
    RedisTierConnection() = default;
    Error failure(const QString &what) const;

    redisContext *m_context = nullptr;
    QString m_address; // host:port
    QByteArray m_prefix;
    qint64 m_ttlMs = 0;
};

} // namespace CacheScope
