// parseRedisInfo and redisSampleFromInfo on INFO replies captured from a real redis-server 7.0
// (tests/data/monitor/redis-info-*.txt) and on broken text.
#include "core/monitor/redisinfo.h"

#include <QFile>
#include <QtTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray readData(const QString &name)
{
    QFile f(QStringLiteral(CACHESCOPE_TEST_DATA "/monitor/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

class tst_RedisInfo : public QObject
{
    Q_OBJECT

private slots:
    void capturedWithMaxmemory()
    {
        const QByteArray text = readData(u"redis-info-maxmemory.txt"_s);
        QVERIFY(text.contains("\r\n")); // captured as the server sends it
        const Result<RedisInfo> info = parseRedisInfo(text);
        QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
        QCOMPARE(info->value(u"redis_version"_s), u"7.0.15"_s);
        QCOMPARE(info->value(u"maxmemory_policy"_s), u"allkeys-lru"_s);
        QCOMPARE(int(info->keyspace.size()), 2);
        QCOMPARE(info->keyspace[0].index, 0);
        QCOMPARE(info->keyspace[0].keys, 2447);
        QCOMPARE(info->keyspace[0].expires, 2447);
        QCOMPARE(info->keyspace[1].index, 3);

        const Result<MonitorSample> s = redisSampleFromInfo(*info, 0);
        QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
        QCOMPARE(s->hits, 10u);
        QCOMPARE(s->misses, 11u);
        QCOMPARE(s->evictions, 553u);
        QCOMPARE(s->expired, 0u);
        QCOMPARE(s->operations, 3026u);
        QCOMPARE(s->memoryBytes, 2099328);
        QCOMPARE(s->memoryLimitBytes, 2097152);
        QCOMPARE(s->keys, 2447);
        QCOMPARE(s->clients, 1);
        QCOMPARE(s->instance, u"d86293372d4312e9833b1264e02b025a1e0e3712"_s);
        QCOMPARE(redisSampleFromInfo(*info, 3)->keys, 1);
        QCOMPARE(redisSampleFromInfo(*info, 5)->keys, 0); // an empty database has no line
    }

    void capturedWithoutMaxmemory()
    {
        const Result<RedisInfo> info = parseRedisInfo(readData(u"redis-info-nomaxmemory.txt"_s));
        QVERIFY(info);
        QVERIFY(info->keyspace.empty());
        const Result<MonitorSample> s = redisSampleFromInfo(*info, 0);
        QVERIFY(s);
        QCOMPARE(s->memoryLimitBytes, 0);
        QVERIFY(s->memoryBytes > 0);
    }

    void lfLinesAndSections()
    {
        const Result<RedisInfo> info
            = parseRedisInfo("# Stats\nkeyspace_hits:5\n\n# Keyspace\ndb2:keys=7,expires=1\n");
        QVERIFY(info);
        QCOMPARE(info->value(u"keyspace_hits"_s), u"5"_s);
        QCOMPARE(info->keyspace.at(0).keys, 7);
    }

    void brokenLines_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("line");
        QTest::newRow("no colon") << QByteArray("# Stats\r\nkeyspace_hits 5\r\n") << qint64(2);
        QTest::newRow("empty name") << QByteArray(":5\r\n") << qint64(1);
        QTest::newRow("keyspace without keys") << QByteArray("db0:keys=x\r\n") << qint64(1);
        QTest::newRow("negative keys") << QByteArray("a:1\ndb1:keys=-3,expires=0\n") << qint64(2);
        QTest::newRow("db without number") << QByteArray("dbx:keys=1\n") << qint64(1);
    }

    void brokenLines()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, line);
        const Result<RedisInfo> info = parseRedisInfo(text);
        QVERIFY(!info);
        QCOMPARE(info.error().line, line);
        QVERIFY(!info.error().message.isEmpty());
    }

    void missingAndMalformedCounters()
    {
        const Result<RedisInfo> noHits = parseRedisInfo("keyspace_misses:1\n");
        QVERIFY(noHits);
        const Result<MonitorSample> a = redisSampleFromInfo(*noHits, 0);
        QVERIFY(!a);
        QCOMPARE(a.error().field, u"keyspace_hits"_s);
        QVERIFY(a.error().message.contains(u"missing"_s));

        QByteArray text = readData(u"redis-info-maxmemory.txt"_s);
        text.replace("evicted_keys:553", "evicted_keys:lots");
        const Result<MonitorSample> b = redisSampleFromInfo(*parseRedisInfo(text), 0);
        QVERIFY(!b);
        QCOMPARE(b.error().field, u"evicted_keys"_s);
        QCOMPARE(b.error().value, u"lots"_s);
    }
};

QTEST_GUILESS_MAIN(tst_RedisInfo)
#include "tst_redisinfo.moc"
