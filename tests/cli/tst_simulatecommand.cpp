// cachescope-cli simulate through QProcess: JSON fields and values, exit status and stderr; each
// replay recorded in the run history (kind replay), its summary what --output json printed.
#include "clirun.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_SimulateCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The replays these tests do not record on purpose go here, not to the user's history.
        qputenv("CACHESCOPE_HISTORY", m_dir.filePath(u"default-history.sqlite"_s).toLocal8Bit());
    }
    void jsonMatchesReference();
    void percentCapacitiesFloor();
    void tableAndCsv();
    void syntheticIsReproducible();
    void optOnSynthetic();
    void badInput_data();
    void badInput();
    void malformedTraceNamesLine();
    void helpListsOptions();
    void redisOptionsAndClock();
    void expectPerPolicy();
    void replaysAreRecordedInTheHistory();

private:
    QTemporaryDir m_dir;
};

namespace {
using TestSupport::CliRun;
using TestSupport::runCli;

QJsonObject json(const CliRun &r)
{
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(r.out.toUtf8(), &e);
    if (e.error != QJsonParseError::NoError)
        qWarning("not JSON: %s\n%s", qPrintable(e.errorString()), qPrintable(r.out));
    return d.object();
}
} // namespace

void tst_SimulateCommand::jsonMatchesReference()
{
    // reference.csv: cache2k_web07 at 204 objects: lru 46321, sieve 43904, opt 35488 misses.
    const CliRun r = runCli({ u"simulate"_s, u"--trace"_s,
        TestSupport::dataPath(u"cache2k_web07.trace"_s), u"--policy"_s, u"lru,sieve,opt"_s,
        u"--capacity"_s, u"204"_s, u"--output"_s, u"json"_s, u"--no-history"_s });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    const QJsonObject o = json(r);
    QCOMPARE(o[u"format"_s].toString(), u"u32be"_s);
    QCOMPARE(o[u"requests"_s].toInteger(), 76118);
    QCOMPARE(o[u"unique_objects"_s].toInteger(), 20484);
    QCOMPARE(o[u"unique_bytes"_s].toInteger(), 20484); // no sizes: every object is 1
    const QJsonArray results = o[u"results"_s].toArray();
    QCOMPARE(results.size(), 3);
    const QList<std::pair<QString, qint64>> expected
        = { { u"lru"_s, 46321 }, { u"sieve"_s, 43904 }, { u"opt"_s, 35488 } };
    for (int i = 0; i < 3; ++i) {
        const QJsonObject res = results[i].toObject();
        QCOMPARE(res[u"policy"_s].toString(), expected[i].first);
        QCOMPARE(res[u"capacity"_s].toInteger(), 204);
        QCOMPARE(res[u"size_unit"_s].toString(), u"objects"_s);
        QCOMPARE(res[u"requests"_s].toInteger(), 76118);
        QCOMPARE(res[u"misses"_s].toInteger(), expected[i].second);
        QCOMPARE(res[u"hits"_s].toInteger(), 76118 - expected[i].second);
        QCOMPARE(res[u"miss_ratio"_s].toDouble(), double(expected[i].second) / 76118.0);
        QVERIFY(res[u"evictions"_s].toInteger() > 0);
        QVERIFY(res[u"seconds"_s].toDouble() >= 0);
        QVERIFY(res[u"requests_per_second"_s].toDouble() > 0);
        QVERIFY(res.contains(u"byte_miss_ratio"_s));
    }
}

void tst_SimulateCommand::percentCapacitiesFloor()
{
    // lirs_multi1 has 2,606 unique keys: 1% floors to 26, 10% to 260 (reference.csv rows).
    const CliRun r
        = runCli({ u"simulate"_s, u"--trace"_s, TestSupport::dataPath(u"lirs_multi1.trace"_s),
            u"--policy"_s, u"fifo"_s, u"--capacity"_s, u"1%,10%"_s, u"--output"_s, u"json"_s });
    QCOMPARE(r.exitCode, 0);
    const QJsonArray results = json(r)[u"results"_s].toArray();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[0].toObject()[u"capacity"_s].toInteger(), 26);
    QCOMPARE(results[0].toObject()[u"misses"_s].toInteger(), 15695);
    QCOMPARE(results[1].toObject()[u"capacity"_s].toInteger(), 260);
    QCOMPARE(results[1].toObject()[u"misses"_s].toInteger(), 10489);
}

void tst_SimulateCommand::tableAndCsv()
{
    const QStringList base
        = { u"simulate"_s, u"--trace"_s, TestSupport::dataPath(u"lirs_multi1.trace"_s),
              u"--policy"_s, u"lru,arc"_s, u"--capacity"_s, u"130"_s };
    const CliRun csv = runCli(base + QStringList { u"--output"_s, u"csv"_s });
    QCOMPARE(csv.exitCode, 0);
    const QStringList lines = csv.out.trimmed().split(u'\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(u"policy,capacity,requests,hits,misses,miss_ratio"_s));
    QVERIFY2(lines[1].startsWith(u"lru,130,15858,3781,12077,0.761571,"_s), qPrintable(lines[1]));
    QVERIFY2(lines[2].startsWith(u"arc,130,15858,7043,8815,0.555871,"_s), qPrintable(lines[2]));

    const CliRun table = runCli(base);
    QCOMPARE(table.exitCode, 0);
    const QStringList rows = table.out.split(u'\n', Qt::SkipEmptyParts);
    // Summary line, header, rule, two rows; columns aligned: every row as long as the rule.
    QCOMPARE(rows.size(), 5);
    QVERIFY(rows[0].contains(u"15858 requests, 2606 unique objects"_s));
    QVERIFY(rows[1].startsWith(u"policy"_s));
    QVERIFY(rows[3].startsWith(u"lru "_s));
    QVERIFY(rows[3].contains(u"12077"_s));
    QCOMPARE(rows[1].indexOf(u"misses"_s) + 6, rows[3].indexOf(u"12077"_s) + 5);
}

void tst_SimulateCommand::syntheticIsReproducible()
{
    const QStringList args = { u"simulate"_s, u"--workload"_s, u"zipf"_s, u"--keys"_s, u"5000"_s,
        u"--requests"_s, u"50000"_s, u"--alpha"_s, u"0.9"_s, u"--seed"_s, u"7"_s, u"--policy"_s,
        u"lru,random"_s, u"--capacity"_s, u"500"_s, u"--output"_s, u"json"_s };
    const CliRun a = runCli(args);
    const CliRun b = runCli(args);
    QCOMPARE(a.exitCode, 0);
    const QJsonArray ra = json(a)[u"results"_s].toArray();
    const QJsonArray rb = json(b)[u"results"_s].toArray();
    QCOMPARE(ra.size(), 2);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(
            ra[i].toObject()[u"misses"_s].toInteger(), rb[i].toObject()[u"misses"_s].toInteger());
    QCOMPARE(json(a)[u"format"_s].toString(), u"synthetic"_s);
    QCOMPARE(json(a)[u"requests"_s].toInteger(), 50000);
    // A skewed stream on a 10% cache hits far more often than 10% of the time.
    QVERIFY(ra[0].toObject()[u"miss_ratio"_s].toDouble() < 0.7);
}

void tst_SimulateCommand::optOnSynthetic()
{
    // opt needs the future: fine on a finite synthetic stream and never worse than lru.
    const CliRun r = runCli({ u"simulate"_s, u"--workload"_s, u"hotspot"_s, u"--keys"_s, u"2000"_s,
        u"--requests"_s, u"20000"_s, u"--policy"_s, u"lru,opt"_s, u"--capacity"_s, u"100"_s,
        u"--output"_s, u"json"_s });
    QCOMPARE(r.exitCode, 0);
    const QJsonArray res = json(r)[u"results"_s].toArray();
    QVERIFY(
        res[1].toObject()[u"misses"_s].toInteger() <= res[0].toObject()[u"misses"_s].toInteger());
    // ... and refused on an unbounded one.
    const CliRun bad = runCli({ u"simulate"_s, u"--workload"_s, u"zipf"_s, u"--requests"_s, u"0"_s,
        u"--policy"_s, u"opt"_s });
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(u"--requests: '0'"_s), qPrintable(bad.err));
    QVERIFY(bad.out.isEmpty());
}

void tst_SimulateCommand::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString trace = TestSupport::dataPath(u"lirs_multi1.trace"_s);
    QTest::newRow("unknown policy")
        << QStringList { u"--trace"_s, trace, u"--policy"_s, u"lru,mru"_s }
        << u"cachescope-cli: --policy: 'mru' is not a policy; valid ids: lru, fifo"_s;
    QTest::newRow("capacity 0") << QStringList { u"--trace"_s, trace, u"--capacity"_s, u"0"_s }
                                << u"cachescope-cli: --capacity: '0' must be greater than 0"_s;
    QTest::newRow("negative capacity") << QStringList { u"--trace"_s, trace, u"--capacity"_s,
        u"-4"_s } << u"cachescope-cli: --capacity: '-4' must be greater than 0"_s;
    QTest::newRow("capacity too large")
        << QStringList { u"--trace"_s, trace, u"--capacity"_s, u"10%,99999999999999999999"_s }
        << u"cachescope-cli: --capacity: '99999999999999999999' is "
           "too large\n"_s;
    QTest::newRow("capacity too large by suffix") << QStringList {
        u"--trace"_s, trace, u"--size-unit"_s, u"bytes"_s, u"--capacity"_s, u"9007199254740992K"_s
    } << u"cachescope-cli: --capacity: '9007199254740992K' is too large\n"_s;
    QTest::newRow("capacity empty item") << QStringList { u"--trace"_s, trace, u"--capacity"_s,
        u"10,,20"_s } << u"cachescope-cli: --capacity: '10,,20' has an empty item"_s;
    QTest::newRow("capacity not a number") << QStringList { u"--trace"_s, trace, u"--capacity"_s,
        u"lots"_s } << u"cachescope-cli: --capacity: 'lots' is not a number"_s;
    QTest::newRow("percentage too small") << QStringList {
        u"--trace"_s, trace, u"--capacity"_s, u"0.01%"_s
    } << u"cachescope-cli: --capacity: '0.01%' is 0 objects of a trace with 2606 unique objects"_s;
    QTest::newRow("suffix in object mode") << QStringList { u"--trace"_s, trace, u"--capacity"_s,
        u"4K"_s } << u"cachescope-cli: --capacity: '4K' has a size suffix"_s;
    QTest::newRow("negative threads") << QStringList { u"--trace"_s, trace, u"--threads"_s,
        u"-2"_s } << u"cachescope-cli: --threads: '-2' must be at least 1"_s;
    QTest::newRow("missing file") << QStringList { u"--trace"_s, u"/nonexistent/x.trace"_s }
                                  << u"cachescope-cli: /nonexistent/x.trace"_s;
    QTest::newRow("no source") << QStringList { u"--policy"_s,
        u"lru"_s } << u"cachescope-cli: give exactly one of --trace FILE or --workload KIND"_s;
    QTest::newRow("bad output") << QStringList { u"--trace"_s, trace, u"--output"_s,
        u"xml"_s } << u"cachescope-cli: --output: 'xml' must be one of: table, csv, json"_s;
    QTest::newRow("unknown option") << QStringList { u"--trace"_s, trace, u"--capacty"_s, u"4"_s }
                                    << u"cachescope-cli: Unknown option 'capacty'"_s;
    QTest::newRow("bad workload") << QStringList { u"--workload"_s, u"gauss"_s }
                                  << u"cachescope-cli: --workload: 'gauss'"_s;
    QTest::newRow("bad alpha") << QStringList { u"--workload"_s, u"zipf"_s, u"--alpha"_s, u"x"_s }
                               << u"cachescope-cli: --alpha: 'x' is not a number"_s;
    QTest::newRow("bad format") << QStringList { u"--trace"_s, trace, u"--format"_s, u"parquet"_s }
                                << u"cachescope-cli: --format: 'parquet'"_s;
}

void tst_SimulateCommand::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun r = runCli(QStringList { u"simulate"_s } + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith(message), qPrintable(r.err));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out)); // no partial results
}

void tst_SimulateCommand::malformedTraceNamesLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bad.txt"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("1\n2\n3\nfour\n5\n");
    f.close();
    const CliRun r = runCli(
        { u"simulate"_s, u"--trace"_s, path, u"--policy"_s, u"lru"_s, u"--capacity"_s, u"2"_s });
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(
        r.err.startsWith(u"cachescope-cli: "_s + path + u":4: key: 'four'"_s), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());

    const QString empty = dir.filePath(u"empty.txt"_s);
    QFile e(empty);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.close();
    const CliRun r2 = runCli({ u"simulate"_s, u"--trace"_s, empty });
    QCOMPARE(r2.exitCode, 2);
    QVERIFY2(r2.err.contains(u"no requests"_s), qPrintable(r2.err));
}

void tst_SimulateCommand::helpListsOptions()
{
    const CliRun r = runCli({ u"simulate"_s, u"--help"_s });
    QCOMPARE(r.exitCode, 0);
    for (const char *opt : { "--trace", "--format", "--workload", "--policy", "--capacity",
             "--size-unit", "--threads", "--output", "wtinylfu" })
        QVERIFY2(r.out.contains(QLatin1StringView(opt)), opt);
    const CliRun top = runCli({});
    QCOMPARE(top.exitCode, 2);
    QVERIFY(top.err.contains(u"simulate"_s));
}

void tst_SimulateCommand::redisOptionsAndClock()
{
    const QString lirs = TestSupport::dataPath(u"lirs_multi1.trace"_s);
    // No times in a txt trace: the assumed rate is said on stderr.
    CliRun r = runCli({ u"simulate"_s, u"--trace"_s, lirs, u"--policy"_s, u"redis-lru,redis-lfu"_s,
        u"--capacity"_s, u"100"_s, u"--assume-rate"_s, u"250/s"_s, u"--output"_s, u"json"_s });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(
        r.err.contains(u"assume 250 requests per second (--assume-rate)"_s), qPrintable(r.err));
    QCOMPARE(json(r)[u"results"_s].toArray().size(), 2);
    // --redis-samples reaches the policy: K = 1 (random among the sampled) differs from K = 64.
    const auto hits = [&](const QString &k) {
        const CliRun run = runCli({ u"simulate"_s, u"--trace"_s, lirs, u"--policy"_s,
            u"redis-lru"_s, u"--capacity"_s, u"300"_s, u"--assume-rate"_s, u"1"_s,
            u"--redis-samples"_s, k, u"--output"_s, u"json"_s });
        return json(run)[u"results"_s].toArray().at(0).toObject()[u"hits"_s].toInteger();
    };
    QVERIFY(hits(u"64"_s) > hits(u"1"_s));
    // MONITOR timestamps are the clock: no assumption to state; writes are reported.
    r = runCli(
        { u"simulate"_s, u"--trace"_s, TestSupport::dataPath(u"redis_monitor_commands.monitor"_s),
            u"--policy"_s, u"redis-lru"_s, u"--capacity"_s, u"5"_s });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(!r.err.contains(u"--assume-rate"_s), qPrintable(r.err));
    QVERIFY2(r.err.contains(u"16 writes"_s), qPrintable(r.err));
    for (const QStringList &bad : { QStringList { u"--redis-samples"_s, u"0"_s },
             QStringList { u"--assume-rate"_s, u"fast"_s },
             QStringList { u"--lfu-decay-time"_s, u"-1"_s } }) {
        r = runCli(
            QStringList { u"simulate"_s, u"--trace"_s, lirs, u"--policy"_s, u"redis-lfu"_s } + bad);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(bad.front()), qPrintable(r.err));
    }
}

/// --expect on simulate: a bare field applies to every (policy, capacity), a policy's prefix to
/// that policy only; exit 3 names the policy, capacity, expected and measured values.
void tst_SimulateCommand::expectPerPolicy()
{
    const QStringList base { u"simulate"_s, u"--trace"_s,
        TestSupport::dataPath(u"lirs_multi1.trace"_s), u"--policy"_s, u"lru,arc"_s, u"--capacity"_s,
        u"100,500"_s };
    // The reference run: the expectations below straddle its numbers.
    const CliRun reference = runCli(base + QStringList { u"--output"_s, u"json"_s });
    QCOMPARE(reference.exitCode, 0);
    double lru100 = -1;
    for (const QJsonValue &v : json(reference)[u"results"_s].toArray()) {
        const QJsonObject r = v.toObject();
        QCOMPARE(r[u"hit_ratio"_s].toDouble(), 1.0 - r[u"miss_ratio"_s].toDouble());
        if (r[u"policy"_s].toString() == u"lru"_s && r[u"capacity"_s].toInteger() == 100)
            lru100 = r[u"hit_ratio"_s].toDouble();
    }
    QVERIFY(lru100 > 0);

    const CliRun all = runCli(base + QStringList { u"--expect"_s, u"miss_ratio<1,requests>0"_s });
    QCOMPARE(all.exitCode, 0);
    QCOMPARE(all.err.count(u"expectation met"_s), 8); // 2 expectations x 4 results

    const QString above = QString::number(lru100 + 0.01);
    const CliRun lru = runCli(base + QStringList { u"--expect"_s, u"lru.hit_ratio>="_s + above });
    QCOMPARE(lru.exitCode, 3);
    QCOMPARE(lru.err.count(u"expectation"_s), 2); // lru only, at both capacities
    QVERIFY2(
        lru.err.contains(u"lru at 100: expectation failed: hit_ratio >= "_s), qPrintable(lru.err));
    QVERIFY2(lru.err.contains(u"lru at 500: expectation met"_s), qPrintable(lru.err));

    const CliRun other = runCli(base + QStringList { u"--expect"_s, u"fifo.hit_ratio>0"_s });
    QCOMPARE(other.exitCode, 2);
    QVERIFY2(other.err.contains(u"names policy 'fifo', which this run does not simulate"_s),
        qPrintable(other.err));
}

void tst_SimulateCommand::replaysAreRecordedInTheHistory()
{
    const QString history = m_dir.filePath(u"replays.sqlite"_s);
    const QString trace = TestSupport::dataPath(u"cache2k_web07.trace"_s);
    const auto simulate = [&](const QString &capacities, const QStringList &extra) {
        return runCli(
            QStringList { u"simulate"_s, u"--trace"_s, trace, u"--policy"_s, u"lru,sieve"_s,
                u"--capacity"_s, capacities, u"--output"_s, u"json"_s, u"--history"_s, history }
            + extra);
    };
    const auto runs = [&](const QStringList &args) {
        const CliRun r = runCli(QStringList { u"runs"_s } + args
            + QStringList { u"--history"_s, history, u"--output"_s, u"json"_s });
        if (r.exitCode != 0)
            qWarning("%s", qPrintable(r.err));
        return QJsonDocument::fromJson(r.out.toUtf8());
    };

    const CliRun small = simulate(u"204"_s, { u"--name"_s, u"web07 small"_s });
    QCOMPARE(small.exitCode, 0);
    QVERIFY2(small.err.contains(u"recorded as run"_s), qPrintable(small.err));
    const CliRun big = simulate(u"5%"_s, {}); // of 20484 unique objects: 1024
    QCOMPARE(big.exitCode, 0);
    const CliRun unrecorded = runCli({ u"simulate"_s, u"--trace"_s, trace, u"--policy"_s, u"lru"_s,
        u"--capacity"_s, u"100"_s, u"--history"_s, history, u"--no-history"_s });
    QCOMPARE(unrecorded.exitCode, 2); // --no-history with --history is refused
    QVERIFY(runCli({ u"simulate"_s, u"--trace"_s, trace, u"--policy"_s, u"lru"_s, u"--capacity"_s,
                       u"100"_s, u"--no-history"_s })
                .exitCode
        == 0);

    const QJsonArray list = runs({ u"list"_s }).array();
    QCOMPARE(list.size(), 2);
    const QJsonObject first = list.at(1).toObject();
    QCOMPARE(first.value(u"kind"_s).toString(), u"replay"_s);
    QCOMPARE(first.value(u"name"_s).toString(), u"web07 small"_s);
    QCOMPARE(first.value(u"policy"_s).toString(), u"lru,sieve"_s);
    QCOMPARE(first.value(u"capacity"_s).toString(), u"204"_s);
    QCOMPARE(first.value(u"workload"_s).toString(), u"cache2k_web07.trace"_s);
    QCOMPARE(first.value(u"requests"_s).toInteger(), 76118);
    QVERIFY(first.value(u"complete"_s).toBool());
    // The list's hit ratio is the best result's (sieve: 43904 misses against lru's 46321).
    QCOMPARE(first.value(u"hit_ratio"_s).toDouble(), 1.0 - 43904.0 / 76118.0);
    QCOMPARE(runs({ u"list"_s, u"--kind"_s, u"replay"_s }).array().size(), 2);
    QCOMPARE(runs({ u"list"_s, u"--kind"_s, u"live"_s }).array().size(), 0);

    // Its summary is what simulate printed, number for number.
    const qint64 id = first.value(u"id"_s).toInteger();
    const QJsonObject shown = runs({ u"show"_s, QString::number(id) }).object();
    QCOMPARE(shown.value(u"summary"_s).toObject(), json(small));
    QCOMPARE(shown.value(u"points"_s).toInteger(), 0);
    const QJsonObject config = shown.value(u"config"_s).toObject();
    QCOMPARE(config.value(u"trace"_s).toString(), QFileInfo(trace).absoluteFilePath());
    QCOMPARE(config.value(u"format"_s).toString(), u"u32be"_s);
    QCOMPARE(config.value(u"policies"_s).toArray(), QJsonArray({ u"lru"_s, u"sieve"_s }));
    QCOMPARE(config.value(u"resolved_capacities"_s).toArray(), QJsonArray({ 204 }));
    QCOMPARE(config.value(u"options"_s).toObject().value(u"seed"_s).toInteger(), 42);
    const QJsonObject second
        = runs({ u"show"_s, QString::number(list.at(0).toObject().value(u"id"_s).toInteger()) })
              .object();
    QCOMPARE(second.value(u"summary"_s).toObject(), json(big));
    QCOMPARE(second.value(u"config"_s).toObject().value(u"capacities"_s).toString(), u"5%"_s);

    // Compared: each policy's hit ratio side by side, and the capacity that changed.
    const QJsonObject compared = runs(
        { u"compare"_s, QString::number(id), QString::number(second.value(u"id"_s).toInteger()) })
                                     .object();
    QStringList changed;
    for (const QJsonValue &c : compared.value(u"config_changes"_s).toArray())
        changed << c.toObject().value(u"field"_s).toString();
    QVERIFY2(changed.contains(u"resolved_capacities"_s), qPrintable(changed.join(u", "_s)));
    QVERIFY(changed.contains(u"capacities"_s));
    QJsonObject sieve;
    for (const QJsonValue &m : compared.value(u"metrics"_s).toArray())
        if (m.toObject().value(u"metric"_s).toString() == u"results.sieve.hit_ratio"_s)
            sieve = m.toObject();
    QVERIFY2(!sieve.isEmpty(), QJsonDocument(compared).toJson().constData());
    const QJsonArray smallResults = json(small).value(u"results"_s).toArray();
    const QJsonArray bigResults = json(big).value(u"results"_s).toArray();
    QCOMPARE(sieve.value(u"a"_s).toDouble(),
        smallResults.at(1).toObject().value(u"hit_ratio"_s).toDouble());
    QCOMPARE(sieve.value(u"b"_s).toDouble(),
        bigResults.at(1).toObject().value(u"hit_ratio"_s).toDouble());
    QVERIFY(sieve.value(u"b"_s).toDouble() > sieve.value(u"a"_s).toDouble()); // a bigger cache
}

QTEST_GUILESS_MAIN(tst_SimulateCommand)
#include "tst_simulatecommand.moc"
