// Control lines of `run --control stdin` (parseLiveChange), and the names the Redis second
// tier's invalidation messages carry (publishedKeys, keyFromRedisName).
#include "core/session/livechange.h"

#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_LiveChange : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryField();
    void refusesBadLines_data();
    void refusesBadLines();
    void invalidationMessages();
};

void tst_LiveChange::parsesEveryField()
{
    const Result<LiveChange> c = parseLiveChange(
        R"({"invalidation": "Tracking", "write_ratio": 0.25, "l2_ttl_ms": "500", "threads": 8,
            "capacity": "64MB", "policy": " lru ", "stop": true})");
    QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->invalidation.value(), L2Invalidation::Tracking);
    QCOMPARE(c->writeRatio.value(), 0.25);
    QCOMPARE(c->l2TtlMs.value(), 500);
    QCOMPARE(c->threads.value(), 8);
    QCOMPARE(c->capacity->first, qint64(64) << 20);
    QCOMPARE(c->capacity->second, SizeUnit::Bytes);
    QCOMPARE(c->policy.value(), u"lru"_s);
    QVERIFY(c->stop);
    const Result<LiveChange> count = parseLiveChange(R"({"capacity": 1000})");
    QVERIFY(count);
    QCOMPARE(count->capacity->first, 1000);
    QCOMPARE(count->capacity->second, SizeUnit::Objects);
    const Result<LiveChange> empty = parseLiveChange("{}");
    QVERIFY(empty && !empty->writeRatio && !empty->stop);
}

void tst_LiveChange::refusesBadLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("not json") << QByteArray("hello") << u"line"_s << u"hello"_s;
    QTest::newRow("array") << QByteArray("[1]") << u"line"_s << u"[1]"_s;
    QTest::newRow("ratio > 1") << QByteArray(R"({"write_ratio": 1.5})") << u"write_ratio"_s
                               << u"1.5"_s;
    QTest::newRow("ratio text") << QByteArray(R"({"write_ratio": "x"})") << u"write_ratio"_s
                                << u"x"_s;
    QTest::newRow("threads 0") << QByteArray(R"({"threads": 0})") << u"threads"_s << u"0"_s;
    QTest::newRow("threads 2.5") << QByteArray(R"({"threads": 2.5})") << u"threads"_s << u"2.5"_s;
    QTest::newRow("threads huge") << QByteArray(R"({"threads": 1e300})") << u"threads"_s
                                  << u"1e+300"_s;
    QTest::newRow("ttl negative") << QByteArray(R"({"l2_ttl_ms": -1})") << u"l2_ttl_ms"_s
                                  << u"-1"_s;
    QTest::newRow("mode") << QByteArray(R"({"invalidation": "gossip"})") << u"invalidation"_s
                          << u"gossip"_s;
    QTest::newRow("capacity") << QByteArray(R"({"capacity": "lots"})") << u"capacity"_s
                              << u"lots"_s;
    QTest::newRow("capacity 0") << QByteArray(R"({"capacity": 0})") << u"capacity"_s << u"0"_s;
    QTest::newRow("policy") << QByteArray(R"({"policy": 3})") << u"policy"_s << u"3"_s;
    QTest::newRow("stop") << QByteArray(R"({"stop": "yes"})") << u"stop"_s << u"yes"_s;
    QTest::newRow("unknown") << QByteArray(R"({"colour": "red"})") << u"colour"_s << u"red"_s;
}

void tst_LiveChange::refusesBadLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, field);
    QFETCH(QString, value);
    const Result<LiveChange> c = parseLiveChange(line);
    QVERIFY(!c);
    QCOMPARE(c.error().field, field);
    QCOMPARE(c.error().value, value);
    QVERIFY(!c.error().message.isEmpty());
}

void tst_LiveChange::invalidationMessages()
{
    const QByteArrayView prefix("cachescope:");
    QCOMPARE(redisKeyName(prefix, 0xff), QByteArray("cachescope:00000000000000ff"));
    QCOMPARE(keyFromRedisName("cachescope:00000000000000ff", prefix).value(), Key(0xff));
    QCOMPARE(keyFromRedisName("cachescope:ffffffffffffffff", prefix).value(), ~Key(0));
    QVERIFY(!keyFromRedisName("cachescope:00000000000000FF", prefix)); // not our spelling
    QVERIFY(!keyFromRedisName("cachescope:ff", prefix));
    QVERIFY(!keyFromRedisName("other:00000000000000ff", prefix));
    QVERIFY(!keyFromRedisName("cachescope:0x000000000000ff", prefix));
    const QList<Key> keys = publishedKeys(
        "them cachescope:0000000000000001 junk cachescope:0000000000000002", prefix, "me");
    QCOMPARE(keys, (QList<Key> { 1, 2 }));
    QVERIFY(publishedKeys("me cachescope:0000000000000001", prefix, "me").isEmpty());
    QVERIFY(publishedKeys("", prefix, "me").isEmpty());
}

QTEST_GUILESS_MAIN(tst_LiveChange)
#include "tst_livechange.moc"
