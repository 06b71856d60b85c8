// The database layer against real SQLite files in a temporary directory: the demo database,
// the query templates, per-thread and per-query connections, and the errors for bad paths.

#include "databasechecks.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::DatabaseChecks;

class tst_SqliteDatabase : public QObject, private Checks
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        settings.driver = DatabaseDriver::Sqlite;
        settings.database = m_dir.filePath(u"demo.sqlite"_s);
        initDemo();
        plain = openPlain(settings, u"tst-plain"_s);
        QVERIFY(plain.isOpen());
        initialChecksum = demoChecksum(plain);
    }

    void cleanupTestCase()
    {
        releaseThreadConnection();
        plain = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"tst-plain"_s);
        QSqlDatabase::removeDatabase(u"tst-other"_s);
        QSqlDatabase::removeDatabase(u"tst-scratch"_s);
        // Only the test's own plain connections were ever left: the library closed all of its.
        QCOMPARE(QSqlDatabase::connectionNames(), QStringList());
    }

    void rowCounts() { Checks::rowCounts(); }
    void metadataRecordsScaleAndSeed() { metadata(); }
    void indexesExist()
    {
        Checks::indexesExist();
        // ...and the planner uses them for the templates' lookups.
        const auto plan = plainRows(plain,
            u"EXPLAIN QUERY PLAN SELECT * FROM orders "
            u"WHERE customer_id = 5"_s);
        QVERIFY(!plan.isEmpty());
        QVERIFY2(plan.first().last().toString().contains(u"orders_customer_id"_s),
            qPrintable(plan.first().last().toString()));
    }
    void fileIsInWalMode()
    {
        QCOMPARE(plainValue(plain, u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    }
    void deterministicBySeed()
    {
        ConnectionSettings other = settings;
        other.database = m_dir.filePath(u"other.sqlite"_s);
        Checks::deterministicBySeed(other, u"tst-other"_s);
    }
    void pointTemplate() { Checks::pointTemplate(); }
    void rangeTemplate() { Checks::rangeTemplate(); }
    void aggregateTemplate() { Checks::aggregateTemplate(); }
    void writeIsVisibleToFollowingRead() { Checks::writeIsVisibleToFollowingRead(); }
    void customTemplate() { Checks::customTemplate(); }
    void badCustomTemplate_data() { Checks::badCustomTemplate_data(); }
    void badCustomTemplate() { Checks::badCustomTemplate(); }
    void perThreadConnectionsNeverCrossThreads()
    {
        Checks::perThreadConnectionsNeverCrossThreads();
    }
    void connectionRemovedWhenThreadEnds() { Checks::connectionRemovedWhenThreadEnds(); }
    void runIdChangeReopens() { Checks::runIdChangeReopens(); }
    void perQueryMode() { Checks::perQueryMode(); }
    void simulatedDelay() { Checks::simulatedDelay(); }
    void cancelKeepsPreviousDemo()
    {
        ConnectionSettings scratch = settings;
        scratch.database = m_dir.filePath(u"scratch.sqlite"_s);
        Checks::cancelKeepsPreviousDemo(scratch, u"tst-scratch"_s);
    }

    void badPath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("create");
        QTest::addColumn<QString>("expected"); // a piece of the message
        QFile file(m_dir.filePath(u"plain.txt"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i) // longer than SQLite's 100-byte header
            file.write("this is not an SQLite database, only text\n");
        file.close();
        QVERIFY(QDir(m_dir.path()).mkpath(u"subdir"_s));

        QTest::newRow("missing directory, create") << m_dir.filePath(
            u"no/such/dir/demo.sqlite"_s) << true << u"is in a directory that does not exist"_s;
        QTest::newRow("missing directory, open")
            << m_dir.filePath(u"no/such/dir/demo.sqlite"_s) << false
            << u"is in a directory that does not exist"_s;
        QTest::newRow("parent is a file")
            << m_dir.filePath(u"plain.txt/demo.sqlite"_s) << true << u"which is not a directory"_s;
        QTest::newRow("path is a directory")
            << m_dir.filePath(u"subdir"_s) << true << u"is a directory"_s;
        QTest::newRow("missing file, open")
            << m_dir.filePath(u"missing.sqlite"_s) << false << u"does not exist"_s;
        QTest::newRow("not a database")
            << m_dir.filePath(u"plain.txt"_s) << false << u"file is not a database"_s;
        // /proc refuses new files even to root, for whom permission bits do not count.
        QTest::newRow("unwritable (procfs)")
            << u"/proc/cachescope-demo.sqlite"_s << true << u"cannot"_s; // open, or be created
    }

    void badPath()
    {
        QFETCH(QString, path);
        QFETCH(bool, create);
        QFETCH(QString, expected);
        ConnectionSettings bad = settings;
        bad.database = path;
        releaseThreadConnection();
        const QStringList connectionsBefore = QSqlDatabase::connectionNames();
        const Error error
            = create ? createDemoDatabase(bad, 0.001).error() : threadConnection(bad, 900).error();
        QVERIFY2(error.toString().contains(expected), qPrintable(error.toString()));
        QCOMPARE(error.file, u"sqlite:"_s + path);
        QVERIFY(!QFileInfo(path).isFile() || path.endsWith(u"plain.txt"_s)); // nothing was created
        QCOMPARE(QSqlDatabase::connectionNames(), connectionsBefore); // nothing half-open left
        QCOMPARE(threadConnectionName(), QString());
    }

    void unwritableDirectory()
    {
        const QString dir = m_dir.filePath(u"readonly"_s);
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::setPermissions(dir, QFile::ReadOwner | QFile::ExeOwner));
        const auto restore = qScopeGuard([&] {
            QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        });
        if (::access(qPrintable(dir), W_OK) == 0)
            QSKIP("running as root: permission bits do not stop writes (the procfs row covers it)");
        ConnectionSettings bad = settings;
        bad.database = dir + u"/demo.sqlite"_s;
        const Result<void> created = createDemoDatabase(bad, 0.001);
        QVERIFY(!created);
        QCOMPARE(created.error().field, u"database"_s);
        QVERIFY2(created.error().message.contains(u"is not writable"_s),
            qPrintable(created.error().toString()));
    }

    void ensureCreatesDefaultDemoOnFirstUse()
    {
        // AppDataLocation follows XDG_DATA_HOME: point it into the temporary directory.
        const QByteArray previous = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", m_dir.filePath(u"xdg"_s).toLocal8Bit());
        const auto restore = qScopeGuard([&] { qputenv("XDG_DATA_HOME", previous); });
        const QString path = defaultDemoDatabasePath();
        QVERIFY2(path.startsWith(m_dir.filePath(u"xdg/"_s)), qPrintable(path));
        QVERIFY(path.endsWith(u"/demo.sqlite"_s));
        QVERIFY(!QFileInfo::exists(path));
        QCOMPARE(defaultDemoSettings().database, path);

        const auto missing = readDemoDatabaseInfo(defaultDemoSettings());
        QVERIFY(missing);
        QVERIFY(!missing->has_value());
        const auto first = ensureDemoDatabase(defaultDemoSettings(), 0.001, 11);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().toString()));
        QVERIFY(QFileInfo::exists(path));
        QCOMPARE(first->customers, 100);
        QCOMPARE(first->orders, 1000);
        QCOMPARE(first->seed, quint64(11));
        // Second use: the complete database is found, not rebuilt with the new arguments.
        const auto second = ensureDemoDatabase(defaultDemoSettings(), 0.002, 12);
        QVERIFY(second);
        QCOMPARE(*second, *first);
    }

    void incompleteDemoIsRebuilt()
    {
        ConnectionSettings partial = settings;
        partial.database = m_dir.filePath(u"partial.sqlite"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst-partial"_s);
            db.setDatabaseName(partial.database);
            QVERIFY(db.open());
            // Tables from an interrupted build, but no metadata row.
            QVERIFY(QSqlQuery(db).exec(u"CREATE TABLE customers (id INTEGER PRIMARY KEY)"_s));
        }
        QSqlDatabase::removeDatabase(u"tst-partial"_s);
        const auto before = readDemoDatabaseInfo(partial);
        QVERIFY(before);
        QVERIFY(!before->has_value());
        const auto ensured = ensureDemoDatabase(partial, 0.001, 2);
        QVERIFY2(ensured, qPrintable(ensured ? QString() : ensured.error().toString()));
        QCOMPARE(ensured->products, 50);
    }

    void inMemoryDatabaseIsRejected()
    {
        ConnectionSettings memory = settings;
        memory.database = u":memory:"_s;
        const Result<QSqlDatabase> db = threadConnection(memory, 1);
        QVERIFY(!db);
        QCOMPARE(db.error().field, u"database"_s);
        QVERIFY(db.error().message.contains(u"in-memory"_s));
    }

    /// Opt-in timing of the full-size demo (CACHESCOPE_FULL_DEMO=1): the issue asks for well
    /// under a minute on 2 cores.
    void fullSizeDemoIsFast()
    {
        if (qEnvironmentVariableIntValue("CACHESCOPE_FULL_DEMO") != 1)
            QSKIP("set CACHESCOPE_FULL_DEMO=1 to build and time the full-size demo database");
        ConnectionSettings full = settings;
        full.database = m_dir.filePath(u"full.sqlite"_s);
        QElapsedTimer timer;
        timer.start();
        const Result<void> created = createDemoDatabase(full, 1.0, defaultDemoSeed);
        const qint64 ms = timer.elapsed();
        QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
        qInfo("full-size SQLite demo (100k customers, 50k products, 1M orders): %lld ms, %lld MB",
            ms, QFileInfo(full.database).size() >> 20);
        const auto info = readDemoDatabaseInfo(full);
        QVERIFY(info && info->has_value());
        QCOMPARE((*info)->orders, 1'000'000);
        QVERIFY(ms < 60'000);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_SqliteDatabase)
#include "tst_sqlitedatabase.moc"
