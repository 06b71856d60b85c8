#pragma once

#include "core/error.h"
#include "core/monitor/monitorinterval.h"
#include "core/monitor/monitorsample.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace CacheScope {

class MonitorSource;
class MonitorWorker;

/// Watches one source: polls it every interval on a thread of its own (a source blocks, with
/// timeouts) and turns the polls into interval records on the thread that owns the session
/// (the GUI or the CLI's main thread), which never waits for the server.
///
/// A lost connection is a marker; the session reconnects with backoff (the interval, doubled
/// per failure up to maxBackoffMs), marks the gap when it is back and counts nothing across it.
/// Counters that went backwards (a restart, CONFIG RESETSTAT) are a marker too (MonitorTracker).
class MonitorSession : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int intervalMs = 1000;
        int maxBackoffMs = 5000;
    };

    MonitorSession(
        std::unique_ptr<MonitorSource> source, Options options, QObject *parent = nullptr);
    /// Stops and waits for the thread (at most one command timeout of the source).
    ~MonitorSession() override;

    /// Connects on the session's thread, then polls; connected() or connectFailed() follows.
    void start();
    /// Stops polling; stopped() follows once the thread is done. Returns at once.
    void stop();
    bool isRunning() const { return m_thread.isRunning(); }

    /// The whole monitor so far (final: true).
    MonitorInterval total() const { return m_tracker.total(); }

signals:
    void connected(const CacheScope::MonitorServerInfo &info);
    /// The first connection failed: the session has stopped.
    void connectFailed(const CacheScope::Error &error);
    void interval(const CacheScope::MonitorInterval &record);
    /// A change on the timeline: lost connection, reconnected after a gap, counters reset.
    void marker(qint64 tMs, const QString &label);
    void stopped();

private:
    void onSample(const MonitorSample &sample);

    QThread m_thread;
    MonitorWorker *m_worker = nullptr; // lives on m_thread, deleted there when it finishes
    bool m_started = false; // one start per session: the worker is gone once it stopped
    bool m_stopping = false; // polls still queued after stop() are not reported
    MonitorTracker m_tracker;
};

} // namespace CacheScope
