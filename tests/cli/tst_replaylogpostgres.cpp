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
    void replaysALogPostgresWrote();
};

namespace {

QSqlDatabase openAs(const QString &name, const QString &user)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    db.setHostName(qEnvironmentVariable("CACHESCOPE_PG_HOST", u"127.0.0.1"_s));
    db.setPort(qEnvironmentVariableIntValue("CACHESCOPE_PG_PORT"));
    db.setDatabaseName(qEnvironmentVariable("CACHESCOPE_PG_DB"));
    db.setUserName(user);
    db.setPassword(qEnvironmentVariable("CACHESCOPE_PG_PASSWORD"));
    db.open();
    return db;
}

} // namespace

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

void tst_ReplayLogPostgres::replaysALogPostgresWrote()
{
    // scripts/pg's server logs every statement of the role cachescope_log (stderr, prefix
    // '%m|%u|%d|%c|'): run a known workload as that role, keep this session's lines of the log,
    // and replay them.
    const QString logDir = qEnvironmentVariable("CACHESCOPE_PG_LOG_DIR");
    if (logDir.isEmpty())
        QSKIP("no PostgreSQL log: start one with pgenv=$(scripts/pg start); eval \"$pgenv\"");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("CACHESCOPE_HISTORY", dir.filePath(u"history.sqlite"_s).toLocal8Bit());
    QString session;
    QString table;
    {
        QSqlDatabase db = openAs(u"workload"_s, u"cachescope_log"_s);
        QVERIFY2(db.isOpen(), qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        // %c: the backend's start time and process id in hex.
        QVERIFY(q.exec(u"SELECT to_hex(trunc(extract(epoch FROM backend_start))::bigint) || '.' "
                       "|| to_hex(pid) FROM pg_stat_activity WHERE pid = pg_backend_pid()"_s));
        QVERIFY(q.next());
        session = q.value(0).toString();
        table = u"replay_logged_"_s + session.section(u'.', 1);
        const QStringList workload = {
            u"DROP TABLE IF EXISTS %1"_s.arg(table),
            u"CREATE TABLE %1 (id int PRIMARY KEY, v text)"_s.arg(table),
            u"INSERT INTO %1 SELECT g, 'v' || g FROM generate_series(1, 20) g"_s.arg(table),
        };
        for (const QString &sql : workload)
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        for (int round = 0; round < 10; ++round) {
            for (int id = 1; id <= 10; ++id)
                QVERIFY(q.exec(u"SELECT v FROM %1 WHERE id = %2"_s.arg(table).arg(id)));
        }
        QVERIFY(q.exec(u"UPDATE %1 SET v = 'it''s new' WHERE id = 3"_s.arg(table)));
        for (int id = 1; id <= 10; ++id)
            QVERIFY(q.exec(u"SELECT v\n  FROM %1\n  WHERE id = %2"_s.arg(table).arg(id)));
        QVERIFY(q.exec(u"SELECT now()"_s));
        QVERIFY(q.exec(u"SELECT 'end of %1'"_s.arg(session)));
        QVERIFY(q.exec(u"DROP TABLE %1"_s.arg(table))); // the replay makes it again
    }
    QSqlDatabase::removeDatabase(u"workload"_s);

    // This session's lines (and their continuation lines) once the server has written them.
    QByteArray mine;
    const QByteArray tag = '|' + session.toUtf8() + '|';
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QFile f(logDir + u"/postgresql.log"_s);
            if (!f.open(QIODevice::ReadOnly))
                return false;
            mine.clear();
            bool keep = false;
            for (const QByteArray &line : f.readAll().split('\n')) {
                keep = line.contains(tag) || (keep && line.startsWith('\t'));
                if (keep)
                    mine += line + '\n';
            }
            return mine.contains(QByteArray("DROP TABLE " + table.toUtf8() + '\n'));
        }(),
        20000);
    const QString path = dir.filePath(u"session.log"_s);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(mine);
    out.close();

    const TestSupport::CliRun r = TestSupport::runCli({ u"replay-log"_s, path, u"--driver"_s,
        u"postgres"_s, u"--user"_s, u"cachescope_log"_s, u"--threads"_s, u"2"_s, u"--policy"_s,
        u"lru"_s, u"--capacity"_s, u"100"_s, u"--output"_s, u"json"_s, u"--no-history"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject final = TestSupport::jsonLines(r.out).last();
    // The session query, 3 + 100 + 1 + 10, now(), the marker and DROP; and what QPSQL itself
    // sends when it connects (SET datestyle, client_encoding ..., select version()).
    const qint64 ours = 1 + 3 + 100 + 1 + 10 + 1 + 1 + 1;
    QVERIFY2(final[u"statements"_s].toInteger() >= ours
            && final[u"statements"_s].toInteger() <= ours + 8,
        qPrintable(QString::number(final[u"statements"_s].toInteger())));
    QCOMPARE(final[u"errors"_s].toInteger(), 0);
    QCOMPARE(final[u"writes"_s].toInteger(), 2); // INSERT and UPDATE
    QJsonObject reads;
    for (const auto &t : final[u"templates"_s].toArray()) {
        if (t.toObject()[u"template"_s].toString()
            == u"select v from %1 where id = $1"_s.arg(table))
            reads = t.toObject();
    }
    QVERIFY2(!reads.isEmpty(), qPrintable(r.out));
    QCOMPARE(reads[u"calls"_s].toInteger(), 110); // the multi-line form has the same template
    QCOMPARE(reads[u"distinct_parameters"_s].toInteger(), 10);
    QCOMPARE(reads[u"misses"_s].toInteger(), 20); // 10 cold, 10 after the UPDATE
    QCOMPARE(reads[u"hits"_s].toInteger(), 90);
    QCOMPARE(reads[u"invalidations"_s].toInteger(), 10);
    QVERIFY(reads[u"recommended_rank"_s].toInt() >= 1);

    // The replay ran the log's statements: the table was made, filled, updated and dropped again.
    QSqlDatabase db = openAs(u"check2"_s, u"cachescope_log"_s);
    QSqlQuery q(db);
    QVERIFY(q.exec(u"SELECT to_regclass('%1') IS NULL"_s.arg(table)));
    QVERIFY(q.next());
    QVERIFY(q.value(0).toBool());
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"check2"_s);
}

QTEST_GUILESS_MAIN(tst_ReplayLogPostgres)
#include "tst_replaylogpostgres.moc"
