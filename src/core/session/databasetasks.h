#pragma once

#include "core/db/connectionsettings.h"
#include "core/db/demodatabase.h"
#include "core/error.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>

namespace CacheScope {

/// Database work the GUI thread must never wait for, on a private pool: the Test button's
/// connection check and the demo database's creation before a run. Results come back as
/// values on the owner's thread through QFuture::then(this, ...); a newer request of the same
/// kind makes an older one stale (generation counters), and progress is polled by a timer, so
/// no signal is emitted from a pool thread.
class DatabaseTasks : public QObject
{
    Q_OBJECT

public:
    explicit DatabaseTasks(QObject *parent = nullptr);
    /// Cancels a demo creation in progress and waits for the pool (shutdown only).
    ~DatabaseTasks() override;

    /// Connects with `settings` and reads the demo metadata: connectionTested() follows.
    void testConnection(const ConnectionSettings &settings);
    /// ensureDemoDatabase() in the background: demoProgress() while rows are written, then
    /// demoReady() or demoFailed().
    void prepareDemo(const ConnectionSettings &settings, double rowsScale);
    /// Stops a demo creation between batches (it rolls back); demoFailed("cancelled") follows.
    void cancelPrepare();
    bool isPreparing() const { return m_preparing; }
    bool isTesting() const { return m_testing; }

signals:
    /// ok: connected (message says whether the demo tables exist); otherwise message is the
    /// database's error.
    void connectionTested(bool ok, const QString &message);
    void demoProgress(qint64 rowsDone, qint64 rowsTotal);
    void demoReady(const CacheScope::DemoDatabaseInfo &info);
    void demoFailed(const CacheScope::Error &error);

private:
    struct Progress
    {
        std::atomic<qint64> done { 0 };
        std::atomic<qint64> total { 0 };
        std::atomic<bool> cancel { false };
    };

    QThreadPool m_pool;
    QTimer m_progressTimer;
    std::shared_ptr<Progress> m_progress;
    quint64 m_testGeneration = 0;
    quint64 m_prepareGeneration = 0;
    bool m_preparing = false;
    bool m_testing = false;
};

} // namespace CacheScope
