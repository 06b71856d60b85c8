// cachescope-cli replay-log on a real SQLite file: a hand-written .sql log whose every hit, miss,
// invalidation and failure is known when one worker replays it in order; the writes reach the
// database; the per-template table in JSON, text and CSV; bad input with its exit status. The
// same log offline through `simulate` (the pglog/sql trace formats).
#include "clirun.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_ReplayLogCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void replaysThroughTheCacheInOrder();
    void tableAndTemplatesFile();
    void offlineSimulateReadsTheLog();
    void badInput_data();
    void badInput();
    void onlyWritesIsSaid();

private:
    QString writeFile(const QString &name, const QByteArray &text);
    QString makeDatabase(const QString &name);
    QTemporaryDir m_dir;
};

namespace {
using TestSupport::CliRun;
using TestSupport::runCli;

// One worker replays it in order: template "select v from items where id = $1" sees id 1 (miss),
// id 1 (hit), id 1 spelled differently (hit), id 2 (miss), then a write to items, then id 1
// (miss: invalidated). random() is uncacheable; the missing table fails once; BEGIN/COMMIT are
// transaction control.
const QByteArray theLog = R"(-- a hand-written log
SELECT v FROM items WHERE id = 1;
SELECT v FROM items WHERE id = 1;
select v
  from items where id=1;
SELECT v FROM items WHERE id = 2;
BEGIN;
UPDATE items SET v = 'it''s changed' WHERE id = 1;
COMMIT;
SELECT v FROM items WHERE id = 1;
SELECT random();
SELECT name FROM missing_table WHERE id = 3;
)";

QJsonObject templateWith(const QJsonArray &templates, const QString &prefix)
{
    for (const auto &t : templates) {
        if (t.toObject()[u"template"_s].toString().startsWith(prefix))
            return t.toObject();
    }
    return {};
}

} // namespace

void tst_ReplayLogCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("CACHESCOPE_HISTORY", m_dir.filePath(u"history.sqlite"_s).toLocal8Bit());
}

QString tst_ReplayLogCommand::writeFile(const QString &name, const QByteArray &text)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    return path;
}

QString tst_ReplayLogCommand::makeDatabase(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"setup"_s);
        db.setDatabaseName(path);
        if (!db.open())
            return {};
        QSqlQuery q(db);
        q.exec(u"CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)"_s);
        q.exec(u"INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')"_s);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"setup"_s);
    return path;
}

void tst_ReplayLogCommand::replaysThroughTheCacheInOrder()
{
    const QString log = writeFile(u"app.sql"_s, theLog);
    const QString database = makeDatabase(u"replay.sqlite"_s);
    QVERIFY(!database.isEmpty());
    const CliRun r = runCli(
        { u"replay-log"_s, log, u"--database"_s, database, u"--threads"_s, u"1"_s, u"--policy"_s,
            u"lru"_s, u"--capacity"_s, u"100"_s, u"--output"_s, u"json"_s, u"--no-history"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QList<QJsonObject> lines = TestSupport::jsonLines(r.out);
    QVERIFY(!lines.isEmpty());
    const QJsonObject final = lines.last();
    QVERIFY(final[u"final"_s].toBool());
    QCOMPARE(final[u"statements"_s].toInteger(), 10);
    QCOMPARE(final[u"hits"_s].toInteger(), 2);
    QCOMPARE(final[u"misses"_s].toInteger(), 4); // 3 of items and the failing read
    QCOMPARE(final[u"writes"_s].toInteger(), 1);
    QCOMPARE(final[u"errors"_s].toInteger(), 1);

    const QJsonArray templates = final[u"templates"_s].toArray();
    QCOMPARE(templates.size(), 6); // read, begin, update, commit, random, missing table
    const QJsonObject items = templateWith(templates, u"select v from items where id = "_s);
    QVERIFY2(!items.isEmpty(), QJsonDocument(templates).toJson().constData());
    QCOMPARE(items[u"kind"_s].toString(), u"read"_s);
    QCOMPARE(items[u"calls"_s].toInteger(), 5);
    QCOMPARE(items[u"hits"_s].toInteger(), 2);
    QCOMPARE(items[u"misses"_s].toInteger(), 3);
    QCOMPARE(items[u"distinct_parameters"_s].toInteger(), 2);
    QCOMPARE(items[u"invalidations"_s].toInteger(), 2); // ids 1 and 2 were cached at the write
    QCOMPARE(items[u"hit_ratio"_s].toDouble(), 0.4);
    QCOMPARE(items[u"tables"_s].toArray().first().toString(), u"items"_s);
    QCOMPARE(items[u"recommended_rank"_s].toInt(), 1);
    QVERIFY(items[u"result_bytes_mean"_s].toDouble() > 0);

    // The recommended template's working set, from its reads alone offline: A A A B | A' (the
    // write made A a new result): one entry holds the two hits they can get.
    const QJsonObject capacity = final[u"recommended_capacity"_s].toObject();
    QCOMPARE(capacity[u"requests"_s].toInteger(), 5);
    QCOMPARE(capacity[u"unique_results"_s].toInteger(), 3);
    QCOMPARE(capacity[u"entries"_s].toInteger(), 1);
    QCOMPARE(capacity[u"hit_ratio"_s].toDouble(), 0.4);
    QCOMPARE(capacity[u"max_hit_ratio"_s].toDouble(), 0.4);
    QVERIFY(capacity[u"bytes"_s].toDouble() > 0);

    const QJsonObject update = templateWith(templates, u"update items"_s);
    QCOMPARE(update[u"kind"_s].toString(), u"write"_s);
    QCOMPARE(update[u"calls"_s].toInteger(), 1);
    const QJsonObject random = templateWith(templates, u"select random()"_s);
    QCOMPARE(random[u"kind"_s].toString(), u"uncacheable"_s);
    QVERIFY2(random[u"uncacheable_reason"_s].toString().contains(u"random"_s),
        qPrintable(random[u"uncacheable_reason"_s].toString()));
    const QJsonObject missing = templateWith(templates, u"select name from missing_table"_s);
    QCOMPARE(missing[u"errors"_s].toInteger(), 1);
    QVERIFY2(missing[u"first_error"_s].toString().contains(u"missing_table"_s),
        qPrintable(missing[u"first_error"_s].toString()));
    const QJsonObject begin = templateWith(templates, u"begin"_s);
    QCOMPARE(begin[u"kind"_s].toString(), u"control"_s);

    // The write ran on the database, its quote intact; nothing else changed.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(database);
        QVERIFY(db.open());
        QSqlQuery q(u"SELECT id, v FROM items ORDER BY id"_s, db);
        QStringList rows;
        while (q.next())
            rows << q.value(0).toString() + u'=' + q.value(1).toString();
        QCOMPARE(rows, QStringList({ u"1=it's changed"_s, u"2=two"_s, u"3=three"_s }));
    }
    QSqlDatabase::removeDatabase(u"check"_s);
    QVERIFY2(r.err.contains(u"statements failed on replay"_s), qPrintable(r.err));
    QVERIFY2(r.err.contains(u"transaction control"_s), qPrintable(r.err));
}

void tst_ReplayLogCommand::tableAndTemplatesFile()
{
    const QString log = writeFile(u"app2.sql"_s, theLog);
    const QString database = makeDatabase(u"replay2.sqlite"_s);
    const QString csv = m_dir.filePath(u"templates.csv"_s);
    const QString json = m_dir.filePath(u"templates.json"_s);
    const CliRun r = runCli({ u"replay-log"_s, log, u"--database"_s, database, u"--threads"_s,
        u"1"_s, u"--capacity"_s, u"100"_s, u"--templates"_s, csv, u"--no-history"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(u"templates: 6 from 10 statements"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"cache these"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"their working set: an LRU cache of 1 entry"_s), qPrintable(r.out));
    QVERIFY(r.out.contains(u"select v from items where id = "_s));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList rows = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 7); // header and six templates
    QVERIFY(rows[0].startsWith(u"template_id,kind,calls"_s));

    const CliRun j = runCli({ u"replay-log"_s, log, u"--database"_s, database, u"--threads"_s,
        u"2"_s, u"--templates"_s, json, u"--output"_s, u"csv"_s });
    QVERIFY2(j.exitCode == 0, qPrintable(j.err + j.out));
    // Recorded in the history as a live run whose workload is the log.
    const CliRun listed = runCli({ u"runs"_s, u"list"_s, u"--output"_s, u"json"_s });
    QVERIFY2(listed.out.contains(u"\"workload\":\"query log app2.sql\""_s), qPrintable(listed.out));
    QFile jf(json);
    QVERIFY(jf.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(jf.readAll()).array().size(), 6);
}

void tst_ReplayLogCommand::offlineSimulateReadsTheLog()
{
    const QString log = writeFile(u"offline.sql"_s, theLog);
    const CliRun r = runCli({ u"simulate"_s, u"--trace"_s, log, u"--policy"_s, u"lru,opt"_s,
        u"--capacity"_s, u"100"_s, u"--output"_s, u"json"_s, u"--no-history"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o[u"format"_s].toString(), u"sql"_s);
    // Cacheable reads are requests: five of items, one of the missing table.
    QCOMPARE(o[u"requests"_s].toInteger(), 6);
    const QJsonArray results = o[u"results"_s].toArray();
    QCOMPARE(results.size(), 2);
    for (const auto &v : results)
        QCOMPARE(v.toObject()[u"misses"_s].toInteger(), 4); // the write invalidated id 1
    QVERIFY2(r.err.contains(u"1 writes invalidated"_s), qPrintable(r.err));
    QVERIFY2(r.err.contains(u"uncacheable"_s), qPrintable(r.err));

    // With the format given and through mrc as well.
    const CliRun m = runCli(
        { u"mrc"_s, u"--trace"_s, log, u"--format"_s, u"sql"_s, u"--output"_s, u"json"_s });
    QVERIFY2(m.exitCode == 0, qPrintable(m.err + m.out));
    const QJsonObject curve = QJsonDocument::fromJson(m.out.toUtf8()).object();
    QCOMPARE(curve[u"requests"_s].toInteger(), 6);
    // Four distinct results (id 1 before and after the write, id 2, the missing table): from
    // a capacity of 4 only those cold misses are left.
    QCOMPARE(curve[u"unique_objects"_s].toInteger(), 4);
    const QJsonArray points = curve[u"points"_s].toArray();
    QVERIFY(!points.isEmpty());
    QCOMPARE(points.last().toObject()[u"miss_ratio"_s].toDouble(), 4.0 / 6.0);
}

void tst_ReplayLogCommand::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    const QString log = m_dir.filePath(u"bad-base.sql"_s);
    QFile f(log);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("SELECT 1;\n");
    f.close();
    QTest::newRow("no file") << QStringList { u"replay-log"_s } << 2 << u"give the query log"_s;
    QTest::newRow("missing file") << QStringList { u"replay-log"_s, u"/nonexistent/x.sql"_s } << 2
                                  << u"no such file"_s;
    QTest::newRow("workload option")
        << QStringList { u"replay-log"_s, log, u"--workload"_s, u"zipf"_s } << 2 << u"--workload"_s;
    QTest::newRow("speed 0") << QStringList { u"replay-log"_s, log, u"--speed"_s, u"0"_s } << 2
                             << u"--speed: '0'"_s;
    QTest::newRow("speed and as-fast") << QStringList { u"replay-log"_s, log, u"--speed"_s, u"2"_s,
        u"--as-fast"_s } << 2 << u"not both"_s;
    QTest::newRow("unknown format name")
        << QStringList { u"replay-log"_s, log, u"--format"_s, u"mysql"_s } << 2 << u"mysql"_s;
    QTest::newRow("capacity 0") << QStringList { u"replay-log"_s, log, u"--capacity"_s, u"0"_s }
                                << 2 << u"capacity"_s;
    QTest::newRow("threads -1") << QStringList { u"replay-log"_s, log, u"--threads"_s, u"-1"_s }
                                << 2 << u"--threads: '-1'"_s;
}

void tst_ReplayLogCommand::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(int, status);
    QFETCH(QString, message);
    const CliRun r = runCli(args + QStringList { u"--no-history"_s });
    QVERIFY2(r.exitCode == status, qPrintable(QString::number(r.exitCode) + u' ' + r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void tst_ReplayLogCommand::onlyWritesIsSaid()
{
    const QString log = writeFile(u"writes.sql"_s,
        "UPDATE items SET v = 'a' WHERE id = 1;\nDELETE FROM items WHERE id = 3;\n");
    const QString database = makeDatabase(u"writes.sqlite"_s);
    const CliRun r = runCli({ u"replay-log"_s, log, u"--database"_s, database, u"--no-history"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.err.contains(u"only writes"_s), qPrintable(r.err));
    QVERIFY2(r.out.contains(u"cache these: none"_s), qPrintable(r.out));

    // A file that ends inside a string: the statements before it ran; the error names the file.
    const QString broken
        = writeFile(u"broken.sql"_s, "SELECT v FROM items WHERE id = 1;\nSELECT 'unterminated\n");
    const CliRun b
        = runCli({ u"replay-log"_s, broken, u"--database"_s, database, u"--no-history"_s });
    QCOMPARE(b.exitCode, 2);
    QVERIFY2(b.err.contains(u"broken.sql"_s), qPrintable(b.err));
}

QTEST_GUILESS_MAIN(tst_ReplayLogCommand)
#include "tst_replaylogcommand.moc"
