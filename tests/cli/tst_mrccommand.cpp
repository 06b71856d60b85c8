// cachescope-cli mrc through QProcess: JSON fields, agreement with simulate's LRU replay,
// exit status 2 on bad options (issue #6).
#include "clirun.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class tst_MrcCommand : public QObject
{
    Q_OBJECT

private slots:
    void exactJsonMatchesReference();
    void pointsSpanUniqueObjects();
    void shardsOnWorkload();
    void severalPoliciesGiveAnArray();
    void csvAndTable();
    void badInput_data();
    void badInput();
};

namespace {
using CacheScope::TestSupport::CliRun;
using CacheScope::TestSupport::runCli;

QJsonDocument json(const CliRun &r)
{
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(r.out.toUtf8(), &e);
    if (e.error != QJsonParseError::NoError)
        qWarning("not JSON: %s\n%s", qPrintable(e.errorString()), qPrintable(r.out));
    return d;
}

QString web07() { return CacheScope::TestSupport::dataPath(u"cache2k_web07.trace"_s); }
} // namespace

void tst_MrcCommand::exactJsonMatchesReference()
{
    // reference.csv and tst_simulatecommand: cache2k_web07 (76,118 requests) at 204 objects:
    // lru 46321 misses, opt 35488.
    const CliRun r = runCli({ u"mrc"_s, u"--trace"_s, web07(), u"--capacity"_s, u"204,1%"_s,
        u"--output"_s, u"json"_s });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    const QJsonObject o = json(r).object();
    QCOMPARE(o[u"policy"_s].toString(), u"lru"_s);
    QCOMPARE(o[u"method"_s].toString(), u"exact"_s);
    QCOMPARE(o[u"requests"_s].toInteger(), 76118);
    const QJsonArray pts = o[u"points"_s].toArray();
    QCOMPARE(pts.size(), 1); // 1% of 20,484 floors to 204: one point
    QCOMPARE(pts[0].toObject()[u"capacity"_s].toInteger(), 204);
    QCOMPARE(pts[0].toObject()[u"miss_ratio"_s].toDouble(), 46321.0 / 76118.0);

    const CliRun opt = runCli({ u"mrc"_s, u"--trace"_s, web07(), u"--policy"_s, u"opt"_s,
        u"--capacity"_s, u"204"_s, u"--output"_s, u"json"_s });
    QCOMPARE(opt.exitCode, 0);
    const QJsonObject oo = json(opt).object();
    QCOMPARE(oo[u"method"_s].toString(), u"replay"_s);
    QCOMPARE(
        oo[u"points"_s].toArray()[0].toObject()[u"miss_ratio"_s].toDouble(), 35488.0 / 76118.0);
}

void tst_MrcCommand::pointsSpanUniqueObjects()
{
    // lirs_multi1: 2,606 unique keys; 4 points are 652, 1303, 1955, 2606; at 2,606 only the
    // 2,606 cold misses of 15,858 requests remain.
    const CliRun r = runCli(
        { u"mrc"_s, u"--trace"_s, CacheScope::TestSupport::dataPath(u"lirs_multi1.trace"_s),
            u"--points"_s, u"4"_s, u"--output"_s, u"json"_s });
    QCOMPARE(r.exitCode, 0);
    const QJsonArray pts = json(r).object()[u"points"_s].toArray();
    QCOMPARE(pts.size(), 4);
    const QList<qint64> caps = { 652, 1303, 1955, 2606 };
    double previous = 1.0;
    for (int i = 0; i < 4; ++i) {
        const QJsonObject pt = pts[i].toObject();
        QCOMPARE(pt[u"capacity"_s].toInteger(), caps[i]);
        QVERIFY(pt[u"miss_ratio"_s].toDouble() <= previous); // LRU is a stack algorithm
        previous = pt[u"miss_ratio"_s].toDouble();
    }
    QCOMPARE(previous, 2606.0 / 15858.0);
}

void tst_MrcCommand::shardsOnWorkload()
{
    const QStringList base = { u"mrc"_s, u"--workload"_s, u"zipf"_s, u"--keys"_s, u"20000"_s,
        u"--requests"_s, u"300000"_s, u"--points"_s, u"10"_s, u"--output"_s, u"json"_s };
    const CliRun exact = runCli(base);
    const CliRun shards
        = runCli(base + QStringList { u"--method"_s, u"shards"_s, u"--rate"_s, u"0.1"_s });
    const CliRun fixed
        = runCli(base + QStringList { u"--method"_s, u"shards"_s, u"--sample-size"_s, u"2000"_s });
    for (const CliRun *r : { &exact, &shards, &fixed })
        QCOMPARE(r->exitCode, 0);
    const QJsonObject e = json(exact).object();
    const QJsonObject s = json(shards).object();
    const QJsonObject f = json(fixed).object();
    QCOMPARE(s[u"method"_s].toString(), u"shards"_s);
    QCOMPARE(s[u"rate"_s].toDouble(), 0.1);
    QVERIFY(s[u"sampled_keys"_s].toInteger() > 1000);
    QCOMPARE(f[u"sampled_keys"_s].toInteger(), 2000);
    QVERIFY(f[u"rate"_s].toDouble() < 1.0);
    const QJsonArray ep = e[u"points"_s].toArray();
    for (const QJsonObject &o : { s, f }) {
        const QJsonArray sp = o[u"points"_s].toArray();
        QCOMPARE(sp.size(), ep.size());
        double error = 0;
        for (qsizetype i = 0; i < ep.size(); ++i) {
            QCOMPARE(sp[i].toObject()[u"capacity"_s].toInteger(),
                ep[i].toObject()[u"capacity"_s].toInteger());
            error += std::abs(sp[i].toObject()[u"miss_ratio"_s].toDouble()
                - ep[i].toObject()[u"miss_ratio"_s].toDouble());
        }
        QVERIFY2(error / double(ep.size()) < 0.02,
            qPrintable(QString::number(error / double(ep.size()))));
    }
}

void tst_MrcCommand::severalPoliciesGiveAnArray()
{
    const CliRun r = runCli({ u"mrc"_s, u"--trace"_s, web07(), u"--policy"_s, u"lru,fifo,opt"_s,
        u"--points"_s, u"5"_s, u"--output"_s, u"json"_s });
    QCOMPARE(r.exitCode, 0);
    const QJsonArray arr = json(r).array();
    QCOMPARE(arr.size(), 3);
    QCOMPARE(arr[0].toObject()[u"method"_s].toString(), u"exact"_s);
    QCOMPARE(arr[1].toObject()[u"policy"_s].toString(), u"fifo"_s);
    QCOMPARE(arr[1].toObject()[u"method"_s].toString(), u"replay"_s);
    const QJsonArray lru = arr[0].toObject()[u"points"_s].toArray();
    const QJsonArray opt = arr[2].toObject()[u"points"_s].toArray();
    QCOMPARE(opt.size(), 5);
    for (qsizetype i = 0; i < 5; ++i) // Belady's bound
        QVERIFY(opt[i].toObject()[u"miss_ratio"_s].toDouble()
            <= lru[i].toObject()[u"miss_ratio"_s].toDouble());
}

void tst_MrcCommand::csvAndTable()
{
    const QStringList base
        = { u"mrc"_s, u"--trace"_s, CacheScope::TestSupport::dataPath(u"lirs_multi1.trace"_s),
              u"--policy"_s, u"lru,arc"_s, u"--capacity"_s, u"130"_s };
    const CliRun csv = runCli(base + QStringList { u"--output"_s, u"csv"_s });
    QCOMPARE(csv.exitCode, 0);
    // Miss ratios from tst_simulatecommand's csv rows at 130 objects.
    QCOMPARE(csv.out.trimmed().split(u'\n'),
        QStringList({ u"policy,method,capacity,miss_ratio"_s, u"lru,exact,130,0.761571"_s,
            u"arc,replay,130,0.555871"_s }));
    const CliRun table = runCli(base);
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.contains(u"15858 requests, 2606 unique objects"_s));
    QVERIFY(table.out.contains(u"0.761571"_s));
}

void tst_MrcCommand::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString trace = CacheScope::TestSupport::dataPath(u"lirs_multi1.trace"_s);
    QTest::newRow("rate 0") << QStringList { u"--trace"_s, trace, u"--method"_s, u"shards"_s,
        u"--rate"_s, u"0"_s }
                            << u"--rate"_s;
    QTest::newRow("rate 2") << QStringList { u"--trace"_s, trace, u"--rate"_s, u"2"_s }
                            << u"--rate"_s;
    QTest::newRow("rate text") << QStringList { u"--trace"_s, trace, u"--rate"_s, u"x"_s }
                               << u"--rate"_s;
    QTest::newRow("method") << QStringList { u"--trace"_s, trace, u"--method"_s, u"magic"_s }
                            << u"--method"_s;
    QTest::newRow("policy") << QStringList { u"--trace"_s, trace, u"--policy"_s, u"lru,nope"_s }
                            << u"nope"_s;
    QTest::newRow("rate and size")
        << QStringList { u"--trace"_s, trace, u"--rate"_s, u"0.1"_s, u"--sample-size"_s, u"10"_s }
        << u"--sample-size"_s;
    QTest::newRow("sample size 0")
        << QStringList { u"--trace"_s, trace, u"--sample-size"_s, u"0"_s } << u"--sample-size"_s;
    QTest::newRow("points 0") << QStringList { u"--trace"_s, trace, u"--points"_s, u"0"_s }
                              << u"--points"_s;
    QTest::newRow("capacity") << QStringList { u"--trace"_s, trace, u"--capacity"_s, u"-3"_s }
                              << u"--capacity"_s;
    QTest::newRow("capacity too large") << QStringList { u"--trace"_s, trace, u"--capacity"_s,
        u"99999999999999999999"_s } << u"--capacity: '99999999999999999999' is too large"_s;
    QTest::newRow("capacity 0") << QStringList { u"--trace"_s, trace, u"--capacity"_s, u"1%,0"_s }
                                << u"--capacity: '0' must be greater than 0"_s;
    QTest::newRow("no stream") << QStringList { u"--points"_s, u"3"_s } << u"--trace"_s;
    QTest::newRow("missing trace")
        << QStringList { u"--trace"_s, u"/nonexistent.trace"_s } << u"nonexistent"_s;
}

void tst_MrcCommand::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun r = runCli(QStringList { u"mrc"_s } + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.startsWith(u"cachescope-cli: "_s), qPrintable(r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(tst_MrcCommand)
#include "tst_mrccommand.moc"
