// LocalRedisServer, the "Watch a Redis" scenario's throwaway server: it answers on its port with
// the maxmemory and policy asked for, is gone after stop() with its directory, and bad settings
// are refused with redis-server's own reason.
#include "core/monitor/localredis.h"

#include <QDir>
#include <QtTest>

#include <hiredis/hiredis.h>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

/// CONFIG GET's value, or the reply's text, or "" when nothing answers.
QByteArray ask(int port, const char *command)
{
    const timeval timeout { 1, 0 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, timeout);
    QByteArray text;
    if (c && !c->err) {
        auto *r = static_cast<redisReply *>(redisCommand(c, command));
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
            text = QByteArray(r->element[1]->str, qsizetype(r->element[1]->len));
        else if (r && r->str)
            text = QByteArray(r->str, qsizetype(r->len));
        freeReplyObject(r);
    }
    redisFree(c);
    return text;
}

} // namespace

class tst_LocalRedis : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!LocalRedisServer::isInstalled())
            QSKIP("redis-server is not installed (scripts/test installs it)");
    }

    void startsWithItsSettingsAndStops()
    {
        LocalRedisServer::Options options;
        options.maxmemory = u"3mb"_s;
        options.policy = u"allkeys-lfu"_s;
        auto server = LocalRedisServer::start(options);
        QVERIFY2(server, qPrintable(server ? QString() : server.error().toString()));
        const int port = (*server)->port();
        QVERIFY(port > 0);
        QCOMPARE(ask(port, "PING"), QByteArray("PONG"));
        QCOMPARE(ask(port, "CONFIG GET maxmemory"), QByteArray::number(3 * 1024 * 1024));
        QCOMPARE(ask(port, "CONFIG GET maxmemory-policy"), QByteArray("allkeys-lfu"));
        QCOMPARE(ask(port, "CONFIG GET save"), QByteArray(""));
        const QString dir = QString::fromUtf8(ask(port, "CONFIG GET dir"));
        QVERIFY(QDir(dir).exists());
        (*server)->stop();
        QCOMPARE(ask(port, "PING"), QByteArray());
        (*server)->stop(); // again: nothing happens
        server->reset();
        QVERIFY(!QDir(dir).exists()); // the throwaway directory went with it
    }

    void twoAtOnceGetTheirOwnPorts()
    {
        auto a = LocalRedisServer::start();
        auto b = LocalRedisServer::start();
        QVERIFY(a && b);
        QVERIFY((*a)->port() != (*b)->port());
        QCOMPARE(ask((*b)->port(), "PING"), QByteArray("PONG"));
    }

    void badSettingsAreRefused()
    {
        LocalRedisServer::Options options;
        options.policy = u"allkeys-bogus"_s;
        const auto server = LocalRedisServer::start(options);
        QVERIFY(!server);
        QVERIFY2(server.error().message.startsWith(u"redis-server refused to start: "_s),
            qPrintable(server.error().message));
        QVERIFY2(server.error().message.contains(u"maxmemory-policy"_s),
            qPrintable(server.error().message));
    }
};

QTEST_GUILESS_MAIN(tst_LocalRedis)
#include "tst_localredis.moc"
