#pragma once

#include "core/engine/replayplan.h"
#include "core/error.h"
#include "core/metrics/missratiocurve.h"
#include "core/workload/tracereader.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

namespace CacheScope {

/// What to replay: a trace file, the policies and the capacities ("1%,10%,4096", as the CLI's
/// simulate --capacity takes them).
struct TraceReplayRequest
{
    QString path;
    TraceOptions options;
    QStringList policies;
    QString capacities = QStringLiteral("1%,2%,5%,10%,20%");
    SizeUnit sizeUnit = SizeUnit::Objects;
    int threads = 0; // simulation threads; 0: one per core
};

/// A finished replay: every (policy, capacity) pair over the same requests.
struct TraceReplayOutcome
{
    QString path;
    QString format;
    qint64 requests = 0;
    quint64 uniqueObjects = 0;
    quint64 uniqueBytes = 0;
    SizeUnit sizeUnit = SizeUnit::Objects;
    std::vector<SimulationResult> results; // policies x capacities, capacity-major
    /// With `lru` among the policies: the exact LRU miss ratio from one pass over the trace
    /// (stack distances), at curvePoints capacities up to the largest replayed; else empty.
    std::vector<MrcPoint> lruCurve;
    bool traceReused = false; // the trace was already in memory from the previous replay
    double readSeconds = 0;
    double simulateSeconds = 0;
};

/// Runs a trace replay off the GUI thread: reads the trace (or reuses the one read for the
/// previous replay of the same unchanged file), annotates next accesses for `opt`, then
/// simulates every pair of its ReplayPlan (capacities ascending, capacity-major). One replay at a
/// time; cancel() stops it between chunks. Progress is polled from the owner's thread; results
/// arrive through QFuture::then(this, ...), a generation counter dropping a cancelled replay's late
/// answer.
class TraceReplayer : public QObject
{
    Q_OBJECT

public:
    enum class Phase { Idle, Reading, Simulating };
    /// Capacities the exact LRU curve is given at: a smooth line through the replayed points.
    static constexpr int curvePoints = 200;

    explicit TraceReplayer(QObject *parent = nullptr);
    ~TraceReplayer() override;

    /// Checks the request (file given, policies known, capacities parse) and starts; an
    /// Error at once when it cannot.
    Result<void> start(const TraceReplayRequest &request);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progressChanged(CacheScope::TraceReplayer::Phase phase, double fraction);
    void finished(const CacheScope::TraceReplayOutcome &outcome);
    void failed(const CacheScope::Error &error);
    void cancelled();

private:
    struct Job
    {
        std::atomic<bool> cancel { false };
        std::atomic<int> phase { int(Phase::Reading) };
        std::atomic<qint64> done { 0 };
        std::atomic<qint64> total { 0 };
    };
    struct CachedTrace
    {
        QString key; // path, format, csv options, size and modification time
        std::shared_ptr<const ReplayStream> trace;
    };

    QThreadPool m_pool;
    QTimer m_progressTimer;
    std::shared_ptr<Job> m_job;
    CachedTrace m_cached;
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace CacheScope

Q_DECLARE_METATYPE(CacheScope::TraceReplayOutcome)
