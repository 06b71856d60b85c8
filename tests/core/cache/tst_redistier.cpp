// The Redis second tier's pieces: the address grammar, the value format, and one connection
// against a real redis-server of the test's own (ServerProcess): get/set/remove, expiry, a
// password, an unreachable server, a value another program wrote.
#include "serverprocess.h"

#include "core/cache/redistier.h"

#include <QTest>

#include <hiredis/hiredis.h>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

class tst_RedisTier : public QObject
{
    Q_OBJECT

private slots:
    void urls_data();
    void urls();
    void valuesRoundTrip();
    void damagedValuesAreErrors();
    void connectionAgainstRedis();
    void passwordAndUnreachable();
    void fillsNeverPutBackWhatAWriteReplaced();
};

void tst_RedisTier::urls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host"); // empty: an error is expected
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("database");
    QTest::newRow("plain") << u"redis://127.0.0.1:6380"_s << u"127.0.0.1"_s << 6380 << 0;
    QTest::newRow("default port") << u"redis://cache.local"_s << u"cache.local"_s << 6379 << 0;
    QTest::newRow("database") << u"redis://h:7000/3"_s << u"h"_s << 7000 << 3;
    QTest::newRow("trailing slash") << u"redis://h:7000/"_s << u"h"_s << 7000 << 0;
    QTest::newRow("no scheme") << u"127.0.0.1:6379"_s << QString() << 0 << 0;
    QTest::newRow("http") << u"http://h:6379"_s << QString() << 0 << 0;
    QTest::newRow("database 16") << u"redis://h:6379/16"_s << QString() << 0 << 0;
    QTest::newRow("database text") << u"redis://h:6379/x"_s << QString() << 0 << 0;
    QTest::newRow("password in url") << u"redis://:secret@h:6379"_s << QString() << 0 << 0;
    QTest::newRow("port 0") << u"redis://h:0"_s << QString() << 0 << 0;
    QTest::newRow("query") << u"redis://h:6379?db=2"_s << QString() << 0 << 0;
}

void tst_RedisTier::urls()
{
    QFETCH(QString, url);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(int, database);
    const Result<RedisAddress> a = parseRedisUrl(url);
    if (host.isEmpty()) {
        QVERIFY(!a);
        QCOMPARE(a.error().field, u"l2"_s);
        QCOMPARE(a.error().value, url);
        QVERIFY(!a.error().message.isEmpty());
        if (url.contains(u"secret"_s))
            QVERIFY2(
                a.error().message.contains(u"--l2-password-env"_s), qPrintable(a.error().message));
        return;
    }
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->host, host);
    QCOMPARE(a->port, port);
    QCOMPARE(a->database, database);
}

void tst_RedisTier::valuesRoundTrip()
{
    CachedResult v;
    v.rows = { QVariantList { 1, u"Ada"_s, 2.5, QVariant(), QByteArray("\0x", 2) },
        QVariantList { 2, u"Grace"_s, -1.0, true, QByteArray() },
        // What the libpq reader gives: typed nulls, bigints, dates and times, empty text.
        QVariantList { QVariant(QMetaType::fromType<int>()),
            QVariant(QMetaType::fromType<QString>()), qlonglong(1) << 40, uint(7),
            QDate(2026, 12, 3), QTime(18, 30, 5, 250),
            QDateTime::fromMSecsSinceEpoch(1'800'000'000'123), u""_s } };
    v.sizeBytes = 321;
    const QByteArray bytes = encodeCachedResult(v);
    const Result<CachedResult> back = decodeCachedResult(bytes);
    QVERIFY(back);
    QCOMPARE(back->rows, v.rows);
    QCOMPARE(back->sizeBytes, 321);
    QCOMPARE(back->rows[2][0].typeId(), QMetaType::Int); // a null keeps its column's type
    QVERIFY(back->rows[2][0].isNull());
    QVERIFY(!back->rows[2][7].toString().isNull()); // empty text is not NULL
    QVERIFY(decodeCachedResult(encodeCachedResult(CachedResult {})));
}

void tst_RedisTier::damagedValuesAreErrors()
{
    const QByteArray good = encodeCachedResult(CachedResult::fromRows({ { 1, u"x"_s } }));
    QVERIFY(!decodeCachedResult(QByteArray()));
    QVERIFY(!decodeCachedResult("hello")); // another program's value
    QVERIFY(!decodeCachedResult(good.left(good.size() - 3))); // truncated
    QVERIFY(!decodeCachedResult(QByteArray(good + "extra")));
    QByteArray otherVersion = good;
    otherVersion[0] = 9;
    QVERIFY(!decodeCachedResult(otherVersion));
}

void tst_RedisTier::connectionAgainstRedis()
{
    ServerProcess redis;
    if (!redis.start(ServerProcess::Kind::Redis))
        QSKIP(qPrintable(redis.error()));
    L2Settings s;
    s.url = u"redis://127.0.0.1:%1/2"_s.arg(redis.port());
    s.prefix = u"tst:"_s;
    Result<std::unique_ptr<RedisTierConnection>> opened = RedisTierConnection::open(s);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    RedisTierConnection &c = **opened;
    QCOMPARE(c.keyName(0xabc), QByteArray("tst:0000000000000abc"));

    QVERIFY(c.get(7).value() == std::nullopt);
    const CachedResult v = CachedResult::fromRows({ { 7, u"seven"_s } });
    QVERIFY(c.set(7, v));
    const auto got = c.get(7);
    QVERIFY(got && *got);
    QCOMPARE((*got)->rows, v.rows);
    QVERIFY(c.set(8, v));
    QVERIFY(c.remove({ 7, 8, 9 }));
    QVERIFY(c.get(7).value() == std::nullopt);
    QVERIFY(c.get(8).value() == std::nullopt);

    // What the run stored is in database 2 under the prefix, with the TTL asked for; a value
    // another program put under one of our names is reported, not trusted.
    s.ttlMs = 60'000;
    auto withTtl = RedisTierConnection::open(s);
    QVERIFY(withTtl);
    QVERIFY((*withTtl)->set(10, v));
    redisContext *raw = redisConnect("127.0.0.1", redis.port());
    QVERIFY(raw && !raw->err);
    auto command = [raw](const char *text) {
        auto *r = static_cast<redisReply *>(redisCommand(raw, text));
        const QByteArray out = r && r->type == REDIS_REPLY_STRING
            ? QByteArray(r->str, qsizetype(r->len))
            : QByteArray::number(r ? r->integer : -1);
        freeReplyObject(r);
        return out;
    };
    command("SELECT 2");
    const qint64 pttl = command("PTTL tst:000000000000000a").toLongLong();
    QVERIFY2(pttl > 50'000 && pttl <= 60'000, qPrintable(QString::number(pttl)));
    command("SET tst:000000000000000b not-ours");
    Error corrupt;
    const auto foreign = (*withTtl)->get(11, &corrupt);
    QVERIFY(foreign && !*foreign);
    QCOMPARE(corrupt.value, u"tst:000000000000000b"_s);
    QVERIFY2(corrupt.message.contains(u"unknown format"_s), qPrintable(corrupt.message));
    redisFree(raw);

    // The server goes away: a command fails with a message naming it.
    redis.kill();
    const auto lost = c.get(7);
    QVERIFY(!lost);
    QVERIFY2(lost.error().message.startsWith(u"Redis at 127.0.0.1:%1"_s.arg(redis.port())),
        qPrintable(lost.error().toString()));
}

void tst_RedisTier::passwordAndUnreachable()
{
    L2Settings nowhere;
    nowhere.url = u"redis://127.0.0.1:1"_s;
    nowhere.timeoutMs = 500;
    const auto refused = RedisTierConnection::open(nowhere);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.startsWith(u"cannot connect to Redis at 127.0.0.1:1: "_s),
        qPrintable(refused.error().toString()));

    ServerProcess redis;
    if (!redis.start(ServerProcess::Kind::Redis, { u"--requirepass"_s, u"s3cret"_s }))
        QSKIP(qPrintable(redis.error()));
    L2Settings s;
    s.url = u"redis://127.0.0.1:%1"_s.arg(redis.port());
    const auto noAuth = RedisTierConnection::open(s);
    QVERIFY(!noAuth);
    QVERIFY2(noAuth.error().message.contains(u"NOAUTH"_s), qPrintable(noAuth.error().toString()));
    s.password = u"wrong"_s;
    QVERIFY(!RedisTierConnection::open(s));
    s.password = u"s3cret"_s;
    const auto ok = RedisTierConnection::open(s);
    QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().toString()));
    QVERIFY((*ok)->set(1, CachedResult::fromRows({ { 1 } })));
}

/// The cache-aside race (a reader's GET misses, it reads the database, a write commits and
/// invalidates, the reader's SET lands): the write's tombstone refuses the older fill.
void tst_RedisTier::fillsNeverPutBackWhatAWriteReplaced()
{
    ServerProcess redis;
    if (!redis.start(ServerProcess::Kind::Redis))
        QSKIP(qPrintable(redis.error()));
    L2Settings s;
    s.url = u"redis://127.0.0.1:%1"_s.arg(redis.port());
    s.prefix = u"race:"_s;
    Result<std::unique_ptr<RedisTierConnection>> opened = RedisTierConnection::open(s);
    QVERIFY(opened);
    RedisTierConnection &c = **opened;
    CachedResult old = CachedResult::fromRows({ { 1, u"v4"_s, 4 } });
    old.version = 4;
    CachedResult fresh = CachedResult::fromRows({ { 1, u"v5"_s, 5 } });
    fresh.version = 5;
    QVERIFY(c.set(1, old));
    QVERIFY(c.remove({ 1 }, 5)); // the write of version 5
    QVERIFY(c.set(1, old)); // the slow reader's fill: accepted as a command, not stored
    QVERIFY(c.get(1).value() == std::nullopt);
    QVERIFY(c.set(1, fresh)); // a fill that saw the write replaces the tombstone
    QCOMPARE(c.get(1).value()->version, 5);
    QCOMPARE(c.get(1).value()->rows, fresh.rows);
    // A result without a version (range, aggregate) waits until the tombstone is gone.
    CachedResult unversioned = CachedResult::fromRows({ { 7 } });
    QVERIFY(c.remove({ 2 }, 5));
    QVERIFY(c.set(2, unversioned));
    QVERIFY(c.get(2).value() == std::nullopt);
    // A restarted Redis forgot the fill script: it is loaded again, the fill goes through.
    redisContext *raw = redisConnect("127.0.0.1", redis.port());
    QVERIFY(raw && !raw->err);
    freeReplyObject(redisCommand(raw, "SCRIPT FLUSH"));
    redisFree(raw);
    QVERIFY(c.set(3, fresh));
    QCOMPARE(c.get(3).value()->version, 5);
}

QTEST_GUILESS_MAIN(tst_RedisTier)
#include "tst_redistier.moc"
