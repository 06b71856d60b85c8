// cachescope-cli run, demo-db and bench-cache through QProcess, against a real SQLite file
// and (when scripts/pg started one) a real PostgreSQL server.
#include "clirun.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_RunCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void demoDbCreatesTables();
    void onlyColdMissesWhenKeysFit();
    void tableOutputHasSummary();
    void writesInvalidate();
    void badOptions_data();
    void badOptions();
    void badSqlTemplate();
    void unreachablePostgres();
    void postgresRun();
    void pipelineRun();
    void l2Run();
    void benchCache();
    void benchCacheBadInput();
    void expectThresholds();

private:
    QTemporaryDir m_dir;
    QString m_db;
};

namespace {
using TestSupport::CliRun;
using TestSupport::jsonLines;
using TestSupport::runCli;

} // namespace

void tst_RunCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(u"demo.sqlite"_s);
    const CliRun r = runCli(
        { u"demo-db"_s, u"--database"_s, m_db, u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

void tst_RunCommand::demoDbCreatesTables()
{
    QVERIFY(QFileInfo(m_db).size() > 10000);
    const CliRun r = runCli({ u"demo-db"_s, u"--database"_s, m_dir.filePath(u"again.sqlite"_s),
        u"--rows-scale"_s, u"0.001"_s });
    QCOMPARE(r.exitCode, 0);
    // 0.001 x (100k customers, 50k products, 1M orders)
    QVERIFY2(r.out.contains(u"100 customers, 50 products, 1000 orders"_s), qPrintable(r.out));
    QVERIFY(r.err.contains(u"100%"_s)); // progress goes to stderr
}

void tst_RunCommand::onlyColdMissesWhenKeysFit()
{
    // 50 keys, capacity 1000, point reads only: every key misses once, everything else hits.
    // One worker: two workers may both miss a key before either has stored it.
    const CliRun r = runCli({ u"run"_s, u"--database"_s, m_db, u"--keys"_s, u"50"_s,
        u"--capacity"_s, u"1000"_s, u"--threads"_s, u"1"_s, u"--duration"_s, u"1500ms"_s,
        u"--interval-ms"_s, u"300"_s, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QList<QJsonObject> lines = jsonLines(r.out);
    QVERIFY(lines.size() >= 3);
    const QJsonObject final = lines.last();
    QVERIFY(final[u"final"_s].toBool());
    const qint64 hits = final[u"hits"_s].toInteger();
    const qint64 misses = final[u"misses"_s].toInteger();
    QCOMPARE(misses, 50);
    QCOMPARE(hits + misses, final[u"requests"_s].toInteger());
    QVERIFY(hits > 1000);
    QCOMPARE(final[u"entries"_s].toInteger(), 50);
    QCOMPARE(final[u"errors"_s].toInteger(), 0);
    QCOMPARE(final[u"evictions"_s].toInteger(), 0);
    const QJsonObject lat = final[u"latency_us"_s].toObject();
    QVERIFY(lat[u"hit"_s].toObject()[u"p50"_s].toDouble() > 0);
    QVERIFY(lat[u"miss"_s].toObject()[u"p99"_s].toDouble()
        >= lat[u"miss"_s].toObject()[u"p50"_s].toDouble());
    // Interval lines count their interval only: together they never exceed the whole run.
    qint64 sum = 0;
    qint64 lastT = 0;
    for (int i = 0; i + 1 < lines.size(); ++i) {
        QVERIFY(!lines[i].contains(u"final"_s));
        QVERIFY(lines[i][u"t_ms"_s].toInteger() > lastT);
        lastT = lines[i][u"t_ms"_s].toInteger();
        sum += lines[i][u"requests"_s].toInteger();
        QVERIFY(lines[i].contains(u"requests_per_second"_s));
    }
    QVERIFY(sum <= final[u"requests"_s].toInteger());
}

void tst_RunCommand::tableOutputHasSummary()
{
    const CliRun r = runCli({ u"run"_s, u"--database"_s, m_db, u"--keys"_s, u"100"_s,
        u"--duration"_s, u"600ms"_s, u"--interval-ms"_s, u"200"_s, u"--query"_s, u"mix"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(u"hit%"_s));
    QVERIFY(r.out.contains(u"total"_s));
}

void tst_RunCommand::writesInvalidate()
{
    const CliRun r = runCli({ u"run"_s, u"--database"_s, m_db, u"--keys"_s, u"20"_s,
        u"--write-ratio"_s, u"0.2"_s, u"--duration"_s, u"1s"_s, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject final = jsonLines(r.out).last();
    QVERIFY(final[u"writes"_s].toInteger() > 0);
    // A write drops the cached results of its customer: more misses than the 20 cold ones.
    QVERIFY(final[u"misses"_s].toInteger() > 20);
    QVERIFY(final[u"evictions_by_reason"_s].toObject()[u"invalidated"_s].toInteger() > 0);
}

void tst_RunCommand::badOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("negative threads") << QStringList { u"--threads"_s, u"-3"_s }
                                      << u"cachescope-cli: --threads: '-3' must be at least 1"_s;
    QTest::newRow("capacity 0") << QStringList { u"--capacity"_s, u"0"_s }
                                << u"cachescope-cli: --capacity: '0' must be greater than 0"_s;
    QTest::newRow("capacity junk") << QStringList { u"--capacity"_s, u"big"_s }
                                   << u"cachescope-cli: --capacity: 'big' is not a capacity"_s;
    QTest::newRow("capacity negative") << QStringList { u"--capacity"_s,
        u"-5"_s } << u"cachescope-cli: --capacity: '-5' must be greater than 0"_s;
    QTest::newRow("capacity too large")
        << QStringList { u"--capacity"_s, u"99999999999999999999"_s }
        << u"cachescope-cli: --capacity: '99999999999999999999' is too large"_s;
    QTest::newRow("capacity too large by suffix")
        << QStringList { u"--capacity"_s, u"9007199254740992KB"_s }
        << u"cachescope-cli: --capacity: '9007199254740992KB' is too large"_s;
    QTest::newRow("capacity percentage") << QStringList { u"--capacity"_s,
        u"10%"_s } << u"cachescope-cli: --capacity: '10%' is not a capacity"_s;
    QTest::newRow("bad policy") << QStringList { u"--policy"_s, u"mru"_s } << u"cachescope-cli: "_s;
    QTest::newRow("opt is offline")
        << QStringList { u"--policy"_s, u"opt"_s } << u"cachescope-cli: "_s;
    QTest::newRow("bad duration") << QStringList { u"--duration"_s, u"soon"_s }
                                  << u"cachescope-cli: --duration: 'soon' is not a duration"_s;
    QTest::newRow("write ratio") << QStringList { u"--write-ratio"_s,
        u"1.5"_s } << u"cachescope-cli: --write-ratio: '1.5' must be between 0 and 1"_s;
    QTest::newRow("missing sqlite file")
        << QStringList { u"--database"_s, u"/nonexistent/x.sqlite"_s } << u"cachescope-cli: "_s;
    QTest::newRow("bad driver") << QStringList { u"--driver"_s, u"oracle"_s }
                                << u"cachescope-cli: --driver: 'oracle' is not a database driver"_s;
    QTest::newRow("io on sqlite") << QStringList { u"--io"_s, u"pipeline"_s }
                                  << u"cachescope-cli: io: 'pipeline' needs PostgreSQL"_s;
    QTest::newRow("l2 option without l2")
        << QStringList { u"--l2-only"_s } << u"cachescope-cli: --l2-only: needs --l2"_s;
    QTest::newRow("l2 password in url")
        << QStringList { u"--l2"_s, u"redis://:pw@127.0.0.1:6379"_s }
        << u"cachescope-cli: l2: 'redis://:pw@127.0.0.1:6379' carries a password"_s;
    QTest::newRow("l2 not a url") << QStringList { u"--l2"_s,
        u"localhost:6379"_s } << u"cachescope-cli: l2: 'localhost:6379' is not a Redis address"_s;
    QTest::newRow("bad io") << QStringList { u"--io"_s, u"fibers"_s }
                            << u"cachescope-cli: io: 'fibers' must be threads or pipeline"_s;
    QTest::newRow("in-flight 0") << QStringList { u"--in-flight"_s, u"0"_s }
                                 << u"cachescope-cli: --in-flight: '0'"_s;
    QTest::newRow("io-threads 100")
        << QStringList { u"--io-threads"_s, u"100"_s } << u"cachescope-cli: --io-threads: '100'"_s;
    QTest::newRow("bad pg protocol")
        << QStringList { u"--driver"_s, u"postgres"_s, u"--pg-protocol"_s, u"binary"_s }
        << u"cachescope-cli: --pg-protocol: 'binary' is not a PostgreSQL statement protocol"_s;
}

void tst_RunCommand::badOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QStringList full = { u"run"_s, u"--duration"_s, u"500ms"_s };
    if (!args.contains(u"--database"_s) && !args.contains(u"--driver"_s))
        full << u"--database"_s << m_db;
    const CliRun r = runCli(full + args, 30000);
    QVERIFY2(r.exitCode == 2
            || (r.exitCode == 1
                && QLatin1StringView(QTest::currentDataTag()) == "missing sqlite file"_L1),
        qPrintable(QString::number(r.exitCode) + u" "_s + r.err));
    QVERIFY2(r.err.startsWith(message), qPrintable(r.err));
    QVERIFY(r.err.trimmed().size() > 30); // says what is wrong, not just the prefix
}

void tst_RunCommand::badSqlTemplate()
{
    const CliRun r = runCli({ u"run"_s, u"--database"_s, m_db, u"--duration"_s, u"500ms"_s,
        u"--sql"_s, u"SELEC name FROM customers WHERE id = :key"_s });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(u"SELEC name"_s), qPrintable(r.err));
    QVERIFY2(r.err.contains(u"syntax error"_s), qPrintable(r.err)); // the database's own message
    QVERIFY(!r.out.contains(u"total"_s));
}

void tst_RunCommand::unreachablePostgres()
{
    QElapsedTimer t;
    t.start();
    const CliRun r = runCli({ u"run"_s, u"--driver"_s, u"postgres"_s, u"--host"_s, u"127.0.0.1"_s,
                                u"--port"_s, u"1"_s, u"--duration"_s, u"1s"_s },
        60000);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(u"127.0.0.1:1"_s), qPrintable(r.err));
    QVERIFY(t.elapsed() < 30000); // never a hang
}

void tst_RunCommand::postgresRun()
{
    if (qEnvironmentVariableIsEmpty("CACHESCOPE_PG_PORT"))
        QSKIP("no PostgreSQL: start one with pgenv=$(scripts/pg start); eval \"$pgenv\"");
    const CliRun created = runCli(
        { u"demo-db"_s, u"--driver"_s, u"postgres"_s, u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    const CliRun r = runCli({ u"run"_s, u"--driver"_s, u"postgres"_s, u"--keys"_s, u"30"_s,
        u"--threads"_s, u"1"_s, u"--duration"_s, u"1s"_s, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject final = jsonLines(r.out).last();
    QCOMPARE(final[u"misses"_s].toInteger(), 30);
    QVERIFY(final[u"hits"_s].toInteger() > 0);

    // PostgreSQL's own buffer cache beside the result cache: a run that misses on every request
    // (a cache of 1 entry over 3 000 keys) reads blocks, which the demo's few MB keep in shared
    // buffers: once the watch has two polls the ratio is there, and high.
    const CliRun watched = runCli({ u"run"_s, u"--driver"_s, u"postgres"_s, u"--keys"_s, u"3000"_s,
        u"--capacity"_s, u"1"_s, u"--threads"_s, u"2"_s, u"--duration"_s, u"3s"_s,
        u"--interval-ms"_s, u"500"_s, u"--output"_s, u"json"_s });
    QVERIFY2(watched.exitCode == 0, qPrintable(watched.err));
    const QList<QJsonObject> lines = jsonLines(watched.out);
    int withRatio = 0;
    for (const QJsonObject &line : lines) {
        QVERIFY2(line.contains(u"database_buffer_hit_ratio"_s) || line.contains(u"marker"_s),
            qPrintable(watched.out));
        const QJsonValue v = line[u"database_buffer_hit_ratio"_s];
        if (v.isDouble()) {
            ++withRatio;
            QVERIFY2(v.toDouble() > 0.5 && v.toDouble() <= 1.0, qPrintable(watched.out));
        }
    }
    QVERIFY2(withRatio >= 2, qPrintable(watched.out));
    QVERIFY(lines.last()[u"database_buffer_hit_ratio"_s].isDouble()); // since the run began
    QVERIFY2(!watched.err.contains(u"not watched"_s), qPrintable(watched.err));
    // The table gets the column; SQLite runs have neither.
    const CliRun table = runCli({ u"run"_s, u"--driver"_s, u"postgres"_s, u"--keys"_s, u"30"_s,
        u"--threads"_s, u"1"_s, u"--duration"_s, u"1s"_s });
    QVERIFY2(table.out.contains(u"db_buf_hit%"_s), qPrintable(table.out));
    const CliRun sqlite = runCli(
        { u"run"_s, u"--duration"_s, u"300ms"_s, u"--output"_s, u"json"_s, u"--database"_s, m_db });
    QVERIFY2(sqlite.exitCode == 0, qPrintable(sqlite.err));
    QVERIFY(!sqlite.out.contains(u"database_buffer_hit_ratio"_s));
}

/// --io pipeline end to end: JSON lines say so and carry the pipeline's gauges; a scenario step
/// that restarts the run switches the model on the same timeline; the built-in far-database
/// scenario refuses SQLite, saying why. (After postgresRun, which made the demo there.)
void tst_RunCommand::pipelineRun()
{
    if (qEnvironmentVariableIsEmpty("CACHESCOPE_PG_PORT"))
        QSKIP("no PostgreSQL: start one with pgenv=$(scripts/pg start); eval \"$pgenv\"");
    const CliRun r = runCli({ u"run"_s, u"--driver"_s, u"postgres"_s, u"--io"_s, u"pipeline"_s,
        u"--in-flight"_s, u"16"_s, u"--keys"_s, u"3000"_s, u"--capacity"_s, u"100"_s,
        u"--duration"_s, u"1500ms"_s, u"--interval-ms"_s, u"500"_s, u"--output"_s, u"json"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QList<QJsonObject> lines = jsonLines(r.out);
    QVERIFY(lines.size() >= 3);
    for (const QJsonObject &line : lines) {
        QCOMPARE(line[u"io"_s].toString(), u"pipeline"_s);
        QVERIFY(line.contains(u"in_flight"_s) && line.contains(u"pipeline_syncs"_s));
    }
    const QJsonObject final = lines.last();
    QVERIFY(final[u"final"_s].toBool());
    QVERIFY(final[u"misses"_s].toInteger() > 100);
    QCOMPARE(final[u"errors"_s].toInteger(), 0);
    QVERIFY(final[u"pipeline_syncs"_s].toInteger() > 0);
    QVERIFY2(final[u"pipeline_syncs"_s].toInteger() <= final[u"misses"_s].toInteger(),
        qPrintable(r.out));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString scenario = dir.filePath(u"switch.json"_s);
    QFile f(scenario);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"json({"id": "switch", "title": "Threads, then pipeline", "lookFor": "io changes",
        "config": {"threads": 2, "io": "threads", "inFlight": 8, "workload": {"keys": 3000},
                   "cache": {"capacity": 100}},
        "steps": [{"atMs": 600, "restart": true, "set": {"io": "pipeline"},
                   "note": "async pipeline (restart)"}]})json");
    f.close();
    const CliRun switched
        = runCli({ u"run"_s, u"--driver"_s, u"postgres"_s, u"--scenario"_s, scenario,
            u"--duration"_s, u"1800ms"_s, u"--interval-ms"_s, u"200"_s, u"--output"_s, u"json"_s });
    QVERIFY2(switched.exitCode == 0, qPrintable(switched.err));
    QStringList ios; // the model of each interval line, and the marker in between
    for (const QJsonObject &line : jsonLines(switched.out)) {
        if (line.contains(u"marker"_s))
            ios << u"|"_s;
        else if (!line[u"final"_s].toBool())
            ios << line[u"io"_s].toString();
    }
    const QString sequence = ios.join(u' ');
    QVERIFY2(QRegularExpression(u"^(threads )+\\|( pipeline)+$"_s).match(sequence).hasMatch(),
        qPrintable(sequence));

    const CliRun refused = runCli({ u"run"_s, u"--database"_s, m_db, u"--scenario"_s,
        u"far-database"_s, u"--duration"_s, u"1s"_s });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(u"scenario: 'far-database' needs PostgreSQL"_s),
        qPrintable(refused.err));
}

/// --l2 on a Redis of the test's own: two runs one after the other are two instances; the
/// second finds the first's results in Redis (l2_hits, no database query for them). Redis
/// unreachable: exit 1 naming it.
void tst_RunCommand::l2Run()
{
    TestSupport::ServerProcess redis;
    if (!redis.start(TestSupport::ServerProcess::Kind::Redis))
        QSKIP(qPrintable(redis.error()));
    const QStringList args { u"run"_s, u"--database"_s, m_db, u"--l2"_s,
        u"redis://127.0.0.1:%1/1"_s.arg(redis.port()), u"--keys"_s, u"50"_s, u"--threads"_s, u"1"_s,
        u"--duration"_s, u"800ms"_s, u"--interval-ms"_s, u"200"_s, u"--output"_s, u"json"_s };
    const CliRun first = runCli(args);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    const QList<QJsonObject> lines = jsonLines(first.out);
    for (const QJsonObject &line : lines) {
        for (const QString &key : { u"l1_hits"_s, u"l2_hits"_s, u"db_queries"_s, u"l2_errors"_s })
            QVERIFY2(line.contains(key), qPrintable(key));
        QVERIFY(line[u"latency_us"_s].toObject().contains(u"l2"_s));
    }
    QCOMPARE(lines.last()[u"db_queries"_s].toInteger(), 50);
    QCOMPARE(lines.last()[u"l2_hits"_s].toInteger(), 0);
    const CliRun second = runCli(args);
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    const QJsonObject final = jsonLines(second.out).last();
    QCOMPARE(final[u"db_queries"_s].toInteger(), 0);
    QCOMPARE(final[u"l2_hits"_s].toInteger(), 50);
    QCOMPARE(final[u"hits"_s].toInteger(),
        final[u"l1_hits"_s].toInteger() + final[u"l2_hits"_s].toInteger());
    QCOMPARE(final[u"latency_us"_s].toObject()[u"l2"_s].toObject()[u"count"_s].toInteger(), 50);

    redis.kill();
    const CliRun down = runCli(args);
    QCOMPARE(down.exitCode, 1);
    QVERIFY2(down.err.contains(u"cannot connect to Redis at 127.0.0.1:%1"_s.arg(redis.port())),
        qPrintable(down.err));
}

void tst_RunCommand::benchCache()
{
    for (const QString &policy : { u"qcache"_s, u"wtinylfu"_s, u"std-lru"_s }) {
        const CliRun r = runCli({ u"bench-cache"_s, u"--policy"_s, policy, u"--seconds"_s, u"0.3"_s,
            u"--keys"_s, u"100000"_s, u"--capacity"_s, u"1000"_s, u"--output"_s, u"json"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o[u"policy"_s].toString(), policy);
        QCOMPARE(o[u"threads"_s].toInt(), 2);
        QVERIFY(o[u"ops"_s].toInteger() > 0);
        QVERIFY(o[u"ops_per_second"_s].toDouble() > 0);
        const double h = o[u"hit_ratio"_s].toDouble();
        QVERIFY2(h > 0.2 && h < 1.0, qPrintable(r.out)); // zipf 0.99 on a 1% cache
    }
}

void tst_RunCommand::benchCacheBadInput()
{
    const CliRun r = runCli({ u"bench-cache"_s, u"--threads"_s, u"0"_s });
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.startsWith(u"cachescope-cli: --threads: '0' must be at least 1"_s));
    const CliRun o
        = runCli({ u"bench-cache"_s, u"--policy"_s, u"opt"_s, u"--seconds"_s, u"0.1"_s });
    QCOMPARE(o.exitCode, 2);
    QVERIFY2(o.err.contains(u"opt"_s), qPrintable(o.err));
}

/// --expect for CI: met thresholds exit 0, a missed one exits 3 naming measured and expected
/// (stderr, and the final JSON line's "expectations"); a misspelt field or a syntax error exits 2
/// before any run, naming the field or the column.
void tst_RunCommand::expectThresholds()
{
    const QStringList run { u"run"_s, u"--database"_s, m_db, u"--keys"_s, u"20"_s, u"--threads"_s,
        u"1"_s, u"--duration"_s, u"500ms"_s, u"--output"_s, u"json"_s };
    // 20 keys in a cache of 10 000: 20 cold misses, then only hits.
    const CliRun met = runCli(run
        + QStringList {
            u"--expect"_s, u"hit_ratio>=90%,misses==20,errors==0,latency_us.hit.p99>0"_s });
    QVERIFY2(met.exitCode == 0, qPrintable(met.err));
    QVERIFY2(
        met.err.contains(u"expectation met: misses == 20: measured 20"_s), qPrintable(met.err));
    const QJsonArray results = jsonLines(met.out).last()[u"expectations"_s].toArray();
    QCOMPARE(results.size(), 4);
    for (const QJsonValue &r : results)
        QVERIFY(r.toObject()[u"met"_s].toBool());

    const CliRun missed = runCli(run + QStringList { u"--expect"_s, u"misses<20,errors==0"_s });
    QCOMPARE(missed.exitCode, 3);
    QVERIFY2(missed.err.contains(u"expectation failed: misses < 20: measured 20"_s),
        qPrintable(missed.err));
    const QJsonObject final = jsonLines(missed.out).last();
    QVERIFY(final[u"final"_s].toBool());
    QCOMPARE(final[u"expectations"_s].toArray().at(0).toObject()[u"met"_s].toBool(), false);

    const CliRun misspelt = runCli(run + QStringList { u"--expect"_s, u"hit_ration>=0.9"_s });
    QCOMPARE(misspelt.exitCode, 2);
    QVERIFY(misspelt.out.isEmpty()); // refused before the run
    QVERIFY2(misspelt.err.contains(u"'hit_ration' is not a field of the summary"_s),
        qPrintable(misspelt.err));
    const CliRun syntax = runCli(run + QStringList { u"--expect"_s, u"hit_ratio=>0.9"_s });
    QCOMPARE(syntax.exitCode, 2);
    QVERIFY2(syntax.err.contains(u"column 10: expected a comparison"_s), qPrintable(syntax.err));
    // --shadows' fields only with --shadows.
    const CliRun noShadows
        = runCli(run + QStringList { u"--expect"_s, u"shadows.hit_ratio_at_2x>0"_s });
    QCOMPARE(noShadows.exitCode, 2);
}

QTEST_GUILESS_MAIN(tst_RunCommand)
#include "tst_runcommand.moc"
