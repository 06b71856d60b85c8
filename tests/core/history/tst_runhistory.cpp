// The run history on real SQLite files: runs recorded, listed newest first, read back with
// their configuration, summary and time series (one point a second); an interrupted run stays
// readable and marked incomplete; retention keeps the newest; files that are not a history are
// refused with a message naming the file; two connections (the app and the CLI) share one file;
// replays and monitoring sessions give the list its figures and compare per policy; the app's
// HistoryWriter records several runs at once from its own thread.
#include "core/history/historywriter.h"
#include "core/history/runhistory.h"
#include "core/history/runstarts.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QTimeZone>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

RunStart start(const QString &policy, qint64 capacity)
{
    RunStart s;
    s.kind = u"live"_s;
    s.config = QJsonObject { { u"threads"_s, 4 },
        { u"cache"_s, QJsonObject { { u"policy"_s, policy }, { u"capacity"_s, capacity } } } };
    s.policy = policy;
    s.capacity = QString::number(capacity);
    s.workload = u"zipf over 1000 keys, alpha 0.99"_s;
    return s;
}

QJsonObject summary(qint64 requests, double hitRatio, double hitP99, double missP99)
{
    return { { u"requests"_s, requests }, { u"hit_ratio"_s, hitRatio }, { u"final"_s, true },
        { u"latency_us"_s,
            QJsonObject { { u"hit"_s, QJsonObject { { u"p99"_s, hitP99 }, { u"count"_s, 10 } } },
                { u"miss"_s, QJsonObject { { u"p99"_s, missP99 }, { u"count"_s, 5 } } } } } };
}

} // namespace

class tst_RunHistory : public QObject
{
    Q_OBJECT

private slots:
    void recordsListsAndReadsBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"sub/history.sqlite"_s); // the directory is made
        auto opened = RunHistory::open(path);
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
        RunHistory &h = *opened.value();

        RunStart first = start(u"lru"_s, 100);
        first.name = u"baseline"_s;
        const Result<qint64> a = h.begin(first);
        QVERIFY(a);
        // One point a second: 0, 1000 and 2000 are kept, 500 and 1999 are not.
        for (const qint64 t : { 0, 500, 1000, 1999, 2000 }) {
            const Result<bool> kept = h.addPoint(*a, t, { { u"requests"_s, t } });
            QVERIFY(kept);
            QCOMPARE(kept.value(), t % 1000 == 0);
        }
        QVERIFY(h.finish(*a, 2500, summary(1500, 0.25, 4.0, 900.0)));
        const Result<qint64> b = h.begin(start(u"s3fifo"_s, 10000));
        QVERIFY2(b, qPrintable(b ? QString() : b.error().toString()));
        QVERIFY(*b > *a);
        QVERIFY(h.finish(*b, 3000, summary(9000, 0.75, 3.0, 800.0)));

        const Result<QList<RunRecord>> runs = h.list();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 2);
        QCOMPARE(runs->at(0).id, *b); // newest first
        QCOMPARE(runs->at(1).name, u"baseline"_s);
        QCOMPARE(runs->at(1).policy, u"lru"_s);
        QCOMPARE(runs->at(1).requests, 1500);
        QCOMPARE(*runs->at(1).hitRatio, 0.25);
        QCOMPARE(*runs->at(1).p99Us, 900.0); // the slower path's p99
        QVERIFY(runs->at(1).complete);
        QVERIFY(runs->at(1).startedAt.isValid());
        QVERIFY(qAbs(runs->at(1).startedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);

        const Result<RunRecord> r = h.run(*a);
        QVERIFY(r);
        QCOMPARE(r->durationMs, 2500);
        QCOMPARE(r->pointCount, 3);
        QCOMPARE(r->config.value(u"cache"_s).toObject().value(u"capacity"_s).toInt(), 100);
        QCOMPARE(r->summary.value(u"requests"_s).toInt(), 1500);
        const auto points = h.points(*a);
        QVERIFY(points);
        QCOMPARE(points->size(), 3);
        QCOMPARE(points->at(2).first, 2000);
        QCOMPARE(points->at(2).second.value(u"requests"_s).toInt(), 2000);

        QVERIFY(h.rename(*b, u"bigger"_s));
        QVERIFY(h.setNotes(*b, u"ten times the capacity"_s));
        QCOMPARE(h.run(*b)->name, u"bigger"_s);
        QCOMPARE(h.run(*b)->notes, u"ten times the capacity"_s);

        // Deleting a run takes its points with it.
        QVERIFY(h.remove(*a));
        QCOMPARE(h.list()->size(), 1);
        const Result<RunRecord> gone = h.run(*a);
        QVERIFY(!gone);
        QCOMPARE(gone.error().field, u"id"_s);
        QCOMPARE(gone.error().value, QString::number(*a));
        QVERIFY(gone.error().message.contains(u"no run"_s));
        QVERIFY(!h.points(*a));
        QVERIFY(!h.remove(*a));
        QVERIFY(!h.rename(*a, u"x"_s));
        QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        raw.setDatabaseName(path);
        QVERIFY(raw.open());
        {
            QSqlQuery q(raw);
            QVERIFY(q.exec(u"SELECT count(*) FROM points"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        raw.close();
        raw = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"raw"_s);
    }

    /// A process that dies mid-run: the run stays, incomplete, with the points it had.
    void interruptedRunStaysIncomplete()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"history.sqlite"_s);
        qint64 id = 0;
        {
            auto h = RunHistory::open(path);
            QVERIFY(h);
            id = h.value()->begin(start(u"lru"_s, 100)).value();
            QVERIFY(h.value()->addPoint(id, 0, { { u"requests"_s, 1 } }));
            QVERIFY(h.value()->addPoint(id, 1000, { { u"requests"_s, 2 } }));
        } // no finish()
        auto h = RunHistory::open(path);
        QVERIFY(h);
        const Result<RunRecord> r = h.value()->run(id);
        QVERIFY(r);
        QVERIFY(!r->complete);
        QCOMPARE(r->pointCount, 2);
        QVERIFY(r->summary.isEmpty());
        QVERIFY(!r->hitRatio);
    }

    void retentionKeepsTheNewest()
    {
        QTemporaryDir dir;
        auto h = RunHistory::open(dir.filePath(u"history.sqlite"_s));
        QVERIFY(h);
        QList<qint64> ids;
        for (int i = 0; i < 5; ++i) {
            ids << h.value()->begin(start(u"lru"_s, 100 + i)).value();
            QVERIFY(h.value()->addPoint(ids.last(), 0, {}));
            QVERIFY(h.value()->finish(ids.last(), 10, summary(1, 1, 1, 1), 3));
        }
        const auto runs = h.value()->list();
        QCOMPARE(runs->size(), 3);
        QCOMPARE(runs->at(0).id, ids.at(4));
        QCOMPARE(runs->at(2).id, ids.at(2));
        QVERIFY(!h.value()->points(ids.at(0)));
        QCOMPARE(h.value()->prune(1).value(), 2);
        QCOMPARE(h.value()->list()->size(), 1);
    }

    void refusesWhatIsNotAHistory_data()
    {
        QTest::addColumn<QByteArray>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("text file") << QByteArray("text") << u"not a CacheScope run history"_s;
        QTest::newRow("other database") << QByteArray("other") << u"other tables"_s;
        QTest::newRow("newer schema") << QByteArray("newer") << u"newer CacheScope"_s;
        QTest::newRow("directory") << QByteArray("dir") << u"a directory"_s;
    }

    void refusesWhatIsNotAHistory()
    {
        QFETCH(QByteArray, kind);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"history.sqlite"_s);
        if (kind == "text") {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        } else if (kind == "dir") {
            QVERIFY(QDir().mkpath(path));
        } else {
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"maker"_s);
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY(q.exec(kind == "other" ? u"CREATE TABLE invoices (id INTEGER)"_s
                                               : u"PRAGMA user_version = 99"_s));
                db.close();
            }
            QSqlDatabase::removeDatabase(u"maker"_s);
        }
        const QByteArray before = kind == "dir" ? QByteArray() : [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        const auto h = RunHistory::open(path);
        QVERIFY(!h);
        QVERIFY2(h.error().message.contains(message), qPrintable(h.error().toString()));
        QCOMPARE(h.error().file, path);
        if (kind != "dir") { // nothing written to a file that is not ours
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), before);
        }
        // Reading never creates a history.
        const auto missing = RunHistory::open(dir.filePath(u"none.sqlite"_s), false);
        QVERIFY(!missing);
        QVERIFY(!QFile::exists(dir.filePath(u"none.sqlite"_s)));
    }

    /// The app and the CLI at once: two connections on one file, each sees the other's runs.
    void twoConnectionsShareOneFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"history.sqlite"_s);
        auto app = RunHistory::open(path);
        auto cli = RunHistory::open(path);
        QVERIFY(app && cli);
        const qint64 a = app.value()->begin(start(u"lru"_s, 1)).value();
        const qint64 c = cli.value()->begin(start(u"fifo"_s, 2)).value();
        QVERIFY(a != c);
        QVERIFY(app.value()->finish(a, 1, summary(1, 0.5, 1, 1)));
        QCOMPARE(cli.value()->list()->size(), 2);
        QCOMPARE(app.value()->run(c)->policy, u"fifo"_s);
    }

    void diffNamesEveryChangedField()
    {
        const QJsonObject a { { u"threads"_s, 4 },
            { u"cache"_s, QJsonObject { { u"policy"_s, u"lru"_s }, { u"capacity"_s, 100 } } },
            { u"shadows"_s, false } };
        QJsonObject b = a;
        b[u"cache"_s] = QJsonObject { { u"policy"_s, u"lru"_s }, { u"capacity"_s, 10000 } };
        b[u"workload"_s] = QJsonObject { { u"kind"_s, u"zipf"_s } };
        const QList<ConfigChange> changes = diffConfigs(a, b);
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.at(0).field, u"cache.capacity"_s);
        QCOMPARE(changes.at(0).a, u"100"_s);
        QCOMPARE(changes.at(0).b, u"10000"_s);
        QCOMPARE(changes.at(1).field, u"workload.kind"_s);
        QCOMPARE(changes.at(1).a, u"(none)"_s);
        QVERIFY(diffConfigs(a, a).isEmpty());
    }

    void replayAndMonitorFigures()
    {
        QTemporaryDir dir;
        auto opened = RunHistory::open(dir.filePath(u"history.sqlite"_s));
        QVERIFY(opened);
        RunHistory &h = *opened.value();

        // A replay: the best result's hit ratio, the trace's requests, no p99; started when
        // it was started, not when it was recorded.
        ReplayRecord replay;
        replay.trace = { u"/traces/web.trace"_s, u"u32be"_s, 1000, 300, 300 };
        replay.policies = { u"lru"_s, u"sieve"_s };
        replay.capacities = u"10%"_s;
        replay.resolvedCapacities = { 30 };
        RunStart rs = replayRunStart(replay);
        rs.startedAt = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
        const Result<qint64> r = h.begin(rs);
        QVERIFY(r);
        const QJsonObject replaySummary { { u"trace"_s, u"/traces/web.trace"_s },
            { u"requests"_s, 1000 },
            { u"results"_s,
                QJsonArray { QJsonObject { { u"policy"_s, u"lru"_s }, { u"capacity"_s, 30 },
                                 { u"hit_ratio"_s, 0.25 }, { u"evictions"_s, 700 } },
                    QJsonObject { { u"policy"_s, u"sieve"_s }, { u"capacity"_s, 30 },
                        { u"hit_ratio"_s, 0.5 }, { u"evictions"_s, 400 } } } } };
        QVERIFY(h.finish(*r, 12, replaySummary));
        const Result<RunRecord> replayRun = h.run(*r);
        QVERIFY(replayRun);
        QCOMPARE(replayRun->kind, u"replay"_s);
        QCOMPARE(replayRun->policy, u"lru,sieve"_s);
        QCOMPARE(replayRun->capacity, u"30"_s);
        QCOMPARE(replayRun->workload, u"web.trace"_s);
        QCOMPARE(replayRun->requests, 1000);
        QCOMPARE(replayRun->hitRatio, std::optional(0.5));
        QVERIFY(!replayRun->p99Us);
        QCOMPARE(replayRun->startedAt, rs.startedAt);

        // A monitor: operations as its requests, the round-trip p99; no password in sight.
        MonitorServerInfo info;
        info.source = u"redis"_s;
        info.address = u"127.0.0.1:6390"_s;
        info.version = u"7.0.15"_s;
        info.settings = { { u"maxmemory"_s, u"0"_s }, { u"maxmemory-policy"_s, u"noeviction"_s } };
        const RunStart ms = monitorRunStart(info, 500, { { u"database"_s, 2 } });
        QCOMPARE(ms.policy, u"noeviction"_s);
        QCOMPARE(ms.capacity, u"no limit"_s);
        QCOMPARE(ms.workload, u"127.0.0.1:6390"_s);
        QCOMPARE(ms.config.value(u"database"_s).toInteger(), 2);
        const Result<qint64> m = h.begin(ms);
        QVERIFY(m);
        const QJsonObject monitorSummary { { u"operations"_s, 420 }, { u"hit_ratio"_s, 0.75 },
            { u"keys"_s, 10 }, { u"final"_s, true },
            { u"latency_us"_s,
                QJsonObject { { u"p50"_s, 40.0 }, { u"p99"_s, 95.5 }, { u"count"_s, 30 } } } };
        QVERIFY(h.finish(*m, 3000, monitorSummary));
        const Result<RunRecord> monitorRun = h.run(*m);
        QVERIFY(monitorRun);
        QCOMPARE(monitorRun->requests, 420);
        QCOMPARE(monitorRun->hitRatio, std::optional(0.75));
        QCOMPARE(monitorRun->p99Us, std::optional(95.5));
        // Memcached's and PostgreSQL's capacities.
        info.settings = { { u"limit_maxbytes"_s, u"67108864"_s } };
        QCOMPARE(monitorRunStart(info, 1000).capacity, u"67108864 bytes"_s);
        QCOMPARE(monitorRunStart(info, 1000).policy, u"redis"_s); // no policy: the kind
        info.settings = { { u"shared_buffers"_s, u"128MB"_s } };
        QCOMPARE(monitorRunStart(info, 1000).capacity, u"128MB"_s);

        // The error for a missing run names it, whichever call meets it.
        for (const Error &e :
            { h.run(9999).error(), h.points(9999).error(), h.remove(9999).error() }) {
            QCOMPARE(e.message, u"no run with this id in the run history"_s);
            QCOMPARE(e.value, u"9999"_s);
        }
    }

    void compareReplaysPerPolicy()
    {
        const auto result = [](const QString &policy, qint64 capacity, double ratio) {
            return QJsonObject { { u"policy"_s, policy }, { u"capacity"_s, capacity },
                { u"hit_ratio"_s, ratio }, { u"evictions"_s, 10 } };
        };
        const QJsonObject a { { u"requests"_s, 1000 },
            { u"results"_s,
                QJsonArray { result(u"lru"_s, 30, 0.25), result(u"arc"_s, 30, 0.4) } } };
        const QJsonObject b { { u"requests"_s, 1000 },
            { u"results"_s, QJsonArray { result(u"lru"_s, 60, 0.5), result(u"arc"_s, 60, 0.6) } } };
        // One capacity each: matched by policy, whatever the capacity.
        QList<MetricComparison> m = compareSummaries(a, b);
        const auto find = [](const QList<MetricComparison> &list, const QString &path) {
            const auto it = std::find_if(list.begin(), list.end(),
                [&](const MetricComparison &c) { return c.path == path; });
            return it == list.end() ? std::optional<MetricComparison>() : std::optional(*it);
        };
        const std::optional<MetricComparison> lru = find(m, u"results.lru.hit_ratio"_s);
        QVERIFY(lru);
        QVERIFY(lru->ratio);
        QCOMPARE(lru->a, std::optional(0.25));
        QCOMPARE(lru->b, std::optional(0.5));
        QCOMPARE(lru->difference(), std::optional(0.25));
        QCOMPARE(lru->label, u"lru: hit ratio"_s);
        QVERIFY(find(m, u"results.arc.evictions"_s));
        QVERIFY(find(m, u"requests"_s));
        QVERIFY(!find(m, u"hit_ratio"_s)); // neither has one at the top

        // Two capacities of one policy: matched by policy and capacity.
        QJsonObject c = b;
        c[u"results"_s] = QJsonArray { result(u"lru"_s, 30, 0.3), result(u"lru"_s, 60, 0.5) };
        m = compareSummaries(a, c);
        const std::optional<MetricComparison> lru30 = find(m, u"results.lru@30.hit_ratio"_s);
        QVERIFY(lru30);
        QCOMPARE(lru30->a, std::optional(0.25));
        QCOMPARE(lru30->b, std::optional(0.3));
        const std::optional<MetricComparison> lru60 = find(m, u"results.lru@60.hit_ratio"_s);
        QVERIFY(lru60);
        QVERIFY(!lru60->a);
        QCOMPARE(lru60->b, std::optional(0.5));

        // Monitors compare their own measures.
        const QJsonObject ma { { u"operations"_s, 100 }, { u"ops_per_second"_s, 50.0 },
            { u"latency_us"_s, QJsonObject { { u"p99"_s, 80.0 }, { u"count"_s, 3 } } } };
        QJsonObject mb = ma;
        mb[u"operations"_s] = 150;
        const std::optional<MetricComparison> ops = find(compareSummaries(ma, mb), u"operations"_s);
        QVERIFY(ops);
        QCOMPARE(ops->percent(), std::optional(50.0));
        QVERIFY(find(compareSummaries(ma, mb), u"latency_us.p99"_s));
    }

    void writerRecordsRunsSideBySide()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"history.sqlite"_s);
        HistoryWriter writer(path);
        QSignalSpy recorded(&writer, &HistoryWriter::recorded);
        QSignalSpy failed(&writer, &HistoryWriter::failed);
        RunStart live = start(u"lru"_s, 100);
        RunStart monitor = start(u"allkeys-lru"_s, 0);
        monitor.kind = u"monitor"_s;
        const quint64 a = writer.begin(live);
        const quint64 b = writer.begin(monitor);
        QVERIFY(a != 0 && b != 0 && a != b);
        for (const qint64 t : { 0, 1000, 2000 }) {
            writer.point(a, t, { { u"requests"_s, t } });
            writer.point(b, t, { { u"operations"_s, t } });
        }
        writer.point(b, 3000, { { u"operations"_s, 3000 } });
        RunStart replay = start(u"lru,arc"_s, 10);
        replay.kind = u"replay"_s;
        const quint64 c = writer.record(replay, 5, { { u"requests"_s, 7 } });
        writer.finish(b, 3000, { { u"operations"_s, 3000 }, { u"final"_s, true } });
        writer.finish(a, 2000, summary(2000, 0.5, 10, 100));
        writer.flush();
        QTRY_COMPARE(recorded.size(), 3);
        QCOMPARE(failed.size(), 0);
        // In the order they finished: the replay, the monitor, the live run.
        QCOMPARE(recorded.at(0).at(0).value<quint64>(), c);
        QCOMPARE(recorded.at(0).at(2).toString(), u"replay"_s);
        QCOMPARE(recorded.at(1).at(0).value<quint64>(), b);
        QCOMPARE(recorded.at(1).at(2).toString(), u"monitor"_s);
        QCOMPARE(recorded.at(2).at(0).value<quint64>(), a);

        auto opened = RunHistory::open(path, false);
        QVERIFY(opened);
        RunHistory &h = *opened.value();
        const Result<RunRecord> liveRun = h.run(recorded.at(2).at(1).toLongLong());
        const Result<RunRecord> monitorRun = h.run(recorded.at(1).at(1).toLongLong());
        QVERIFY(liveRun && monitorRun);
        QCOMPARE(liveRun->pointCount, 3);
        QCOMPARE(monitorRun->pointCount, 4);
        QCOMPARE(monitorRun->requests, 3000);
        QVERIFY(liveRun->complete && monitorRun->complete);
    }
};

QTEST_GUILESS_MAIN(tst_RunHistory)
#include "tst_runhistory.moc"
