// The main window on a real PostgreSQL server (scripts/pg start; skipped without
// CACHESCOPE_PG_PORT): the Test button connects off the GUI thread, Start creates the demo
// tables in a schema of this process's own and the charts fill. The schema is dropped at the end.

#include "gui/chartpanel.h"
#include "gui/databasepanel.h"
#include "gui/guiresources.h"
#include "gui/livechart.h"
#include "gui/logmodel.h"
#include "gui/mainwindow.h"

#include <QLineSeries>
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
