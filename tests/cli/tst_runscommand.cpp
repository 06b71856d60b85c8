// The run history through cachescope-cli: `run` records each run (unless --no-history), `runs`
// lists, shows, compares, exports, renames and deletes them, on a real SQLite file; bad ids,
// actions and files are refused with a clear message and the right exit status.
#include "clirun.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

class tst_RunsCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(u"CACHESCOPE_HISTORY"_s, m_dir.filePath(u"history.sqlite"_s));
        m_env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data"_s)); // the demo database
    }
    void recordsListsShowsAndCompares();
    void exportRenameDelete();
    void badInput_data();
    void badInput();
    void notAHistoryIsReported();

private:
    CliRun cli(const QStringList &args) { return runCli(args, m_env); }
    /// Records a 1.5 s run; its final JSON line.
    QJsonObject record(const QStringList &extra)
    {
        const CliRun r = cli(
            QStringList { u"run"_s, u"--duration"_s, u"1500ms"_s, u"--keys"_s, u"2000"_s,
                u"--threads"_s, u"2"_s, u"--interval-ms"_s, u"250"_s, u"--output"_s, u"json"_s }
            + extra);
        if (r.exitCode != 0)
            qWarning("%s", qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        return lines.isEmpty() ? QJsonObject() : lines.last();
    }

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    qint64 m_first = 0;
    qint64 m_second = 0;
};

void tst_RunsCommand::recordsListsShowsAndCompares()
{
    const QJsonObject small
        = record({ u"--policy"_s, u"lru"_s, u"--capacity"_s, u"50"_s, u"--name"_s, u"small"_s });
    QVERIFY(small.value(u"final"_s).toBool());
    const QJsonObject big = record({ u"--policy"_s, u"lru"_s, u"--capacity"_s, u"1500"_s });
    QVERIFY(big.value(u"final"_s).toBool());
    // Not recorded.
    const CliRun quiet = cli({ u"run"_s, u"--duration"_s, u"300ms"_s, u"--no-history"_s });
    QCOMPARE(quiet.exitCode, 0);
    QVERIFY(!quiet.err.contains(u"recorded as run"_s));

    const CliRun listed = cli({ u"runs"_s, u"list"_s, u"--output"_s, u"json"_s });
    QCOMPARE(listed.exitCode, 0);
    const QJsonArray runs = QJsonDocument::fromJson(listed.out.toUtf8()).array();
    QCOMPARE(runs.size(), 2);
    const QJsonObject newest = runs.at(0).toObject();
    const QJsonObject oldest = runs.at(1).toObject();
    m_first = oldest.value(u"id"_s).toInteger();
    m_second = newest.value(u"id"_s).toInteger();
    QVERIFY(m_second > m_first);
    QCOMPARE(oldest.value(u"name"_s).toString(), u"small"_s);
    QCOMPARE(oldest.value(u"policy"_s).toString(), u"lru"_s);
    QCOMPARE(oldest.value(u"capacity"_s).toString(), u"50"_s);
    QVERIFY(oldest.value(u"complete"_s).toBool());
    // The history holds what the run printed.
    QCOMPARE(oldest.value(u"requests"_s).toInteger(), small.value(u"requests"_s).toInteger());
    QCOMPARE(oldest.value(u"hit_ratio"_s).toDouble(), small.value(u"hit_ratio"_s).toDouble());
    QCOMPARE(newest.value(u"hit_ratio"_s).toDouble(), big.value(u"hit_ratio"_s).toDouble());

    const CliRun table = cli({ u"runs"_s, u"list"_s });
    QCOMPARE(table.exitCode, 0);
    QVERIFY2(
        table.out.contains(u"small"_s) && table.out.contains(u"complete"_s), qPrintable(table.out));

    const CliRun shown
        = cli({ u"runs"_s, u"show"_s, QString::number(m_first), u"--output"_s, u"json"_s });
    QCOMPARE(shown.exitCode, 0);
    const QJsonObject run = QJsonDocument::fromJson(shown.out.toUtf8()).object();
    QCOMPARE(run.value(u"config"_s)[u"cache"_s][u"capacity"_s].toInt(), 50);
    QCOMPARE(run.value(u"summary"_s)[u"final"_s].toBool(), true);
    QCOMPARE(
        run.value(u"summary"_s)[u"misses"_s].toInteger(), small.value(u"misses"_s).toInteger());
    // 250 ms intervals over 1.5 s: one point a second of them, 1 or 2.
    QVERIFY2(run.value(u"points"_s).toInt() >= 1 && run.value(u"points"_s).toInt() <= 2,
        qPrintable(QString::number(run.value(u"points"_s).toInt())));

    const CliRun compared = cli({ u"runs"_s, u"compare"_s, QString::number(m_first),
        QString::number(m_second), u"--output"_s, u"json"_s });
    QCOMPARE(compared.exitCode, 0);
    const QJsonObject c = QJsonDocument::fromJson(compared.out.toUtf8()).object();
    const QJsonArray changes = c.value(u"config_changes"_s).toArray();
    QCOMPARE(changes.size(), 1); // only the capacity differs
    QCOMPARE(changes.at(0)[u"field"_s].toString(), u"cache.capacity"_s);
    QCOMPARE(changes.at(0)[u"a"_s].toString(), u"50"_s);
    QCOMPARE(changes.at(0)[u"b"_s].toString(), u"1500"_s);
    bool sawHitRatio = false;
    for (const QJsonValue &m : c.value(u"metrics"_s).toArray()) {
        if (m[u"metric"_s].toString() != u"hit_ratio"_s)
            continue;
        sawHitRatio = true;
        QCOMPARE(m[u"difference"_s].toDouble(),
            big.value(u"hit_ratio"_s).toDouble() - small.value(u"hit_ratio"_s).toDouble());
        QVERIFY(m[u"difference"_s].toDouble() > 0.1); // 30 times the capacity
    }
    QVERIFY(sawHitRatio);
    const CliRun text
        = cli({ u"runs"_s, u"compare"_s, QString::number(m_first), QString::number(m_second) });
    QVERIFY2(text.out.contains(u"cache.capacity: 50 -> 1500"_s), qPrintable(text.out));
    QVERIFY2(text.out.contains(u"points"_s), qPrintable(text.out));
}

void tst_RunsCommand::exportRenameDelete()
{
    QVERIFY(m_first > 0);
    const QString csv = m_dir.filePath(u"run.csv"_s);
    const CliRun exported
        = cli({ u"runs"_s, u"export"_s, QString::number(m_first), u"--csv"_s, csv });
    QCOMPARE(exported.exitCode, 0);
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(lines.size() >= 2);
    QVERIFY(lines.at(0).startsWith(u"t_ms,requests,hits,misses"_s));
    QCOMPARE(lines.at(1).split(u',').size(), lines.at(0).split(u',').size());
    const CliRun json
        = cli({ u"runs"_s, u"export"_s, QString::number(m_first), u"--json"_s, u"-"_s });
    QCOMPARE(json.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(o.value(u"points"_s).toArray().size(), lines.size() - 1);

    QCOMPARE(
        cli({ u"runs"_s, u"rename"_s, QString::number(m_first), u"tiny cache"_s }).exitCode, 0);
    QVERIFY(cli({ u"runs"_s, u"list"_s }).out.contains(u"tiny cache"_s));
    QCOMPARE(cli({ u"runs"_s, u"delete"_s, QString::number(m_first) }).exitCode, 0);
    const CliRun gone = cli({ u"runs"_s, u"show"_s, QString::number(m_first) });
    QCOMPARE(gone.exitCode, 1);
    QVERIFY2(gone.err.contains(u"no run with this id"_s), qPrintable(gone.err));
    QVERIFY(gone.err.contains(QString::number(m_first)));
    const QJsonArray left = QJsonDocument::fromJson(
        cli({ u"runs"_s, u"list"_s, u"--output"_s, u"json"_s }).out.toUtf8())
                                .array();
    QCOMPARE(left.size(), 1);
}

void tst_RunsCommand::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("id not a number") << QStringList { u"runs"_s, u"show"_s, u"abc"_s } << 2
                                     << u"a run id is a positive number"_s;
    QTest::newRow("unknown action")
        << QStringList { u"runs"_s, u"frobnicate"_s } << 2 << u"unknown runs action 'frobnicate'"_s;
    QTest::newRow("compare one") << QStringList { u"runs"_s, u"compare"_s, u"1"_s } << 2
                                 << u"takes 2 argument(s), got 1"_s;
    QTest::newRow("export without file")
        << QStringList { u"runs"_s, u"export"_s, u"1"_s } << 2 << u"--csv FILE or --json FILE"_s;
    QTest::newRow("bad output") << QStringList { u"runs"_s, u"list"_s, u"--output"_s, u"xml"_s }
                                << 2 << u"xml"_s;
    QTest::newRow("no such run") << QStringList { u"runs"_s, u"show"_s, u"999999"_s } << 1
                                 << u"no run with this id"_s;
    QTest::newRow("no-history with name") << QStringList { u"run"_s, u"--no-history"_s, u"--name"_s,
        u"x"_s } << 2 << u"--no-history records nothing"_s;
    QTest::newRow("keep 0") << QStringList { u"run"_s, u"--keep"_s, u"0"_s } << 2 << u"keep"_s;
}

void tst_RunsCommand::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(int, status);
    QFETCH(QString, message);
    const CliRun r = cli(args);
    QCOMPARE(r.exitCode, status);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.err.startsWith(u"cachescope-cli: "_s));
}

void tst_RunsCommand::notAHistoryIsReported()
{
    const QString path = m_dir.filePath(u"notes.txt"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("my notes, not a database\n");
    f.close();
    const CliRun listed = cli({ u"runs"_s, u"list"_s, u"--history"_s, path });
    QCOMPARE(listed.exitCode, 1);
    QVERIFY2(listed.err.contains(u"not a CacheScope run history"_s), qPrintable(listed.err));
    QVERIFY(listed.err.contains(path));
    // A run told to record there refuses before it starts; the file is untouched.
    const CliRun run = cli({ u"run"_s, u"--duration"_s, u"200ms"_s, u"--history"_s, path });
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains(path));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("my notes, not a database\n"));
    // No history file at all: an empty list, and no file made by reading.
    const QString none = m_dir.filePath(u"none.sqlite"_s);
    const CliRun empty
        = cli({ u"runs"_s, u"list"_s, u"--history"_s, none, u"--output"_s, u"json"_s });
    QCOMPARE(empty.exitCode, 0);
    QCOMPARE(empty.out.trimmed(), u"[]"_s);
    QVERIFY(!QFile::exists(none));
}

QTEST_GUILESS_MAIN(tst_RunsCommand)
#include "tst_runscommand.moc"
