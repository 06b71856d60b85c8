// cachescope-cli scenarios, and run --scenario, --config, --save-config and --csv, through
// QProcess against a real SQLite file: the app's run session on the command line.
#include "clirun.h"
#include "testsupport.h"

#include "core/session/metricshistory.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_RunScenario : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void scenariosAreListed();
    void scenarioStepsPrintMarkers();
    void markersInTableOutput();
    void builtInScenarioStepFiresOnTime();
    void configFileRoundTrips();
    void csvHasTheAppsColumns();
    void badInput_data();
    void badInput();

private:
    QString write(const QString &name, const QByteArray &bytes) const;
    QStringList runArgs() const;

    QTemporaryDir m_dir;
    QString m_db;
    QString m_scenario; // a scenario file with short steps
};

namespace {
using TestSupport::CliRun;
using TestSupport::jsonLines;
using TestSupport::runCli;

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

QString tst_RunScenario::write(const QString &name, const QByteArray &bytes) const
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(bytes);
    return path;
}

QStringList tst_RunScenario::runArgs() const { return { u"run"_s, u"--database"_s, m_db }; }

void tst_RunScenario::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(u"demo.sqlite"_s);
    const CliRun r = runCli(
        { u"demo-db"_s, u"--database"_s, m_db, u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    m_scenario = write(u"short.json"_s, R"json({
        "id": "short", "title": "Short steps", "lookFor": "two markers",
        "config": {"threads": 2, "workload": {"keys": 1000}, "cache": {"capacity": 100}},
        "steps": [
            {"atMs": 500, "set": {"cache": {"capacity": 1000}}, "note": "capacity 100 → 1 000"},
            {"atMs": 900, "restart": true, "set": {"database": {"connection": "per-query"}},
             "note": "per query (restart)"}
        ]})json");
    QVERIFY(!m_scenario.isEmpty());
}

void tst_RunScenario::scenariosAreListed()
{
    const CliRun table = runCli({ u"scenarios"_s });
    QCOMPARE(table.exitCode, 0);
    for (const QString &id : { u"lru-100"_s, u"stampede"_s, u"connection-per-query"_s })
        QVERIFY2(table.out.contains(id), qPrintable(table.out));
    QVERIFY(table.out.contains(u"LRU of 100 entries, 10 workers"_s));
    QVERIFY(table.out.contains(u"20 s capacity 100 → 10 000"_s)); // the step, with its time
    QVERIFY(table.out.contains(u"lru-100: The classic"_s)); // what to look for

    const CliRun json = runCli({ u"scenarios"_s, u"--output"_s, u"json"_s });
    QCOMPARE(json.exitCode, 0);
    const QJsonArray list = QJsonDocument::fromJson(json.out.toUtf8()).array();
    QCOMPARE(list.size(), 11); // the two fleet scenarios too (they play in the app's Fleet tab)
    const QJsonObject first = list.first().toObject();
    QCOMPARE(first[u"id"_s].toString(), u"lru-100"_s);
    QCOMPARE(first[u"title"_s].toString(), u"LRU of 100 entries, 10 workers"_s);
    QVERIFY(!first[u"look_for"_s].toString().isEmpty());
    const QJsonObject step = first[u"steps"_s].toArray().first().toObject();
    QCOMPARE(step[u"at_ms"_s].toInteger(), 20000);
    QCOMPARE(step[u"note"_s].toString(), u"capacity 100 → 10 000"_s);

    const CliRun bad = runCli({ u"scenarios"_s, u"--output"_s, u"xml"_s });
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(u"--output: 'xml'"_s), qPrintable(bad.err));
}

void tst_RunScenario::scenarioStepsPrintMarkers()
{
    const CliRun r = runCli(runArgs()
        + QStringList { u"--scenario"_s, m_scenario, u"--interval-ms"_s, u"100"_s, u"--duration"_s,
            u"1800ms"_s, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QList<QJsonObject> lines = jsonLines(r.out);
    QList<QJsonObject> markers;
    qsizetype firstMarkerAt = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].contains(u"marker"_s)) {
            markers << lines[i];
            if (firstMarkerAt < 0)
                firstMarkerAt = i;
        }
    }
    QCOMPARE(markers.size(), 2);
    QCOMPARE(markers[0][u"marker"_s].toString(), u"capacity 100 → 1 000"_s);
    QCOMPARE(markers[1][u"marker"_s].toString(), u"per query (restart)"_s);
    const qint64 first = markers[0][u"t_ms"_s].toInteger();
    const qint64 second = markers[1][u"t_ms"_s].toInteger();
    QVERIFY2(first >= 500 && first < 1500, qPrintable(QString::number(first)));
    QVERIFY2(second >= 900 && second < 1900, qPrintable(QString::number(second)));
    // The scenario's configuration ran: 100 entries before the first step, more after it.
    QCOMPARE(lines[firstMarkerAt - 1][u"entries"_s].toInteger(), 100);
    QVERIFY(lines[firstMarkerAt + 1][u"entries"_s].toInteger() > 100);
    // Interval lines continue the timeline across the restart, and the summary comes last.
    qint64 previous = 0;
    for (const QJsonObject &l : lines) {
        if (l.contains(u"marker"_s) || l[u"final"_s].toBool())
            continue;
        QVERIFY(l[u"t_ms"_s].toInteger() >= previous);
        previous = l[u"t_ms"_s].toInteger();
    }
    QVERIFY(previous > second);
    QVERIFY(lines.last()[u"final"_s].toBool());
    QVERIFY(lines.last()[u"requests"_s].toInteger() > 0);
}

void tst_RunScenario::markersInTableOutput()
{
    const CliRun r = runCli(runArgs()
        + QStringList { u"--scenario"_s, m_scenario, u"--interval-ms"_s, u"200"_s, u"--duration"_s,
            u"1200ms"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(u" s: capacity 100 → 1 000\n"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u" s: per query (restart)\n"_s), qPrintable(r.out));
    QVERIFY(r.out.contains(u"  total "_s));
}

void tst_RunScenario::builtInScenarioStepFiresOnTime()
{
    // lru-100 raises the capacity from 100 to 10 000 at 20 s (2 workers instead of 10 here).
    const CliRun r = runCli(runArgs()
        + QStringList { u"--scenario"_s, u"lru-100"_s, u"--threads"_s, u"2"_s, u"--interval-ms"_s,
            u"250"_s, u"--duration"_s, u"20800ms"_s, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QList<QJsonObject> lines = jsonLines(r.out);
    QList<QJsonObject> markers;
    for (const QJsonObject &l : lines) {
        if (l.contains(u"marker"_s))
            markers << l;
    }
    QCOMPARE(markers.size(), 1);
    QCOMPARE(markers[0][u"marker"_s].toString(), u"capacity 100 → 10 000"_s);
    const qint64 t = markers[0][u"t_ms"_s].toInteger();
    QVERIFY2(t >= 20000 && t < 20800, qPrintable(QString::number(t)));
    QVERIFY(lines.last()[u"final"_s].toBool());
}

void tst_RunScenario::configFileRoundTrips()
{
    const QString a = m_dir.filePath(u"a.json"_s);
    const CliRun saved = runCli(runArgs()
        + QStringList { u"--threads"_s, u"3"_s, u"--capacity"_s, u"500"_s, u"--workload"_s,
            u"uniform"_s, u"--keys"_s, u"800"_s, u"--ttl-ms"_s, u"2000"_s, u"--duration"_s,
            u"300ms"_s, u"--save-config"_s, a, u"--output"_s, u"json"_s });
    QVERIFY2(saved.exitCode == 0, qPrintable(saved.err));
    const QJsonObject ja = readJson(a);
    QCOMPARE(ja[u"threads"_s].toInt(), 3);
    QCOMPARE(ja[u"cache"_s].toObject()[u"capacity"_s].toInteger(), 500);
    QCOMPARE(ja[u"cache"_s].toObject()[u"ttlMs"_s].toInteger(), 2000);
    QCOMPARE(ja[u"workload"_s].toObject()[u"kind"_s].toString(), u"uniform"_s);
    QCOMPARE(ja[u"database"_s].toObject()[u"database"_s].toString(), m_db);

    // The file alone reproduces the run (its database included) and saves the same file.
    const QString b = m_dir.filePath(u"b.json"_s);
    const CliRun again = runCli({ u"run"_s, u"--config"_s, a, u"--duration"_s, u"300ms"_s,
        u"--save-config"_s, b, u"--output"_s, u"json"_s });
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QCOMPARE(readJson(b), ja);
    QCOMPARE(jsonLines(again.out).last()[u"entries"_s].toInteger() <= 500, true);

    // Options beside --config override it; the rest comes from the file.
    const QString c = m_dir.filePath(u"c.json"_s);
    const CliRun over = runCli({ u"run"_s, u"--config"_s, a, u"--threads"_s, u"2"_s, u"--policy"_s,
        u"sieve"_s, u"--duration"_s, u"300ms"_s, u"--save-config"_s, c, u"--output"_s, u"json"_s });
    QVERIFY2(over.exitCode == 0, qPrintable(over.err));
    const QJsonObject jc = readJson(c);
    QCOMPARE(jc[u"threads"_s].toInt(), 2);
    QCOMPARE(jc[u"cache"_s].toObject()[u"policy"_s].toString(), u"sieve"_s);
    QCOMPARE(jc[u"cache"_s].toObject()[u"capacity"_s].toInteger(), 500);
    QCOMPARE(jc[u"workload"_s].toObject()[u"keys"_s].toInteger(), 800);
}

void tst_RunScenario::csvHasTheAppsColumns()
{
    const QString path = m_dir.filePath(u"series.csv"_s);
    const CliRun r = runCli(runArgs()
        + QStringList { u"--scenario"_s, m_scenario, u"--interval-ms"_s, u"100"_s, u"--duration"_s,
            u"1500ms"_s, u"--csv"_s, path, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList rows = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.first(), MetricsHistory::csvColumns().join(u','));
    qsizetype intervals = 0;
    for (const QJsonObject &l : jsonLines(r.out))
        intervals += l.contains(u"marker"_s) || l[u"final"_s].toBool() ? 0 : 1;
    // One row per interval printed, plus the partial ones (before the restart and at the end).
    QVERIFY2(rows.size() - 1 >= intervals && rows.size() - 1 <= intervals + 3,
        qPrintable(u"%1 rows, %2 intervals"_s.arg(rows.size() - 1).arg(intervals)));
    // The live change of the first step is in the config_change column of a row.
    QVERIFY2(QStringList(rows).filter(u"capacity"_s).size() >= 1, qPrintable(rows.join(u'\n')));
}

void tst_RunScenario::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("mentions");
    const QString malformed = write(u"malformed.json"_s, R"({"threads": 4,, })");
    const QString badValue = write(u"badvalue.json"_s, R"({"cache": {"capacity": "big"}})");
    const QString badScenario = write(u"badscenario.json"_s, R"({"id": "x", "config": {}})");
    QTest::newRow("unknown scenario") << QStringList { u"--scenario"_s, u"nope"_s }
                                      << QStringList { u"--scenario"_s, u"'nope'"_s, u"lru-100"_s };
    QTest::newRow("missing config") << QStringList { u"--config"_s, m_dir.filePath(u"none.json"_s) }
                                    << QStringList { u"none.json"_s };
    QTest::newRow("malformed config") << QStringList { u"--config"_s, malformed }
                                      << QStringList { u"malformed.json"_s, u"JSON"_s };
    QTest::newRow("bad config value") << QStringList { u"--config"_s,
        badValue } << QStringList { u"badvalue.json"_s, u"cache.capacity"_s, u"'big'"_s };
    QTest::newRow("broken scenario file") << QStringList { u"--scenario"_s, badScenario }
                                          << QStringList { u"badscenario.json"_s, u"title"_s };
    QTest::newRow("scenario and config") << QStringList { u"--scenario"_s, u"lru-100"_s,
        u"--config"_s, badValue } << QStringList { u"--scenario or --config"_s };
}

void tst_RunScenario::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, mentions);
    const CliRun r = runCli(runArgs() + QStringList { u"--duration"_s, u"300ms"_s } + args, 30000);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith(u"cachescope-cli: "_s), qPrintable(r.err));
    for (const QString &m : mentions)
        QVERIFY2(r.err.contains(m), qPrintable(m + u" not in: "_s + r.err));
    QVERIFY(r.out.isEmpty()); // nothing ran
}

QTEST_GUILESS_MAIN(tst_RunScenario)
#include "tst_runscenario.moc"
