// cachescope-cli monitor through QProcess against private redis-server and memcached processes:
// JSON lines and their keys, the hits and misses driven while it runs, markers when the server
// goes away, exit status 2 for bad options (naming option and value) and 1 for a server that
// cannot be reached or refuses the password; each session recorded in the run history (kind
// monitor) with its points and totals, never its password.
#include "clirun.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <hiredis/hiredis.h>

using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// Starts the CLI and returns once it has printed `lines` lines (the server line, then the
/// first interval: the baseline poll is done).
bool startAndWaitForLines(QProcess &p, const QStringList &args, int lines, QByteArray &out)
{
    p.start(cliPath(), args);
    while (out.count('\n') < lines) {
        if (!p.waitForReadyRead(10000))
            return false;
        out += p.readAllStandardOutput();
    }
    return true;
}

void redisCommands(quint16 port, const QList<QByteArray> &commands)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    for (const QByteArray &command : commands)
        freeReplyObject(redisCommand(c, command.constData()));
    redisFree(c);
}

} // namespace

class tst_MonitorCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The sessions these tests do not record on purpose go here, not to the user's history.
        qputenv("CACHESCOPE_HISTORY", m_dir.filePath(u"default-history.sqlite"_s).toLocal8Bit());
    }
    void badOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("no source") << QStringList {} << u"give one of --redis"_s;
        QTest::newRow("both sources") << QStringList { u"--redis"_s, u"a:1"_s, u"--memcached"_s,
            u"b:2"_s } << u"give one of --redis"_s;
        QTest::newRow("port 0") << QStringList { u"--redis"_s, u"localhost:0"_s }
                                << u"--redis: 'localhost:0'"_s;
        QTest::newRow("port text")
            << QStringList { u"--memcached"_s, u"h:port"_s } << u"--memcached: 'h:port'"_s;
        QTest::newRow("no host") << QStringList { u"--redis"_s, u":6379"_s }
                                 << u"--redis: ':6379'"_s;
        QTest::newRow("interval too short") << QStringList { u"--redis"_s, u"h:1"_s,
            u"--interval-ms"_s, u"99"_s } << u"--interval-ms: '99' must be at least 100"_s;
        QTest::newRow("interval too long")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--interval-ms"_s, u"10001"_s }
            << u"--interval-ms: '10001'"_s;
        QTest::newRow("duration") << QStringList { u"--redis"_s, u"h:1"_s, u"--duration"_s,
            u"soon"_s } << u"--duration: 'soon'"_s;
        QTest::newRow("output") << QStringList { u"--redis"_s, u"h:1"_s, u"--output"_s, u"xml"_s }
                                << u"--output: 'xml'"_s;
        QTest::newRow("db for memcached") << QStringList { u"--memcached"_s, u"h:1"_s, u"--db"_s,
            u"1"_s } << u"--db: '1' applies to --redis only"_s;
        QTest::newRow("host for redis") << QStringList { u"--redis"_s, u"h:1"_s, u"--host"_s,
            u"x"_s } << u"--host: 'x' applies to --postgres only"_s;
        QTest::newRow("password for memcached")
            << QStringList { u"--memcached"_s, u"h:1"_s, u"--password-env"_s, u"HOME"_s }
            << u"--password-env: 'HOME' applies to --redis and --postgres only"_s;
        QTest::newRow("postgres and redis")
            << QStringList { u"--postgres"_s, u"--redis"_s, u"h:1"_s } << u"give one of"_s;
        QTest::newRow("postgres port")
            << QStringList { u"--postgres"_s, u"--port"_s, u"70000"_s } << u"--port: '70000'"_s;
        QTest::newRow("negative db")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--db"_s, u"-1"_s } << u"--db: '-1'"_s;
        QTest::newRow("unset password variable") << QStringList {
            u"--redis"_s, u"h:1"_s, u"--password-env"_s, u"CACHESCOPE_TEST_NO_SUCH_VARIABLE"_s
        } << u"--password-env: 'CACHESCOPE_TEST_NO_SUCH_VARIABLE' names an environment variable that is not set"_s;
        QTest::newRow("record without capture") << QStringList { u"--redis"_s, u"h:1"_s,
            u"--record"_s, u"f.monitor"_s } << u"--record: 'f.monitor' needs --capture"_s;
        QTest::newRow("shadows without capture")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--shadows"_s } << u"needs --capture"_s;
        QTest::newRow("capture for memcached") << QStringList { u"--memcached"_s, u"h:1"_s,
            u"--capture"_s } << u"applies to --redis only (key capture uses Redis's MONITOR)"_s;
        QTest::newRow("shadows for postgres") << QStringList { u"--postgres"_s, u"--capture"_s,
            u"--shadows"_s } << u"applies to --redis only"_s;
        QTest::newRow("prefix depth 0")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--capture"_s, u"--prefix-depth"_s, u"0"_s }
            << u"--prefix-depth: '0'"_s;
        QTest::newRow("capture limit 0")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--capture"_s, u"--capture-limit"_s, u"0"_s }
            << u"--capture-limit: '0'"_s;
        QTest::newRow("capacity without shadows")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--capture"_s, u"--capacity-keys"_s, u"10"_s }
            << u"--capacity-keys: '10' needs --shadows"_s;
        QTest::newRow("unknown option")
            << QStringList { u"--redis"_s, u"h:1"_s, u"--colour"_s } << u"colour"_s;
    }

    void badOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const CliRun r = runCli(QStringList { u"monitor"_s } + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void unreachable()
    {
        const QString address = u"127.0.0.1:"_s + QString::number(freeLocalPort());
        for (const QString &kind : { u"--redis"_s, u"--memcached"_s }) {
            const CliRun r = runCli({ u"monitor"_s, kind, address, u"--duration"_s, u"1s"_s });
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(u"cannot connect to "_s) && r.err.contains(address),
                qPrintable(r.err));
        }
    }

    void passwords()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis, { u"--requirepass"_s, u"s3cret"_s }),
            qPrintable(server.error()));
        const QStringList args { u"monitor"_s, u"--redis"_s,
            server.host() + u':' + QString::number(server.port()), u"--duration"_s, u"300ms"_s,
            u"--interval-ms"_s, u"100"_s };
        const CliRun none = runCli(args);
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains(u"needs a password"_s) && none.err.contains(u"--password-env"_s),
            qPrintable(none.err));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"MONITOR_TEST_PASSWORD"_s, u"not-it"_s);
        const CliRun wrong
            = runCli(args + QStringList { u"--password-env"_s, u"MONITOR_TEST_PASSWORD"_s }, env);
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(wrong.err.contains(u"refused the password"_s), qPrintable(wrong.err));
        QVERIFY(!wrong.err.contains(u"not-it"_s));

        env.insert(u"MONITOR_TEST_PASSWORD"_s, u"s3cret"_s);
        const CliRun right
            = runCli(args + QStringList { u"--password-env"_s, u"MONITOR_TEST_PASSWORD"_s }, env);
        QCOMPARE(right.exitCode, 0);
        QVERIFY(right.out.contains(u"total"_s));
        QVERIFY(!right.out.contains(u"s3cret"_s));
    }

    void redisJsonCountsWhatWasDriven()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        QProcess p;
        QByteArray out;
        QVERIFY(startAndWaitForLines(p,
            { u"monitor"_s, u"--redis"_s, server.host() + u':' + QString::number(server.port()),
                u"--duration"_s, u"1500ms"_s, u"--interval-ms"_s, u"200"_s, u"--output"_s,
                u"json"_s },
            2, out));
        QList<QByteArray> commands;
        for (int i = 0; i < 4; ++i)
            commands << "SET key:" + QByteArray::number(i) + " v";
        for (int i = 0; i < 12; ++i)
            commands << "GET key:" + QByteArray::number(i % 4); // hits
        for (int i = 0; i < 3; ++i)
            commands << "GET nothing:" + QByteArray::number(i); // misses
        redisCommands(server.port(), commands);
        QVERIFY(p.waitForFinished(10000));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 0);

        const QList<QJsonObject> lines = jsonLines(QString::fromUtf8(out));
        QVERIFY(lines.size() >= 4);
        QCOMPARE(lines.front().value(u"source"_s).toString(), u"redis"_s);
        QVERIFY(lines.front().value(u"settings"_s).toObject().contains(u"maxmemory-policy"_s));
        const QJsonObject final = lines.back();
        QVERIFY(final.value(u"final"_s).toBool());
        for (qsizetype i = 1; i < lines.size(); ++i) {
            for (const QString &key : { u"source"_s, u"hits"_s, u"misses"_s, u"hit_ratio"_s,
                     u"evictions"_s, u"expired"_s, u"ops_per_second"_s, u"memory_bytes"_s,
                     u"memory_limit_bytes"_s, u"keys"_s, u"latency_us"_s, u"t_ms"_s })
                QVERIFY2(lines[i].contains(key), qPrintable(key));
            QVERIFY(lines[i].value(u"latency_us"_s).toObject().contains(u"p99"_s));
            QVERIFY(lines[i].value(u"ops_per_second"_s).toDouble() >= 0);
        }
        QCOMPARE(final.value(u"hits"_s).toInteger(), 12);
        QCOMPARE(final.value(u"misses"_s).toInteger(), 3);
        QCOMPARE(final.value(u"hit_ratio"_s).toDouble(), 0.8);
        QCOMPARE(final.value(u"keys"_s).toInteger(), 4);
        QCOMPARE(final.value(u"memory_limit_bytes"_s).toInteger(), 0);
        QVERIFY(final.value(u"latency_us"_s).toObject().value(u"p50"_s).toDouble() > 0);
    }

    void redisCaptureJson()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        QTemporaryDir dir;
        const QString record = dir.filePath(u"capture.monitor"_s);
        QProcess p;
        p.start(cliPath(),
            { u"monitor"_s, u"--redis"_s, server.host() + u':' + QString::number(server.port()),
                u"--duration"_s, u"3s"_s, u"--interval-ms"_s, u"100"_s, u"--output"_s, u"json"_s,
                u"--capture"_s, u"--shadows"_s, u"--capacity-keys"_s, u"20"_s, u"--record"_s,
                record });
        // Waits for an interval that says the capture is attached, then drives the server.
        QByteArray out;
        bool capturing = false;
        while (!capturing && p.waitForReadyRead(10000)) {
            out += p.readAllStandardOutput();
            for (const QJsonObject &line : jsonLines(QString::fromUtf8(out)))
                capturing = capturing
                    || line.value(u"capture"_s).toObject().value(u"state"_s) == u"capturing"_s;
        }
        QVERIFY2(capturing, out.constData());
        QList<QByteArray> commands;
        for (int i = 0; i < 60; ++i)
            commands << "GET user:" + QByteArray::number(i % 6);
        for (int i = 0; i < 20; ++i)
            commands << "GET item:" + QByteArray::number(i % 2);
        commands << "SET user:1 v";
        redisCommands(server.port(), commands);
        QVERIFY(p.waitForFinished(20000));
        out += p.readAllStandardOutput();
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(err.contains(u"about half its throughput"_s), qPrintable(err));

        const QJsonObject final = jsonLines(QString::fromUtf8(out)).back();
        QVERIFY(final.value(u"final"_s).toBool());
        const QJsonObject capture = final.value(u"capture"_s).toObject();
        QCOMPARE(capture.value(u"reads"_s).toInteger(), 80);
        QCOMPARE(capture.value(u"writes"_s).toInteger(), 1);
        QCOMPARE(capture.value(u"malformed"_s).toInteger(), 0);
        const QJsonArray prefixes = final.value(u"prefixes"_s).toArray();
        QCOMPARE(prefixes.size(), 2);
        const QJsonObject user = prefixes[0].toObject();
        QCOMPARE(user.value(u"prefix"_s).toString(), u"user:*"_s);
        QCOMPARE(user.value(u"reads"_s).toInteger(), 60);
        QCOMPARE(user.value(u"writes"_s).toInteger(), 1);
        QCOMPARE(user.value(u"keys"_s).toInteger(), 6);
        QCOMPARE(user.value(u"share"_s).toDouble(), 0.75);
        // 6 keys in 20: after the first miss of each, every read hits.
        QCOMPARE(user.value(u"hit_ratio"_s).toDouble(), 54.0 / 60.0);
        QCOMPARE(final.value(u"top_keys"_s).toArray().size(), 8);
        const QJsonArray shadows = final.value(u"shadows"_s).toArray();
        QVERIFY(shadows.size() >= 10);
        QVERIFY(shadows[0].toObject().contains(u"policy"_s));
        QCOMPARE(shadows[0].toObject().value(u"hit_ratio"_s).toDouble(), 72.0 / 80.0);
        const QJsonObject readouts = final.value(u"readouts"_s).toObject();
        QVERIFY(readouts.value(u"own_policy"_s).toObject().contains(u"warm_hit_ratio"_s));
        for (const QString &key : { u"measured_hit_ratio"_s, u"own_policy"_s, u"allkeys_lfu"_s,
                 u"samples_10"_s, u"double_memory"_s, u"best"_s })
            QVERIFY2(readouts.contains(key), qPrintable(key));
        QCOMPARE(readouts.value(u"capacity_keys"_s).toInteger(), 20);
        // No maxmemory-policy model (noeviction): redis-lru stands in and the notes say so.
        QCOMPARE(readouts.value(u"own_policy"_s).toObject().value(u"policy"_s).toString(),
            u"redis-lru"_s);
        QCOMPARE(
            readouts.value(u"double_memory"_s).toObject().value(u"capacity"_s).toInteger(), 40);
        QCOMPARE(readouts.value(u"measured_hit_ratio"_s).toDouble(), 0.0); // all keys absent

        // The record file replays as the same 80 reads.
        const CliRun replay = runCli({ u"simulate"_s, u"--trace"_s, record, u"--policy"_s, u"lru"_s,
            u"--capacity"_s, u"20"_s, u"--output"_s, u"json"_s });
        QCOMPARE(replay.exitCode, 0);
        const QJsonObject replayed = QJsonDocument::fromJson(replay.out.toUtf8()).object();
        QCOMPARE(replayed.value(u"requests"_s).toInteger(), 80);
        QCOMPARE(replayed.value(u"format"_s).toString(), u"redis-monitor"_s);
    }

    void serverGoesAwayIsMarkedAndExitsOne()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        QProcess p;
        QByteArray out;
        QVERIFY(startAndWaitForLines(p,
            { u"monitor"_s, u"--redis"_s, server.host() + u':' + QString::number(server.port()),
                u"--duration"_s, u"1500ms"_s, u"--interval-ms"_s, u"100"_s, u"--output"_s,
                u"json"_s },
            2, out));
        server.kill();
        QVERIFY(p.waitForFinished(10000));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(u"did not come back"_s), qPrintable(err));
        bool marker = false;
        for (const QJsonObject &line : jsonLines(QString::fromUtf8(out))) {
            if (line.value(u"marker"_s).toString().startsWith(u"connection lost"_s))
                marker = line.contains(u"t_ms"_s);
        }
        QVERIFY2(marker, out.constData());
        QVERIFY(jsonLines(QString::fromUtf8(out)).back().value(u"final"_s).toBool());
    }

    void postgresJson()
    {
        if (qEnvironmentVariableIsEmpty("CACHESCOPE_PG_PORT"))
            QSKIP("no PostgreSQL (scripts/pg start sets CACHESCOPE_PG_*)");
        const CliRun r = runCli({ u"monitor"_s, u"--postgres"_s, u"--duration"_s, u"700ms"_s,
            u"--interval-ms"_s, u"200"_s, u"--output"_s, u"json"_s });
        QCOMPARE(r.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(r.out);
        QVERIFY2(lines.size() >= 3, qPrintable(r.out + r.err));
        QCOMPARE(lines.front().value(u"source"_s).toString(), u"postgres"_s);
        QVERIFY(lines.front().value(u"settings"_s).toObject().contains(u"shared_buffers"_s));
        const QJsonObject final = lines.back();
        QVERIFY(final.value(u"final"_s).toBool());
        QVERIFY(final.value(u"memory_limit_bytes"_s).toInteger() > 0);
        QVERIFY(final.value(u"top_tables"_s).isArray());
        QCOMPARE(lines[1].value(u"source"_s).toString(), u"postgres"_s);

        const CliRun unreachable = runCli({ u"monitor"_s, u"--postgres"_s, u"--port"_s,
            QString::number(freeLocalPort()), u"--duration"_s, u"1s"_s });
        QCOMPARE(unreachable.exitCode, 1);
        QVERIFY2(unreachable.err.contains(u"cannot connect to PostgreSQL"_s),
            qPrintable(unreachable.err));
    }

    void memcachedWastedEvictions()
    {
        ServerProcess server;
        QVERIFY2(
            server.start(ServerProcess::Kind::Memcached, { u"-m"_s, u"1"_s, u"-I"_s, u"512k"_s }),
            qPrintable(server.error()));
        QProcess p;
        QByteArray out;
        QVERIFY(startAndWaitForLines(p,
            { u"monitor"_s, u"--memcached"_s, server.host() + u':' + QString::number(server.port()),
                u"--duration"_s, u"1200ms"_s, u"--interval-ms"_s, u"200"_s },
            3, out)); // the server line, the header, the first interval
        QTcpSocket socket;
        socket.connectToHost(server.host(), server.port());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray value(2000, 'x');
        QByteArray sets;
        for (int i = 0; i < 1500; ++i)
            sets += "set k" + QByteArray::number(i) + " 0 0 2000 noreply\r\n" + value + "\r\n";
        socket.write(sets);
        socket.write("version\r\n");
        QByteArray reply;
        while (!reply.contains("VERSION") && socket.waitForReadyRead(5000))
            reply += socket.readAll();
        QVERIFY(p.waitForFinished(10000));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitCode(), 0);
        const QString text = QString::fromUtf8(out);
        QVERIFY2(
            text.contains(u"evicted_unfetched"_s) && text.contains(u"evictions per slab class"_s),
            out.constData());
        // The total row, read by its header: what was evicted was never read.
        const QStringList rows = text.split(u'\n');
        const auto totalRow = std::find_if(rows.begin(), rows.end(),
            [](const QString &row) { return row.trimmed().startsWith(u"total"_s); });
        QVERIFY(totalRow != rows.end() && totalRow != rows.begin());
        const QStringList header = std::prev(totalRow)->simplified().split(u' ');
        const QStringList total = totalRow->simplified().split(u' ');
        QCOMPARE(total.size(), header.size());
        const qint64 unfetched = total.at(header.indexOf(u"evicted_unfetched"_s)).toLongLong();
        QVERIFY2(unfetched > 500, qPrintable(*totalRow));
    }

    void sessionIsRecordedWithoutItsPassword()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis,
                     { u"--requirepass"_s, u"pw-never-stored"_s, u"--maxmemory"_s, u"8mb"_s,
                         u"--maxmemory-policy"_s, u"allkeys-lfu"_s }),
            qPrintable(server.error()));
        const QString address = server.host() + u':' + QString::number(server.port());
        const QString history = m_dir.filePath(u"monitor.sqlite"_s);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"MONITOR_TEST_PASSWORD"_s, u"pw-never-stored"_s);
        const CliRun r = runCli(
            { u"monitor"_s, u"--redis"_s, address, u"--password-env"_s, u"MONITOR_TEST_PASSWORD"_s,
                u"--duration"_s, u"2500ms"_s, u"--interval-ms"_s, u"250"_s, u"--output"_s,
                u"json"_s, u"--history"_s, history, u"--name"_s, u"watched"_s },
            env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(u"recorded as run"_s), qPrintable(r.err));
        const QList<QJsonObject> lines = jsonLines(r.out);
        QVERIFY(lines.size() >= 4);
        QVERIFY(lines.back().value(u"final"_s).toBool());

        const auto runs = [&](const QStringList &args) {
            return runCli(QStringList { u"runs"_s } + args
                + QStringList { u"--history"_s, history, u"--output"_s, u"json"_s });
        };
        const QJsonArray list
            = QJsonDocument::fromJson(runs({ u"list"_s, u"--kind"_s, u"monitor"_s }).out.toUtf8())
                  .array();
        QCOMPARE(list.size(), 1);
        const QJsonObject listed = list.at(0).toObject();
        QCOMPARE(listed.value(u"kind"_s).toString(), u"monitor"_s);
        QCOMPARE(listed.value(u"name"_s).toString(), u"watched"_s);
        QCOMPARE(listed.value(u"policy"_s).toString(), u"allkeys-lfu"_s);
        QCOMPARE(listed.value(u"capacity"_s).toString(), u"8388608 bytes"_s);
        QCOMPARE(listed.value(u"workload"_s).toString(), address);
        QVERIFY(listed.value(u"complete"_s).toBool());

        const qint64 id = listed.value(u"id"_s).toInteger();
        const QJsonObject shown
            = QJsonDocument::fromJson(runs({ u"show"_s, QString::number(id) }).out.toUtf8())
                  .object();
        // One point a second of 2.5 s, the summary the final line printed.
        QVERIFY2(shown.value(u"points"_s).toInteger() >= 2,
            qPrintable(QString::number(shown.value(u"points"_s).toInteger())));
        QVERIFY(shown.value(u"points"_s).toInteger() <= 4);
        QCOMPARE(shown.value(u"summary"_s).toObject(), lines.back());
        const QJsonObject config = shown.value(u"config"_s).toObject();
        QCOMPARE(config.value(u"source"_s).toString(), u"redis"_s);
        QCOMPARE(config.value(u"address"_s).toString(), address);
        QCOMPARE(config.value(u"interval_ms"_s).toInteger(), 250);
        QCOMPARE(config.value(u"server"_s)
                     .toObject()
                     .value(u"settings"_s)
                     .toObject()
                     .value(u"maxmemory-policy"_s)
                     .toString(),
            u"allkeys-lfu"_s);
        // The password is nowhere: not in the configuration, not in the file.
        const QByteArray shownText = QJsonDocument(shown).toJson();
        QVERIFY(!shownText.contains("pw-never-stored"));
        QVERIFY(!shownText.contains("MONITOR_TEST_PASSWORD"));
        for (const QString &file : QStringList { history, history + u"-wal"_s }) {
            QFile f(file);
            if (f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains("pw-never-stored"), qPrintable(file));
        }

        // Its points export with the monitor's own columns.
        const CliRun csv = runCli({ u"runs"_s, u"export"_s, QString::number(id), u"--csv"_s, u"-"_s,
            u"--history"_s, history });
        QCOMPARE(csv.exitCode, 0);
        const QStringList rows = csv.out.trimmed().split(u'\n');
        QVERIFY(rows.at(0).startsWith(u"t_ms,interval_ms,hits,misses,hit_ratio,operations"_s));
        QCOMPARE(rows.size(), shown.value(u"points"_s).toInteger() + 1);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_MonitorCommand)
#include "tst_monitorcommand.moc"
