// RedisCapture against private redis-servers (tests/serverprocess.h): the commands driven here
// through hiredis are what the capture counts per prefix, the record file replays as the same
// requests, the shadow of Redis's own policy lands near Redis's measured hit ratio, a limit
// stops it and a user without +monitor gets a clear error.
#include "core/monitor/rediscapture.h"
#include "core/workload/redismonitortracereader.h"
#include "core/workload/tracereader.h"

#include "serverprocess.h"

#include <QtTest>

#include <hiredis/hiredis.h>

#include <random>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int waitMs = 30000; // generous: the machine is shared

/// A plain hiredis client that drives the server the capture watches.
class Client
{
public:
    explicit Client(quint16 port)
        : m_c(redisConnect("127.0.0.1", port))
    {
    }
    ~Client() { redisFree(m_c); }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    /// The reply's text ("" for nil, the number for an integer); "ERR:..." for an error.
    QByteArray run(const char *format, const QByteArray &a = {}, const QByteArray &b = {})
    {
        auto *r = static_cast<redisReply *>(a.isNull() ? redisCommand(m_c, format)
                : b.isNull() ? redisCommand(m_c, format, a.constData(), size_t(a.size()))
                             : redisCommand(m_c, format, a.constData(), size_t(a.size()),
                                 b.constData(), size_t(b.size())));
        if (!r)
            return "ERR:connection";
        QByteArray text = r->type == REDIS_REPLY_ERROR ? "ERR:" + QByteArray(r->str, r->len)
            : r->type == REDIS_REPLY_INTEGER           ? QByteArray::number(r->integer)
            : r->str                                   ? QByteArray(r->str, qsizetype(r->len))
                                                       : QByteArray("");
        freeReplyObject(r);
        return text;
    }
    /// A numeric field of INFO.
    qint64 info(const QByteArray &field)
    {
        const QByteArray text = run("INFO");
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith(QByteArray(field + ':')))
                return line.mid(field.size() + 1).trimmed().toLongLong();
        }
        return -1;
    }

private:
    redisContext *m_c;
};

RedisCaptureOptions optionsFor(const ServerProcess &server)
{
    RedisCaptureOptions o;
    o.server.host = server.host();
    o.server.port = server.port();
    return o;
}

QString errorOf(const RedisCaptureSnapshot &s) { return s.error ? s.error->toString() : QString(); }

/// Waits until the capture has seen `commands` lines (it reads them as Redis runs them).
bool seen(const RedisCapture &capture, quint64 commands)
{
    for (int waited = 0; waited < waitMs; waited += 20) {
        const RedisCaptureSnapshot s = capture.snapshot();
        if (s.commands >= commands || s.finished())
            return s.commands >= commands;
        QThread::msleep(20);
    }
    return false;
}

} // namespace

class tst_RedisCapture : public QObject
{
    Q_OBJECT

private slots:
    void prefixesTopKeyAndRecord()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        QTemporaryDir dir;
        RedisCaptureOptions o = optionsFor(server);
        o.recordPath = dir.filePath(u"capture.monitor"_s);
        o.publishIntervalMs = 20;
        RedisCapture capture(o);
        QVERIFY(capture.start());
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Capturing, waitMs));
        QVERIFY2(!capture.snapshot().finished(), qPrintable(errorOf(capture.snapshot())));

        Client client(server.port());
        for (int i = 0; i < 50; ++i) // 50 writes on user:0 .. user:49
            QCOMPARE(client.run("SET %b %b", "user:" + QByteArray::number(i), "v"), "OK");
        for (int i = 0; i < 300; ++i) // user:7 100 + 4 times, the others 4 times each
            client.run("GET %b", "user:" + QByteArray::number(i < 100 ? 7 : i % 50));
        for (int i = 0; i < 100; ++i)
            client.run("GET %b", "item:" + QByteArray::number(i % 10));
        client.run("PING");
        QVERIFY(seen(capture, 451));
        capture.stop();

        const RedisCaptureSnapshot s = capture.snapshot();
        QCOMPARE(s.state, RedisCaptureSnapshot::State::Finished);
        QCOMPARE(s.commands, 451u);
        QCOMPARE(s.reads, 400u);
        QCOMPARE(s.readCommands, 400u);
        QCOMPARE(s.writes, 50u);
        QCOMPARE(s.others, 1u);
        QCOMPARE(s.malformed, 0u);
        QCOMPARE(s.prefixes.size(), std::size_t(2));
        QCOMPARE(s.prefixes[0].prefix, u"user:*"_s);
        QCOMPARE(s.prefixes[0].reads, 300u);
        QCOMPARE(s.prefixes[0].writes, 50u);
        QCOMPARE(s.prefixes[0].keys, 50);
        QCOMPARE(s.prefixes[0].share, 0.75);
        QVERIFY(!s.prefixes[0].hitRatio()); // no shadows: MONITOR shows no hits
        QCOMPARE(s.prefixes[1].prefix, u"item:*"_s);
        QCOMPARE(s.prefixes[1].reads, 100u);
        QCOMPARE(s.prefixes[1].keys, 10);
        QCOMPARE(s.prefixes[1].share, 0.25);
        QVERIFY(!s.topKeys.empty());
        QCOMPARE(QByteArray::fromStdString(s.topKeys[0].key), "user:7");
        QCOMPARE(s.topKeys[0].count, 104u);
        QCOMPARE(s.topKeys[0].error, 0u);

        // The record file is a redis-monitor trace: the same 400 requests, the 50 writes noted.
        QCOMPARE(s.recordedLines, 451u);
        auto opened = TraceReader::open(o.recordPath);
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
        QCOMPARE((*opened)->format(), TraceFormat::RedisMonitor);
        std::vector<Request> out;
        for (;;) {
            const Result<qsizetype> n = (*opened)->read(out, 1000);
            QVERIFY(n);
            if (*n == 0)
                break;
        }
        QCOMPARE(out.size(), std::size_t(s.reads));
        QCOMPARE(out.front().key, redisMonitorKey("user:7", 0));
        auto *reader = dynamic_cast<RedisMonitorTraceReader *>(opened->get());
        QVERIFY(reader);
        QCOMPARE(reader->writesSkipped(), 50);
        QCOMPARE(reader->malformedLines(), 0);
    }

    void prefixDepth()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        RedisCaptureOptions o = optionsFor(server);
        o.prefixDepth = 2;
        RedisCapture capture(o);
        QVERIFY(capture.start());
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Capturing, waitMs));
        Client client(server.port());
        client.run("GET app:user:1");
        client.run("GET app:user:2");
        client.run("GET app:item:1");
        client.run("MGET plain app:x");
        QVERIFY(seen(capture, 4));
        capture.stop();
        const RedisCaptureSnapshot s = capture.snapshot();
        QCOMPARE(s.reads, 5u);
        QCOMPARE(s.prefixes.size(), std::size_t(4));
        QCOMPARE(s.prefixes[0].prefix, u"app:user:*"_s);
        QCOMPARE(s.prefixes[0].reads, 2u);
        QStringList names;
        for (const auto &row : s.prefixes)
            names << row.prefix;
        names.sort();
        QCOMPARE(
            names, QStringList({ u"(no prefix)"_s, u"app:*"_s, u"app:item:*"_s, u"app:user:*"_s }));
    }

    void limitStopsTheCapture()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        RedisCaptureOptions o = optionsFor(server);
        o.maxCommands = 50;
        RedisCapture capture(o);
        QVERIFY(capture.start());
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Capturing, waitMs));
        Client client(server.port());
        for (int i = 0; i < 200; ++i)
            client.run("GET %b", "k:" + QByteArray::number(i));
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Finished, waitMs));
        const RedisCaptureSnapshot s = capture.snapshot();
        QCOMPARE(s.state, RedisCaptureSnapshot::State::Finished);
        QCOMPARE(s.commands, 50u);
        QCOMPARE(s.reads, 50u);
        QVERIFY2(s.stopReason.contains(u"limit of 50"_s), qPrintable(s.stopReason));
        // Redis dropped the MONITOR client: only this test's client is left.
        QTRY_COMPARE_WITH_TIMEOUT(client.info("connected_clients"), 1, waitMs);
    }

    void monitorRefusedByAcl()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        Client admin(server.port());
        // A user that may run everything but MONITOR; the capture logs in as it.
        QCOMPARE(admin.run("ACL SETUSER watcher on >pw ~* &* +@all -monitor"), "OK");
        RedisCaptureOptions o = optionsFor(server);
        o.server.user = u"watcher"_s;
        o.server.password = u"pw"_s;
        RedisCapture capture(o);
        QVERIFY(capture.start());
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Finished, waitMs));
        const RedisCaptureSnapshot s = capture.snapshot();
        QCOMPARE(s.state, RedisCaptureSnapshot::State::Failed);
        const QString message = errorOf(s);
        QVERIFY2(message.contains(u"refused MONITOR"_s), qPrintable(message));
        QVERIFY2(message.contains(u"NOPERM"_s), qPrintable(message));
        QVERIFY2(message.contains(u"+monitor"_s), qPrintable(message));
    }

    /// Redis not full yet: the capacity in keys is estimated from the memory the keys use
    /// beside Redis's own (used_memory_startup), and holds against the keys it holds once full.
    void capacityEstimatedBeforeRedisIsFull()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis,
                     { u"--maxmemory"_s, u"4mb"_s, u"--maxmemory-policy"_s, u"allkeys-lru"_s }),
            qPrintable(server.error()));
        Client client(server.port());
        const QByteArray value(200, 'v');
        int written = 0;
        const auto write = [&](int n) {
            for (int i = 0; i < n; ++i, ++written)
                client.run("SET %b %b", "user:" + QByteArray::number(written), value);
        };
        write(1000); // a fifth or so of what fits
        QCOMPARE(client.info("evicted_keys"), 0);
        RedisCaptureOptions o = optionsFor(server);
        o.shadows = true;
        RedisCapture capture(o);
        QVERIFY(capture.start());
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Capturing, waitMs));
        capture.stop();
        const RedisCaptureSnapshot s = capture.snapshot();
        QVERIFY(s.capacityEstimated);
        QVERIFY2(
            s.notes.join(u' ').contains(u"capacity estimated"_s), qPrintable(s.notes.join(u' ')));

        while (client.info("evicted_keys") == 0 && written < 100'000)
            write(500);
        write(2000); // a steady full state
        qint64 keys = -1;
        for (const QByteArray &line : client.run("INFO keyspace").split('\n')) {
            if (line.startsWith("db0:keys="))
                keys = line.mid(9, line.indexOf(',') - 9).toLongLong();
        }
        qInfo("estimated %lld keys from 1000, Redis holds %lld when full (%s)", s.capacityKeys,
            keys, qPrintable(s.notes.join(u" | "_s)));
        QVERIFY(keys > 1000);
        // An estimate from a fifth of the fill (per-key memory falls as Redis fills): within
        // 40%, and far nearer than keys x maxmemory / used_memory, which counts Redis's own
        // ~0.9 MB as keys' (about 3,100 here).
        QVERIFY2(std::abs(double(s.capacityKeys) / double(keys) - 1.0) < 0.4,
            qPrintable(u"estimated %1, held %2"_s.arg(s.capacityKeys).arg(keys)));
        QVERIFY(double(s.capacityKeys) > 1000.0 * 4194304.0 / 1.2e6);
    }

    void ownPolicyShadowNearMeasuredHitRatio()
    {
        // 1 KiB values, ~1 MiB above an empty Redis's own memory: some hundreds of keys.
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis,
                     { u"--maxmemory"_s, u"2mb"_s, u"--maxmemory-policy"_s, u"allkeys-lru"_s }),
            qPrintable(server.error()));
        Client client(server.port());
        const QByteArray value(1024, 'v');
        constexpr int keyCount = 4000;
        std::vector<double> cdf(keyCount);
        double sum = 0;
        for (int i = 0; i < keyCount; ++i)
            cdf[std::size_t(i)] = sum += 1.0 / std::pow(double(i + 1), 0.9);
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> u(0, sum);
        auto drive = [&](int requests) {
            for (int i = 0; i < requests; ++i) {
                const auto rank = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
                const QByteArray key
                    = (rank % 4 == 0 ? "item:" : "user:") + QByteArray::number(rank);
                if (client.run("GET %b", key).isEmpty())
                    client.run("SET %b %b", key, value);
            }
        };
        drive(15000); // to maxmemory and a steady state
        QVERIFY(client.info("evicted_keys") > 0);

        RedisCaptureOptions o = optionsFor(server);
        o.shadows = true;
        RedisCapture capture(o);
        QVERIFY(capture.start());
        QVERIFY(capture.waitFor(RedisCaptureSnapshot::State::Capturing, waitMs));
        QVERIFY2(!capture.snapshot().finished(), qPrintable(errorOf(capture.snapshot())));
        const qint64 hits0 = client.info("keyspace_hits");
        const qint64 misses0 = client.info("keyspace_misses");
        const qint64 commands0 = client.info("total_commands_processed");
        drive(30000);
        const qint64 hits = client.info("keyspace_hits") - hits0;
        const qint64 misses = client.info("keyspace_misses") - misses0;
        // Every command between the two INFOs, and the second INFO itself.
        const qint64 driven = client.info("total_commands_processed") - commands0 - 2;
        QVERIFY(seen(capture, quint64(driven)));
        capture.stop();
        const RedisCaptureSnapshot s = capture.snapshot();
        QCOMPARE(s.maxmemoryPolicy, u"allkeys-lru"_s);
        QCOMPARE(s.ownPolicy, u"redis-lru"_s);
        QVERIFY(!s.capacityEstimated); // Redis had evicted: it is at maxmemory
        QVERIFY(s.capacityKeys > 100);
        QCOMPARE(s.readouts.size(), std::size_t(4));
        QCOMPARE(s.readouts[0].policy, u"redis-lru"_s);
        QCOMPARE(s.readouts[0].requests, quint64(hits + misses));
        const double measured = double(hits) / double(hits + misses);
        const double shadow = *s.readouts[0].hitRatio();
        qInfo(
            "measured %.4f, redis-lru shadow %.4f at %lld keys", measured, shadow, s.capacityKeys);
        QVERIFY2(std::abs(measured - shadow) < 0.03,
            qPrintable(u"measured %1, shadow %2"_s.arg(measured).arg(shadow)));
        // Once the model held its capacity (Redis was full all along): the same within 3 points.
        QVERIFY(
            s.readouts[0].warmRequests > 0 && s.readouts[0].warmRequests < s.readouts[0].requests);
        const double warm = *s.readouts[0].warmHitRatio();
        qInfo("redis-lru shadow once warm %.4f over %llu reads", warm, s.readouts[0].warmRequests);
        QVERIFY2(std::abs(measured - warm) < 0.03,
            qPrintable(u"measured %1, warm shadow %2"_s.arg(measured).arg(warm)));
        // Twice the memory holds more of the hot keys.
        QVERIFY(*s.readouts[3].hitRatio() > shadow);
        // The ShadowSet ran every registry policy but opt on the same reads.
        QVERIFY(s.shadows);
        QCOMPARE(s.shadows->offered, quint64(hits + misses));
        QVERIFY(s.shadows->find(u"redis-lru"_s));
        QVERIFY(s.shadows->find(u"lru"_s));
        // The prefixes' hit ratios are the own-policy shadow's.
        QCOMPARE(s.prefixes.size(), std::size_t(2));
        quint64 prefixHits = 0;
        for (const auto &row : s.prefixes) {
            QVERIFY(row.hitRatio());
            prefixHits += row.shadowHits;
        }
        QCOMPARE(prefixHits, s.readouts[0].hits);
    }
};

QTEST_GUILESS_MAIN(tst_RedisCapture)
#include "tst_rediscapture.moc"
