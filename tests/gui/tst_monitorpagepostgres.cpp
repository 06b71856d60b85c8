// The Monitor tab on PostgreSQL's buffer cache (the PostgreSQL scripts/pg starts,
// CACHESCOPE_PG_*): the tab takes the same connection fields as the app's PostgreSQL runs, shows
// shared_buffers, counts the shared-buffer hits of scans driven here and lists the scanned table
// among the busiest. Skipped only when no PostgreSQL is configured.
#include "gui/guiresources.h"
#include "gui/mainwindow.h"
#include "gui/monitormodels.h"
#include "gui/monitorpage.h"

#include "core/db/threadconnection.h"

#include <QCoreApplication>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_MonitorPagePostgres : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        initCacheScopeResources();
        const Result<ConnectionSettings> env = postgresSettingsFromEnvironment();
        if (!env)
            QSKIP(qPrintable(env.error().toString()));
        m_settings = env.value();
        m_table = u"monitor_page_probe_"_s + QString::number(QCoreApplication::applicationPid());
        {
            const Result<QSqlDatabase> db = openConnection(m_settings, u"setup"_s);
            QVERIFY2(db, qPrintable(db ? QString() : db.error().toString()));
            QSqlQuery q(*db);
            QVERIFY(q.exec(u"DROP TABLE IF EXISTS "_s + m_table));
            QVERIFY(q.exec(u"CREATE TABLE "_s + m_table + u" (id int primary key, v text)"_s));
            QVERIFY(q.exec(u"INSERT INTO "_s + m_table
                + u" SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g"_s));
        }
        closeConnection(u"setup"_s);
    }

    void cleanupTestCase()
    {
        if (m_table.isEmpty())
            return;
        if (const Result<QSqlDatabase> db = openConnection(m_settings, u"cleanup"_s); db) {
            QSqlQuery q(*db);
            q.exec(u"DROP TABLE IF EXISTS "_s + m_table);
        }
        closeConnection(u"cleanup"_s);
    }

    void sharedBufferHitsAndBusiestTables()
    {
        MainWindowOptions options;
        options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
        options.useSettings = false;
        MainWindow w(options);
        w.show();
        w.showMonitorTab();
        MonitorPage *page = w.monitorPage();
        page->setMinRenderIntervalMs(0);
        page->setPostgresSettings(m_settings);
        page->setIntervalMs(200);
        auto hits = [page] {
            return page->countersModel()
                ->data(page->countersModel()->index(
                           MonitorCountersModel::Hits, MonitorCountersModel::TotalColumn),
                    MonitorCountersModel::ValueRole)
                .toLongLong();
        };
        QVERIFY(page->connectToServer());
        QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Monitoring, 10000);
        QVERIFY2(page->serverInfoText().contains(u"shared_buffers"_s),
            qPrintable(page->serverInfoText()));
        // The table's heap blocks hit so far (the setup's insert), once published.
        auto tableHits = [&] {
            for (int r = 0; r < page->tablesModel()->rowCount(); ++r) {
                if (page->tablesModel()->cell(r, 0).contains(m_table))
                    return page->tablesModel()->cell(r, 1).toLongLong();
            }
            return qint64(-1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(tableHits() >= 0, 10000);
        const qint64 before = tableHits();
        const qint64 hitsBefore = hits();

        {
            const Result<QSqlDatabase> db = openConnection(m_settings, u"driver"_s);
            QVERIFY(db);
            QSqlQuery q(*db);
            for (int i = 0; i < 30; ++i)
                QVERIFY(q.exec(u"SELECT count(*) FROM "_s + m_table));
            q.finish();
        }
        closeConnection(u"driver"_s); // a backend flushes its statistics when it exits

        // PostgreSQL publishes statistics up to a second late. 2000 rows of 100 bytes are
        // about 30 blocks: each scan hits 10 at least, in shared buffers.
        QTRY_VERIFY_WITH_TIMEOUT(tableHits() >= before + 300, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(hits() >= hitsBefore + 300, 5000);
        page->disconnectFromServer();
        QTRY_COMPARE_WITH_TIMEOUT(page->state(), MonitorPage::State::Idle, 5000);
    }

private:
    ConnectionSettings m_settings;
    QString m_table;
    QTemporaryDir m_dir;
};

QTEST_MAIN(tst_MonitorPagePostgres)
#include "tst_monitorpagepostgres.moc"
