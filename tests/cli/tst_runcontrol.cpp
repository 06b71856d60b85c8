// Live changes to a running `cachescope-cli run --control stdin` (what the fleet and the app's
// Fleet page send), and stale reads across real processes: a fleet of two on one SQLite demo
// file and a private redis-server, invalidation off and then on.
#include "clirun.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

class tst_RunControl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void liveChangesOnStdin();
    void badControlChannel();
    void fleetStaleReadsFallWithInvalidation();

private:
    QTemporaryDir m_dir;
    QString m_db;
    ServerProcess m_redis;
};

void tst_RunControl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(u"demo.sqlite"_s);
    const CliRun r = runCli(
        { u"demo-db"_s, u"--database"_s, m_db, u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    if (!m_redis.start(ServerProcess::Kind::Redis))
        QSKIP(qPrintable(m_redis.error()));
}

/// A read-only run gets writes and pub/sub invalidation from a control line (markers in its
/// output, writes counted afterwards), reports bad lines on stderr naming their number and
/// goes on, and stops cleanly on {"stop": true} with its final line.
void tst_RunControl::liveChangesOnStdin()
{
    QProcess run;
    run.setProgram(cliPath());
    run.setArguments({ u"run"_s, u"--database"_s, m_db, u"--keys"_s, u"50"_s, u"--threads"_s,
        u"2"_s, u"--duration"_s, u"60s"_s, u"--interval-ms"_s, u"200"_s, u"--output"_s, u"json"_s,
        u"--no-history"_s, u"--l2"_s, u"redis://127.0.0.1:%1"_s.arg(m_redis.port()), u"--control"_s,
        u"stdin"_s });
    run.start();
    QVERIFY(run.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(run.canReadLine(), 30'000); // the first interval line: running
    run.write("{\"write_ratio\": 0.5, \"invalidation\": \"pubsub\"}\n");
    run.write("not json\n");
    run.write("{\"threads\": -3}\n");
    QTest::qWait(600);
    run.write("{\"stop\": true}\n");
    QVERIFY(run.waitForFinished(30'000));
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    const QString err = QString::fromUtf8(run.readAllStandardError());
    QCOMPARE(run.exitCode(), 0);
    QVERIFY2(err.contains(u"control: stdin:2: line: 'not json' is not a JSON object"_s),
        qPrintable(err));
    QVERIFY2(err.contains(u"stdin:3: threads: '-3'"_s), qPrintable(err));
    const QList<QJsonObject> lines = jsonLines(QString::fromUtf8(run.readAllStandardOutput()));
    QStringList markers;
    for (const QJsonObject &line : lines) {
        if (line.contains(u"marker"_s))
            markers << line[u"marker"_s].toString();
    }
    QVERIFY2(markers.join(u'|').contains(u"write ratio 0 → 0.5"_s), qPrintable(markers.join(u'|')));
    QVERIFY2(markers.join(u'|').contains(u"invalidation pubsub"_s), qPrintable(markers.join(u'|')));
    QVERIFY(!lines.isEmpty());
    const QJsonObject final = lines.last();
    QVERIFY(final[u"final"_s].toBool());
    QVERIFY(final[u"writes"_s].toInteger() > 0);
    QVERIFY(final.contains(u"stale_reads"_s));
}

void tst_RunControl::badControlChannel()
{
    const CliRun r = runCli({ u"run"_s, u"--database"_s, m_db, u"--duration"_s, u"1s"_s,
        u"--control"_s, u"tcp"_s, u"--no-history"_s });
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(u"--control"_s) && r.err.contains(u"tcp"_s), qPrintable(r.err));
    const CliRun noTier = runCli({ u"run"_s, u"--database"_s, m_db, u"--duration"_s, u"1s"_s,
        u"--invalidation"_s, u"pubsub"_s, u"--no-history"_s });
    QCOMPARE(noTier.exitCode, 2);
    QVERIFY2(noTier.err.contains(u"invalidation"_s) && noTier.err.contains(u"--l2"_s),
        qPrintable(noTier.err));
}

/// Two processes, each a reader and a writer of the same 30 rows, L1 large, Redis shared:
/// without invalidation an instance keeps serving its copies of rows the other one changed
/// (stale reads, seconds old); with pub/sub it drops them on the other's message, so what stays
/// stale is the propagation window: a far smaller share, and ages of milliseconds.
void tst_RunControl::fleetStaleReadsFallWithInvalidation()
{
    const auto fleet = [this](const QString &mode) {
        return runCli({ u"fleet"_s, u"--instances"_s, u"2"_s, u"--database"_s, m_db, u"--keys"_s,
            u"30"_s, u"--threads"_s, u"1"_s, u"--write-ratio"_s, u"0.01"_s, u"--duration"_s,
            u"3s"_s, u"--output"_s, u"json"_s, u"--l2"_s,
            u"redis://127.0.0.1:%1"_s.arg(m_redis.port()), u"--invalidation"_s, mode });
    };
    const CliRun off = fleet(u"none"_s);
    QVERIFY2(off.exitCode == 0, qPrintable(off.err));
    const CliRun on = fleet(u"pubsub"_s);
    QVERIFY2(on.exitCode == 0, qPrintable(on.err));
    const auto total = [](const CliRun &r) {
        for (const QJsonObject &line : jsonLines(r.out)) {
            if (line[u"instance"_s].toString() == u"total"_s && line[u"final"_s].toBool())
                return line;
        }
        return QJsonObject();
    };
    const QJsonObject a = total(off);
    const QJsonObject b = total(on);
    QVERIFY2(!a.isEmpty() && !b.isEmpty(), qPrintable(off.out.right(2000)));
    const double staleOff = a[u"stale_reads"_s].toDouble() / a[u"hits"_s].toDouble();
    const double staleOn = b[u"stale_reads"_s].toDouble() / b[u"hits"_s].toDouble();
    const QString seen = u"stale share off %1 (p99 %2 ms), on %3 (p99 %4 ms)"_s.arg(staleOff)
                             .arg(a[u"staleness_ms"_s][u"p99"_s].toDouble())
                             .arg(staleOn)
                             .arg(b[u"staleness_ms"_s][u"p99"_s].toDouble());
    qInfo("%s", qPrintable(seen));
    QVERIFY2(a[u"writes"_s].toInteger() > 0 && b[u"writes"_s].toInteger() > 0, qPrintable(seen));
    QVERIFY2(staleOff > 0.05, qPrintable(seen)); // most copies go stale within the run
    QVERIFY2(staleOn * 10 < staleOff, qPrintable(seen));
    QVERIFY2(b[u"invalidations_received"_s].toInteger() > 0, qPrintable(seen));
    QCOMPARE(a[u"invalidations_received"_s].toInteger(), 0);
}

QTEST_GUILESS_MAIN(tst_RunControl)
#include "tst_runcontrol.moc"
