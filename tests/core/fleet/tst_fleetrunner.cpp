// FleetRunner on real `cachescope-cli run` processes (a real SQLite demo file): totals per
// interval and at the end, exact latency merging from the children's buckets, an instance
// killed mid-run, instances that cannot start, stop(); sumFleetLines on its own.
#include "clirun.h"
#include "testsupport.h"

#include "core/fleet/fleetrunner.h"
#include "core/report/runjson.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int waitMs = 60000;

qint64 count(const QJsonObject &line, const QString &key) { return line[key].toInteger(); }

QJsonObject latency(const QJsonObject &line, const QString &kind)
{
    return line[u"latency_us"_s].toObject()[kind].toObject();
}

} // namespace

class tst_FleetRunner : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;

    FleetRunner::Options options(const QStringList &extra, int instances = 2) const
    {
        FleetRunner::Options o;
        o.program = cliPath();
        o.arguments = QStringList { u"run"_s, u"--database"_s, m_db, u"--write-ratio"_s, u"0"_s,
            u"--threads"_s, u"1"_s, u"--keys"_s, u"300"_s, u"--interval-ms"_s, u"500"_s,
            u"--no-history"_s, u"--output"_s, u"json"_s, u"--latency-buckets"_s }
            + extra;
        o.instances = instances;
        o.intervalMs = 500;
        return o;
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

    /// Buckets exported, parsed and merged give the percentiles of one histogram holding both
    /// instances' values; counts of any name are summed, hit_ratio recomputed.
    void sumIsExact()
    {
        LatencyHistogram a;
        LatencyHistogram b;
        LatencyHistogram both;
        for (qint64 v = 1000; v < 2'000'000; v = v * 11 / 10 + 7) {
            a.record(v);
            both.record(v);
        }
        for (int i = 0; i < 500; ++i) {
            b.record(50'000'000 + i * 1000); // a slow instance: the merged p99 is its
            both.record(50'000'000 + i * 1000);
        }
        auto part = [](const LatencyHistogram &h, qint64 hits, qint64 misses, qint64 stale) {
            FleetPart p;
            p.line = QJsonObject { { u"t_ms"_s, 1000 }, { u"hits"_s, hits },
                { u"misses"_s, misses }, { u"stale_reads"_s, stale },
                { u"stale_share"_s, double(stale) / double(hits + misses) },
                { u"requests_per_second"_s, 10.5 },
                { u"evictions_by_reason"_s, QJsonObject { { u"capacity"_s, 2 } } },
                { u"latency_us"_s,
                    QJsonObject { { u"miss"_s, latencyJson(LatencySummary::of(h)) } } },
                { u"io"_s, u"threads"_s } };
            Result<LatencyBuckets> buckets = parseLatencyBuckets(latencyBucketsJson(h), u"miss"_s);
            if (buckets)
                p.buckets[u"miss"_s] = buckets.value();
            return p;
        };
        const QJsonObject total = sumFleetLines({ part(a, 30, 10, 3), part(b, 10, 50, 4) });
        QCOMPARE(count(total, u"hits"_s), 40);
        QCOMPARE(count(total, u"stale_reads"_s), 7); // a count the fleet does not know by name
        QCOMPARE(total[u"requests_per_second"_s].toDouble(), 21.0);
        QCOMPARE(total[u"evictions_by_reason"_s].toObject()[u"capacity"_s].toInteger(), 4);
        QCOMPARE(total[u"hit_ratio"_s].toDouble(), 0.4);
        QCOMPARE(total[u"stale_share"_s].toDouble(), 7.0 / 100.0); // of all reads, not a sum
        QCOMPARE(total[u"io"_s].toString(), u"threads"_s);
        const QJsonObject expected = latencyJson(LatencySummary::of(both));
        const QJsonObject merged = latency(total, u"miss"_s);
        for (const QString &key : { u"p50"_s, u"p95"_s, u"p99"_s, u"p999"_s, u"count"_s })
            QCOMPARE(merged[key].toDouble(), expected[key].toDouble());
        QCOMPARE(merged[u"max"_s].toDouble(), double(both.maxNs()) / 1000.0);

        // Without buckets: the count-weighted mean, the largest max.
        FleetPart x = part(a, 1, 1, 0);
        FleetPart y = part(b, 1, 1, 0);
        x.buckets.clear();
        y.buckets.clear();
        const QJsonObject weighted = latency(sumFleetLines({ x, y }), u"miss"_s);
        const QJsonObject la = latency(x.line, u"miss"_s);
        const QJsonObject lb = latency(y.line, u"miss"_s);
        const double ca = la[u"count"_s].toDouble();
        const double cb = lb[u"count"_s].toDouble();
        QCOMPARE(weighted[u"p50"_s].toDouble(),
            (la[u"p50"_s].toDouble() * ca + lb[u"p50"_s].toDouble() * cb) / (ca + cb));
        QCOMPARE(weighted[u"max"_s].toDouble(), lb[u"max"_s].toDouble());

        QVERIFY(!parseLatencyBuckets(QJsonArray { 1, 2, 3 }, u"hit"_s));
        QVERIFY(!parseLatencyBuckets(QJsonArray { 99999, 2 }, u"hit"_s));
    }

    /// Two instances on one demo file, read-only: a total for every interval from both, the
    /// final total the sum of the final lines, latency counts exact from the buckets.
    void twoInstances()
    {
        FleetRunner runner(options({ u"--duration"_s, u"2s"_s }));
        QSignalSpy lines(&runner, &FleetRunner::instanceLine);
        QSignalSpy totals(&runner, &FleetRunner::intervalTotal);
        QSignalSpy failed(&runner, &FleetRunner::instanceFailed);
        QSignalSpy finished(&runner, &FleetRunner::finished);
        QVERIFY(runner.start());
        QVERIFY(finished.wait(waitMs));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));

        // The n-th interval line of each instance, and the n-th total.
        QList<QList<QJsonObject>> intervals(2);
        for (const QList<QVariant> &signal : lines) {
            const QJsonObject line = signal[1].toJsonObject();
            if (!line.contains(u"final"_s) && !line.contains(u"marker"_s))
                intervals[signal[0].toInt()] << line;
        }
        QVERIFY(totals.size() >= 2);
        for (const QList<QVariant> &signal : totals) {
            const int n = signal[0].toInt();
            const QJsonObject total = signal[1].toJsonObject();
            if (total[u"instances_reporting"_s].toInteger() != 2)
                continue; // the last one may miss an instance that ended first
            QCOMPARE(count(total, u"requests"_s),
                count(intervals[0][n], u"requests"_s) + count(intervals[1][n], u"requests"_s));
            QVERIFY(!total.contains(u"missing"_s));
        }
        QCOMPARE(totals.first()[1].toJsonObject()[u"instances_reporting"_s].toInteger(), 2);

        const std::optional<QJsonObject> a = runner.finalLine(0);
        const std::optional<QJsonObject> b = runner.finalLine(1);
        QVERIFY(a && b);
        const std::optional<QJsonObject> total = runner.finalTotalLine();
        QVERIFY(total);
        QVERIFY((*total)[u"final"_s].toBool());
        QCOMPARE(count(*total, u"instances_reporting"_s), 2);
        QVERIFY(count(*a, u"requests"_s) > 0 && count(*b, u"requests"_s) > 0);
        for (const QString &key : { u"requests"_s, u"hits"_s, u"misses"_s, u"writes"_s })
            QCOMPARE(count(*total, key), count(*a, key) + count(*b, key));
        QCOMPARE(count(*total, u"writes"_s), 0);
        for (const QString &kind : { u"hit"_s, u"miss"_s }) {
            QCOMPARE(count(latency(*total, kind), u"count"_s),
                count(latency(*a, kind), u"count"_s) + count(latency(*b, kind), u"count"_s));
            QCOMPARE(latency(*total, kind)[u"max"_s].toDouble(),
                std::max(latency(*a, kind)[u"max"_s].toDouble(),
                    latency(*b, kind)[u"max"_s].toDouble()));
        }
        QCOMPARE(runner.failedInstances(), QList<int>());
        QVERIFY(!runner.isRunning());
    }

    /// An instance killed mid-run is reported; the other finishes and the total says who is
    /// missing.
    void instanceKilled()
    {
        FleetRunner runner(options({ u"--duration"_s, u"3s"_s }));
        QSignalSpy failed(&runner, &FleetRunner::instanceFailed);
        QSignalSpy finished(&runner, &FleetRunner::finished);
        bool killed = false;
        connect(&runner, &FleetRunner::instanceLine, this, [&](int index, const QJsonObject &) {
            if (index == 1 && !killed) {
                killed = true;
                ::kill(pid_t(runner.processId(1)), SIGKILL);
            }
        });
        QVERIFY(runner.start());
        QVERIFY(finished.wait(waitMs));
        QVERIFY(killed);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed[0][0].toInt(), 1);
        QVERIFY2(failed[0][1].toString().contains(u"instance 1 crashed"_s),
            qPrintable(failed[0][1].toString()));
        QVERIFY(runner.finalLine(0));
        QVERIFY(!runner.finalLine(1));
        const QJsonObject total = *runner.finalTotalLine();
        QCOMPARE(count(total, u"instances_reporting"_s), 1);
        QCOMPARE(total[u"missing"_s].toArray(), QJsonArray { 1 });
        QCOMPARE(count(total, u"requests"_s), count(*runner.finalLine(0), u"requests"_s));
        QCOMPARE(runner.failedInstances(), QList<int> { 1 });
    }

    /// A bad option forwarded: every child exits 2, each reported with its message; a program
    /// that does not exist fails to start.
    void cannotStart()
    {
        FleetRunner runner(options({ u"--threads"_s, u"0"_s }));
        QSignalSpy failed(&runner, &FleetRunner::instanceFailed);
        QSignalSpy finished(&runner, &FleetRunner::finished);
        QVERIFY(runner.start());
        QVERIFY(finished.wait(waitMs));
        QCOMPARE(failed.size(), 2);
        for (const QList<QVariant> &f : failed) {
            const QString message = f[1].toString();
            QVERIFY2(
                message.contains(u"exited with status 2"_s) && message.contains(u"--threads"_s),
                qPrintable(message));
        }
        QCOMPARE(count(*runner.finalTotalLine(), u"instances_reporting"_s), 0);

        FleetRunner::Options o = options({});
        o.program = m_dir.filePath(u"no-such-program"_s);
        FleetRunner missing(o);
        QSignalSpy missingFailed(&missing, &FleetRunner::instanceFailed);
        QSignalSpy missingFinished(&missing, &FleetRunner::finished);
        QVERIFY(missing.start());
        QVERIFY(missingFinished.wait(waitMs));
        QCOMPARE(missingFailed.size(), 2);
        QVERIFY(missingFailed[0][1].toString().contains(u"failed to start"_s));

        o.instances = 0;
        FleetRunner none(o);
        const Result<void> refused = none.start();
        QVERIFY(!refused);
        QCOMPARE(refused.error().field, u"instances"_s);
    }

    /// stop() mid-run: every child gets SIGINT, prints its final line and exits 0.
    void stopIsClean()
    {
        FleetRunner runner(options({ u"--duration"_s, u"60s"_s }));
        QSignalSpy failed(&runner, &FleetRunner::instanceFailed);
        QSignalSpy finished(&runner, &FleetRunner::finished);
        connect(&runner, &FleetRunner::intervalTotal, &runner, &FleetRunner::stop);
        QVERIFY(runner.start());
        QVERIFY(finished.wait(waitMs));
        QVERIFY(failed.isEmpty());
        QVERIFY(runner.finalLine(0) && runner.finalLine(1));
        QVERIFY(count(*runner.finalLine(0), u"t_ms"_s) < 30000);
        QCOMPARE(count(*runner.finalTotalLine(), u"instances_reporting"_s), 2);
    }

    /// Options::staleBoard: every child gets one board path in the fleet's own directory; and
    /// its index (--instance), so each draws its own keys.
    void staleBoardArgument()
    {
        FleetRunner::Options o;
        o.program = u"/bin/echo"_s;
        o.arguments = { u"run"_s };
        o.instances = 2;
        o.staleBoard = true;
        FleetRunner runner(o);
        QSignalSpy finished(&runner, &FleetRunner::finished);
        QVERIFY(runner.start());
        const QString board = runner.staleBoardPath();
        QVERIFY(board.endsWith(u"/versions.board"_s));
        QVERIFY(finished.wait(waitMs));
        for (int i = 0; i < 2; ++i)
            QCOMPARE(runner.lastStderr(i),
                QStringList { u"stdout: run --stale-board %1 --instance %2"_s.arg(board).arg(
                    i) }); // not a json line
    }
};

QTEST_GUILESS_MAIN(tst_FleetRunner)
#include "tst_fleetrunner.moc"
