// cachescope-cli fleet through QProcess: real `run` children on a real SQLite demo file, a
// private redis-server as their shared second tier, PostgreSQL when scripts/pg started one.
#include "clirun.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

qint64 count(const QJsonObject &line, const QString &key) { return line[key].toInteger(); }

/// The lines of one instance (an index, or "total").
QList<QJsonObject> linesOf(const QList<QJsonObject> &lines, const QJsonValue &instance)
{
    QList<QJsonObject> found;
    for (const QJsonObject &line : lines) {
        if (line[u"instance"_s] == instance)
            found << line;
    }
    return found;
}

/// The process ids whose parent is `parent` (from /proc).
QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> children;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        // "pid (comm) state ppid ...": comm may hold spaces, so count from its ')'.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent)
            children << pid;
    }
    return children;
}

/// Starts a fleet and waits for its first total line on stdout (what it read so far in `out`).
bool startUntilFirstTotal(QProcess &fleet, const QStringList &args, QByteArray &out)
{
    fleet.start(cliPath(), args);
    if (!fleet.waitForStarted(10000))
        return false;
    while (!out.contains("\"instance\":\"total\"")) {
        if (!fleet.waitForReadyRead(30000))
            return false;
        out += fleet.readAllStandardOutput();
    }
    return true;
}

} // namespace

class tst_FleetCommand : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;

    QStringList fleet(const QStringList &extra) const
    {
        return QStringList { u"fleet"_s, u"--database"_s, m_db, u"--write-ratio"_s, u"0"_s,
            u"--threads"_s, u"1"_s, u"--keys"_s, u"300"_s, u"--interval-ms"_s, u"500"_s }
        + extra;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(u"demo.sqlite"_s);
        const CliRun created = runCli(
            { u"demo-db"_s, u"--database"_s, m_db, u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    }

    void badOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("zero") << QStringList { u"--instances"_s, u"0"_s }
                              << u"--instances: '0' must be at least 1"_s;
        QTest::newRow("text") << QStringList { u"--instances"_s, u"x"_s }
                              << u"--instances: 'x' is not an integer"_s;
        QTest::newRow("too many") << QStringList { u"--instances=65"_s }
                                  << u"--instances: '65' must be at most 64"_s;
        QTest::newRow("csv output") << QStringList { u"--output"_s, u"csv"_s }
                                    << u"--output: 'csv' is not available for a fleet"_s;
        QTest::newRow("csv file") << QStringList { u"--csv"_s, u"x.csv"_s }
                                  << u"--csv: 'x.csv' does not apply to a fleet"_s;
        QTest::newRow("expect field")
            << QStringList { u"--expect"_s, u"nothing>=1"_s } << u"nothing"_s;
    }

    void badOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliRun r = runCli(QStringList { u"fleet"_s } + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    /// --output json: every instance's lines with "instance", a total per interval, a final
    /// line for each and for the total, whose counts are the instances' sums; --expect on it.
    void jsonTotals()
    {
        const CliRun r = runCli(fleet({ u"--duration"_s, u"2s"_s, u"--output"_s, u"json"_s,
            u"--expect"_s, u"requests>=1,errors==0"_s }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        const QList<QJsonObject> a = linesOf(lines, 0);
        const QList<QJsonObject> b = linesOf(lines, 1);
        const QList<QJsonObject> totals = linesOf(lines, u"total"_s);
        QCOMPARE(a.size() + b.size() + totals.size(), lines.size());
        QVERIFY(a.size() >= 3 && b.size() >= 3 && totals.size() >= 3);
        QVERIFY(a.last()[u"final"_s].toBool() && b.last()[u"final"_s].toBool());
        const QJsonObject total = totals.last();
        QVERIFY(total[u"final"_s].toBool());
        QCOMPARE(count(total, u"instances_reporting"_s), 2);
        QVERIFY(count(a.last(), u"requests"_s) > 0 && count(b.last(), u"requests"_s) > 0);
        for (const QString &key : { u"requests"_s, u"hits"_s, u"misses"_s, u"entries"_s })
            QCOMPARE(count(total, key), count(a.last(), key) + count(b.last(), key));
        QVERIFY(!r.out.contains(u"latency_buckets"_s));
        QCOMPARE(total[u"expectations"_s].toArray().size(), 2);
        // The first interval's total is the sum of both instances' first lines.
        const QJsonObject first = totals.first();
        QCOMPARE(count(first, u"instances_reporting"_s), 2);
        QCOMPARE(
            count(first, u"requests"_s), count(a[0], u"requests"_s) + count(b[0], u"requests"_s));

        const CliRun unmet = runCli(fleet({ u"--instances"_s, u"1"_s, u"--duration"_s, u"600ms"_s,
            u"--expect"_s, u"requests<1"_s }));
        QCOMPARE(unmet.exitCode, 3);
        QVERIFY2(unmet.err.contains(u"expectation failed"_s), qPrintable(unmet.err));
    }

    /// The table: a line per interval with the instances reporting, then a row per instance
    /// and the total.
    void tableOutput()
    {
        const CliRun r = runCli(fleet({ u"--duration"_s, u"1s"_s }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u" 2/2 "_s), qPrintable(r.out));
        QVERIFY2(r.out.contains(u"instance"_s) && r.out.contains(u"inst"_s), qPrintable(r.out));
        const QStringList rows = r.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(rows.last().trimmed().startsWith(u"total"_s));
        QVERIFY(rows[rows.size() - 2].trimmed().startsWith(u"1 "_s));
        QVERIFY(rows[rows.size() - 3].trimmed().startsWith(u"0 "_s));
    }

    /// Two instances on one private Redis: each finds results the other stored (l2_hits in
    /// each; an instance's own results stay in its L1, which is large enough), so the database
    /// is asked less than L1 missed.
    void sharedRedis()
    {
        ServerProcess redis;
        if (!redis.start(ServerProcess::Kind::Redis))
            QSKIP(qPrintable(redis.error()));
        const CliRun r = runCli(fleet({ u"--l2"_s, u"redis://127.0.0.1:%1"_s.arg(redis.port()),
            u"--workload"_s, u"uniform"_s, u"--keys"_s, u"3000"_s, u"--capacity"_s, u"100000"_s,
            u"--duration"_s, u"2s"_s, u"--output"_s, u"json"_s }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        const QJsonObject total = linesOf(lines, u"total"_s).last();
        for (int i = 0; i < 2; ++i) {
            const QJsonObject final = linesOf(lines, i).last();
            QVERIFY2(count(final, u"l2_hits"_s) > 0, qPrintable(r.out));
        }
        QVERIFY(count(total, u"l2_hits"_s) > 0);
        QVERIFY2(
            count(total, u"db_queries"_s) < count(total, u"misses"_s) + count(total, u"l2_hits"_s),
            qPrintable(r.out));
        QCOMPARE(count(total, u"l2_errors"_s), 0);
        QVERIFY(total[u"latency_us"_s].toObject().contains(u"l2"_s));
        QCOMPARE(count(total, u"l2_hits"_s),
            count(linesOf(lines, 0).last(), u"l2_hits"_s)
                + count(linesOf(lines, 1).last(), u"l2_hits"_s));
    }

    /// One child killed mid-run: reported on stderr with its status, the other finishes, the
    /// total says who is missing; exit 1.
    void instanceKilled()
    {
        QProcess fleetProcess;
        QByteArray out;
        QVERIFY(startUntilFirstTotal(
            fleetProcess, fleet({ u"--duration"_s, u"3s"_s, u"--output"_s, u"json"_s }), out));
        const QList<qint64> children = childrenOf(fleetProcess.processId());
        QCOMPARE(children.size(), 2);
        QCOMPARE(::kill(pid_t(children.last()), SIGKILL), 0);
        QVERIFY(fleetProcess.waitForFinished(30000));
        out += fleetProcess.readAllStandardOutput();
        const QString err = QString::fromUtf8(fleetProcess.readAllStandardError());
        QCOMPARE(fleetProcess.exitCode(), 1);
        QVERIFY2(err.contains(u"crashed (killed by a signal)"_s), qPrintable(err));
        const QList<QJsonObject> lines = jsonLines(QString::fromUtf8(out));
        const QJsonObject total = linesOf(lines, u"total"_s).last();
        QVERIFY(total[u"final"_s].toBool());
        QCOMPARE(count(total, u"instances_reporting"_s), 1);
        QCOMPARE(total[u"missing"_s].toArray().size(), 1);
        const int survivor = total[u"missing"_s].toArray()[0].toInt() == 0 ? 1 : 0;
        QVERIFY(linesOf(lines, survivor).last()[u"final"_s].toBool());
        QVERIFY2(err.contains(u"instance %1 crashed"_s.arg(1 - survivor)), qPrintable(err));
    }

    /// A bad run option forwarded: every instance fails with run's own message; exit 1.
    void forwardedOptionRefused()
    {
        const CliRun r = runCli(fleet({ u"--threads"_s, u"0"_s, u"--duration"_s, u"1s"_s }));
        QCOMPARE(r.exitCode, 1);
        for (int i = 0; i < 2; ++i)
            QVERIFY2(
                r.err.contains(u"instance %1 exited with status 2: "_s.arg(i)), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"--threads"_s), qPrintable(r.err));
    }

    /// SIGINT to the fleet (Ctrl-C): every child stops, the summary is printed, exit 0.
    void interruptPrintsSummary()
    {
        QProcess fleetProcess;
        QByteArray out;
        QVERIFY(startUntilFirstTotal(
            fleetProcess, fleet({ u"--duration"_s, u"60s"_s, u"--output"_s, u"json"_s }), out));
        QCOMPARE(::kill(pid_t(fleetProcess.processId()), SIGINT), 0);
        QVERIFY(fleetProcess.waitForFinished(30000));
        out += fleetProcess.readAllStandardOutput();
        QCOMPARE(fleetProcess.exitCode(), 0);
        const QList<QJsonObject> lines = jsonLines(QString::fromUtf8(out));
        for (const QJsonValue &instance : { QJsonValue(0), QJsonValue(1), QJsonValue(u"total"_s) })
            QVERIFY(linesOf(lines, instance).last()[u"final"_s].toBool());
        QVERIFY(count(linesOf(lines, u"total"_s).last(), u"t_ms"_s) < 30000);
    }

    /// PostgreSQL (when scripts/pg started one) with the shared Redis: the same sums.
    void postgresFleet()
    {
        if (qEnvironmentVariableIsEmpty("CACHESCOPE_PG_PORT"))
            QSKIP("no PostgreSQL: start one with pgenv=$(scripts/pg start); eval \"$pgenv\"");
        ServerProcess redis;
        if (!redis.start(ServerProcess::Kind::Redis))
            QSKIP(qPrintable(redis.error()));
        const CliRun created = runCli({ u"demo-db"_s, u"--driver"_s, u"postgres"_s,
            u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const CliRun r = runCli({ u"fleet"_s, u"--driver"_s, u"postgres"_s, u"--l2"_s,
            u"redis://127.0.0.1:%1"_s.arg(redis.port()), u"--workload"_s, u"uniform"_s, u"--keys"_s,
            u"1000"_s, u"--threads"_s, u"2"_s, u"--duration"_s, u"2s"_s, u"--interval-ms"_s,
            u"500"_s, u"--output"_s, u"json"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        const QJsonObject total = linesOf(lines, u"total"_s).last();
        QVERIFY(total[u"final"_s].toBool());
        QCOMPARE(count(total, u"requests"_s),
            count(linesOf(lines, 0).last(), u"requests"_s)
                + count(linesOf(lines, 1).last(), u"requests"_s));
        QVERIFY(count(total, u"l2_hits"_s) > 0);
        QVERIFY(total.contains(u"database_buffer_hit_ratio"_s));
        QCOMPARE(count(total, u"errors"_s), 0);
    }
};

QTEST_GUILESS_MAIN(tst_FleetCommand)
#include "tst_fleetcommand.moc"
