// The app's Monitor tab against private redis-server and memcached processes
// (tests/serverprocess.h): the hits and misses driven here through hiredis and the text protocol
// reach the counters and the hit-ratio chart; a wrong password, a killed server and Disconnect
// each show what happened in the app's log and banner, and the app carries on. With a run history,
// each session is recorded (kind monitor) from Connect to Disconnect or the window's closing.
#include "core/history/historywriter.h"
#include "core/history/runhistory.h"
#include "gui/guiresources.h"
#include "gui/keycapturepanel.h"
#include "gui/livechart.h"
#include "gui/logmodel.h"
#include "gui/mainwindow.h"
#include "gui/messagebanner.h"
#include "gui/monitormodels.h"
#include "gui/monitorpage.h"

#include "serverprocess.h"

#include <QFile>
#include <QLineEdit>
#include <QLineSeries>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <hiredis/hiredis.h>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A plain hiredis client that drives the Redis the tab watches.
class RedisClient
{
public:
    explicit RedisClient(quint16 port)
        : m_c(redisConnect("127.0.0.1", port))
    {
    }
    ~RedisClient() { redisFree(m_c); }
    RedisClient(const RedisClient &) = delete;
    RedisClient &operator=(const RedisClient &) = delete;

    /// The reply's text ("" for nil, "ERR:..." for an error).
    QByteArray run(const QByteArray &command)
    {
        auto *r = static_cast<redisReply *>(redisCommand(m_c, command.constData()));
        if (!r)
            return "ERR:connection";
        QByteArray text = r->type == REDIS_REPLY_ERROR ? "ERR:" + QByteArray(r->str, r->len)
            : r->str                                   ? QByteArray(r->str, qsizetype(r->len))
                                                       : QByteArray("");
        freeReplyObject(r);
        return text;
    }
    /// One field of INFO, as a number.
    qint64 info(const QByteArray &field)
    {
        for (const QByteArray &line : run("INFO").split('\n')) {
            if (line.startsWith(QByteArray(field + ':')))
                return line.mid(field.size() + 1).trimmed().toLongLong();
        }
        return -1;
    }

private:
    redisContext *m_c;
};

/// A text-protocol memcached client.
class MemcachedClient
{
public:
    explicit MemcachedClient(quint16 port) { m_socket.connectToHost(u"127.0.0.1"_s, port); }
    QByteArray request(const QByteArray &bytes, const QByteArray &lastLine)
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState && !m_socket.waitForConnected(2000))
            return {};
        m_socket.write(bytes);
        QByteArray reply;
        while (!reply.endsWith(lastLine) && m_socket.waitForReadyRead(2000))
            reply += m_socket.readAll();
        return reply;
    }
    bool set(const QByteArray &key, const QByteArray &value)
    {
        return request("set " + key + " 0 0 " + QByteArray::number(value.size()) + "\r\n" + value
                       + "\r\n",
                   "\r\n")
            == "STORED\r\n";
    }
    bool get(const QByteArray &key)
    {
        return request("get " + key + "\r\n", "END\r\n") != "END\r\n";
    }

private:
    QTcpSocket m_socket;
};

/// A counter of the whole monitor (counters table, total column), -1 before any.
qint64 total(MonitorPage *page, MonitorCountersModel::Row row)
{
    const QVariant v = page->countersModel()->data(
        page->countersModel()->index(row, MonitorCountersModel::TotalColumn),
        MonitorCountersModel::ValueRole);
    return v.isValid() ? v.toLongLong() : -1;
}

/// The row of a rows model whose first cell is `first`, -1 when none.
int rowOf(const MonitorRowsModel *model, const QString &first)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->cell(r, 0) == first)
            return r;
    }
    return -1;
}

bool logHas(const LogModel *log, LogModel::Level level, const QString &text)
{
    for (int i = 0; i < log->rowCount(); ++i) {
        if (log->level(i) == level && log->message(i).contains(text))
            return true;
    }
    return false;
}

bool chartHasMarker(const LiveChart *chart, const QString &text)
{
    for (int i = 0; i < chart->markerCount(); ++i) {
        if (chart->markerLabel(i).contains(text))
            return true;
    }
    return false;
}

} // namespace

class tst_MonitorPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        initCacheScopeResources();
    }
    void redisHitsMissesHiddenTabAndDisconnect();
    void wrongPasswordIsReported();
    void killedServerReconnectsWithMarker();
    void memcachedCountersAndSlabs();
    void redisKeyCapturePrefixesAndWhatIf();
    void keyCaptureLostIsReported();
    void keyCaptureRefusedByAcl();
    void sessionsAreRecordedInTheHistory();

private:
    std::unique_ptr<MainWindow> makeWindow(const QString &historyPath = {});
    MonitorPage *connectTo(
        MainWindow &w, MonitorPage::Source source, quint16 port, const QString &password = {});

    QTemporaryDir m_dir;
};

std::unique_ptr<MainWindow> tst_MonitorPage::makeWindow(const QString &historyPath)
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
    options.useSettings = false;
    options.historyPath = historyPath;
    auto w = std::make_unique<MainWindow>(options);
    w->resize(1400, 860);
    w->show();
    return w;
}

MonitorPage *tst_MonitorPage::connectTo(
    MainWindow &w, MonitorPage::Source source, quint16 port, const QString &password)
{
    MonitorPage *page = w.monitorPage();
    w.showMonitorTab();
    page->setMinRenderIntervalMs(0);
    page->setSource(source);
    page->setHost(u"127.0.0.1"_s);
    page->setPort(port);
    page->setPassword(password);
    page->setIntervalMs(100);
    page->connectToServer();
    return page;
}

void tst_MonitorPage::redisHitsMissesHiddenTabAndDisconnect()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis,
                 { u"--maxmemory"_s, u"8mb"_s, u"--maxmemory-policy"_s, u"allkeys-lfu"_s }),
        qPrintable(server.error()));
    auto w = makeWindow();
    MonitorPage *page = connectTo(*w, MonitorPage::Source::Redis, server.port());
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    // The password field never shows what is typed.
    QCOMPARE(page->findChild<QLineEdit *>(u"passwordEdit"_s)->echoMode(), QLineEdit::Password);
    QVERIFY2(page->serverInfoText().contains(u"maxmemory-policy: <b>allkeys-lfu</b>"_s),
        qPrintable(page->serverInfoText()));
    QVERIFY(page->serverInfoText().contains(u"maxmemory-samples"_s));
    QVERIFY(page->serverInfoText().contains(u"lfu-log-factor"_s));
    QVERIFY(logHas(w->logModel(), LogModel::Level::Info, u"connected to redis"_s));
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 2, 5000);
    QCOMPARE(total(page, MonitorCountersModel::Hits), 0);

    // 10 hits and 5 misses: a cumulative hit ratio of 2/3.
    RedisClient client(server.port());
    for (int i = 0; i < 10; ++i)
        QCOMPARE(client.run("SET k" + QByteArray::number(i) + " v"), QByteArray("OK"));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(client.run("GET k" + QByteArray::number(i)), QByteArray("v"));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(client.run("GET missing" + QByteArray::number(i)), QByteArray(""));
    // The misses came last: once they are in, so are the hits.
    QTRY_COMPARE_WITH_TIMEOUT(total(page, MonitorCountersModel::Misses), 5, 5000);
    QCOMPARE(total(page, MonitorCountersModel::Hits), 10);
    const LiveChart *hit = page->chart(MonitorPage::HitRatio);
    QVERIFY(!hit->buffer(1).isEmpty());
    QCOMPARE(qRound(hit->buffer(1).at(hit->buffer(1).size() - 1).y() * 100), 6667);
    // Per interval: the hits and misses fell into one or two intervals, never above 100%.
    bool sawHits = false;
    for (qsizetype i = 0; i < hit->buffer(0).size(); ++i) {
        const double v = hit->buffer(0).at(i).y();
        QVERIFY(v >= 0 && v <= 100);
        sawHits = sawHits || v > 0;
    }
    QVERIFY(sawHits);
    QTRY_VERIFY_WITH_TIMEOUT(page->chart(MonitorPage::Memory)
                                 ->buffer(2)
                                 .at(page->chart(MonitorPage::Memory)->buffer(2).size() - 1)
                                 .y()
            == 10,
        5000); // keys of db 0
    QVERIFY(hit->series(1)->count() > 0); // drawn: the tab is in front

    // Hidden behind another tab, the page collects points without drawing them.
    w->findChild<QTabWidget *>(u"tabs"_s)->setCurrentIndex(0);
    const LiveChart *ops = page->chart(MonitorPage::Operations);
    const qsizetype drawn = ops->series(0)->count();
    const qsizetype held = ops->buffer(0).size();
    QTRY_VERIFY_WITH_TIMEOUT(ops->buffer(0).size() >= held + 3, 5000);
    QCOMPARE(ops->series(0)->count(), drawn);
    w->showMonitorTab();
    QTRY_VERIFY(ops->series(0)->count() > drawn);

    // Disconnect: the page stops polling, the server sees only this test's client.
    page->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
    QVERIFY(logHas(w->logModel(), LogModel::Level::Info, u"Monitor: stopped"_s));
    const int intervals = page->intervalCount();
    QTRY_COMPARE_WITH_TIMEOUT(client.info("connected_clients"), 1, 5000); // the monitor left
    const qint64 commands = client.info("total_commands_processed");
    QTest::qWait(600); // six intervals at 100 ms
    QCOMPARE(page->intervalCount(), intervals);
    QCOMPARE(client.info("total_commands_processed"), commands + 1); // only the INFO before
}

void tst_MonitorPage::wrongPasswordIsReported()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis, { u"--requirepass"_s, u"s3cret"_s }),
        qPrintable(server.error()));
    auto w = makeWindow();
    MonitorPage *page = connectTo(*w, MonitorPage::Source::Redis, server.port(), u"wr0ng"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
        logHas(w->logModel(), LogModel::Level::Error, u"refused the password"_s), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
    QVERIFY2(w->messageBanner()->text().contains(u"refused the password"_s),
        qPrintable(w->messageBanner()->text()));
    QVERIFY(page->statusText().contains(u"refused the password"_s));
    QVERIFY(!w->logModel()->toText().contains(u"wr0ng"_s)); // a password is never echoed
    QCOMPARE(page->intervalCount(), 0);

    // The app carries on: the right password connects.
    page->setPassword(u"s3cret"_s);
    QVERIFY(page->connectToServer());
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 1, 5000);
}

void tst_MonitorPage::killedServerReconnectsWithMarker()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
    auto w = makeWindow();
    MonitorPage *page = connectTo(*w, MonitorPage::Source::Redis, server.port());
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 2, 5000);
    {
        // Counters well above a fresh server's, so that the restart sends them backwards.
        RedisClient client(server.port());
        for (int i = 0; i < 200; ++i)
            client.run("GET k" + QByteArray::number(i % 7));
    }
    // Polls taken while the loop above held this thread may still be queued: wait for the
    // misses themselves.
    QTRY_VERIFY_WITH_TIMEOUT(total(page, MonitorCountersModel::Misses) >= 200, 5000);

    server.kill();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Reconnecting, 5000);
    QVERIFY(page->statusText().contains(u"reconnecting"_s));
    QVERIFY(logHas(w->logModel(), LogModel::Level::Error, u"connection lost"_s));
    QVERIFY(w->messageBanner()->text().contains(u"connection lost"_s));
    const LiveChart *hit = page->chart(MonitorPage::HitRatio);
    QVERIFY(chartHasMarker(hit, u"connection lost"_s));
    QVERIFY(chartHasMarker(page->chart(MonitorPage::Operations), u"connection lost"_s));

    QVERIFY(server.restart());
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 8000);
    QTRY_VERIFY_WITH_TIMEOUT(chartHasMarker(hit, u"reconnected after a gap"_s), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(chartHasMarker(hit, u"server restarted"_s), 5000);
    const int afterRestart = page->intervalCount();
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= afterRestart + 3, 5000);

    // No negative (or wrapped-around) rate on any chart.
    for (const int id : { MonitorPage::Operations, MonitorPage::Evictions }) {
        const LiveChart *c = page->chart(id);
        for (int s = 0; s < c->seriesCount(); ++s) {
            for (qsizetype i = 0; i < c->buffer(s).size(); ++i) {
                const double v = c->buffer(s).at(i).y();
                QVERIFY2(v >= 0 && v < 1e6, qPrintable(QString::number(v)));
            }
        }
    }
    QVERIFY(total(page, MonitorCountersModel::Misses) >= 200); // counted once, not across
    QVERIFY(total(page, MonitorCountersModel::Misses) < 1000);
    page->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
}

void tst_MonitorPage::memcachedCountersAndSlabs()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Memcached, { u"-m"_s, u"1"_s, u"-I"_s, u"512k"_s }),
        qPrintable(server.error()));
    auto w = makeWindow();
    MonitorPage *page = connectTo(*w, MonitorPage::Source::Memcached, server.port());
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    QVERIFY2(
        page->serverInfoText().contains(u"limit_maxbytes"_s), qPrintable(page->serverInfoText()));
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 2, 5000);
    const LiveChart *ev = page->chart(MonitorPage::Evictions);
    QVERIFY(ev->seriesApplies(2)); // evicted unfetched/s
    QVERIFY(page->chart(MonitorPage::Operations)->seriesApplies(1)); // gets/s

    MemcachedClient client(server.port());
    for (int i = 0; i < 4; ++i)
        QVERIFY(client.set("k" + QByteArray::number(i), "v"));
    for (int i = 0; i < 4; ++i)
        QVERIFY(client.get("k" + QByteArray::number(i)));
    for (int i = 0; i < 3; ++i)
        QVERIFY(!client.get("nope" + QByteArray::number(i)));
    QTRY_COMPARE_WITH_TIMEOUT(total(page, MonitorCountersModel::Misses), 3, 5000);
    QCOMPARE(total(page, MonitorCountersModel::Hits), 4);

    const QByteArray value(2000, 'x');
    for (int i = 0; i < 2000; ++i) // 4 MB into 1 MiB, none of it read
        QVERIFY(client.set("fill" + QByteArray::number(i), value));
    // The server's own count once the sets are done; polls taken during the loop may still be
    // queued, so wait until the page has caught up with it.
    qint64 evictions = -1;
    for (const QByteArray &line : client.request("stats\r\n", "END\r\n").split('\n')) {
        if (line.startsWith("STAT evictions "))
            evictions = line.mid(15).trimmed().toLongLong();
    }
    QVERIFY2(evictions > 1000, qPrintable(QString::number(evictions)));
    QTRY_COMPARE_WITH_TIMEOUT(total(page, MonitorCountersModel::Evictions), evictions, 5000);
    QCOMPARE(total(page, MonitorCountersModel::EvictedUnfetched), evictions); // none was read
    auto perSlab = [page] {
        qint64 sum = 0;
        for (int r = 0; r < page->slabModel()->rowCount(); ++r)
            sum += page->slabModel()->cell(r, 2).toLongLong();
        return sum;
    };
    QVERIFY(page->slabModel()->rowCount() >= 1);
    QTRY_COMPARE_WITH_TIMEOUT(perSlab(), evictions, 5000);
    bool charted = false;
    for (qsizetype i = 0; i < ev->buffer(2).size(); ++i)
        charted = charted || ev->buffer(2).at(i).y() > 0;
    QVERIFY(charted);
    page->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
}

void tst_MonitorPage::sessionsAreRecordedInTheHistory()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis,
                 { u"--requirepass"_s, u"app-secret-pw"_s, u"--maxmemory"_s, u"8mb"_s,
                     u"--maxmemory-policy"_s, u"allkeys-lfu"_s }),
        qPrintable(server.error()));
    const QString historyPath = m_dir.filePath(u"monitor-history.sqlite"_s);
    const QString address = u"127.0.0.1:"_s + QString::number(server.port());
    auto w = makeWindow(historyPath);
    QVERIFY(w->historyWriter());
    MonitorPage *page
        = connectTo(*w, MonitorPage::Source::Redis, server.port(), u"app-secret-pw"_s);
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    RedisClient client(server.port());
    QCOMPARE(client.run("AUTH app-secret-pw"), QByteArray("OK"));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(client.run("SET k" + QByteArray::number(i) + " v"), QByteArray("OK"));
    for (int i = 0; i < 12; ++i)
        QCOMPARE(client.run("GET k" + QByteArray::number(i % 4)), QByteArray("v"));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(client.run("GET missing" + QByteArray::number(i)), QByteArray(""));
    QTRY_COMPARE_WITH_TIMEOUT(total(page, MonitorCountersModel::Misses), 4, 5000);
    // 100 ms intervals over 2.5 s: kept one a second.
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 25, 10000);
    page->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
    w->historyWriter()->flush();
    QTRY_VERIFY_WITH_TIMEOUT(
        logHas(w->logModel(), LogModel::Level::Info, u"Monitoring session recorded as run"_s),
        5000);

    {
        auto history = RunHistory::open(historyPath, false);
        QVERIFY2(history, qPrintable(history ? QString() : history.error().toString()));
        const auto runs = history.value()->list();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
        const Result<RunRecord> run = history.value()->run(runs->at(0).id);
        QVERIFY(run);
        QCOMPARE(run->kind, u"monitor"_s);
        QVERIFY(run->complete);
        QCOMPARE(run->policy, u"allkeys-lfu"_s);
        QCOMPARE(run->capacity, u"8388608 bytes"_s);
        QCOMPARE(run->workload, address);
        QVERIFY2(run->pointCount >= 2 && run->pointCount <= 12,
            qPrintable(QString::number(run->pointCount)));
        QCOMPARE(run->summary.value(u"hits"_s).toInteger(), 12);
        QCOMPARE(run->summary.value(u"misses"_s).toInteger(), 4);
        QVERIFY(run->summary.value(u"final"_s).toBool());
        QVERIFY(run->hitRatio && qFuzzyCompare(*run->hitRatio, 0.75));
        QCOMPARE(run->config.value(u"address"_s).toString(), address);
        QCOMPARE(run->config.value(u"interval_ms"_s).toInteger(), 100);
        QVERIFY(!QJsonDocument(run->config).toJson().contains("app-secret-pw"));
        const auto points = history.value()->points(run->id);
        QVERIFY(points);
        QCOMPARE(points->front().second.value(u"source"_s).toString(), u"redis"_s);
    }
    for (const QString &file : QStringList { historyPath, historyPath + u"-wal"_s }) {
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            QVERIFY2(!f.readAll().contains("app-secret-pw"), qPrintable(file));
    }

    // A session still going when the window closes is recorded with what it saw.
    page = connectTo(*w, MonitorPage::Source::Redis, server.port(), u"app-secret-pw"_s);
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 3, 5000);
    w.reset();
    auto history = RunHistory::open(historyPath, false);
    QVERIFY(history);
    const auto runs = history.value()->list();
    QVERIFY(runs);
    QCOMPARE(runs->size(), 2);
    QCOMPARE(runs->at(0).kind, u"monitor"_s);
    QVERIFY(runs->at(0).complete);
}

QTEST_MAIN(tst_MonitorPage)
#include "tst_monitorpage.moc"

void tst_MonitorPage::redisKeyCapturePrefixesAndWhatIf()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis,
                 { u"--maxmemory"_s, u"2mb"_s, u"--maxmemory-policy"_s, u"allkeys-lru"_s }),
        qPrintable(server.error()));
    auto w = makeWindow();
    MonitorPage *page = connectTo(*w, MonitorPage::Source::Redis, server.port());
    KeyCapturePanel *capture = page->keyCapture();
    QVERIFY(capture->isVisible());
    QVERIFY(capture->findChild<QLabel *>(u"captureCostLabel"_s)->text().contains(u"half"_s));
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() >= 1, 5000);
    RedisClient client(server.port());
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(client.run("SET user:" + QByteArray::number(i) + " v"), QByteArray("OK"));
        QCOMPARE(client.run("SET item:" + QByteArray::number(i) + " v"), QByteArray("OK"));
    }

    capture->setPrefixDepth(1);
    QVERIFY(capture->startCapture());
    QVERIFY(capture->isCapturing());
    QVERIFY(logHas(w->logModel(), LogModel::Level::Info, u"Key capture: MONITOR on"_s));
    // Reads from here on are seen: MONITOR is attached once the capture publishes.
    QTRY_VERIFY_WITH_TIMEOUT(capture->lastSnapshot().has_value(), 5000);
    for (int i = 0; i < 300; ++i)
        QCOMPARE(client.run("GET user:" + QByteArray::number(i % 20)), QByteArray("v"));
    for (int i = 0; i < 100; ++i)
        QCOMPARE(client.run("GET item:" + QByteArray::number(i % 10)), QByteArray("v"));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(client.run("GET session:" + QByteArray::number(i)), QByteArray(""));
    QCOMPARE(client.run("SET user:7 w"), QByteArray("OK"));

    // Per prefix: reads, share and writes exactly; the shadow of allkeys-lru (redis-lru, far
    // from full) hits every repeat: user:* misses its 20 first reads, session:* all 20.
    // The write came last: once it is in (MONITOR keeps the server's order), so are the reads.
    const MonitorRowsModel *prefixes = capture->prefixModel();
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(prefixes, u"user:*"_s) >= 0
            && prefixes->cell(rowOf(prefixes, u"user:*"_s), 3) == u"1"_s,
        5000);
    const int user = rowOf(prefixes, u"user:*"_s);
    QCOMPARE(prefixes->cell(user, 4), u"20"_s);
    QCOMPARE(prefixes->cell(rowOf(prefixes, u"session:*"_s), 1), u"20"_s);
    QCOMPARE(user, 0); // most read first
    QCOMPARE(prefixes->cell(user, 1), u"300"_s);
    QCOMPARE(prefixes->cell(user, 3), u"1"_s);
    QCOMPARE(prefixes->cell(rowOf(prefixes, u"item:*"_s), 1), u"100"_s);
    QCOMPARE(prefixes->cell(rowOf(prefixes, u"item:*"_s), 4), u"10"_s);
    QCOMPARE(prefixes->cell(user, 5), formatValue(280.0 / 3.0, ValueUnit::Percent));
    QCOMPARE(
        prefixes->cell(rowOf(prefixes, u"session:*"_s), 5), formatValue(0.0, ValueUnit::Percent));
    // At a glance beside the charts: prefix, share and hit ratio of the same rows.
    const auto *glance = capture->findChild<QTableView *>(u"prefixGlanceView"_s);
    QVERIFY(glance && glance->isVisible());
    QCOMPARE(glance->model(), capture->prefixModel());
    QVERIFY(!glance->isColumnHidden(0) && !glance->isColumnHidden(2) && !glance->isColumnHidden(5));
    QVERIFY(glance->isColumnHidden(1) && glance->isColumnHidden(3) && glance->isColumnHidden(4));
    const MonitorRowsModel *top = capture->topKeysModel();
    QVERIFY(top->rowCount() >= 3);
    QCOMPARE(top->cell(0, 0).left(5), u"user:"_s); // 15 reads each, the items 10

    // What-if: Redis's own measured hit ratio since the capture (400 of 420 reads hit), then its
    // policy replayed as redis-lru, allkeys-lfu, the samples and memory what-ifs, the registry.
    const MonitorRowsModel *whatIf = capture->whatIfModel();
    QTRY_VERIFY_WITH_TIMEOUT(
        capture->measuredHitRatio() && qAbs(*capture->measuredHitRatio() - 400.0 / 420.0) < 1e-9,
        5000);
    QTRY_COMPARE_WITH_TIMEOUT(
        whatIf->cell(0, 3), formatValue(100.0 * 400.0 / 420.0, ValueUnit::Percent), 5000);
    QCOMPARE(whatIf->cell(0, 0), u"measured by Redis"_s);
    QCOMPARE(whatIf->cell(0, 1), u"allkeys-lru"_s);
    QVERIFY2(whatIf->cell(1, 0).contains(u"own policy"_s), qPrintable(whatIf->cell(1, 0)));
    QVERIFY2(whatIf->cell(1, 1).startsWith(u"redis-lru"_s), qPrintable(whatIf->cell(1, 1)));
    // The shadows saw the same 420 reads: 50 first reads missed (20 users, 10 items, 20
    // sessions), the rest hit, at any capacity above 50 keys.
    QCOMPARE(whatIf->cell(1, 3), formatValue(100.0 * 370.0 / 420.0, ValueUnit::Percent));
    QVERIFY(rowOf(whatIf, u"allkeys-lfu"_s) > 1);
    QVERIFY(rowOf(whatIf, u"maxmemory-samples 10"_s) > 1);
    QVERIFY(rowOf(whatIf, u"2x maxmemory"_s) > 1);
    // The registry's shadows run on a consumer thread of their own: they may come a poll later.
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(whatIf, u"best of the registry"_s) > 1, 5000);
    QVERIFY(page->findChild<QTabWidget *>(u"monitorTableTabs"_s)->currentIndex()
        == MonitorPage::CaptureWhatIfTab);

    // Stop: the MONITOR client leaves, the tables keep what they show, the monitor goes on.
    capture->stopCapture();
    QVERIFY(!capture->isCapturing());
    QTRY_COMPARE_WITH_TIMEOUT(client.info("connected_clients"), 2, 5000); // this test, the poller
    QCOMPARE(prefixes->cell(user, 1), u"300"_s);
    QVERIFY(logHas(w->logModel(), LogModel::Level::Info, u"Key capture: stopped"_s));
    QCOMPARE(page->state(), MonitorPage::State::Monitoring);

    // Disconnecting the monitor makes capture unavailable until the next Redis.
    page->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
    QVERIFY(!capture->findChild<QPushButton *>(u"captureStartButton"_s)->isEnabled());
    QVERIFY(!capture->startCapture());
    QVERIFY(logHas(w->logModel(), LogModel::Level::Error, u"connect the Monitor tab to a Redis"_s));
}

void tst_MonitorPage::keyCaptureLostIsReported()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
    auto w = makeWindow();
    MonitorPage *page = connectTo(*w, MonitorPage::Source::Redis, server.port());
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    KeyCapturePanel *capture = page->keyCapture();
    QVERIFY(capture->startCapture());
    QTRY_VERIFY_WITH_TIMEOUT(capture->lastSnapshot().has_value(), 5000);
    // An operator kills the MONITOR client: the capture fails with the reason in the log and
    // the banner, the monitor carries on and a new capture can start.
    RedisClient client(server.port());
    QByteArray monitorId;
    for (const QByteArray &line : client.run("CLIENT LIST").split('\n')) {
        if (line.contains(" flags=O "))
            monitorId = line.mid(3, line.indexOf(' ') - 3); // "id=7 addr=..."
    }
    QVERIFY(!monitorId.isEmpty());
    QVERIFY(client.run("CLIENT KILL ID " + monitorId).isEmpty()); // an integer reply
    QTRY_VERIFY_WITH_TIMEOUT(!capture->isCapturing(), 5000);
    QVERIFY(logHas(w->logModel(), LogModel::Level::Error, u"lost the connection"_s));
    QVERIFY2(w->messageBanner()->text().contains(u"Key capture"_s),
        qPrintable(w->messageBanner()->text()));
    QVERIFY(capture->statusText().contains(u"failed"_s)
        || capture->findChild<QLabel *>(u"captureStatusLabel"_s)->text().contains(u"failed"_s));
    QCOMPARE(page->state(), MonitorPage::State::Monitoring);
    const int intervals = page->intervalCount();
    QTRY_VERIFY_WITH_TIMEOUT(page->intervalCount() > intervals + 2, 5000);
    QVERIFY(capture->startCapture());
    QTRY_VERIFY_WITH_TIMEOUT(capture->lastSnapshot().has_value(), 5000);
    capture->stopCapture();
}

void tst_MonitorPage::keyCaptureRefusedByAcl()
{
    ServerProcess server;
    QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
    RedisClient admin(server.port());
    QCOMPARE(admin.run("ACL SETUSER watcher on >pw ~* &* +@all -monitor"), QByteArray("OK"));
    auto w = makeWindow();
    MonitorPage *page = w->monitorPage();
    w->showMonitorTab();
    page->setSource(MonitorPage::Source::Redis);
    page->setHost(u"127.0.0.1"_s);
    page->setPort(server.port());
    page->setUser(u"watcher"_s); // an ACL user may watch INFO but not MONITOR
    page->setPassword(u"pw"_s);
    page->setIntervalMs(100);
    QVERIFY(page->connectToServer());
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 5000);
    KeyCapturePanel *capture = page->keyCapture();
    QVERIFY(capture->startCapture());
    QTRY_VERIFY_WITH_TIMEOUT(!capture->isCapturing(), 5000);
    QVERIFY(logHas(w->logModel(), LogModel::Level::Error, u"NOPERM"_s));
    QVERIFY(logHas(w->logModel(), LogModel::Level::Error, u"refused MONITOR"_s));
    QVERIFY(!w->logModel()->toText().contains(u"pw "_s)); // the password is never echoed
    QCOMPARE(page->state(), MonitorPage::State::Monitoring); // the monitor carries on

    // The user field is the Redis's own: PostgreSQL keeps its role apart.
    page->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
    auto *user = page->findChild<QLineEdit *>(u"userEdit"_s);
    page->setSource(MonitorPage::Source::Postgres);
    QVERIFY(user->text() != u"watcher"_s);
    page->setSource(MonitorPage::Source::Redis);
    QCOMPARE(user->text(), u"watcher"_s);
}
