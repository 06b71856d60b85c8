#include "monitorsession.h"

#include "core/monitor/monitorsource.h"

#include <QElapsedTimer>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

/// The session's thread: owns the source and the poll timer; blocks only itself.
class MonitorWorker : public QObject
{
    Q_OBJECT

public:
    MonitorWorker(std::unique_ptr<MonitorSource> source, MonitorSession::Options options)
        : m_source(std::move(source))
        , m_options(options)
    {
    }
    ~MonitorWorker() override
    {
        if (m_source)
            m_source->disconnect();
    }

    void start()
    {
        m_clock.start();
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        connect(m_timer, &QTimer::timeout, this, &MonitorWorker::tick);
        const Result<MonitorServerInfo> info = m_source->connect();
        if (!info) {
            emit connectFailed(info.error());
            return;
        }
        emit connected(*info);
        tick(); // the first poll is the baseline
        m_timer->start(m_options.intervalMs);
    }

signals:
    void connected(const CacheScope::MonitorServerInfo &info);
    void connectFailed(const CacheScope::Error &error);
    void sampled(const CacheScope::MonitorSample &sample);
    void lost(qint64 tMs, const CacheScope::Error &error);
    void reconnected(qint64 tMs, qint64 gapMs);

private:
    void tick()
    {
        Result<MonitorSample> sample = m_source->poll();
        if (sample) {
            sample->tMs = m_clock.elapsed();
            emit sampled(*sample);
            return;
        }
        m_timer->stop();
        m_lostAtMs = m_clock.elapsed();
        emit lost(m_lostAtMs, sample.error());
        m_backoffMs = m_options.intervalMs;
        QTimer::singleShot(m_backoffMs, this, &MonitorWorker::reconnect);
    }

    void reconnect()
    {
        if (const Result<MonitorServerInfo> info = m_source->connect(); !info) {
            m_backoffMs = std::min(m_backoffMs * 2, m_options.maxBackoffMs);
            QTimer::singleShot(m_backoffMs, this, &MonitorWorker::reconnect);
            return;
        }
        const qint64 now = m_clock.elapsed();
        emit reconnected(now, now - m_lostAtMs);
        tick(); // a new baseline
        if (!m_timer->isActive())
            m_timer->start(m_options.intervalMs);
    }

    std::unique_ptr<MonitorSource> m_source;
    MonitorSession::Options m_options;
    QElapsedTimer m_clock;
    QTimer *m_timer = nullptr;
    qint64 m_lostAtMs = 0;
    int m_backoffMs = 0;
};

MonitorSession::MonitorSession(
    std::unique_ptr<MonitorSource> source, Options options, QObject *parent)
    : QObject(parent)
    , m_worker(new MonitorWorker(std::move(source), options))
{
    m_thread.setObjectName(u"monitor"_s);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(&m_thread, &QThread::finished, this, &MonitorSession::stopped);
    connect(m_worker, &MonitorWorker::connected, this, &MonitorSession::connected);
    connect(m_worker, &MonitorWorker::connectFailed, this, [this](const Error &error) {
        emit connectFailed(error);
        stop();
    });
    connect(m_worker, &MonitorWorker::sampled, this, &MonitorSession::onSample);
    connect(m_worker, &MonitorWorker::lost, this, [this](qint64 tMs, const Error &error) {
        if (m_stopping)
            return;
        m_tracker.breakBaseline();
        emit marker(tMs, u"connection lost: "_s + error.toString() + u"; reconnecting"_s);
    });
    connect(m_worker, &MonitorWorker::reconnected, this, [this](qint64 tMs, qint64 gapMs) {
        emit marker(tMs,
            u"reconnected after a gap of "_s + QString::number(double(gapMs) / 1000.0, 'f', 1)
                + u" s (not counted)"_s);
    });
}

MonitorSession::~MonitorSession()
{
    m_thread.quit();
    m_thread.wait();
}

void MonitorSession::start()
{
    if (m_started)
        return;
    m_started = true;
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &MonitorWorker::start, Qt::QueuedConnection);
}

void MonitorSession::stop()
{
    m_stopping = true;
    m_thread.quit();
}

void MonitorSession::onSample(const MonitorSample &sample)
{
    if (m_stopping)
        return;
    MonitorTracker::Step step = m_tracker.add(sample);
    if (!step.marker.isEmpty())
        emit marker(sample.tMs, step.marker);
    if (step.interval)
        emit interval(*step.interval);
}

} // namespace CacheScope

#include "monitorsession.moc"
