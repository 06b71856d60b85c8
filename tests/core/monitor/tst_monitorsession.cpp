// MonitorSession against a private redis-server: polls run on the session's own thread, a
// server restarted mid-monitor is a lost connection, a reconnect after a marked gap and a reset
// marker (new run_id), and no interval ever spans the gap or shows a negative rate.
#include "core/monitor/monitorsession.h"
#include "core/monitor/redissource.h"

#include "serverprocess.h"

#include <QSignalSpy>
#include <QtTest>

#include <atomic>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A RedisSource that notes whether it was ever called on the thread that created it.
class ThreadProbe final : public MonitorSource
{
public:
    ThreadProbe(RedisSettings s, std::atomic<bool> *onCreatorThread)
        : m_inner(std::move(s))
        , m_creator(QThread::currentThread())
        , m_onCreatorThread(onCreatorThread)
    {
    }
    Result<MonitorServerInfo> connect() override
    {
        note();
        return m_inner.connect();
    }
    Result<MonitorSample> poll() override
    {
        note();
        return m_inner.poll();
    }
    void disconnect() override { m_inner.disconnect(); }
    QString kind() const override { return m_inner.kind(); }
    QString address() const override { return m_inner.address(); }

private:
    void note()
    {
        if (QThread::currentThread() == m_creator)
            m_onCreatorThread->store(true);
    }
    RedisSource m_inner;
    QThread *m_creator;
    std::atomic<bool> *m_onCreatorThread;
};

RedisSettings settingsFor(const ServerProcess &server)
{
    RedisSettings s;
    s.host = server.host();
    s.port = server.port();
    s.connectTimeoutMs = 500;
    s.commandTimeoutMs = 500;
    return s;
}

bool anyContains(const QSignalSpy &markers, const QString &text)
{
    for (const QList<QVariant> &m : markers) {
        if (m.at(1).toString().contains(text))
            return true;
    }
    return false;
}

} // namespace

class tst_MonitorSession : public QObject
{
    Q_OBJECT

private slots:
    void restartMidMonitor()
    {
        ServerProcess server;
        QVERIFY2(server.start(ServerProcess::Kind::Redis), qPrintable(server.error()));
        std::atomic<bool> onMainThread { false };
        MonitorSession session(std::make_unique<ThreadProbe>(settingsFor(server), &onMainThread),
            MonitorSession::Options { 100, 400 });
        QSignalSpy connected(&session, &MonitorSession::connected);
        QSignalSpy markers(&session, &MonitorSession::marker);
        std::vector<MonitorInterval> intervals;
        connect(&session, &MonitorSession::interval, this,
            [&](const MonitorInterval &r) { intervals.push_back(r); });
        session.start();
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(intervals.size() >= 3, 5000);

        // Build up counters well above what a fresh server starts with, so that the restart
        // sends them backwards.
        {
            RedisSource driver(settingsFor(server));
            QVERIFY(driver.connect());
            for (int i = 0; i < 50; ++i)
                QVERIFY(driver.poll()); // 4 commands each
        }
        const size_t beforeKill = intervals.size();
        QTRY_VERIFY_WITH_TIMEOUT(intervals.size() >= beforeKill + 2, 5000);
        server.kill();
        QTRY_VERIFY_WITH_TIMEOUT(anyContains(markers, u"connection lost"_s), 5000);
        QVERIFY(server.restart());
        QTRY_VERIFY_WITH_TIMEOUT(anyContains(markers, u"reconnected after a gap"_s), 8000);
        QTRY_VERIFY_WITH_TIMEOUT(anyContains(markers, u"server restarted"_s), 5000);
        const size_t afterRestart = intervals.size();
        QTRY_VERIFY_WITH_TIMEOUT(intervals.size() >= afterRestart + 3, 5000);
        session.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!session.isRunning(), 5000);

        QVERIFY(!onMainThread.load());
        // No interval spans the gap: each is about one poll interval, never the outage, and
        // none carries the wrapped-around difference of a counter that went backwards.
        for (const MonitorInterval &r : intervals) {
            QVERIFY2(r.intervalMs < 1000, qPrintable(QString::number(r.intervalMs)));
            QVERIFY2(
                r.counts.operations < 100000, qPrintable(QString::number(r.counts.operations)));
            QVERIFY(r.opsPerSecond >= 0 && r.opsPerSecond < 1e6);
        }
        const MonitorInterval total = session.total();
        QVERIFY(total.final);
        QVERIFY(total.counts.operations >= 150); // the driver's commands were counted once
        QVERIFY(total.counts.operations < 100000);
    }

    void connectFailureStops()
    {
        RedisSettings s;
        s.port = freeLocalPort();
        MonitorSession session(std::make_unique<RedisSource>(s), MonitorSession::Options {});
        QSignalSpy failed(&session, &MonitorSession::connectFailed);
        QSignalSpy stopped(&session, &MonitorSession::stopped);
        session.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QVERIFY(failed.at(0).at(0).value<Error>().message.contains(u"cannot connect"_s));
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 5000);
    }
};

QTEST_GUILESS_MAIN(tst_MonitorSession)
#include "tst_monitorsession.moc"
