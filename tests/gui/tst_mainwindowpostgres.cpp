// The main window on a real PostgreSQL server (scripts/pg start; skipped without
// CACHESCOPE_PG_PORT): the Test button connects off the GUI thread, Start creates the demo
// tables in a schema of this process's own and the charts fill. The schema is dropped at the end.

#include "core/session/configjson.h"
#include "gui/appoptions.h"
#include "gui/chartpanel.h"
#include "gui/countersmodel.h"
#include "gui/databasepanel.h"
#include "gui/guiresources.h"
#include "gui/livechart.h"
#include "gui/logmodel.h"
#include "gui/mainwindow.h"
#include "gui/workloadpanel.h"

#include <QComboBox>
#include <QLineSeries>
#include <QSpinBox>
#include <QPushButton>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_MainWindowPostgres : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void testButtonConnectsAndRunFillsCharts();
    void asyncPipelineFromTheWorkloadPanel();
    void appOptionsForADatabase();
    void cleanupTestCase();

private:
    QString schemaName() const { return u"tst_gui_%1"_s.arg(QCoreApplication::applicationPid()); }

    ConnectionSettings m_settings;
    QTemporaryDir m_dir;
};

void tst_MainWindowPostgres::initTestCase()
{
    initCacheScopeResources();
    QStandardPaths::setTestModeEnabled(true);
    const Result<ConnectionSettings> env = postgresSettingsFromEnvironment();
    if (!env)
        QSKIP(qPrintable(env.error().toString()));
    m_settings = env.value();
    m_settings.schema = schemaName();
    m_settings.connectTimeoutS = 3;
}

void tst_MainWindowPostgres::testButtonConnectsAndRunFillsCharts()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"unused.sqlite"_s);
    options.demoRowsScale = 0.01;
    options.useSettings = false;
    MainWindow w(options);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.databasePanel()->setSettings(m_settings);
    QCOMPARE(w.databasePanel()->settings().port, m_settings.port);
    QCOMPARE(w.databasePanel()->settings().schema, schemaName());

    auto *test = w.databasePanel()->findChild<QPushButton *>(u"testButton"_s);
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.databasePanel()->statusText().startsWith(u"OK"_s), 30000);
    QVERIFY2(w.databasePanel()->statusText().contains(u"no demo tables yet"_s),
        qPrintable(w.databasePanel()->statusText()));

    w.startRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Running, 120000);
    QCOMPARE(w.engine()->config().database.driver, DatabaseDriver::Postgres);
    const LiveChart *throughput = w.chartPanel()->chart(ChartPanel::Throughput);
    QTRY_VERIFY_WITH_TIMEOUT(throughput->series(0)->count() >= 3, 10000);
    QVERIFY(throughput->buffer(0).last().y() > 0); // requests/s
    // PostgreSQL's shared buffers beside the result cache on the hit-ratio chart, from the
    // session's own watch (pg_stat_database, every second): the series appears and is a ratio.
    const LiveChart *hit = w.chartPanel()->chart(ChartPanel::HitRatio);
    QTRY_VERIFY_WITH_TIMEOUT(hit->buffer(2).size() >= 1, 15000);
    QVERIFY(hit->isSeriesVisible(2));
    QVERIFY(hit->buffer(2).last().y() > 0 && hit->buffer(2).last().y() <= 100);
    QVERIFY2(w.logModel()->toText().contains(u"Watching PostgreSQL's buffer cache"_s),
        qPrintable(w.logModel()->toText()));
    w.stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Idle, 30000);
    QCOMPARE(w.logModel()->count(LogModel::Level::Error), 0);

    // Test again: the demo tables are there now.
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        w.databasePanel()->statusText().contains(u"demo tables present"_s), 30000);
}

/// The Workload panel's I/O model: the async pipeline runs on PostgreSQL with the in-flight
/// count changeable while running (the model and loops are locked), the counters table shows
/// the requests in flight; on SQLite the same choice is refused with a message, and the app
/// goes on.
void tst_MainWindowPostgres::asyncPipelineFromTheWorkloadPanel()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"pipeline.sqlite"_s);
    options.demoRowsScale = 0.01;
    options.useSettings = false;
    MainWindow w(options);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *io = w.workloadPanel()->findChild<QComboBox *>(u"ioCombo"_s);
    auto *inFlight = w.workloadPanel()->findChild<QSpinBox *>(u"inFlightSpin"_s);
    auto *threads = w.workloadPanel()->findChild<QSpinBox *>(u"threadsSpin"_s);
    QVERIFY(io && inFlight && threads);
    QVERIFY(inFlight->isHidden()); // the thread model by default
    io->setCurrentIndex(io->findData(int(IoModel::Pipeline)));
    QVERIFY(!inFlight->isHidden());
    QVERIFY(threads->isHidden());
    inFlight->setValue(32);

    // SQLite: refused, named, and the app carries on.
    w.startRun();
    QTRY_VERIFY_WITH_TIMEOUT(w.logModel()->count(LogModel::Level::Error) >= 1, 30000);
    QVERIFY2(w.logModel()->toText().contains(u"SQLite has no pipeline mode"_s),
        qPrintable(w.logModel()->toText()));
    QCOMPARE(w.runState(), MainWindow::RunState::Idle);

    w.databasePanel()->setSettings(m_settings);
    w.startRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Running, 120000);
    QCOMPARE(w.engine()->config().io, IoModel::Pipeline);
    QCOMPARE(w.engine()->config().inFlight, 32);
    QVERIFY(!io->isEnabled());
    QVERIFY(inFlight->isEnabled());
    inFlight->setValue(8); // live
    QTRY_COMPARE_WITH_TIMEOUT(w.engine()->config().inFlight, 8, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.engine()->reading().counters.pipelineSyncs > 0, 10000);
    auto *counters = w.findChild<CountersModel *>();
    QVERIFY(counters);
    QCOMPARE(counters->data(counters->index(CountersModel::InFlight, CountersModel::NameColumn))
                 .toString(),
        u"Queries in flight (pipeline)"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
        counters->data(counters->index(CountersModel::PipelineSyncs, CountersModel::TotalColumn),
                    CountersModel::ValueRole)
                .toDouble()
            > 0,
        10000);
    w.stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Idle, 30000);
    QVERIFY(io->isEnabled());
}

void tst_MainWindowPostgres::appOptionsForADatabase()
{
    const Result<AppOptions> unset = parseAppOptions(
        { u"cachescope"_s, u"--password-env"_s, u"CACHESCOPE_TEST_SURELY_UNSET"_s });
    QVERIFY(!unset);
    QCOMPARE(unset.error().field, u"--password-env"_s);
    const Result<AppOptions> missing
        = parseAppOptions({ u"cachescope"_s, u"--config"_s, m_dir.filePath(u"none.json"_s) });
    QVERIFY(!missing);
    QCOMPARE(missing.error().field, u"--config"_s);

    // A configuration on this PostgreSQL (the password never in the file) and the password
    // from the environment: the panels show both, and a scenario keeps that database.
    RunConfig config;
    config.database = m_settings;
    config.io = IoModel::Pipeline;
    config.inFlight = 48;
    const QString path = m_dir.filePath(u"pg.json"_s);
    QVERIFY(saveRunConfig(config, path));
    qputenv("CACHESCOPE_TEST_PG_PASSWORD", m_settings.password.toUtf8());
    const Result<AppOptions> options = parseAppOptions({ u"cachescope"_s, u"--no-settings"_s,
        u"--config"_s, path, u"--password-env"_s, u"CACHESCOPE_TEST_PG_PASSWORD"_s });
    QVERIFY2(options, qPrintable(options ? QString() : options.error().toString()));
    MainWindowOptions windowOptions;
    windowOptions.demoDatabasePath = m_dir.filePath(u"options.sqlite"_s);
    windowOptions.useSettings = false;
    MainWindow w(windowOptions);
    w.show();
    runAppOptions(w, options.value());
    const ConnectionSettings shown = w.databasePanel()->settings();
    QCOMPARE(shown.driver, DatabaseDriver::Postgres);
    QCOMPARE(shown.port, m_settings.port);
    QCOMPARE(shown.password, m_settings.password);
    QCOMPARE(w.panelConfig().io, IoModel::Pipeline);
    QCOMPARE(w.panelConfig().inFlight, 48);
}

void tst_MainWindowPostgres::cleanupTestCase()
{
    if (m_settings.port == 0 || m_settings.database.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, u"tst-gui-cleanup"_s);
        db.setHostName(m_settings.host);
        db.setPort(m_settings.port);
        db.setUserName(m_settings.user);
        db.setPassword(m_settings.password);
        db.setDatabaseName(m_settings.database);
        if (db.open()) {
            QSqlQuery query(db);
            query.exec(u"SET client_min_messages TO WARNING"_s); // no "drop cascades" notices
            query.exec(u"DROP SCHEMA IF EXISTS "_s + schemaName() + u" CASCADE"_s);
        }
    }
    QSqlDatabase::removeDatabase(u"tst-gui-cleanup"_s);
}

QTEST_MAIN(tst_MainWindowPostgres)
#include "tst_mainwindowpostgres.moc"
