#pragma once

#include "core/querylog/querylogreader.h"
#include "core/querylog/replayspec.h"
#include "core/querylog/sqlnormalizer.h"
#include "core/querylog/templatestats.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace CacheScope {

/// One statement on its way to a worker.
struct ReplayStatement
{
    QString text;
    TemplateCounters *counters = nullptr; // its template's, alive as long as the feed
    StatementKind kind = StatementKind::Read;
    Key parameterKey = 0;
    qint64 offsetNs = -1; // since the log's first timed statement; -1 when the log has no times
};

/// Reads a query log on its own thread and hands its statements to the engine's workers: every
/// session goes to one lane (a worker), so a session's statements run in the log's order, on one
/// connection. Lanes are bounded queues: the reader waits when the workers fall behind, so memory
/// stays flat however long the log. Templates and their counters live in templates().
class QueryLogFeed
{
public:
    /// `lanes`: the run's worker count, fixed for the replay.
    QueryLogFeed(QueryLogReplay spec, int lanes);
    ~QueryLogFeed();
    QueryLogFeed(const QueryLogFeed &) = delete;
    QueryLogFeed &operator=(const QueryLogFeed &) = delete;

    /// Opens the log (any thread; before start()): a missing file or an unknown format fails
    /// the run's start with the reader's error.
    Result<void> open();
    /// Starts the reading thread.
    void start();
    /// Stops reading and joins the thread; lanes end. Safe to repeat.
    void stop();

    /// A worker's next statement of `lane`: Statement, or End when the log is over for this lane
    /// (then never anything again), or Timeout after about `waitMs` with nothing to take.
    enum class Take { Statement, End, Timeout };
    Take take(int lane, ReplayStatement &out, int waitMs);
    /// The worker of `lane` has seen End; when the last lane does, `onFinished` runs (once, on
    /// that worker's thread).
    void laneFinished(int lane);
    std::function<void()> onFinished;

    int lanes() const { return int(m_lanes.size()); }
    const QueryLogReplay &spec() const { return m_spec; }
    TemplateStatsTable &templates() { return m_templates; }
    const TemplateStatsTable &templates() const { return m_templates; }

    /// The reader's error that ended the log early, if any (malformed input, unreadable file).
    std::optional<Error> error() const;
    /// The reader's notes and the feed's own (statements skipped, transaction control).
    QStringList notes() const;
    qint64 statementsRead() const { return m_statements.load(std::memory_order_relaxed); }
    qint64 bytesConsumed() const { return m_bytes.load(std::memory_order_relaxed); }
    qint64 fileSize() const { return m_fileSize; }
    bool readerDone() const { return m_done.load(std::memory_order_acquire); }

private:
    struct Lane
    {
        std::mutex mutex;
        std::condition_variable notEmpty;
        std::condition_variable notFull;
        std::deque<ReplayStatement> queue;
        bool ended = false;
    };
    void readLoop();
    /// The reader's: the lane of a session (its first statement picks the next lane in turn).
    int laneOf(const QByteArray &session);
    bool push(int lane, ReplayStatement statement);
    void endLanes();

    QueryLogReplay m_spec;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    std::unique_ptr<QueryLogReader> m_reader;
    TemplateStatsTable m_templates;
    static constexpr qsizetype maxSessions = 100000;
    QHash<QByteArray, int> m_sessionLanes; // the reader's
    int m_nextLane = 0;
    std::thread m_thread;
    std::atomic<bool> m_stopping { false };
    std::atomic<bool> m_done { false };
    std::atomic<int> m_finishedLanes { 0 };
    std::atomic<qint64> m_statements { 0 };
    std::atomic<qint64> m_bytes { 0 };
    qint64 m_fileSize = 0;
    mutable std::mutex m_mutex; // guards what follows
    std::optional<Error> m_error;
    QStringList m_notes;
};

} // namespace CacheScope
