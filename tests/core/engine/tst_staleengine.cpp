// Stale reads and invalidation between instances, on a real SQLite demo database and a real
// redis-server of the test's own: two engines (two app instances) share the database, Redis as
// their second tier and a version board file. A reader fills its L1, a writer then changes every
// row; without invalidation every later read of the reader is stale (counted exactly, with its
// age), with pubsub or tracking invalidation the reader drops its copies and reads fresh ones.
#include "enginechecks.h"
#include "serverprocess.h"

#include "core/cache/versionboard.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;
using namespace CacheScope::EngineChecks;
using namespace CacheScope::TestSupport;

namespace {

constexpr quint64 rows = 20;

} // namespace

// QTRY_* variants for a bool-returning helper.
#define QTRY_COMPARE_WITH_TIMEOUT_BOOL(expr, expected)                                             \
    do {                                                                                           \
        QElapsedTimer t;                                                                           \
        t.start();                                                                                 \
        while ((expr) != (expected) && t.elapsed() < waitMs)                                       \
            QTest::qWait(10);                                                                      \
        if ((expr) != (expected))                                                                  \
            return false;                                                                          \
    } while (false)
#define QTRY_VERIFY_WITH_TIMEOUT_BOOL(expr) QTRY_COMPARE_WITH_TIMEOUT_BOOL(bool(expr), true)

class tst_StaleEngine : public QObject, private Checks
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ServerProcess m_redis;
    int m_case = 0;

    RunConfig fleetConfig(L2Invalidation mode, const QString &prefix) const
    {
        RunConfig config = baseConfig(1, rows);
        config.l2.url = u"redis://127.0.0.1:%1"_s.arg(m_redis.port());
        config.l2.prefix = prefix;
        config.l2.invalidation = mode;
        config.staleBoard = m_dir.filePath(u"board-%1"_s.arg(m_case));
        return config;
    }

    /// The reader's counts over `ms` of reading.
    /// The reader's counts over `ms` of reading, read while it is paused: a request counts its
    /// hit and then its stale read, and a reading of a running engine may fall between them.
    static CounterValues readFor(QueryEngine &reader, int ms)
    {
        const auto settled = [&reader] {
            reader.pause();
            QTest::qWait(50); // the workers finish the request they are in
            const CounterValues c = reader.reading().counters;
            reader.resume();
            return c;
        };
        const CounterValues before = settled();
        QTest::qWait(ms);
        return settled() - before;
    }

    /// Reader A caches every row; writer B then writes every row (write ratio 1) and stops.
    /// Returns false (after a failed check) when the set-up did not go as planned.
    bool fillThenWriteAll(QueryEngine &reader, QueryEngine &writer, L2Invalidation mode)
    {
        ++m_case;
        const QString prefix
            = u"tst-stale:%1:%2:"_s.arg(QCoreApplication::applicationPid()).arg(m_case);
        const RunConfig readConfig = fleetConfig(mode, prefix);
        if (!startAndWait(reader, readConfig))
            return false;
        QTRY_COMPARE_WITH_TIMEOUT_BOOL(reader.reading().entries, qint64(rows));
        const CounterValues calm = readFor(reader, 200);
        if (calm.hits == 0 || calm.staleReads != 0) {
            qWarning("before any write: %llu hits, %llu stale", calm.hits, calm.staleReads);
            return false;
        }
        RunConfig writeConfig = fleetConfig(mode, prefix);
        writeConfig.writeRatio = 1.0;
        if (!startAndWait(writer, writeConfig))
            return false;
        // Uniform keys: after 600 writes every one of the 20 rows was written (a row is missed
        // with probability 20 * 0.95^600, about 1e-12).
        QTRY_VERIFY_WITH_TIMEOUT_BOOL(writer.reading().counters.writes >= 600);
        if (!stopAndWait(writer))
            return false;
        return writer.reading().counters.errors == 0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        settings.database = m_dir.filePath(u"demo.sqlite"_s);
        initDemo();
        if (!m_redis.start(ServerProcess::Kind::Redis))
            QSKIP(qPrintable(m_redis.error()));
    }

    /// One engine writing and reading itself: it invalidates its own L1 as it commits, so no
    /// read it serves from a cache is older than the database.
    void oneInstanceReadsItsOwnWrites()
    {
        QueryEngine engine;
        RunConfig config = baseConfig(2, rows);
        config.writeRatio = 0.2;
        QVERIFY(startAndWait(engine, config));
        QTRY_VERIFY_WITH_TIMEOUT(engine.reading().counters.writes >= 500, waitMs);
        QVERIFY(stopAndWait(engine));
        const MetricsReading r = engine.reading();
        QVERIFY(r.staleMeasured);
        QVERIFY(r.counters.hits > 0);
        QCOMPARE(r.counters.errors, quint64(0));
        // Two workers: a read may land between another worker's commit and its invalidation
        // (nanoseconds); that is stale and counted, but rare.
        QVERIFY2(r.counters.staleReads * 100 <= r.counters.hits,
            qPrintable(u"%1 stale of %2 hits"_s.arg(r.counters.staleReads).arg(r.counters.hits)));
    }

    /// No invalidation: the reader keeps serving the versions it cached; every read after the
    /// writes is stale, and the ages grow with the time since the writes.
    void withoutInvalidationEveryCopyIsStale()
    {
        QueryEngine reader;
        QueryEngine writer;
        QVERIFY(fillThenWriteAll(reader, writer, L2Invalidation::None));
        const CounterValues after = readFor(reader, 300);
        QVERIFY(after.hits > 100);
        QCOMPARE(after.misses, quint64(0)); // its L1 holds every row, none was dropped
        QCOMPARE(after.staleReads, after.hits); // and every one is an old version
        QCOMPARE(after.invalidationsReceived, quint64(0));
        QVERIFY(stopAndWait(reader));
        const MetricsReading r = reader.reading();
        QCOMPARE(r.staleness.count(), r.counters.staleReads);
        QVERIFY(r.staleness.percentileNs(100) >= 200'000'000); // read 300 ms after the writes
    }

    /// Pub/sub: the writer publishes the keys it invalidates (three per write: point, range,
    /// aggregate). Tracking: Redis itself reports the changed keys (at least each row's point
    /// key), the writers publish nothing. Either way the reader drops its copies, misses once per
    /// row (filled again from the database), and reads no stale value afterwards.
    void invalidationEndsStaleReads_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<quint64>("received"); // invalidated keys the reader hears of at least
        QTest::newRow("pubsub") << int(L2Invalidation::PubSub) << quint64(3 * 600);
        QTest::newRow("tracking") << int(L2Invalidation::Tracking) << rows;
    }

    void invalidationEndsStaleReads()
    {
        QFETCH(int, mode);
        QFETCH(quint64, received);
        QueryEngine reader;
        QueryEngine writer;
        QVERIFY(fillThenWriteAll(reader, writer, L2Invalidation(mode)));
        QTRY_VERIFY_WITH_TIMEOUT(
            reader.reading().counters.invalidationsReceived >= received, waitMs);
        QTest::qWait(100);
        const CounterValues after = readFor(reader, 300);
        QVERIFY(after.hits > 100);
        QCOMPARE(after.staleReads, quint64(0));
        QVERIFY(stopAndWait(reader));
        QCOMPARE(reader.reading().counters.l2Errors, quint64(0));
    }

    /// Invalidation without a second tier, a board file that is not one: refused with reasons.
    void badSettingsAreRefused()
    {
        RunConfig config = baseConfig(1, rows);
        config.l2.invalidation = L2Invalidation::PubSub;
        const Result<void> noTier = config.validate();
        QVERIFY(!noTier);
        QCOMPARE(noTier.error().field, u"invalidation"_s);

        QFile junk(m_dir.filePath(u"junk.board"_s));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a board");
        junk.close();
        config = baseConfig(1, rows);
        config.staleBoard = junk.fileName();
        QueryEngine engine;
        const Result<void> started = engine.start(config);
        QVERIFY(!started);
        QCOMPARE(started.error().field, u"stale-board"_s);
        QVERIFY(!engine.isActive());

        QVERIFY(!parseInvalidation(u"gossip"_s));
        QCOMPARE(parseInvalidation(u"PubSub"_s).value(), L2Invalidation::PubSub);
    }
};

QTEST_GUILESS_MAIN(tst_StaleEngine)
#include "tst_staleengine.moc"
