// PostgresSource against the PostgreSQL scripts/pg starts (CACHESCOPE_PG_*): the shared-buffer
// hits of scans driven here show up in the interval, the busiest tables are listed, the source
// runs in a MonitorSession (its connection opened and closed on the session's thread), and an
// unreachable port is a clear message. Skipped only when no PostgreSQL is configured.
#include "core/db/threadconnection.h"
#include "core/monitor/monitorinterval.h"
#include "core/monitor/monitorsession.h"
#include "core/monitor/postgressource.h"

#include "serverprocess.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QtTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_MonitorPostgres : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        const Result<ConnectionSettings> env = postgresSettingsFromEnvironment();
        if (!env)
            QSKIP(qPrintable(env.error().toString()));
        m_settings = env.value();
        m_table = u"monitor_probe_"_s + QString::number(QCoreApplication::applicationPid());
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

    void scansAreSharedBufferHits()
    {
        PostgresSource source(m_settings);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
        QVERIFY(!info->version.isEmpty());
        QCOMPARE(info->settings.at(0).first, u"shared_buffers"_s);
        MonitorTracker tracker;
        const Result<MonitorSample> before = source.poll();
        QVERIFY2(before, qPrintable(before ? QString() : before.error().toString()));
        QVERIFY(before->memoryLimitBytes > 0); // shared_buffers in bytes
        tracker.add(*before);

        const int scans = 30;
        {
            const Result<QSqlDatabase> db = openConnection(m_settings, u"driver"_s);
            QVERIFY(db);
            QSqlQuery q(*db);
            for (int i = 0; i < scans; ++i)
                QVERIFY(q.exec(u"SELECT count(*) FROM "_s + m_table));
            q.finish();
        }
        closeConnection(u"driver"_s); // a backend flushes its statistics when it exits

        // PostgreSQL publishes statistics with a delay: poll until they are in.
        quint64 hits = 0;
        QStringList tables;
        const QDeadlineTimer deadline(10000);
        while (hits < quint64(scans) && !deadline.hasExpired()) {
            QTest::qWait(200);
            const Result<MonitorSample> s = source.poll();
            QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
            if (const auto r = tracker.add(*s).interval) {
                hits += r->counts.hits;
                tables.clear();
                for (const MonitorSample::TableIo &t : r->tables)
                    tables << t.table;
            }
        }
        // Each scan reads the table's pages, from shared buffers once they are there.
        QVERIFY2(hits >= quint64(scans), qPrintable(QString::number(hits)));
        QVERIFY(tables.size() <= PostgresSource::topTables);
        QVERIFY(!tables.isEmpty());
    }

    void runsOnTheSessionThread()
    {
        MonitorSession session(
            std::make_unique<PostgresSource>(m_settings), MonitorSession::Options { 100, 400 });
        QSignalSpy connected(&session, &MonitorSession::connected);
        QSignalSpy intervals(&session, &MonitorSession::interval);
        session.start();
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(intervals.size() >= 2, 5000);
        session.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!session.isRunning(), 5000);
        // The connection was opened and removed on the session's thread, never this one.
        for (const QString &name : QSqlDatabase::connectionNames())
            QVERIFY2(!name.startsWith(u"cachescope-monitor-"_s), qPrintable(name));
    }

    void unreachable()
    {
        ConnectionSettings s = m_settings;
        s.port = TestSupport::freeLocalPort();
        PostgresSource source(s);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY(!info);
        QVERIFY2(info.error().message.startsWith(u"cannot connect to PostgreSQL at"_s),
            qPrintable(info.error().toString()));
    }

private:
    ConnectionSettings m_settings;
    QString m_table;
};

QTEST_GUILESS_MAIN(tst_MonitorPostgres)
#include "tst_monitorpostgres.moc"
