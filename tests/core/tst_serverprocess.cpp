// The private test servers (tests/serverprocess.h) that monitor and Redis-model tests start:
// each answers on its own port, goes away when killed, and comes back on the same port.

#include "serverprocess.h"

#include <QTcpSocket>
#include <QtTest>

using namespace CacheScope::TestSupport;

namespace {

QByteArray ask(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(2000))
        return {};
    socket.write(request);
    QByteArray reply;
    while (!reply.endsWith("\r\n") && socket.waitForReadyRead(2000))
        reply += socket.readAll();
    return reply;
}

} // namespace

class tst_ServerProcess : public QObject
{
    Q_OBJECT

private slots:
    void redisAnswersDiesAndComesBack()
    {
        ServerProcess redis;
        QVERIFY2(redis.start(ServerProcess::Kind::Redis,
                     { QStringLiteral("--maxmemory"), QStringLiteral("2mb") }),
            qPrintable(redis.error()));
        QCOMPARE(ask(redis.port(), "PING\r\n"), QByteArray("+PONG\r\n"));
        QVERIFY(ask(redis.port(), "CONFIG GET maxmemory\r\n").contains("2097152"));
        const quint16 port = redis.port();
        redis.kill();
        QVERIFY(!redis.running());
        QCOMPARE(ask(port, "PING\r\n"), QByteArray());
        QVERIFY2(redis.restart(), qPrintable(redis.error()));
        QCOMPARE(redis.port(), port);
        QCOMPARE(ask(port, "PING\r\n"), QByteArray("+PONG\r\n"));
    }

    void memcachedAnswers()
    {
        ServerProcess memcached;
        QVERIFY2(memcached.start(ServerProcess::Kind::Memcached), qPrintable(memcached.error()));
        QVERIFY(ask(memcached.port(), "version\r\n").startsWith("VERSION 1."));
    }
};

QTEST_GUILESS_MAIN(tst_ServerProcess)
#include "tst_serverprocess.moc"
