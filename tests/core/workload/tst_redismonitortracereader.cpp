// The redis-monitor trace format on MONITOR output captured from a real redis-server 7.0
// (tests/data/redis_monitor_*.monitor, see tests/data/README.md) and on malformed lines.

#include "core/workload/csvtracereader.h"
#include "core/workload/redismonitortracereader.h"
#include "core/workload/traceformatdetector.h"
#include "core/workload/tracereader.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_RedisMonitorTraceReader : public QObject
{
    Q_OBJECT

private slots:
    void capturedCommands();
    void capturedBenchmarkGzip();
    void detectedFromContent();
    void malformedLinesAreCountedAndSkipped();
    void notMonitorOutputIsAnError();
    void multiKeyReadsRespectMax();

private:
    QString write(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    QTemporaryDir m_dir;
};

namespace {

Key key(const QByteArray &name) { return CsvTraceReader::hashKey(name.cbegin(), name.cend()); }

} // namespace

void tst_RedisMonitorTraceReader::capturedCommands()
{
    // Captured with redis-cli monitor over a unix socket while redis-cli ran GET, MGET, SET
    // with escaped keys, hashes, lists, sets, a Lua script, database 3 and a MULTI block.
    auto opened = TraceReader::open(TestSupport::dataPath(u"redis_monitor_commands.monitor"_s));
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    TraceReader &reader = **opened;
    QCOMPARE(reader.format(), TraceFormat::RedisMonitor);
    std::vector<Request> out;
    while (true) {
        const Result<qsizetype> n = reader.read(out, 1000);
        QVERIFY(n);
        if (*n == 0)
            break;
    }
    // The reads in order, one request per key (hand-listed from the file).
    const std::vector<QByteArray> keys { "user:42", "user:43", "user:42", "user:43",
        "key with space", "quote\"key", "nl\nkey", QByteArray("bin\x01\xffkey"), "h:1", "h:1",
        "user:42", "user:44", "user:42", "l:1", "s:1", "z:1", "sess:1", "user:42", "user:42",
        "db3:key", "user:42", "a:2", "h:1", "user:42" };
    QCOMPARE(out.size(), keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == "db3:key")
            QVERIFY(out[i].key != key(keys[i])); // database 3: another object
        else
            QVERIFY2(out[i].key == key(keys[i]), qPrintable(u"request %1"_s.arg(i)));
        QCOMPARE(out[i].size, 1u);
    }
    // Seconds since the minute of the first line (1796253402.937074).
    QCOMPARE(out.front().time, quint32(1796253402 % 60));
    QCOMPARE(out.back().time, quint32(1796253403 % 60));
    auto *monitor = dynamic_cast<RedisMonitorTraceReader *>(&reader);
    QVERIFY(monitor);
    QCOMPARE(monitor->malformedLines(), 0);
    // set x4, hset, setex, mset, del, incr, lpush, sadd, zadd, Lua's set, db 3's set, append,
    // SET in MULTI.
    QCOMPARE(monitor->writesSkipped(), 16);
    // eval, SELECT x2, ping, info, multi, COMMAND DOCS, MULTI, EXEC.
    QCOMPARE(monitor->otherCommandsSkipped(), 9);
    const QStringList notes = reader.notes();
    QCOMPARE(notes.size(), 2);
    QVERIFY(notes[0].startsWith(u"16 writes"_s));
}

void tst_RedisMonitorTraceReader::capturedBenchmarkGzip()
{
    // redis-benchmark -t get,set -n 1500 -r 500 -c 2 against redis-server 7.0 over TCP, then
    // one GET from redis-cli: 1501 GETs, 1500 SETs.
    auto loaded = loadTrace(TestSupport::dataPath(u"redis_monitor_benchmark.monitor.gz"_s));
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
    QCOMPARE(loaded->format, TraceFormat::RedisMonitor);
    QCOMPARE(loaded->requests.size(), std::size_t(1501));
    QVERIFY(loaded->uniqueObjects > 400 && loaded->uniqueObjects <= 501);
    QCOMPARE(loaded->requests.back().key, key("key:000000000001"));
    QCOMPARE(loaded->notes.size(), 1);
    QVERIFY(loaded->notes.front().startsWith(u"1500 writes"_s));
}

void tst_RedisMonitorTraceReader::detectedFromContent()
{
    QFile f(TestSupport::dataPath(u"redis_monitor_commands.monitor"_s));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray content = f.readAll();
    QCOMPARE(
        TraceFormatDetector::fromContent(content, true, content.size()), TraceFormat::RedisMonitor);
    // Cut mid-line: judged on complete lines.
    QCOMPARE(
        TraceFormatDetector::fromContent(content.left(300), false, -1), TraceFormat::RedisMonitor);
    const QString path = write(u"capture.trace"_s, content);
    auto loaded = loadTrace(path);
    QVERIFY(loaded);
    QCOMPARE(loaded->format, TraceFormat::RedisMonitor);
    QCOMPARE(parseTraceFormat(u"redis-monitor"_s).value(), TraceFormat::RedisMonitor);
    // Not MONITOR output: plain text, a txt trace, a line without the quoted command.
    QCOMPARE(TraceFormatDetector::fromContent("hello world\n", true, 12), TraceFormat::Auto);
    QCOMPARE(TraceFormatDetector::fromContent("1\n2\n", true, 4), TraceFormat::Txt);
    QVERIFY(!TraceFormatDetector::looksLikeRedisMonitor("1.5 [0 lua] GET\n", true));
}

void tst_RedisMonitorTraceReader::malformedLinesAreCountedAndSkipped()
{
    const QByteArray text = "OK\n"
                            "1700000000.000001 [0 127.0.0.1:1] \"GET\" \"a\"\n"
                            "1700000000x000002 [0 127.0.0.1:1] \"GET\" \"b\"\n" // line 3
                            "1700000000.000003 0 127.0.0.1:1] \"GET\" \"c\"\n" // line 4
                            "1700000000.000004 [0 127.0.0.1:1] \"GET\" \"d\n" // line 5
                            "1700000000.000005 [0 lua] \"GET\" \"\\xZZ\"\n" // line 6
                            "1700000000.000006 [0 lua] \"GET\"x\"e\"\n" // line 7
                            "\n"
                            "1700000061.000007 [0 unix:/tmp/r.sock] \"get\" \"f\"\n";
    const QString path = write(u"bad.monitor"_s, text);
    auto loaded = loadTrace(path);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
    QCOMPARE(loaded->requests.size(), std::size_t(2));
    QCOMPARE(loaded->requests[0].key, key("a"));
    QCOMPARE(loaded->requests[1].key, key("f"));
    QCOMPARE(loaded->requests[0].time, quint32(1700000000 % 60));
    QCOMPARE(loaded->requests[1].time, quint32(1700000000 % 60 + 61));
    QCOMPARE(loaded->notes.size(), 1);
    const QString note = loaded->notes.front();
    QVERIFY2(note.startsWith(u"5 malformed lines skipped"_s), qPrintable(note));
    // The first three, each with file, line, field and value.
    QVERIFY2(note.contains(path + u":3"_s) && note.contains(u"timestamp"_s), qPrintable(note));
    QVERIFY2(note.contains(path + u":4"_s) && note.contains(u"client"_s), qPrintable(note));
    QVERIFY2(
        note.contains(path + u":5"_s) && note.contains(u"no closing quote"_s), qPrintable(note));
    QVERIFY(!note.contains(path + u":6"_s));
}

void tst_RedisMonitorTraceReader::notMonitorOutputIsAnError()
{
    TraceOptions options;
    options.format = TraceFormat::RedisMonitor;
    const QString path = write(u"keys.txt"_s, "1\n2\n3\n");
    auto loaded = loadTrace(path, options);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().file, path);
    QCOMPARE(loaded.error().line, 1);
    QCOMPARE(loaded.error().field, u"timestamp"_s);
    QCOMPARE(loaded.error().value, u"1"_s);
}

void tst_RedisMonitorTraceReader::multiKeyReadsRespectMax()
{
    const QString path = write(u"mget.monitor"_s,
        "1700000000.000001 [0 lua] \"MGET\" \"a\" \"b\" \"c\"\n"
        "1700000000.000002 [0 lua] \"EXISTS\" \"d\"\n");
    auto opened = TraceReader::open(path);
    QVERIFY(opened);
    std::vector<Request> out;
    for (int i = 0; i < 4; ++i)
        QCOMPARE((*opened)->read(out, 1).value(), qsizetype(1));
    QCOMPARE((*opened)->read(out, 1).value(), qsizetype(0));
    QCOMPARE(out.size(), std::size_t(4));
    QCOMPARE(out[0].key, key("a"));
    QCOMPARE(out[1].key, key("b"));
    QCOMPARE(out[2].key, key("c"));
    QCOMPARE(out[3].key, key("d"));
}

QTEST_GUILESS_MAIN(tst_RedisMonitorTraceReader)
#include "tst_redismonitortracereader.moc"
