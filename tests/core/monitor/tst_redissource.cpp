// RedisSource against private redis-servers (tests/serverprocess.h): the hits and misses it
// reports are the ones driven here through hiredis; wrong or missing passwords, an unreachable
// port and a Redis without maxmemory each give a clear message.
#include "core/monitor/monitorinterval.h"
#include "core/monitor/redissource.h"

#include "serverprocess.h"

#include <QtTest>

#include <hiredis/hiredis.h>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A plain hiredis client that drives the server the source watches.
class Client
{
public:
    explicit Client(quint16 port, const QByteArray &password = {})
        : m_c(redisConnect("127.0.0.1", port))
    {
        if (!password.isEmpty())
            run("AUTH %b", password);
    }
    ~Client() { redisFree(m_c); }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    /// The reply's text ("" for nil); "ERR:..." for an error reply.
    QByteArray run(const char *format, const QByteArray &a = {}, const QByteArray &b = {})
    {
        auto *r = static_cast<redisReply *>(a.isNull() ? redisCommand(m_c, format)
                : b.isNull() ? redisCommand(m_c, format, a.constData(), size_t(a.size()))
                             : redisCommand(m_c, format, a.constData(), size_t(a.size()),
                                 b.constData(), size_t(b.size())));
        if (!r)
            return "ERR:connection";
        QByteArray text = r->type == REDIS_REPLY_ERROR ? "ERR:" + QByteArray(r->str, r->len)
            : r->str                                   ? QByteArray(r->str, qsizetype(r->len))
                                                       : QByteArray("");
        freeReplyObject(r);
        return text;
    }

private:
    redisContext *m_c;
};

RedisSettings settingsFor(const ServerProcess &server)
{
    RedisSettings s;
    s.host = server.host();
    s.port = server.port();
    return s;
}

QString setting(const MonitorServerInfo &info, const QString &name)
{
    for (const auto &[n, v] : info.settings) {
        if (n == name)
            return v;
    }
    return u"(absent)"_s;
}

} // namespace

class tst_RedisSource : public QObject
{
    Q_OBJECT

private slots:
    void hitRatioIsWhatWasDriven()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis,
                     { u"--maxmemory"_s, u"4mb"_s, u"--maxmemory-policy"_s, u"allkeys-lfu"_s }),
            qPrintable(server.error()));
        RedisSource source(settingsFor(server));
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
        QCOMPARE(info->version.section(u'.', 0, 0).toInt() >= 5, true);
        QCOMPARE(setting(*info, u"maxmemory"_s), u"4194304"_s);
        QCOMPARE(setting(*info, u"maxmemory-policy"_s), u"allkeys-lfu"_s);
        QCOMPARE(setting(*info, u"lfu-log-factor"_s), u"10"_s);
        QVERIFY(info->notes.isEmpty()); // it has a maxmemory: nothing to warn about

        MonitorTracker tracker;
        Result<MonitorSample> before = source.poll();
        QVERIFY(before);
        QCOMPARE(int(before->roundTripNs.size()), RedisSource::pingsPerPoll);
        tracker.add(*before);
        Client client(server.port());
        for (int i = 0; i < 5; ++i)
            QCOMPARE(client.run("SET %b %b", "k" + QByteArray::number(i), "v"), QByteArray("OK"));
        for (int i = 0; i < 7; ++i) // hits
            QCOMPARE(client.run("GET %b", "k" + QByteArray::number(i % 5)), QByteArray("v"));
        for (int i = 0; i < 4; ++i) // misses
            QCOMPARE(client.run("GET %b", "absent" + QByteArray::number(i)), QByteArray(""));
        const Result<MonitorSample> after = source.poll();
        QVERIFY(after);
        const auto r = tracker.add(*after).interval;
        QVERIFY(r);
        QCOMPARE(r->counts.hits, 7u);
        QCOMPARE(r->counts.misses, 4u);
        QCOMPARE(*r->counts.hitRatio(), 7.0 / 11.0);
        QCOMPARE(r->counts.operations, 16u); // the client's 16 commands, not the monitor's own
        QCOMPARE(r->keys, 5);
        QCOMPARE(r->memoryLimitBytes, 4194304);
        QVERIFY(r->latencyP50Ns > 0);
    }

    void keysOfTheChosenDatabase()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        Client client(server.port());
        QCOMPARE(client.run("SELECT 2"), QByteArray("OK"));
        QCOMPARE(client.run("SET a 1"), QByteArray("OK"));
        QCOMPARE(client.run("SET b 1"), QByteArray("OK"));
        RedisSettings s = settingsFor(server);
        s.database = 2;
        RedisSource source(s);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY(info);
        QCOMPARE(source.poll()->keys, 2);
        // No maxmemory: the user is told there is no eviction to model.
        QVERIFY(info->notes.join(u' ').contains(u"no eviction to model"_s));
    }

    void passwords()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis, { u"--requirepass"_s, u"s3cret"_s }),
            qPrintable(server.error()));
        RedisSettings s = settingsFor(server);
        {
            RedisSource none(s);
            const Result<MonitorServerInfo> info = none.connect();
            QVERIFY(!info);
            QVERIFY2(info.error().message.contains(u"needs a password"_s),
                qPrintable(info.error().message));
        }
        {
            s.password = u"wrong"_s;
            RedisSource wrong(s);
            const Result<MonitorServerInfo> info = wrong.connect();
            QVERIFY(!info);
            QVERIFY2(info.error().message.contains(u"refused the password"_s),
                qPrintable(info.error().message));
            QVERIFY(!info.error().message.contains(u"wrong"_s)); // never echo a password
        }
        s.password = u"s3cret"_s;
        RedisSource right(s);
        QVERIFY(right.connect());
        QVERIFY(right.poll());
    }

    void unreachable()
    {
        RedisSettings s;
        s.port = freeLocalPort(); // nothing listens there
        RedisSource source(s);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY(!info);
        QVERIFY2(info.error().message.startsWith(u"cannot connect to Redis at 127.0.0.1:"_s),
            qPrintable(info.error().message));
        QVERIFY(!source.poll()); // not connected: an error, not a crash
    }

    void notRedis()
    {
        ServerProcess memcached;
        QVERIFY2(memcached.start(ServerProcess::Kind::Memcached), qPrintable(memcached.error()));
        RedisSettings s;
        s.port = memcached.port();
        RedisSource source(s);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY(!info);
        QVERIFY2(
            info.error().message.contains(u"is it Redis?"_s), qPrintable(info.error().message));
    }

    void pollAfterTheServerDied()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        RedisSource source(settingsFor(server));
        QVERIFY(source.connect());
        QVERIFY(source.poll());
        server.kill();
        const Result<MonitorSample> lost = source.poll();
        QVERIFY(!lost);
        QVERIFY2(lost.error().message.contains(u"lost the connection"_s),
            qPrintable(lost.error().message));
        QVERIFY(server.restart());
        QVERIFY(source.connect());
        QVERIFY(source.poll());
    }
};

QTEST_GUILESS_MAIN(tst_RedisSource)
#include "tst_redissource.moc"
