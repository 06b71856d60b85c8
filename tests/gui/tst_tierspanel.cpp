// The Cache panel's Tiers box in the main window, on a real SQLite demo database (rows scale
// 0.01) and a real redis-server of the test's own: a second tier set while running reaches the
// engine, marks the charts and fills the L1/L2 series and counters; Off stops L2 traffic; a bad
// URL is refused with a visible error while the run goes on; the password is held, never saved.

#include "gui/cachepanel.h"
#include "gui/chartpanel.h"
#include "gui/countersmodel.h"
#include "gui/guiresources.h"
#include "gui/livechart.h"
#include "gui/logmodel.h"
#include "gui/mainwindow.h"
#include "gui/messagebanner.h"

#include "core/session/configjson.h"

#include "serverprocess.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QLineEdit>
#include <QLineSeries>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::TestSupport;

class tst_TiersPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passwordIsHeldNeverSaved();
    void secondTierSetWhileRunning();
    void badUrlIsRefusedAndTheRunGoesOn();

private:
    std::unique_ptr<MainWindow> makeWindow();
    static void startRun(MainWindow &w);
    static void stopRun(MainWindow &w);
    /// Sets the Tiers box as a user does: the URL typed (Enter), then the tier chosen.
    static void setTier(MainWindow &w, const QString &url);
    static double total(const MainWindow &w, CountersModel::Row row);
    /// Waits for n more ticks of the run.
    static bool waitTicks(const MainWindow &w, qsizetype n);
    QString redisUrl() const { return u"redis://127.0.0.1:%1"_s.arg(m_redis.port()); }

    QTemporaryDir m_dir;
    ServerProcess m_redis;
    bool m_haveRedis = false;
};

void tst_TiersPanel::initTestCase()
{
    initCacheScopeResources();
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_haveRedis = m_redis.start(ServerProcess::Kind::Redis);
}

std::unique_ptr<MainWindow> tst_TiersPanel::makeWindow()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
    options.demoRowsScale = 0.01;
    options.useSettings = false;
    auto w = std::make_unique<MainWindow>(options);
    w->resize(1400, 860);
    w->show();
    return w;
}

void tst_TiersPanel::startRun(MainWindow &w)
{
    w.startRun();
    const bool running
        = QTest::qWaitFor([&] { return w.runState() == MainWindow::RunState::Running; }, 60000);
    QVERIFY2(running, qPrintable(w.logModel()->toText()));
}

void tst_TiersPanel::stopRun(MainWindow &w)
{
    w.stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Idle, 30000);
}

void tst_TiersPanel::setTier(MainWindow &w, const QString &url)
{
    auto *edit = w.cachePanel()->findChild<QLineEdit *>(u"l2UrlEdit"_s);
    auto *combo = w.cachePanel()->findChild<QComboBox *>(u"l2Combo"_s);
    QVERIFY(edit && combo);
    if (!url.isEmpty()) {
        edit->clear();
        QTest::keyClicks(edit, url);
        QTest::keyClick(edit, Qt::Key_Return);
    }
    combo->setCurrentIndex(url.isEmpty() ? 0 : 1);
}

double tst_TiersPanel::total(const MainWindow &w, CountersModel::Row row)
{
    const CountersModel *m = w.countersModel();
    return m->data(m->index(row, CountersModel::TotalColumn), CountersModel::ValueRole).toDouble();
}

bool tst_TiersPanel::waitTicks(const MainWindow &w, qsizetype n)
{
    const double until = w.session()->lastTime() + double(n) * 0.1;
    return QTest::qWaitFor([&] { return w.session()->lastTime() >= until - 1e-9; }, 15000);
}

void tst_TiersPanel::passwordIsHeldNeverSaved()
{
    auto w = makeWindow();
    CachePanel *panel = w->cachePanel();
    panel->setL2Password(u"s3cret-pw"_s);
    setTier(*w, u"redis://127.0.0.1:6390/2"_s);
    auto *invalidation = panel->findChild<QComboBox *>(u"l2InvalidationCombo"_s);
    QVERIFY(invalidation);
    invalidation->setCurrentIndex(invalidation->findText(u"pubsub"_s));
    RunConfig c = w->panelConfig();
    QCOMPARE(c.l2.url, u"redis://127.0.0.1:6390/2"_s);
    QCOMPARE(c.l2.password, u"s3cret-pw"_s);
    QCOMPARE(c.l2.invalidation, L2Invalidation::PubSub);
    // What the app saves (its settings, File > Save configuration) has the tier, not the password.
    const QByteArray json = QJsonDocument(runConfigToJson(c)).toJson();
    QVERIFY(json.contains("redis://127.0.0.1:6390/2"));
    QVERIFY(!json.contains("s3cret-pw"));
    // A configuration without a password (a file, the saved settings) keeps the one held.
    c.l2.password.clear();
    c.l2.ttlMs = 2500;
    w->setPanelConfig(c);
    QCOMPARE(w->panelConfig().l2.password, u"s3cret-pw"_s);
    QCOMPARE(w->panelConfig().l2.ttlMs, qint64(2500));
    // Off: no URL and nothing to hear invalidations through; the address stays in its field.
    setTier(*w, {});
    QVERIFY(!w->panelConfig().l2.isSet());
    QCOMPARE(w->panelConfig().l2.invalidation, L2Invalidation::None);
    QCOMPARE(panel->findChild<QLineEdit *>(u"l2UrlEdit"_s)->text(), u"redis://127.0.0.1:6390/2"_s);
}

void tst_TiersPanel::secondTierSetWhileRunning()
{
    if (!m_haveRedis)
        QSKIP(qPrintable(m_redis.error()));
    auto w = makeWindow();
    QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    startRun(*w); // qcache of 10 000 over 100 000 zipf keys: plenty of L1 misses
    if (QTest::currentTestFailed())
        return;
    QVERIFY(waitTicks(*w, 3));
    auto *view = w->findChild<QTableView *>(u"countersView"_s);
    QVERIFY(view);
    LiveChart *hit = w->chartPanel()->chart(ChartPanel::HitRatio);
    QVERIFY(!hit->seriesApplies(ChartPanel::L1HitRatioSeries)); // no second tier yet
    QVERIFY(view->isRowHidden(CountersModel::L2Hits));
    const int markers = hit->markerCount();

    setTier(*w, redisUrl());
    QCOMPARE(w->engine()->config().l2.url, redisUrl());
    QTRY_VERIFY_WITH_TIMEOUT(hit->markerCount() > markers, 5000);
    QVERIFY2(hit->markerLabel(hit->markerCount() - 1).contains(u"second tier"_s),
        qPrintable(hit->markerLabel(hit->markerCount() - 1)));
    QTRY_VERIFY_WITH_TIMEOUT(total(*w, CountersModel::L2Hits) > 0, 15000);
    QVERIFY(!view->isRowHidden(CountersModel::L2Hits));
    QVERIFY(!view->isRowHidden(CountersModel::L1Hits));
    QVERIFY(!view->isRowHidden(CountersModel::DbQueries));
    QVERIFY(view->isRowHidden(CountersModel::InvalidationsReceived)); // invalidation none

    // The hit-ratio chart: overall, L1 and L2 drawn, the L2 share above 0 once Redis answers.
    for (const int s : { 0, int(ChartPanel::L1HitRatioSeries), int(ChartPanel::L2HitRatioSeries) })
        QVERIFY(hit->isSeriesVisible(s));
    QTRY_VERIFY_WITH_TIMEOUT(hit->series(ChartPanel::L2HitRatioSeries)->count() > 0
            && hit->series(ChartPanel::L1HitRatioSeries)->count() > 0,
        5000);
    const TimeSeries<QPointF> &l2Share = hit->buffer(ChartPanel::L2HitRatioSeries);
    QVERIFY(l2Share.last().y() > 0);
    QCOMPARE(hit->series(0)->name(), u"overall"_s);
    LiveChart *latency = w->chartPanel()->chart(ChartPanel::Latency);
    QTRY_VERIFY_WITH_TIMEOUT(latency->buffer(ChartPanel::L2P50Series).size() > 0, 5000);
    QVERIFY(latency->isSeriesVisible(ChartPanel::L2P99Series));
    QVERIFY(w->chartPanel()
                ->chart(ChartPanel::Evictions)
                ->isSeriesVisible(ChartPanel::StaleReadsSeries));

    // Off: the workers stop asking Redis (after those already asking have their answer).
    setTier(*w, {});
    QVERIFY(!w->engine()->config().l2.isSet());
    QVERIFY(waitTicks(*w, 3));
    const double l2Hits = total(*w, CountersModel::L2Hits);
    const double requests = total(*w, CountersModel::Requests);
    QVERIFY(waitTicks(*w, 5));
    QVERIFY(total(*w, CountersModel::Requests) > requests);
    QCOMPARE(total(*w, CountersModel::L2Hits), l2Hits);
    QVERIFY(!view->isRowHidden(CountersModel::L2Hits)); // the totals since the start still count
    QCOMPARE(w->runState(), MainWindow::RunState::Running);
    stopRun(*w);
}

void tst_TiersPanel::badUrlIsRefusedAndTheRunGoesOn()
{
    if (!m_haveRedis)
        QSKIP(qPrintable(m_redis.error()));
    auto w = makeWindow();
    setTier(*w, redisUrl()); // set before the start: the run starts with it
    startRun(*w);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(w->engine()->config().l2.url, redisUrl());
    QTRY_VERIFY_WITH_TIMEOUT(w->chartPanel()->showsSecondTier(), 5000);
    const qsizetype errors = w->logModel()->count(LogModel::Level::Error);

    auto *edit = w->cachePanel()->findChild<QLineEdit *>(u"l2UrlEdit"_s);
    edit->clear();
    QTest::keyClicks(edit, u"http://127.0.0.1:6379"_s);
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(w->logModel()->count(LogModel::Level::Error), errors + 1);
    QVERIFY(w->messageBanner()->isVisible());
    QCOMPARE(w->engine()->config().l2.url, redisUrl()); // nothing changed
    QCOMPARE(edit->text(), redisUrl()); // the panel shows what the engine runs with
    const double requests = total(*w, CountersModel::Requests);
    QVERIFY(waitTicks(*w, 3));
    QVERIFY(total(*w, CountersModel::Requests) > requests); // the run goes on
    QCOMPARE(w->runState(), MainWindow::RunState::Running);
    stopRun(*w);
}

QTEST_MAIN(tst_TiersPanel)
#include "tst_tierspanel.moc"
