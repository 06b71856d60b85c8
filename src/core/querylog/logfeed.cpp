#include "core/querylog/logfeed.h"

#include <QLocale>

#include <chrono>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr std::size_t laneCapacity = 1024; // statements queued per worker

} // namespace

QueryLogFeed::QueryLogFeed(QueryLogReplay spec, int lanes)
    : m_spec(std::move(spec))
{
    for (int i = 0; i < std::max(1, lanes); ++i)
        m_lanes.push_back(std::make_unique<Lane>());
}

QueryLogFeed::~QueryLogFeed() { stop(); }

Result<void> QueryLogFeed::open()
{
    Result<std::unique_ptr<QueryLogReader>> reader
        = QueryLogReader::open(m_spec.path, m_spec.options);
    if (!reader)
        return reader.error();
    m_reader = std::move(reader).value();
    m_fileSize = m_reader->fileSize();
    return {};
}

void QueryLogFeed::start()
{
    if (m_thread.joinable() || !m_reader)
        return;
    m_thread = std::thread([this] { readLoop(); });
}

void QueryLogFeed::stop()
{
    m_stopping.store(true, std::memory_order_release);
    for (const auto &lane : m_lanes) {
        {
            std::lock_guard lock(lane->mutex);
        }
        lane->notFull.notify_all();
        lane->notEmpty.notify_all();
    }
    if (m_thread.joinable())
        m_thread.join();
    if (!m_done.load(std::memory_order_acquire))
        endLanes();
}

bool QueryLogFeed::push(int lane, ReplayStatement statement)
{
    Lane &l = *m_lanes[std::size_t(lane)];
    std::unique_lock lock(l.mutex);
    l.notFull.wait(lock, [&] {
        return l.queue.size() < laneCapacity || m_stopping.load(std::memory_order_acquire);
    });
    if (m_stopping.load(std::memory_order_acquire))
        return false;
    l.queue.push_back(std::move(statement));
    lock.unlock();
    l.notEmpty.notify_one();
    return true;
}

int QueryLogFeed::laneOf(const QByteArray &session)
{
    // New sessions go round the lanes in order of appearance, so a few sessions still spread
    // over all the workers (a hash would often put two on one lane and leave another idle). The
    // map forgets everything past maxSessions: a log does not say when a session ended, and a
    // long log of short connections must not grow it without bound.
    if (const auto it = m_sessionLanes.constFind(session); it != m_sessionLanes.cend())
        return it.value();
    if (m_sessionLanes.size() >= maxSessions)
        m_sessionLanes.clear();
    const int lane = m_nextLane;
    m_nextLane = (m_nextLane + 1) % int(m_lanes.size());
    m_sessionLanes.insert(session, lane);
    return lane;
}

void QueryLogFeed::endLanes()
{
    m_done.store(true, std::memory_order_release);
    for (const auto &lane : m_lanes) {
        {
            std::lock_guard lock(lane->mutex);
            lane->ended = true;
        }
        lane->notEmpty.notify_all();
    }
}

void QueryLogFeed::readLoop()
{
    StatementClassifier classifier;
    LoggedStatement logged;
    qint64 firstUs = -1;
    qint64 reads = 0;
    qint64 writes = 0;
    qint64 control = 0;
    qint64 prepared = 0;
    while (!m_stopping.load(std::memory_order_acquire)) {
        Result<bool> got = m_reader->next(logged);
        m_bytes.store(m_reader->bytesConsumed(), std::memory_order_relaxed);
        if (!got) {
            std::lock_guard lock(m_mutex);
            m_error = got.error();
            break;
        }
        if (!*got)
            break;
        NormalizedStatement n = classifier.classify(logged.session, logged.text);
        TemplateCounters *counters = m_templates.counters(n);
        m_templates.sawParameters(counters, n.parameterKey);
        ReplayStatement s;
        s.counters = counters;
        s.kind = n.kind;
        s.parameterKey = n.parameterKey;
        if (logged.timeUs >= 0) {
            if (firstUs < 0)
                firstUs = logged.timeUs;
            s.offsetNs = std::max<qint64>(0, logged.timeUs - firstUs) * 1000;
        }
        m_statements.fetch_add(1, std::memory_order_relaxed);
        switch (n.kind) {
        case StatementKind::Read:
            ++reads;
            break;
        case StatementKind::Write:
            ++writes;
            break;
        case StatementKind::Uncacheable:
            if (n.templateText.startsWith(u"prepare "_s)
                || n.templateText.startsWith(u"deallocate"_s)) {
                // A driver's PREPARE name AS ...: its EXECUTEs come with the statement text bound
                // in, and a second PREPARE of the name on a shared connection would fail.
                ++prepared;
                counters->calls.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            ++reads;
            break;
        case StatementKind::Control:
            ++control;
            // Lanes share connections between sessions: BEGIN on one session's lane would wrap
            // another session's statements. Each statement runs on its own (autocommit).
            counters->calls.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        s.text = std::move(logged.text);
        const int lane = laneOf(logged.session);
        if (!push(lane, std::move(s)))
            break;
    }
    {
        std::lock_guard lock(m_mutex);
        const QLocale c = QLocale::c();
        m_notes = m_reader->notes();
        if (control > 0)
            m_notes << u"%1 transaction control statements (BEGIN, COMMIT, ROLLBACK ...) not run: "
                       "sessions share the replay's connections, so each statement runs on its "
                       "own"_s.arg(c.toString(control));
        if (prepared > 0)
            m_notes << u"%1 PREPARE and DEALLOCATE statements not run: their EXECUTEs replay with "
                       "the statement's text"_s.arg(c.toString(prepared));
        if (reads == 0 && writes > 0)
            m_notes << u"the log has only writes (%1): nothing to cache"_s.arg(c.toString(writes));
    }
    endLanes();
}

QueryLogFeed::Take QueryLogFeed::take(int lane, ReplayStatement &out, int waitMs)
{
    Lane &l = *m_lanes[std::size_t(lane)];
    std::unique_lock lock(l.mutex);
    if (l.queue.empty() && !l.ended)
        l.notEmpty.wait_for(
            lock, std::chrono::milliseconds(waitMs), [&] { return !l.queue.empty() || l.ended; });
    if (l.queue.empty())
        return l.ended ? Take::End : Take::Timeout;
    out = std::move(l.queue.front());
    l.queue.pop_front();
    lock.unlock();
    l.notFull.notify_one();
    return Take::Statement;
}

void QueryLogFeed::laneFinished(int)
{
    if (m_finishedLanes.fetch_add(1, std::memory_order_acq_rel) + 1 == lanes() && onFinished)
        onFinished();
}

std::optional<Error> QueryLogFeed::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

QStringList QueryLogFeed::notes() const
{
    std::lock_guard lock(m_mutex);
    return m_notes;
}

} // namespace CacheScope
