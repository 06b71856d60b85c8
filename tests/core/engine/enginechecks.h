#pragma once

// Checks shared by tst_queryengine (SQLite) and tst_queryenginepostgres: the live engine against
// real databases. Expected values come from the test's own arithmetic, from plain SQL on a
// connection the test opens itself, and from what an observer saw the workers do.

#include "core/db/connectionsettings.h"
#include "core/db/demodatabase.h"
#include "core/engine/queryengine.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>
#include <vector>

namespace CacheScope::EngineChecks {

using namespace Qt::Literals::StringLiterals;

/// The demo scale every check uses: 1000 customers, 500 products, 10 000 orders.
constexpr double testScale = 0.01;
constexpr quint64 testSeed = 7;
/// Generous: the 2-core machine is shared with other builds.
constexpr int waitMs = 60'000;

/// What the observer keeps of one request.
struct Seen
{
    int worker = 0;
    TemplateKind kind = TemplateKind::Point;
    qint64 parameter = 0;
    LoadOutcome outcome = LoadOutcome::Loaded;
    bool ok = true;
    bool counted = true; // false: a late result after stop(), left out of the metrics
    qint64 issuedNs = 0;
    qint64 completedNs = 0;
    qint64 version = -1; // point reads: the row's version column
    QString connection;
    Qt::HANDLE thread = nullptr;
};

/// Collects what workers report (on their threads) for the test thread to check.
class Recorder
{
public:
    RequestObserver observer()
    {
        return [this](const ObservedRequest &request) {
            Seen seen;
            seen.worker = request.worker;
            seen.kind = request.kind;
            seen.parameter = request.parameter;
            seen.outcome = request.outcome;
            seen.ok = request.ok;
            seen.counted = request.counted;
            seen.issuedNs = request.issuedNs;
            seen.completedNs = request.completedNs;
            if (request.ok && request.kind == TemplateKind::Point && !request.result.rows.isEmpty())
                seen.version = request.result.rows.first().value(5).toLongLong();
            seen.connection = request.connection;
            seen.thread = request.thread;
            QMutexLocker lock(&m_mutex);
            if (seen.kind == TemplateKind::Write)
                ++m_writes;
            m_seen.push_back(std::move(seen));
        };
    }
    std::vector<Seen> seen() const
    {
        QMutexLocker lock(&m_mutex);
        return m_seen;
    }
    qsizetype writes() const
    {
        QMutexLocker lock(&m_mutex);
        return m_writes;
    }
    qsizetype size() const
    {
        QMutexLocker lock(&m_mutex);
        return qsizetype(m_seen.size());
    }

private:
    mutable QMutex m_mutex;
    std::vector<Seen> m_seen;
    qsizetype m_writes = 0;
};

inline QString errorText(const Result<void> &result)
{
    return result ? QString() : result.error().toString();
}

/// Every check, run through `settings` on a demo database made by initDemo().
class Checks
{
public:
    ConnectionSettings settings;
    /// The I/O model of baseConfig(): under the pipeline model, `threads` logical clients on
    /// one event loop, so each check's concurrency stays what it says.
    IoModel io = IoModel::Threads;

    void initDemo()
    {
        const Result<void> created = createDemoDatabase(settings, testScale, testSeed);
        QVERIFY2(created, qPrintable(errorText(created)));
    }

    /// A run of `threads` workers over `keys` uniform keys, point reads, a cache far larger.
    RunConfig baseConfig(int threads, quint64 keys) const
    {
        RunConfig config;
        config.database = settings;
        config.threads = threads;
        config.io = io;
        config.ioThreads = 1;
        config.inFlight = threads;
        config.workload.kind = u"uniform"_s;
        config.workload.keys = keys;
        config.workload.seed = 11;
        config.cache.capacity = 10'000;
        return config;
    }

    static quint64 reads(const MetricsReading &r)
    {
        return r.counters.requests - r.counters.writes;
    }

    /// Starts and waits for started(); false (with a warning) on an error.
    static bool startAndWait(QueryEngine &engine, const RunConfig &config)
    {
        QSignalSpy started(&engine, &QueryEngine::started);
        QSignalSpy failed(&engine, &QueryEngine::startFailed);
        const Result<void> begun = engine.start(config);
        if (!begun) {
            qWarning("start: %s", qPrintable(begun.error().toString()));
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        while (started.isEmpty() && failed.isEmpty() && timer.elapsed() < waitMs)
            QTest::qWait(10);
        if (!failed.isEmpty())
            qWarning(
                "startFailed: %s", qPrintable(failed.first().first().value<Error>().toString()));
        return !started.isEmpty();
    }

    static bool stopAndWait(QueryEngine &engine)
    {
        if (!engine.isActive())
            return true;
        QSignalSpy stopped(&engine, &QueryEngine::stopped);
        engine.stop();
        return stopped.size() > 0 || stopped.wait(waitMs);
    }

    /// keys < capacity: every key misses once (cold) and hits afterwards; one worker draws the
    /// plain stream of the seed, so even the request count per key is known.
    void onlyColdMisses()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(1, 40);
        QVERIFY(startAndWait(engine, config));
        QTRY_COMPARE_WITH_TIMEOUT(engine.reading().entries, 40, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests >= 2'000, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r = engine.reading();
        QCOMPARE(r.counters.errors, quint64(0));
        QCOMPARE(r.counters.writes, quint64(0));
        QCOMPARE(r.counters.misses, quint64(40));
        QCOMPARE(r.counters.hits + r.counters.misses, reads(r));
        QCOMPARE(r.counters.evictionsTotal(), quint64(0));
        QCOMPARE(r.hitLatency.count(), r.counters.hits);
        QCOMPARE(r.missLatency.count(), r.counters.misses);
        QCOMPARE(engine.cache()->stats().loads, quint64(40));
        QVERIFY(r.elapsedMs > 0);

        // Several workers with single-flight: concurrent cold misses of one key share a load.
        config = baseConfig(4, 40);
        config.cache.singleFlight = true;
        QVERIFY(startAndWait(engine, config));
        QTRY_COMPARE_WITH_TIMEOUT(engine.reading().entries, qint64(40), waitMs);
        // Hits take a microsecond: a leader may still be on its way when thousands of hits have
        // passed. Its request counts once it returns; stop after that. One reading per check:
        // two readings would let waiters that count in between make the difference look short.
        const auto loadsCounted = [&engine] {
            const MetricsReading now = engine.reading();
            return now.counters.misses - now.counters.singleFlightWaits;
        };
        QTRY_COMPARE_WITH_TIMEOUT(loadsCounted(), quint64(40), waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests >= 2'000, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r4 = engine.reading();
        QCOMPARE(r4.counters.errors, quint64(0));
        QCOMPARE(engine.cache()->stats().loads, quint64(40));
        QCOMPARE(r4.counters.misses - r4.counters.singleFlightWaits, quint64(40));
        QCOMPARE(r4.counters.hits + r4.counters.misses, reads(r4));
    }

    /// Writes bump a customer's version. A point read that starts after a write has returned
    /// must show at least that write: its version is >= the initial one plus the writes of its
    /// key that completed before it started. And it cannot show a write that had not started
    /// when it completed. Checked over every request the observer saw, late ones (completed
    /// after stop(), not counted in the metrics) included: they reached the database too.
    void readAfterWriteSeesNewRow(QSqlDatabase plain)
    {
        constexpr qint64 keys = 8;
        QHash<qint64, qint64> initial;
        QSqlQuery query(plain);
        QVERIFY2(query.exec(u"SELECT id, version FROM customers WHERE id <= %1"_s.arg(keys)),
            qPrintable(query.lastError().text()));
        while (query.next())
            initial.insert(query.value(0).toLongLong(), query.value(1).toLongLong());
        query.finish();
        QCOMPARE(qint64(initial.size()), keys);

        auto recorder = std::make_shared<Recorder>();
        QueryEngine engine;
        QVERIFY(engine.setRequestObserver(recorder->observer()));
        RunConfig config = baseConfig(4, quint64(keys));
        config.writeRatio = 0.3;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(recorder->writes() >= 400, waitMs);
        QVERIFY(stopAndWait(engine));

        const std::vector<Seen> seen = recorder->seen();
        QHash<qint64, std::vector<qint64>> writeDone; // completions of successful writes
        QHash<qint64, std::vector<qint64>> writeIssued; // starts of all writes
        for (const Seen &s : seen) {
            if (s.kind != TemplateKind::Write)
                continue;
            writeIssued[s.parameter].push_back(s.issuedNs);
            if (s.ok)
                writeDone[s.parameter].push_back(s.completedNs);
        }
        for (auto &times : writeDone)
            std::sort(times.begin(), times.end());
        for (auto &times : writeIssued)
            std::sort(times.begin(), times.end());
        const auto countBefore = [](const std::vector<qint64> &times, qint64 t) {
            return qint64(std::lower_bound(times.begin(), times.end(), t) - times.begin());
        };
        qint64 pointReads = 0;
        qint64 hits = 0;
        qint64 readsAfterAWrite = 0;
        for (const Seen &s : seen) {
            if (s.kind != TemplateKind::Point)
                continue;
            QVERIFY(s.ok);
            ++pointReads;
            hits += s.outcome == LoadOutcome::Hit ? 1 : 0;
            const qint64 atLeast
                = initial.value(s.parameter) + countBefore(writeDone[s.parameter], s.issuedNs);
            const qint64 atMost = initial.value(s.parameter)
                + countBefore(writeIssued[s.parameter], s.completedNs + 1);
            readsAfterAWrite += atLeast > initial.value(s.parameter) ? 1 : 0;
            QVERIFY2(s.version >= atLeast,
                qPrintable(u"key %1: read version %2 (%3) though %4 writes had returned"_s.arg(
                    QString::number(s.parameter), QString::number(s.version),
                    s.outcome == LoadOutcome::Hit ? u"hit"_s : u"loaded"_s,
                    QString::number(atLeast - initial.value(s.parameter)))));
            QVERIFY2(s.version <= atMost,
                qPrintable(
                    u"key %1: version %2 from the future"_s.arg(s.parameter).arg(s.version)));
        }
        QVERIFY(pointReads > 500);
        QVERIFY(readsAfterAWrite > 100);
        QVERIFY(hits > 0); // the cache served some reads between writes
        const MetricsReading r = engine.reading();
        QVERIFY(r.counters.evictionCount(EvictionReason::Invalidated) > 0);
        QCOMPARE(r.counters.errors, quint64(0));
        QVERIFY(r.writeLatency.count() > 0);
        // Nothing stale stays behind either: every cached point result is the row as it is now.
        for (qint64 key = 1; key <= keys; ++key) {
            QSqlQuery now(plain);
            QVERIFY(now.exec(u"SELECT version FROM customers WHERE id = %1"_s.arg(key)));
            QVERIFY(now.next());
            const qint64 version = now.value(0).toLongLong();
            now.finish();
            qint64 last = -1;
            for (const Seen &s : seen) {
                if (s.kind == TemplateKind::Point && s.parameter == key)
                    last = s.version;
            }
            QVERIFY(last <= version);
        }
    }

    void ttlExpires()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.cache.ttlMs = 20;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.reading().counters.evictionCount(EvictionReason::Expired) >= 20, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r = engine.reading();
        QVERIFY(r.counters.misses > 10); // more than the cold misses: expired keys reloaded
        QCOMPARE(r.counters.errors, quint64(0));
        QCOMPARE(r.counters.hits + r.counters.misses, reads(r));
    }

    /// 8 workers on one key whose value expires at once: every round of misses waits for one
    /// query with single-flight, and runs 8 without.
    void singleFlightCollapsesMisses()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(8, 1);
        config.database.simulatedDelayMs = 20;
        config.cache.ttlMs = 1;
        config.cache.singleFlight = true;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.cache()->stats().misses >= 200, waitMs);
        QVERIFY(stopAndWait(engine));
        const ResultCacheStats on = engine.cache()->stats();
        QVERIFY2(on.loads * 3 < on.misses,
            qPrintable(u"single-flight: %1 loads for %2 misses"_s.arg(on.loads).arg(on.misses)));
        QVERIFY(on.singleFlightWaits > 0);
        QCOMPARE(engine.reading().counters.errors, quint64(0));

        config.cache.singleFlight = false;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.cache()->stats().misses >= 200, waitMs);
        QVERIFY(stopAndWait(engine));
        const ResultCacheStats off = engine.cache()->stats();
        QCOMPARE(off.loads, off.misses);
        QCOMPARE(off.singleFlightWaits, quint64(0));
    }

    /// Each connection is used by one thread only, each worker thread keeps one connection per
    /// run, and none is left once the run has stopped.
    void connectionsStayOnTheirThread()
    {
        auto recorder = std::make_shared<Recorder>();
        QueryEngine engine;
        QVERIFY(engine.setRequestObserver(recorder->observer()));
        RunConfig config = baseConfig(4, 200);
        config.cache.policy = u"none"_s; // every read queries
        config.writeRatio = 0.1;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(recorder->size() >= 2'000, waitMs);
        QVERIFY(stopAndWait(engine));

        const QString prefix = u"cachescope-r%1-t"_s.arg(engine.runId());
        QHash<QString, QSet<Qt::HANDLE>> threadsOf;
        QHash<Qt::HANDLE, QSet<QString>> connectionsOf;
        QSet<int> workers;
        for (const Seen &s : recorder->seen()) {
            QVERIFY(s.ok);
            QVERIFY2(s.connection.startsWith(prefix), qPrintable(s.connection));
            threadsOf[s.connection].insert(s.thread);
            connectionsOf[s.thread].insert(s.connection);
            workers.insert(s.worker);
        }
        QCOMPARE(workers.size(), 4);
        QVERIFY(threadsOf.size() >= 4);
        for (auto it = threadsOf.cbegin(); it != threadsOf.cend(); ++it)
            QVERIFY2(it.value().size() == 1, qPrintable(it.key() + u" crossed threads"_s));
        for (const QSet<QString> &names : std::as_const(connectionsOf))
            QCOMPARE(names.size(), 1);
        for (const QString &name : QSqlDatabase::connectionNames())
            QVERIFY2(!name.startsWith(prefix), qPrintable(name + u" left open"_s));
    }

    /// stop() returns at once although every worker sits in a 2 s (simulated) round trip, and
    /// stopped() follows only once they have left it.
    void stopUnderSlowQuery()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.database.simulatedDelayMs = 2'000;
        QSignalSpy states(&engine, &QueryEngine::stateChanged);
        QVERIFY(startAndWait(engine, config));
        QCOMPARE(engine.state(), EngineState::Running);
        QSignalSpy stopped(&engine, &QueryEngine::stopped);
        QElapsedTimer timer;
        timer.start();
        engine.stop();
        QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(engine.state(), EngineState::Stopping);
        QVERIFY(engine.isActive());
        QVERIFY(stopped.isEmpty());
        QCOMPARE(engine.start(config).error().toString(),
            u"state: 'stopping' a run is already active: stop it and wait for stopped() first"_s);
        QVERIFY(stopped.wait(waitMs));
        // The workers were 2 s into connecting (a simulated round trip) when stop() came.
        QVERIFY2(timer.elapsed() >= 1'000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(stopped.size(), 1);
        QCOMPARE(engine.state(), EngineState::Idle);
        QCOMPARE(engine.activeWorkers(), 0);
        QList<EngineState> seen;
        for (const QList<QVariant> &args : std::as_const(states))
            seen << args.first().value<EngineState>();
        QCOMPARE(seen,
            (QList<EngineState> { EngineState::Starting, EngineState::Running,
                EngineState::Stopping, EngineState::Idle }));
        QTest::qWait(50);
        QCOMPARE(stopped.size(), 1); // once
    }

    void badCustomSqlFailsStart(const QString &databaseMessage)
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 10);
        config.customSql = u"SELECT * FROM no_such_table WHERE id = :key"_s;
        QSignalSpy failed(&engine, &QueryEngine::startFailed);
        QSignalSpy started(&engine, &QueryEngine::started);
        QVERIFY(engine.start(config));
        QCOMPARE(engine.state(), EngineState::Starting);
        QVERIFY(failed.wait(waitMs));
        const Error error = failed.first().first().value<Error>();
        QCOMPARE(error.field, u"sql"_s);
        QCOMPARE(error.value, config.customSql);
        QVERIFY2(error.message.startsWith(u"is rejected by the database: "_s),
            qPrintable(error.message));
        QVERIFY2(error.message.contains(databaseMessage), qPrintable(error.message));
        QCOMPARE(engine.state(), EngineState::Idle);
        QVERIFY(started.isEmpty());

        // A custom template the database accepts runs, cached under its own template id.
        config.customSql = u"SELECT name FROM customers WHERE id = :key OR id = :key + 1"_s;
        config.threads = 1; // no concurrent cold misses: exactly one per key
        config.inFlight = 1;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.hits >= 100, waitMs);
        QVERIFY(stopAndWait(engine));
        QCOMPARE(engine.reading().counters.errors, quint64(0));
        QCOMPARE(engine.reading().counters.misses, quint64(10));
    }

    /// Capacity, policy, TTL, write ratio, threads and the load model change a running run.
    void liveChanges()
    {
        auto recorder = std::make_shared<Recorder>();
        QueryEngine engine;
        QVERIFY(engine.setRequestObserver(recorder->observer()));
        QSignalSpy changes(&engine, &QueryEngine::configChanged);
        RunConfig config = baseConfig(2, 400);
        config.cache.capacity = 1'000;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().entries >= 300, waitMs);

        QVERIFY(engine.setCacheCapacity(100, SizeUnit::Objects));
        QCOMPARE(changes.last().first().toString(), u"capacity 1000 → 100"_s);
        QCOMPARE(engine.cache()->capacity(), qint64(100));
        QCOMPARE(engine.config().cache.capacity, qint64(100));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().entries <= 100, waitMs);
        QVERIFY(engine.reading().counters.evictionCount(EvictionReason::Capacity) >= 200);

        QVERIFY(engine.setCachePolicy(u"lru"_s));
        QCOMPARE(changes.last().first().toString(), u"policy qcache → lru"_s);
        QCOMPARE(engine.cache()->policy(), u"lru"_s);
        QCOMPARE(engine.setCachePolicy(u"opt"_s).error().toString(),
            u"policy: 'opt' needs the future of the trace, so it can only be simulated offline"_s);
        QCOMPARE(engine.cache()->policy(), u"lru"_s);
        const quint64 misses = engine.reading().counters.misses;
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.misses >= misses + 100, waitMs);

        QVERIFY(engine.setTtlMs(5));
        QCOMPARE(changes.last().first().toString(), u"ttl 0 ms → 5 ms"_s);
        QCOMPARE(engine.cache()->ttlMs(), qint64(5));
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.reading().counters.evictionCount(EvictionReason::Expired) > 0, waitMs);
        QVERIFY(engine.setSingleFlight(true));
        QCOMPARE(changes.last().first().toString(), u"single-flight off → on"_s);
        QVERIFY(engine.cache()->isSingleFlight());

        QCOMPARE(engine.reading().counters.writes, quint64(0));
        QVERIFY(engine.setWriteRatio(0.5));
        QCOMPARE(changes.last().first().toString(), u"write ratio 0 → 0.5"_s);
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.writes >= 50, waitMs);
        QVERIFY(engine.setWriteRatio(0));

        QVERIFY(engine.setThreads(4));
        QCOMPARE(changes.last().first().toString(), u"threads 2 → 4"_s);
        QTRY_COMPARE_WITH_TIMEOUT(engine.activeWorkers(), 4, waitMs);
        const auto sawWorker = [&recorder](int worker) {
            for (const Seen &s : recorder->seen()) {
                if (s.worker == worker)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sawWorker(3), waitMs);
        QVERIFY(engine.setThreads(1));
        QTRY_COMPARE_WITH_TIMEOUT(engine.activeWorkers(), 1, waitMs);
        QCOMPARE(
            engine.setThreads(0).error().toString(), u"threads: '0' must be between 1 and 256"_s);
        QCOMPARE(engine.activeWorkers(), 1);

        WorkloadSpec workload = config.workload;
        workload.kind = u"zipf"_s;
        workload.keys = 50;
        QVERIFY(engine.setWorkload(workload));
        QCOMPARE(changes.last().first().toString(),
            u"workload uniform over 400 keys → zipf over 50 keys, alpha 0.99"_s);
        const qsizetype before = recorder->size();
        QTRY_VERIFY_WITH_TIMEOUT(recorder->size() >= before + 500, waitMs);
        const std::vector<Seen> seen = recorder->seen();
        for (std::size_t i = seen.size() - 100; i < seen.size(); ++i)
            QVERIFY(seen[i].parameter <= 50);

        QVERIFY(engine.setQueryMix(QueryMix { 1, 1, 0 }));
        QCOMPARE(changes.last().first().toString(),
            u"query mix point 1, range 0, aggregate 0 → point 1, range 1, aggregate 0"_s);
        const auto sawRange = [&recorder] {
            for (const Seen &s : recorder->seen()) {
                if (s.kind == TemplateKind::Range)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sawRange(), waitMs);

        QVERIFY(engine.setTargetRate(2'000));
        QCOMPARE(engine.config().loadModel, LoadModel::OpenLoop);
        QCOMPARE(changes.last().first().toString(),
            u"load closed loop, think time 0 ms → open loop at 2000 requests/s"_s);
        QVERIFY(engine.setClosedLoop(1));
        QCOMPARE(changes.last().first().toString(),
            u"load open loop at 2000 requests/s → closed loop, think time 1 ms"_s);

        // Paused workers run nothing (they wait, not spin) until resumed.
        engine.pause();
        QCOMPARE(engine.state(), EngineState::Paused);
        // In flight when pause() came: at most one request per worker, then nothing.
        quint64 last = engine.reading().counters.requests;
        QElapsedTimer unchanged;
        unchanged.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const quint64 now = engine.reading().counters.requests;
                if (now != last) {
                    last = now;
                    unchanged.restart();
                }
                return unchanged.elapsed() >= 500;
            }(),
            waitMs);
        QTest::qWait(500);
        QCOMPARE(engine.reading().counters.requests, last);
        QCOMPARE(engine.activeWorkers(), 1);
        engine.resume();
        QCOMPARE(engine.state(), EngineState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests >= last + 50, waitMs);

        // Threads added while paused start paused, and a stop ends a paused run.
        engine.pause();
        QVERIFY(engine.setThreads(3));
        QTRY_COMPARE_WITH_TIMEOUT(engine.activeWorkers(), 3, waitMs);
        QVERIFY(stopAndWait(engine));
        QCOMPARE(engine.reading().counters.errors, quint64(0));
    }

    /// Open loop: a worker never runs ahead of its schedule, and when the database cannot keep
    /// up the latency counts from each request's intended start, so the queueing shows.
    void openLoop()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, 100);
        config.loadModel = LoadModel::OpenLoop;
        config.targetRate = 50;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests >= 40, waitMs);
        MetricsReading r = engine.reading();
        // At most one request per intended start: 25/s per worker from its first request.
        QVERIFY2(double(r.counters.requests) <= 50.0 * (double(r.elapsedMs) / 1000.0) + 2 + 2,
            qPrintable(u"%1 requests in %2 ms"_s.arg(r.counters.requests).arg(r.elapsedMs)));
        // Back to open loop after a closed-loop spell: a new schedule, no burst to catch up
        // with the old one.
        QVERIFY(engine.setClosedLoop(0));
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.reading().counters.requests >= r.counters.requests + 500, waitMs);
        QVERIFY(engine.setTargetRate(50));
        const MetricsReading switched = engine.reading();
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.reading().counters.requests >= switched.counters.requests + 40, waitMs);
        r = engine.reading();
        const double seconds = double(r.elapsedMs - switched.elapsedMs) / 1000.0;
        // Besides the schedule: one closed-loop request per worker in flight at the switch.
        QVERIFY2(double(r.counters.requests - switched.counters.requests) <= 50.0 * seconds + 8,
            qPrintable(
                u"%1 requests in %2 s"_s.arg(r.counters.requests - switched.counters.requests)
                    .arg(seconds)));
        QVERIFY(stopAndWait(engine));

        // 2 workers, 50 ms per query, no cache: at most 40 requests/s against 400 scheduled.
        config.cache.policy = u"none"_s;
        config.database.simulatedDelayMs = 50;
        config.targetRate = 400;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.requests >= 60, waitMs);
        QVERIFY(stopAndWait(engine));
        r = engine.reading();
        QCOMPARE(r.counters.errors, quint64(0));
        // Each query takes >= 50 ms; the later ones waited for their turn besides.
        QVERIFY(r.missLatency.minNs() >= 50'000'000);
        QVERIFY2(r.missLatency.maxNs() >= 500'000'000,
            qPrintable(u"max %1 ns"_s.arg(r.missLatency.maxNs())));
    }
};

} // namespace CacheScope::EngineChecks
