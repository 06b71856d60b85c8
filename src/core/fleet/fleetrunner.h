#pragma once

#include "core/error.h"
#include "core/fleet/fleetlines.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QElapsedTimer>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>
#include <vector>

class QProcess;
class QTemporaryDir;

namespace CacheScope {

/// A fleet: N real `cachescope-cli run ... --output json` processes started with QProcess,
/// their JSON lines read as they come (never blocking the owner's thread), and a total per
/// interval and at the end.
///
/// Lines are grouped by interval index (the n-th interval line of each instance). A group's
/// total is emitted once every instance still running has delivered its line, or two intervals
/// after the group's first line arrived, with what it has ("missing" lists the instances that
/// did not report). Totals come out in interval order; a line that arrives after its group's
/// total is still passed on as an instance line. The sum is sumFleetLines(); children started
/// with `--latency-buckets` make the total's latency percentiles exact.
///
/// An instance that cannot start, exits non-zero or crashes is reported (instanceFailed, with
/// its exit status and last stderr lines) and the others go on. stop() sends SIGINT to every
/// child (the run command then prints its final line and exits 0) and kills those still there
/// after `stopTimeoutMs`. Destroying the runner kills what is left.
class FleetRunner : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString program; // the cachescope-cli to start
        QStringList arguments; // each child's: "run", its options, "--output", "json"
        int instances = 1; // 1..maxInstances
        qint64 intervalMs = 1000; // the children's --interval-ms (the grace period is 2 of them)
        int stopTimeoutMs = 5000; // SIGINT, then SIGKILL after this long
        /// Children share a version board for stale-read measurement: each gets
        /// `--stale-board <a temporary directory of the fleet>/versions.board` appended (set it
        /// only when the run command knows that option).
        bool staleBoard = false;
        int stderrLines = 20; // the last lines of each child's stderr kept
        /// Children take live changes on stdin (`--control stdin`): see control().
        bool control = false;
    };
    static constexpr int maxInstances = 64;

    explicit FleetRunner(Options options, QObject *parent = nullptr);
    ~FleetRunner() override;

    /// Starts every child; an error (options out of range, no temporary directory) starts none.
    /// A child that fails to start is reported through instanceFailed, as one that dies.
    Result<void> start();
    /// SIGINT to every child still running, SIGKILL after stopTimeoutMs.
    void stop();
    bool isRunning() const;
    /// A live change for every running child, as one JSON line on its stdin (Options::control):
    /// {"invalidation": "pubsub", "write_ratio": 0.2, "l2_ttl_ms": 500, "threads": 4,
    /// "capacity": "1000", "policy": "lru"}; each child applies what it can and reports the
    /// rest on stderr. Returns how many children it was written to.
    int control(const QJsonObject &change);

    const Options &options() const { return m_options; }
    /// The version board's path while running with Options::staleBoard; empty otherwise.
    QString staleBoardPath() const;
    /// An instance's process id while it runs (0 before it started or after it ended).
    qint64 processId(int index) const;
    /// The last lines an instance wrote on stderr (at most Options::stderrLines).
    QStringList lastStderr(int index) const;
    /// An instance's final line, once it printed one.
    std::optional<QJsonObject> finalLine(int index) const;
    /// The total of every final line, once all instances ended (finalTotal was emitted).
    std::optional<QJsonObject> finalTotalLine() const { return m_finalTotal; }
    /// Instances that failed (instanceFailed was emitted for them), in index order.
    QList<int> failedInstances() const;

signals:
    /// Every JSON object an instance printed (intervals, markers, its final line), as printed.
    void instanceLine(int index, const QJsonObject &line);
    /// A line of an instance's stderr.
    void instanceStderr(int index, const QString &line);
    /// The total of interval `interval` (0-based): sumFleetLines() plus "instances_reporting"
    /// and, when some did not report, "missing": [indexes].
    void intervalTotal(int interval, const QJsonObject &total);
    /// An instance failed to start, exited non-zero or crashed: the message says which and has
    /// its last stderr line.
    void instanceFailed(int index, const QString &message);
    /// The total of the instances' final lines ("final": true, "instances_reporting", "missing"),
    /// once every instance ended.
    void finalTotal(const QJsonObject &total);
    /// Every child has exited (after finalTotal).
    void finished();

private:
    struct Instance
    {
        QProcess *process = nullptr; // a child of the runner
        QByteArray out; // a partial line not yet ended by a newline
        QByteArray err;
        QStringList stderrTail;
        int intervals = 0; // interval lines read
        std::optional<QJsonObject> final;
        QMap<QString, LatencyBuckets> cumulative; // the latest --latency-buckets
        bool exited = false;
        bool failed = false;
    };
    struct Group
    {
        QMap<int, FleetPart> parts; // by instance
        qint64 deadlineMs = 0; // on m_clock: two intervals after its first line
    };

    void readOutput(int index);
    void readErrors(int index);
    void takeLine(int index, const QByteArray &bytes);
    void childEnded(int index, int exitCode, bool crashed);
    void childError(int index);
    void emitReadyGroups(bool graceOver);
    void emitGroup(int interval, Group &group);
    void checkEnd();
    bool ended(int index) const;
    QString describeFailure(int index, const QString &what) const;

    Options m_options;
    std::vector<std::unique_ptr<Instance>> m_instances;
    std::unique_ptr<QTemporaryDir> m_boardDir;
    std::map<int, Group> m_groups;
    QMap<int, FleetPart> m_finalParts; // by instance
    int m_nextGroup = 0;
    QElapsedTimer m_clock;
    QTimer m_grace;
    QTimer m_killTimer;
    std::optional<QJsonObject> m_finalTotal;
    bool m_started = false;
    bool m_starting = false; // inside start(): the end is checked once it returns
    bool m_finishedEmitted = false;
};

} // namespace CacheScope
