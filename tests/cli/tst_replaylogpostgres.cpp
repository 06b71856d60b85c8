// cachescope-cli replay-log against the real PostgreSQL of scripts/pg: a log that makes its own
// table, reads it (every hit and miss known), writes it (invalidating every cached result of the
// table) and reads again; the statements ran through libpq, the write reached the server.
#include "clirun.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_ReplayLogPostgres : public QObject
{
    Q_OBJECT

private slots:
    void replaysAgainstPostgres();
};

void tst_ReplayLogPostgres::replaysAgainstPostgres()
{
    if (qEnvironmentVariableIsEmpty("CACHESCOPE_PG_PORT"))
        QSKIP("no PostgreSQL: start one with pgenv=$(scripts/pg start); eval \"$pgenv\"");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("CACHESCOPE_HISTORY", dir.filePath(u"history.sqlite"_s).toLocal8Bit());
    QByteArray log
        = "DROP TABLE IF EXISTS replay_pg_items;\n"
          "CREATE TABLE replay_pg_items (id int PRIMARY KEY, v text);\n"
          "INSERT INTO replay_pg_items SELECT g, 'v' || g FROM generate_series(1, 50) g;\n";
    for (int round = 0; round < 10; ++round) {
        for (int id = 1; id <= 20; ++id)
            log += "SELECT v FROM replay_pg_items WHERE id = " + QByteArray::number(id) + ";\n";
    }
    log += "UPDATE replay_pg_items SET v = 'new' WHERE id <= 5;\n";
    for (int id = 1; id <= 20; ++id)
        log += "SELECT v FROM replay_pg_items WHERE id = " + QByteArray::number(id) + ";\n";
    log += "SELECT * FROM no_such_table_here;\n";
    const QString path = dir.filePath(u"pg.sql"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(log);
    f.close();

    const TestSupport::CliRun r = TestSupport::runCli({ u"replay-log"_s, path, u"--driver"_s,
        u"postgres"_s, u"--threads"_s, u"3"_s, u"--policy"_s, u"lru"_s, u"--capacity"_s, u"100"_s,
        u"--output"_s, u"json"_s, u"--no-history"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject final = TestSupport::jsonLines(r.out).last();
    QCOMPARE(final[u"statements"_s].toInteger(), 3 + 200 + 1 + 20 + 1);
    QCOMPARE(final[u"hits"_s].toInteger(), 180); // 20 cold misses, 20 after the write
    QCOMPARE(final[u"misses"_s].toInteger(), 41); // and the failing read
    QCOMPARE(final[u"writes"_s].toInteger(), 2); // INSERT and UPDATE
    QCOMPARE(final[u"errors"_s].toInteger(), 1);
    QJsonObject reads;
    for (const auto &t : final[u"templates"_s].toArray()) {
        if (t.toObject()[u"template"_s].toString().startsWith(u"select v from replay_pg_items"_s))
            reads = t.toObject();
    }
    QCOMPARE(reads[u"calls"_s].toInteger(), 220);
    QCOMPARE(reads[u"distinct_parameters"_s].toInteger(), 20);
    QCOMPARE(reads[u"invalidations"_s].toInteger(), 20); // all twenty were cached at the UPDATE
    QCOMPARE(reads[u"recommended_rank"_s].toInt(), 1);
    QVERIFY(reads[u"miss_latency_us_mean"_s].toDouble() > 0);
    QVERIFY(reads[u"db_time_saved_ms_per_s"_s].toDouble() > 0);

    // The write reached the server.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, u"check"_s);
        db.setHostName(qEnvironmentVariable("CACHESCOPE_PG_HOST", u"127.0.0.1"_s));
        db.setPort(qEnvironmentVariableIntValue("CACHESCOPE_PG_PORT"));
        db.setDatabaseName(qEnvironmentVariable("CACHESCOPE_PG_DB"));
        db.setUserName(qEnvironmentVariable("CACHESCOPE_PG_USER"));
        db.setPassword(qEnvironmentVariable("CACHESCOPE_PG_PASSWORD"));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT count(*) FROM replay_pg_items WHERE v = 'new'"_s));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 5);
        QVERIFY(q.exec(u"DROP TABLE replay_pg_items"_s));
    }
    QSqlDatabase::removeDatabase(u"check"_s);
}

QTEST_GUILESS_MAIN(tst_ReplayLogPostgres)
#include "tst_replaylogpostgres.moc"
