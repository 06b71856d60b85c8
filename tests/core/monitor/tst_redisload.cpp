// RedisLoad (CacheScope's own cache-aside load for a Redis) against private redis-servers: what
// it counts is what the server counted (INFO keyspace_hits/misses, DBSIZE), the streams' prefixes
// get their shares, a rate is a ceiling, bad settings and passwords are named, and a server that
// dies mid-run is retried until it is back.
#include "core/monitor/redisload.h"

#include "serverprocess.h"

#include <QtTest>

#include <hiredis/hiredis.h>

#include <chrono>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A field of INFO, or DBSIZE, through a plain hiredis client.
qint64 ask(quint16 port, const char *command, const QByteArray &field = {})
{
    redisContext *c = redisConnect("127.0.0.1", port);
    auto *r = static_cast<redisReply *>(redisCommand(c, command));
    qint64 value = -1;
    if (r && r->type == REDIS_REPLY_INTEGER)
        value = r->integer;
    if (r && r->type == REDIS_REPLY_STRING) {
        for (const QByteArray &line : QByteArray(r->str, qsizetype(r->len)).split('\n'))
            if (line.startsWith(QByteArray(field + ':')))
                value = line.mid(field.size() + 1).trimmed().toLongLong();
    }
    freeReplyObject(r);
    redisFree(c);
    return value;
}

/// Keys of the database matching `pattern` (SCAN, so the server is not blocked).
qint64 countKeys(quint16 port, const QByteArray &pattern)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    qint64 n = 0;
    QByteArray cursor = "0";
    do {
        auto *r = static_cast<redisReply *>(
            redisCommand(c, "SCAN %b MATCH %b COUNT 1000", cursor.constData(),
                size_t(cursor.size()), pattern.constData(), size_t(pattern.size())));
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            freeReplyObject(r);
            n = -1;
            break;
        }
        cursor = QByteArray(r->element[0]->str, qsizetype(r->element[0]->len));
        n += qint64(r->element[1]->elements);
        freeReplyObject(r);
    } while (cursor != "0");
    redisFree(c);
    return n;
}

RedisLoadConfig configFor(const ServerProcess &server)
{
    RedisLoadConfig config;
    config.server.host = server.host();
    config.server.port = server.port();
    return config;
}

} // namespace

class tst_RedisLoad : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(u"redis-server"_s).isEmpty())
            QSKIP("redis-server is not installed (scripts/test installs it)");
    }

    /// Cache-aside: every miss is followed by a SET, nothing expires or is evicted (no
    /// maxmemory), so the server holds exactly one key per miss and its own counters match.
    void countsMatchTheServer()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        // One connection: two could both miss a hot key and both SET it (one key, two SETs).
        RedisLoadConfig config = configFor(server);
        config.connections = 1;
        auto load = RedisLoad::start(config);
        QVERIFY2(load, qPrintable(load ? QString() : load.error().toString()));
        QTRY_VERIFY_WITH_TIMEOUT((*load)->counts().gets >= 5000, 20000);
        (*load)->stop();
        const RedisLoad::Counts n = (*load)->counts();
        QCOMPARE(n.errors, quint64(0));
        QCOMPARE(n.hits + n.misses, n.gets);
        QCOMPARE(n.sets, n.misses);
        QVERIFY(n.hits > 0); // the zipf streams repeat their hot keys
        QCOMPARE(ask(server.port(), "INFO stats", "keyspace_hits"), qint64(n.hits));
        QCOMPARE(ask(server.port(), "INFO stats", "keyspace_misses"), qint64(n.misses));
        QCOMPARE(ask(server.port(), "DBSIZE"), qint64(n.sets));
        // The default streams: user (60%), item (30%), session (10%, every key new: one key
        // per session request). Keys per prefix sum to the whole; sessions never hit.
        const qint64 users = countKeys(server.port(), "user:*");
        const qint64 items = countKeys(server.port(), "item:*");
        const qint64 sessions = countKeys(server.port(), "session:*");
        QCOMPARE(users + items + sessions, qint64(n.sets));
        QVERIFY(users > 0 && items > 0 && sessions > 0);
        QVERIFY2(users <= 10000 && items <= 50000, qPrintable(u"%1 %2"_s.arg(users).arg(items)));
        // About 10% of the GETs are sessions (binomial: 5 000 draws stay well within 7-13%).
        const double sessionShare = double(sessions) / double(n.gets);
        QVERIFY2(
            sessionShare > 0.07 && sessionShare < 0.13, qPrintable(QString::number(sessionShare)));
    }

    /// --rate is a ceiling: never more GETs than the rate allows for the time that passed.
    void rateIsACeiling()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        RedisLoadConfig config = configFor(server);
        config.ratePerSecond = 200;
        const auto begin = std::chrono::steady_clock::now();
        auto load = RedisLoad::start(config);
        QVERIFY(load);
        QTest::qWait(1000);
        (*load)->stop();
        const double seconds
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        const quint64 gets = (*load)->counts().gets;
        QVERIFY2(double(gets) <= 200 * seconds + 2, qPrintable(QString::number(gets)));
        QVERIFY(gets > 0);
    }

    void badSettingsAreNamed_data()
    {
        QTest::addColumn<QString>("field");
        QTest::newRow("connections") << u"connections"_s;
        QTest::newRow("weight") << u"streams[1].weight"_s;
        QTest::newRow("keys") << u"streams[0].keys"_s;
        QTest::newRow("prefix") << u"streams[2].prefix"_s;
        QTest::newRow("rate") << u"rate"_s;
    }
    void badSettingsAreNamed()
    {
        QFETCH(QString, field);
        RedisLoadConfig config;
        if (field == u"connections"_s)
            config.connections = 0;
        else if (field == u"streams[1].weight"_s)
            config.streams[1].weight = -1;
        else if (field == u"streams[0].keys"_s)
            config.streams[0].keys = 0;
        else if (field == u"streams[2].prefix"_s)
            config.streams[2].prefix = u"a b"_s;
        else
            config.ratePerSecond = -5;
        const auto load = RedisLoad::start(config);
        QVERIFY(!load);
        QCOMPARE(load.error().field, field);
    }

    void unreachableAndPasswords()
    {
        RedisLoadConfig config;
        config.server.port = int(freeLocalPort());
        const auto none = RedisLoad::start(config);
        QVERIFY(!none);
        QVERIFY2(none.error().message.startsWith(u"cannot connect to Redis at 127.0.0.1:"_s),
            qPrintable(none.error().message));

        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis, { u"--requirepass"_s, u"s3cret"_s }),
            qPrintable(server.error()));
        config = configFor(server);
        const auto noAuth = RedisLoad::start(config);
        QVERIFY(!noAuth);
        QVERIFY2(noAuth.error().message.contains(u"NOAUTH"_s), qPrintable(noAuth.error().message));
        config.server.password = u"wrong"_s;
        const auto wrong = RedisLoad::start(config);
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.contains(u"WRONGPASS"_s)
                || wrong.error().message.contains(u"invalid"_s),
            qPrintable(wrong.error().message));
        config.server.password = u"s3cret"_s;
        auto right = RedisLoad::start(config);
        QVERIFY2(right, qPrintable(right ? QString() : right.error().toString()));
        QTRY_VERIFY_WITH_TIMEOUT((*right)->counts().gets > 100, 10000);
    }

    /// A server killed mid-run: errors counted and said, no crash (no SIGPIPE), and the load
    /// resumes once the server is back on the same port.
    void serverRestartedMidRun()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        auto load = RedisLoad::start(configFor(server));
        QVERIFY(load);
        QTRY_VERIFY_WITH_TIMEOUT((*load)->counts().gets > 500, 10000);
        server.kill();
        QTRY_VERIFY_WITH_TIMEOUT((*load)->counts().errors > 0, 10000);
        QVERIFY2((*load)->lastError().contains(u"Redis at 127.0.0.1:"_s),
            qPrintable((*load)->lastError()));
        QVERIFY2(server.restart(), qPrintable(server.error()));
        const quint64 before = (*load)->counts().gets;
        QTRY_VERIFY_WITH_TIMEOUT((*load)->counts().gets > before + 100, 15000);
    }
};

QTEST_GUILESS_MAIN(tst_RedisLoad)
#include "tst_redisload.moc"
