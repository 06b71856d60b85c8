// "Watch a Redis": the demo starts a real local redis-server and CacheScope's load on it off the
// GUI thread, connects the Monitor tab to it (charts and counters fill with the load's GETs), and
// Disconnect ends it: the load stops and the server is gone.
#include "core/monitor/localredis.h"
#include "gui/livechart.h"
#include "gui/monitormodels.h"
#include "gui/keycapturepanel.h"
#include "gui/monitorpage.h"
#include "gui/redisdemo.h"

#include <QtTest>

#include <hiredis/hiredis.h>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

bool answers(int port)
{
    const timeval timeout { 0, 500000 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, timeout);
    bool ok = false;
    if (c && !c->err) {
        auto *r = static_cast<redisReply *>(redisCommand(c, "PING"));
        ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
    }
    redisFree(c);
    return ok;
}

} // namespace

class tst_RedisDemo : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!LocalRedisServer::isInstalled())
            QSKIP("redis-server is not installed (scripts/test installs it)");
    }

    void startsWatchesAndEndsOnDisconnect()
    {
        MonitorPage page;
        page.resize(1200, 800);
        page.show();
        RedisDemo::Options options;
        options.monitorIntervalMs = 200;
        options.ratePerSecond = 3000;
        RedisDemo demo(&page, options);
        QStringList messages;
        connect(&demo, &RedisDemo::message, this, [&](const QString &m) { messages << m; });
        demo.start();
        QCOMPARE(demo.state(), RedisDemo::State::Starting); // the server starts off this thread
        QTRY_COMPARE_WITH_TIMEOUT(demo.state(), RedisDemo::State::Running, 15000);
        const int port = demo.port();
        QVERIFY(port > 0);
        QVERIFY(answers(port));
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), MonitorPage::State::Monitoring, 10000);
        QVERIFY2(
            page.serverInfoText().contains(u"allkeys-lru"_s), qPrintable(page.serverInfoText()));
        // The load's GETs show in the tab: hits and misses, a hit ratio, evictions once the
        // 4 MB fill up are not guaranteed this soon, so only reads are checked.
        QTRY_VERIFY_WITH_TIMEOUT(page.intervalCount() >= 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            page.countersModel()
                    ->data(page.countersModel()->index(
                               MonitorCountersModel::Misses, MonitorCountersModel::TotalColumn),
                        MonitorCountersModel::ValueRole)
                    .toLongLong()
                > 0,
            10000);
        QVERIFY(demo.loadCounts().gets > 0);
        QVERIFY(page.chart(MonitorPage::HitRatio)->buffer(0).size() > 0);
        QVERIFY(messages.join(u'\n').contains(u"redis-server on 127.0.0.1:"_s));

        page.disconnectFromServer(); // the user's Disconnect ends the demo
        QTRY_COMPARE_WITH_TIMEOUT(demo.state(), RedisDemo::State::Idle, 15000);
        QCOMPARE(demo.port(), 0);
        QVERIFY(!answers(port));
        QCOMPARE(demo.loadCounts().gets, quint64(0)); // nothing runs any more
    }

    /// Once the Redis evicts, key capture starts: the what-if table puts its allkeys-lru
    /// replayed as redis-lru at the keys it holds (exact, not estimated) beside the measured.
    void captureStartsOnceFull()
    {
        MonitorPage page;
        page.resize(1200, 800);
        page.show();
        RedisDemo::Options options;
        options.maxmemory = u"2mb"_s;
        options.monitorIntervalMs = 200;
        RedisDemo demo(&page, options);
        demo.start();
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), MonitorPage::State::Monitoring, 15000);
        KeyCapturePanel *capture = page.keyCapture();
        QTRY_VERIFY_WITH_TIMEOUT(capture->isCapturing(), 30000);
        QVERIFY(page.countersModel()
                    ->data(page.countersModel()->index(
                               MonitorCountersModel::Evictions, MonitorCountersModel::TotalColumn),
                        MonitorCountersModel::ValueRole)
                    .toLongLong()
            > 0);
        const MonitorRowsModel *whatIf = capture->whatIfModel();
        QTRY_VERIFY_WITH_TIMEOUT(whatIf->rowCount() >= 5, 15000);
        QCOMPARE(whatIf->cell(0, 1), u"allkeys-lru"_s);
        QVERIFY2(!whatIf->cell(0, 2).contains(u"estimated"_s), qPrintable(whatIf->cell(0, 2)));
        QVERIFY2(whatIf->cell(1, 1).startsWith(u"redis-lru"_s), qPrintable(whatIf->cell(1, 1)));
        QTRY_VERIFY_WITH_TIMEOUT(
            capture->prefixModel()->rowCount() >= 3, 10000); // user, item, session
        page.disconnectFromServer();
        QTRY_COMPARE_WITH_TIMEOUT(demo.state(), RedisDemo::State::Idle, 15000);
        QVERIFY(!capture->isCapturing());
    }

    void stopWhileStartingDropsTheStart()
    {
        MonitorPage page;
        RedisDemo demo(&page);
        demo.start();
        demo.stop();
        QTRY_COMPARE_WITH_TIMEOUT(demo.state(), RedisDemo::State::Idle, 15000);
        QTest::qWait(1500); // the start lands meanwhile and is let go
        QCOMPARE(demo.state(), RedisDemo::State::Idle);
        QCOMPARE(page.state(), MonitorPage::State::Idle);
    }

    void badSettingsAreReported()
    {
        MonitorPage page;
        RedisDemo::Options options;
        options.policy = u"allkeys-bogus"_s;
        RedisDemo demo(&page, options);
        QSignalSpy failed(&demo, &RedisDemo::failed);
        demo.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
        QCOMPARE(demo.state(), RedisDemo::State::Idle);
        const auto error = failed.at(0).at(1).value<CacheScope::Error>();
        QVERIFY2(
            error.message.contains(u"redis-server refused to start"_s), qPrintable(error.message));
    }
};

QTEST_MAIN(tst_RedisDemo)
#include "tst_redisdemo.moc"
