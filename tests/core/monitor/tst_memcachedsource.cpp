// MemcachedSource against private memcached servers (tests/serverprocess.h): the hits, misses,
// gets and sets it reports are the ones driven here over the text protocol; a tiny -m 1 server
// filled with values nobody reads shows evictions that are all evicted_unfetched.
#include "core/monitor/memcachedsource.h"
#include "core/monitor/monitorinterval.h"

#include "serverprocess.h"

#include <QTcpSocket>
#include <QtTest>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A plain text-protocol client: each request's reply up to its last line.
class Client
{
public:
    explicit Client(quint16 port) { m_socket.connectToHost(u"127.0.0.1"_s, port); }

    QByteArray request(const QByteArray &bytes, const QByteArray &lastLine)
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState && !m_socket.waitForConnected(2000))
            return {};
        m_socket.write(bytes);
        QByteArray reply;
        while (!reply.endsWith(lastLine) && m_socket.waitForReadyRead(2000))
            reply += m_socket.readAll();
        return reply;
    }
    bool set(const QByteArray &key, const QByteArray &value)
    {
        return request("set " + key + " 0 0 " + QByteArray::number(value.size()) + "\r\n" + value
                       + "\r\n",
                   "\r\n")
            == "STORED\r\n";
    }
    bool get(const QByteArray &key)
    {
        return request("get " + key + "\r\n", "END\r\n") != "END\r\n";
    }

private:
    QTcpSocket m_socket;
};

MemcachedSettings settingsFor(const ServerProcess &server)
{
    MemcachedSettings s;
    s.host = server.host();
    s.port = server.port();
    return s;
}

} // namespace

class tst_MemcachedSource : public QObject
{
    Q_OBJECT

private slots:
    void countsAreWhatWasDriven()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Memcached), qPrintable(server.error()));
        MemcachedSource source(settingsFor(server));
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
        QVERIFY(info->version.startsWith(u"1."_s));

        MonitorTracker tracker;
        const Result<MonitorSample> before = source.poll();
        QVERIFY(before);
        QCOMPARE(int(before->roundTripNs.size()), MemcachedSource::roundTripsPerPoll);
        QCOMPARE(before->memoryLimitBytes, 8 * 1024 * 1024);
        tracker.add(*before);
        Client client(server.port());
        for (int i = 0; i < 3; ++i)
            QVERIFY(client.set("k" + QByteArray::number(i), "value"));
        for (int i = 0; i < 5; ++i)
            QVERIFY(client.get("k" + QByteArray::number(i % 3)));
        for (int i = 0; i < 2; ++i)
            QVERIFY(!client.get("absent" + QByteArray::number(i)));
        const Result<MonitorSample> after = source.poll();
        QVERIFY(after);
        const auto r = tracker.add(*after).interval;
        QVERIFY(r);
        QCOMPARE(r->counts.hits, 5u);
        QCOMPARE(r->counts.misses, 2u);
        QCOMPARE(r->counts.gets, 7u);
        QCOMPARE(r->counts.sets, 3u);
        QCOMPARE(r->counts.evictions, 0u);
        QCOMPARE(r->keys, 3);
    }

    void tinyServerEvictsUnfetched()
    {
        ServerProcess server;
        // 1 MiB of memory (items up to 512 KiB: memcached wants the limit under half of -m).
        QVERIFY2(
            server.start(ServerProcess::Kind::Memcached, { u"-m"_s, u"1"_s, u"-I"_s, u"512k"_s }),
            qPrintable(server.error()));
        MemcachedSource source(settingsFor(server));
        QVERIFY(source.connect());
        MonitorTracker tracker;
        tracker.add(*source.poll());
        Client client(server.port());
        const QByteArray value(2000, 'x');
        for (int i = 0; i < 2000; ++i) // 4 MB into 1 MiB, none of it read
            QVERIFY(client.set("fill" + QByteArray::number(i), value));
        QVERIFY(client.get("fill1999")); // the newest is still there, and now fetched
        const Result<MonitorSample> after = source.poll();
        QVERIFY(after);
        QCOMPARE(after->memoryLimitBytes, 1024 * 1024);
        const auto r = tracker.add(*after).interval;
        QVERIFY(r);
        QVERIFY2(r->counts.evictions > 1000, qPrintable(QString::number(r->counts.evictions)));
        QCOMPARE(r->counts.evictedUnfetched, r->counts.evictions); // nobody read what was evicted
        QVERIFY(!r->slabEvictions.empty());
        quint64 perSlab = 0;
        for (const auto &[slab, evicted] : r->slabEvictions)
            perSlab += evicted;
        QCOMPARE(perSlab, r->counts.evictions);
        QVERIFY(r->memoryBytes <= r->memoryLimitBytes);
    }

    void unreachable()
    {
        MemcachedSettings s;
        s.port = freeLocalPort();
        MemcachedSource source(s);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY(!info);
        QVERIFY2(info.error().message.startsWith(u"cannot connect to memcached at 127.0.0.1:"_s),
            qPrintable(info.error().message));
    }

    void notMemcached()
    {
        ServerProcess redis;
        QVERIFY2(redis.start(ServerProcess::Kind::Redis), qPrintable(redis.error()));
        MemcachedSettings s = settingsFor(redis);
        MemcachedSource source(s);
        const Result<MonitorServerInfo> info = source.connect();
        QVERIFY(!info);
        QVERIFY2(
            info.error().message.contains(u"is it memcached?"_s), qPrintable(info.error().message));
    }
};

QTEST_GUILESS_MAIN(tst_MemcachedSource)
#include "tst_memcachedsource.moc"
