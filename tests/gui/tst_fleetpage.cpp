// The Fleet tab on real processes: two `cachescope-cli run` instances (a real SQLite demo file)
// sharing a real private redis-server; totals and each instance's lines reach the charts and the
// table, the instance selector shows an instance's own history, a live invalidation change is a
// marker and reaches the children, Stop ends every child and the server; bad settings are errors
// in the page's banner and the page carries on. Fleet scenarios load into the tab.
#include "core/monitor/localredis.h"
#include "gui/fleetpage.h"
#include "gui/livechart.h"
#include "gui/mainwindow.h"
#include "gui/messagebanner.h"
#include "testsupport.h"

#include "core/fleet/fleetrunner.h"

#include <QtTest>

#include <hiredis/hiredis.h>

#include <cerrno>
#include <csignal>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int waitMs = 60000;

bool processGone(qint64 pid) { return ::kill(pid_t(pid), 0) == -1 && errno == ESRCH; }

bool redisAnswers(const QString &url)
{
    const QUrl u(url);
    const timeval timeout { 0, 500000 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", u.port(), timeout);
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

class tst_FleetPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;

    void setUp(FleetPage &page) const
    {
        page.setDemoDatabase(m_db, 0.01); // 1 000 customers, created by the first start
        page.setProgram(TestSupport::cliPath());
        page.setIntervalMs(500);
        page.setMinRenderIntervalMs(50);
        page.resize(1300, 800);
        page.show();
    }

    static FleetPage::Settings twoInstances()
    {
        FleetPage::Settings s;
        s.instances = 2;
        s.threads = 1;
        s.keys = 300;
        s.writeRatio = 0.1;
        s.capacity = 40; // a small L1: many of its misses are Redis hits
        return s;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(u"demo.sqlite"_s);
    }

    void findsTheCliInTheBuildTree()
    {
        QStringList searched;
        const QString found = FleetPage::findCli(&searched);
        QVERIFY2(!found.isEmpty(), qPrintable(searched.join(u", "_s)));
        QCOMPARE(QFileInfo(found).fileName(), u"cachescope-cli"_s);
    }

    void fleetOfTwoSharingARedis()
    {
        if (!LocalRedisServer::isInstalled())
            QSKIP("redis-server is not installed (scripts/test installs it)");
        FleetPage page;
        setUp(page);
        page.setSettings(twoInstances());
        QVERIFY(page.start());
        QCOMPARE(page.state(), FleetPage::State::Starting); // database and server: off-thread
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), FleetPage::State::Running, waitMs);
        QVERIFY(page.redisUrl().startsWith(u"redis://127.0.0.1:"_s));
        FleetRunner *runner = page.runner();
        QVERIFY(runner);
        // "Until stopped" is not run's default of 10 s; the children take live changes.
        const QStringList args = runner->options().arguments;
        QCOMPARE(args.value(args.indexOf(u"--duration"_s) + 1), u"500h"_s);
        QVERIFY(runner->options().control);
        const QList<qint64> pids = { runner->processId(0), runner->processId(1) };
        QVERIFY(pids[0] > 0 && pids[1] > 0);
        qint64 received = 0; // invalidations the children heard of
        connect(runner, &FleetRunner::instanceLine, this, [&](int, const QJsonObject &line) {
            if (!line[u"final"_s].toBool())
                received += line[u"invalidations_received"_s].toInteger();
        });

        // About 3 s: totals on the charts, lines in the table, Redis serving L1 misses.
        QTRY_VERIFY_WITH_TIMEOUT(page.totalCount() >= 6, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(page.lastTotal()[u"l2_hits"_s].toInteger() > 0, waitMs);
        QCOMPARE(page.lastTotal()[u"instances_reporting"_s].toInt(), 2);
        LiveChart *throughput = page.chart(FleetPage::Throughput);
        QVERIFY(throughput->buffer(0).size() >= 6);
        QVERIFY(page.chart(FleetPage::HitRatio)->buffer(1).size() > 0); // L2's share
        FleetInstancesModel *table = page.instancesModel();
        QCOMPARE(table->rowCount(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(table->row(i).state, FleetInstancesModel::State::Running);
            QVERIFY(table->row(i).requestsPerSecond > 0);
            QVERIFY(table->row(i).l1Hits > 0);
            QVERIFY(table->row(i).dbQueries > 0);
        }
        QVERIFY(table->row(0).l2Hits + table->row(1).l2Hits > 0);
        QCOMPARE(received, 0); // invalidation off

        // Instance 1's own lines, its whole history at once; then the total again.
        page.selectInstance(1);
        const TimeSeries<FleetPoint> &own = page.history().points(1);
        QVERIFY(own.size() >= 3);
        QCOMPARE(throughput->buffer(0).size(), own.size());
        const TimeSeries<FleetPoint> &total = page.history().points(FleetPage::totalView);
        bool differs = false;
        for (qsizetype i = 0; i < own.size(); ++i) {
            QCOMPARE(throughput->buffer(0).at(i).y(), own.at(i).requestsPerSecond);
            if (i < total.size() && total.at(i).requestsPerSecond != own.at(i).requestsPerSecond)
                differs = true;
        }
        QVERIFY(differs);
        page.selectInstance(FleetPage::totalView);
        QCOMPARE(throughput->buffer(0).size(), total.size());

        // Live invalidation: a marker on every chart, and the children start hearing writes.
        page.setInvalidation(L2Invalidation::PubSub);
        for (int c = 0; c < FleetPage::ChartCount; ++c) {
            QCOMPARE(page.chart(c)->markerCount(), 1);
            QCOMPARE(page.chart(c)->markerLabel(0), u"invalidation none → pubsub"_s);
        }
        QTRY_VERIFY_WITH_TIMEOUT(received > 0, waitMs);
        page.selectInstance(0); // the marker stays across a switch
        QCOMPARE(page.chart(FleetPage::Staleness)->markerCount(), 1);

        // Stop: every child prints its final line and exits, the private Redis goes too.
        const QString redis = page.redisUrl();
        QVERIFY(redisAnswers(redis));
        page.stop();
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), FleetPage::State::Idle, waitMs);
        QVERIFY(!page.runner());
        for (const qint64 pid : pids)
            QVERIFY2(processGone(pid), qPrintable(QString::number(pid)));
        for (int i = 0; i < 2; ++i)
            QCOMPARE(table->row(i).state, FleetInstancesModel::State::Exited);
        QTRY_VERIFY_WITH_TIMEOUT(!redisAnswers(redis), waitMs);
        QCOMPARE(page.banner()->shownCount(), 0);
    }

    void unreachableRedisIsAnErrorAndThePageCarriesOn()
    {
        FleetPage page;
        setUp(page);
        FleetPage::Settings s = twoInstances();
        s.redisUrl = u"not a url"_s;
        page.setSettings(s);
        QVERIFY(!page.start()); // refused at once
        QCOMPARE(page.state(), FleetPage::State::Idle);
        QCOMPARE(page.banner()->kind(), MessageBanner::Kind::Error);
        QVERIFY2(page.banner()->text().contains(u"not a url"_s), qPrintable(page.banner()->text()));

        s.redisUrl = u"redis://127.0.0.1:1"_s; // nothing listens there
        page.setSettings(s);
        QSignalSpy errors(&page, &FleetPage::errorOccurred);
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), FleetPage::State::Idle, waitMs);
        QCOMPARE(errors.size(), 2); // each instance
        for (int i = 0; i < 2; ++i)
            QCOMPARE(page.instancesModel()->row(i).state, FleetInstancesModel::State::Failed);
        QVERIFY2(
            page.banner()->text().contains(u"127.0.0.1:1"_s), qPrintable(page.banner()->text()));

        page.setProgram(m_dir.filePath(u"no-such-cli"_s)); // and it can start again
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(page.state(), FleetPage::State::Idle, waitMs);
        QVERIFY(page.banner()->shownCount() >= 4);
    }

    void fleetScenariosLoadIntoTheFleetTab()
    {
        MainWindowOptions options;
        options.useSettings = false;
        options.demoDatabasePath = m_db;
        MainWindow window(options);
        QVERIFY(window.loadScenario(u"fleet-4-shared-redis"_s));
        const FleetPage::Settings s = window.fleetPage()->settings();
        QCOMPARE(s.instances, 4);
        QCOMPARE(s.capacity, 1000);
        QVERIFY(s.redisUrl.isEmpty()); // a private redis-server
        QVERIFY(window.loadScenario(u"write-heavy-fleet"_s));
        QCOMPARE(window.fleetPage()->settings().writeRatio, 0.2);
        QCOMPARE(window.fleetPage()->settings().invalidation, L2Invalidation::None);
    }
};

QTEST_MAIN(tst_FleetPage)
#include "tst_fleetpage.moc"
