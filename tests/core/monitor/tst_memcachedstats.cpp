// parseMemcachedStats, isCompleteMemcachedReply and memcachedSampleFromStats on replies
// captured from a real memcached 1.6 (-m 1, filled past its limit: tests/data/monitor/).
#include "core/monitor/memcachedstats.h"

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

class tst_MemcachedStats : public QObject
{
    Q_OBJECT

private slots:
    void captured()
    {
        const QByteArray statsText = readData(u"memcached-stats.txt"_s);
        const QByteArray itemsText = readData(u"memcached-stats-items.txt"_s);
        const QByteArray slabsText = readData(u"memcached-stats-slabs.txt"_s);
        for (const QByteArray *t : { &statsText, &itemsText, &slabsText })
            QVERIFY(isCompleteMemcachedReply(*t));
        const Result<MemcachedStats> stats = parseMemcachedStats(statsText);
        const Result<MemcachedStats> items = parseMemcachedStats(itemsText);
        const Result<MemcachedStats> slabs = parseMemcachedStats(slabsText);
        QVERIFY(stats && items && slabs);
        QCOMPARE(stats->value(u"version"_s), u"1.6.18"_s);
        QCOMPARE(slabs->value(u"active_slabs"_s), u"1"_s);

        const Result<MonitorSample> s = memcachedSampleFromStats(*stats, *items);
        QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
        QCOMPARE(s->hits, 100u);
        QCOMPARE(s->misses, 10u);
        QCOMPARE(s->gets, 110u);
        QCOMPARE(s->sets, 3000u);
        QCOMPARE(s->operations, 3110u);
        QCOMPARE(s->evictions, 2549u);
        QCOMPARE(s->evictedUnfetched, 2549u);
        QCOMPARE(s->expiredUnfetched, 0u);
        QCOMPARE(s->memoryBytes, 930864);
        QCOMPARE(s->memoryLimitBytes, 1048576);
        QCOMPARE(s->keys, 451);
        QCOMPARE(s->instance, u"826"_s);
        QCOMPARE(int(s->slabEvictions.size()), 1);
        QCOMPARE(s->slabEvictions[0].first, 15);
        QCOMPARE(s->slabEvictions[0].second, 2549u);
    }

    void completeness_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<bool>("complete");
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("partial line") << QByteArray("STAT pid 1\r\nSTAT up") << false;
        QTest::newRow("no END yet") << QByteArray("STAT pid 1\r\n") << false;
        QTest::newRow("END") << QByteArray("STAT pid 1\r\nEND\r\n") << true;
        QTest::newRow("only END") << QByteArray("END\r\n") << true;
        QTest::newRow("END inside a value") << QByteArray("STAT x END\r\n") << false;
        QTest::newRow("ERROR") << QByteArray("ERROR\r\n") << true;
        QTest::newRow("CLIENT_ERROR") << QByteArray("CLIENT_ERROR bad\r\n") << true;
    }

    void completeness()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, complete);
        QCOMPARE(isCompleteMemcachedReply(reply), complete);
    }

    void broken_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("says");
        QTest::newRow("server error") << QByteArray("ERROR\r\n") << u"refused"_s;
        QTest::newRow("no END") << QByteArray("STAT pid 1\r\n") << u"without END"_s;
        QTest::newRow("not STAT") << QByteArray("VALUE k 0 1\r\nEND\r\n") << u"STAT"_s;
        QTest::newRow("STAT without value") << QByteArray("STAT pid\r\nEND\r\n") << u"STAT"_s;
        QTest::newRow("after END") << QByteArray("END\r\nSTAT pid 1\r\n") << u"follows END"_s;
    }

    void broken()
    {
        QFETCH(QByteArray, reply);
        QFETCH(QString, says);
        const Result<MemcachedStats> parsed = parseMemcachedStats(reply);
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().toString().contains(says), qPrintable(parsed.error().toString()));
    }

    void badCounters()
    {
        MemcachedStats stats = *parseMemcachedStats(readData(u"memcached-stats.txt"_s));
        const MemcachedStats items;
        stats.insert(u"get_hits"_s, u"-1"_s);
        const Result<MonitorSample> a = memcachedSampleFromStats(stats, items);
        QVERIFY(!a);
        QCOMPARE(a.error().field, u"get_hits"_s);
        stats.remove(u"get_hits"_s);
        QVERIFY(memcachedSampleFromStats(stats, items).error().message.contains(u"missing"_s));

        const MemcachedStats good = *parseMemcachedStats(readData(u"memcached-stats.txt"_s));
        MemcachedStats badItems;
        badItems.insert(u"items:x:evicted"_s, u"3"_s);
        const Result<MonitorSample> b = memcachedSampleFromStats(good, badItems);
        QVERIFY(!b);
        QCOMPARE(b.error().field, u"items:x:evicted"_s);
    }
};

QTEST_GUILESS_MAIN(tst_MemcachedStats)
#include "tst_memcachedstats.moc"
