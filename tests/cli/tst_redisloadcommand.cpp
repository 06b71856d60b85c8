// cachescope-cli redis-load against a private redis-server: JSON lines whose final totals are the
// server's own counters; bad options exit 2 naming the option, an unreachable server exits 1.
#include "clirun.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>

#include <hiredis/hiredis.h>

using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

class tst_RedisLoadCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(u"redis-server"_s).isEmpty())
            QSKIP("redis-server is not installed (scripts/test installs it)");
    }

    void drivesTheServer()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        const QString address = u"127.0.0.1:"_s + QString::number(server.port());
        const CliRun r = runCli({ u"redis-load"_s, u"--redis"_s, address, u"--duration"_s,
            u"1200ms"_s, u"--interval-ms"_s, u"400"_s, u"--rate"_s, u"2000"_s, u"--connections"_s,
            u"1"_s, u"--output"_s, u"json"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        QVERIFY2(lines.size() >= 3, qPrintable(r.out)); // intervals, then the total
        const QJsonObject total = lines.last();
        QVERIFY(total[u"final"_s].toBool());
        const qint64 gets = total[u"gets"_s].toInteger();
        QVERIFY(gets > 0 && gets <= 2000 * 2); // the rate is a ceiling (1.2 s, with slack)
        QCOMPARE(total[u"hits"_s].toInteger() + total[u"misses"_s].toInteger(), gets);
        QCOMPARE(total[u"sets"_s].toInteger(), total[u"misses"_s].toInteger());
        redisContext *c = redisConnect("127.0.0.1", server.port());
        auto *dbsize = static_cast<redisReply *>(redisCommand(c, "DBSIZE"));
        // No maxmemory, one connection (two could both SET a key both missed): a key per SET.
        QCOMPARE(dbsize->integer, total[u"sets"_s].toInteger());
        freeReplyObject(dbsize);
        redisFree(c);
    }

    void badInput()
    {
        CliRun r = runCli({ u"redis-load"_s });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"give --redis HOST:PORT"_s), qPrintable(r.err));
        r = runCli({ u"redis-load"_s, u"--redis"_s, u"127.0.0.1:99999"_s });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--redis"_s), qPrintable(r.err));
        r = runCli({ u"redis-load"_s, u"--redis"_s, u"127.0.0.1:1"_s, u"--rate"_s, u"-3"_s });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--rate"_s), qPrintable(r.err));
        r = runCli({ u"redis-load"_s, u"--redis"_s,
            u"127.0.0.1:"_s + QString::number(freeLocalPort()), u"--duration"_s, u"1s"_s });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"cannot connect to Redis at 127.0.0.1:"_s), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(tst_RedisLoadCommand)
#include "tst_redisloadcommand.moc"
