// The pipeline I/O model (RunConfig::io): an event loop with its share of the run's logical
// clients on one PostgreSQL connection in libpq pipeline mode. docs/architecture.md, "The
// pipeline I/O model".

#include "core/db/pgpipeline.h"
#include "core/engine/engineworker.h"
#include "core/workload/xoshiro256.h"

#include <QThread>

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <queue>
#include <unordered_map>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Detail {

namespace {

constexpr int pollCapMs = 20; // how late the loop may notice a stop, pause or change
constexpr int issueBudget = 512; // requests started per turn before the socket is read again

// Statement indexes on the pipeline connection.
enum Statement : int {
    PointStatement,
    RangeStatement,
    AggregateStatement,
    WriteStatement,
    CustomStatement
};

class PipelineLoop
{
public:
    PipelineLoop(const std::shared_ptr<EngineRun> &run, int index)
        : m_run(*run)
        , m_index(index)
        , m_slot(run->slot(index))
        , m_rng(mixKey(run->settings()->workload.seed
              ^ mixKey(0x706970656c696eULL + quint64(drawerStream(run->instance, index)))))
    {
    }

    void run()
    {
        for (;;) {
            if (m_run.isStopping())
                break;
            if (m_index >= m_run.threadTarget()) {
                if (m_run.keepClaim(m_index))
                    continue;
                break;
            }
            if (m_run.settingsVersion() != m_version)
                reload();
            if (!m_conn && !connect())
                continue;
            const bool paused = m_run.isPaused();
            if (paused && m_inFlight == 0 && m_delayed.empty()) {
                waitWhilePaused();
                m_scheduled = false; // the open-loop schedule restarts on resume
                continue;
            }
            if (!paused)
                issue();
            if (!m_conn)
                continue; // a send failed: the connection is gone
            if (m_conn->groupOpen() && !m_conn->sync()) {
                connectionLost();
                continue;
            }
            if (!m_conn->flush()) {
                connectionLost();
                continue;
            }
            pollSocket(paused ? pollCapMs : timeoutMs());
            m_answers.clear();
            const bool alive = m_conn->receive(m_answers);
            for (PgPipeline::Answer &answer : m_answers)
                arrived(std::move(answer));
            if (!alive) {
                connectionLost();
                continue;
            }
            deliverDue(steadyNowNs());
            m_slot.inFlight.store(m_inFlight, std::memory_order_relaxed);
        }
        leave();
    }

private:
    enum class State { Idle, Sent, Joined };
    struct Client
    {
        State state = State::Idle;
        bool queued = false; // in m_idle or m_thinking
        bool isWrite = false;
        TemplateKind kind = TemplateKind::Point;
        int statement = PointStatement;
        qint64 parameter = 0;
        Key key = 0;
        qint64 intendedNs = 0; // open loop: the scheduled start; else issuedNs
        qint64 issuedNs = 0;
        qint64 sentNs = 0;
        ResultCache::LoadTicket ticket; // a read's load while Sent
        std::vector<int> waiters; // single-flight: clients of this loop waiting for this load
        bool answeredWrite = false; // a write answered, waiting for its group's sync
        QList<QVariantList> written; // its answer (RETURNING version), recorded at the sync
    };
    struct Delayed
    {
        qint64 visibleNs;
        PgPipeline::Answer answer;
    };

    // --- settings, connection ---

    void reload()
    {
        m_version = m_run.settingsVersion();
        const std::shared_ptr<const WorkerSettings> previous
            = std::exchange(m_settings, m_run.settings());
        const WorkerSettings &s = *m_settings;
        if (!previous || previous->loadModel != s.loadModel)
            m_scheduled = false;
        if (!m_generator || s.workloadVersion != m_workloadVersion) {
            if (std::unique_ptr<KeyGenerator> g = workerKeyGenerator(
                    s.workload, drawerStream(m_run.instance, m_index), s.ioThreads))
                m_generator = std::move(g);
            m_workloadVersion = s.workloadVersion;
        }
        const int loops = std::max(1, s.ioThreads);
        const int target = s.inFlight / loops + (m_index < s.inFlight % loops ? 1 : 0);
        const int was = m_target;
        m_target = std::max(1, target);
        if (std::size_t(m_target) > m_clients.size())
            m_clients.resize(std::size_t(m_target));
        for (int c = std::min(was, m_target); c < m_target; ++c) {
            Client &client = m_clients[std::size_t(c)];
            if (client.state == State::Idle && !client.queued) {
                client.queued = true;
                m_idle.push_back(c);
            }
        }
        // Clients above the target finish what they have in flight and are not started again.
        m_intervalNs = s.targetRate > 0
            ? std::max<qint64>(1, qint64(double(loops) * 1e9 / s.targetRate))
            : 1;
    }

    bool connect()
    {
        QList<SqlTemplate> templates { m_run.point, m_run.range, m_run.aggregate, m_run.write };
        QList<bool> required { false, false, false, false };
        if (m_run.custom) {
            templates << *m_run.custom;
            required << true;
        } else {
            const WorkerSettings &s = *m_settings;
            required[PointStatement] = s.pointUpTo > 0;
            required[RangeStatement] = s.rangeUpTo > s.pointUpTo;
            required[AggregateStatement] = s.rangeUpTo < 1.0;
        }
        required[WriteStatement] = m_settings->writeRatio > 0;
        Result<std::unique_ptr<PgPipeline>> opened
            = PgPipeline::open(m_run.database, templates, required);
        if (!opened) {
            m_run.reportError(opened.error());
            m_slot.counters.addOwned(Counter::Errors);
            backOff();
            return false;
        }
        m_conn = std::move(opened).value();
        m_description = m_conn->description();
        if (m_backoffNs) {
            m_backoffNs = 0;
            m_run.endErrorStreak();
        }
        return true;
    }

    void backOff()
    {
        m_backoffNs = nextDatabaseBackoffNs(m_backoffNs);
        sleepUntil(steadyNowNs() + m_backoffNs);
    }

    /// The connection broke: every request waiting for it fails (an error each), and the loop
    /// reconnects after a backoff.
    void connectionLost(int alsoFailing = -1)
    {
        const Error error = m_conn->lastError();
        // Answers already read stay valid: deliver them now, whatever their delay.
        deliverDue(std::numeric_limits<qint64>::max());
        const std::vector<quint64> lost = m_conn->takeUnanswered();
        m_conn.reset();
        for (const quint64 tag : lost)
            fail(int(tag), error);
        if (alsoFailing >= 0)
            fail(alsoFailing, error); // its send failed: never queued
        for (const int c : m_resend)
            fail(c, error);
        // Writes answered whose sync never came: whether they committed is unknown; counted as
        // errors, their keys invalidated all the same.
        for (std::size_t c = 0; c < m_clients.size(); ++c) {
            Client &client = m_clients[c];
            if (client.state == State::Sent && client.isWrite && client.answeredWrite) {
                invalidateWritten(client.parameter);
                fail(int(c), error);
            }
        }
        m_resend.clear();
        m_awaitingSync.clear();
        m_inFlight = 0;
        m_slot.inFlight.store(0, std::memory_order_relaxed);
        m_run.reportError(error);
        backOff();
    }

    // --- issuing ---

    void issue()
    {
        // Reads an aborted group took with it go again first (they did nothing wrong).
        if (!m_resend.empty()) {
            std::vector<int> again;
            again.swap(m_resend);
            for (const int c : again) {
                if (!send(c))
                    return;
            }
        }
        const WorkerSettings &s = *m_settings;
        const qint64 now = steadyNowNs();
        while (!m_thinking.empty() && m_thinking.top().first <= now) {
            m_idle.push_back(m_thinking.top().second); // still queued
            m_thinking.pop();
        }
        for (int budget = issueBudget; budget > 0 && !m_idle.empty() && m_conn; --budget) {
            if (m_run.settingsVersion() != m_version)
                break; // a change (the load model, the in-flight count) applies from now
            qint64 intendedNs = 0;
            if (s.loadModel == LoadModel::OpenLoop) {
                const qint64 t = steadyNowNs();
                if (!m_scheduled) {
                    m_nextNs = t;
                    m_scheduled = true;
                }
                if (t < m_nextNs)
                    break;
                intendedNs = m_nextNs;
                m_nextNs += m_intervalNs;
            }
            const int c = m_idle.back();
            m_idle.pop_back();
            m_clients[std::size_t(c)].queued = false;
            if (c >= m_target)
                continue; // the in-flight count went down: this client stops
            start(c, intendedNs);
        }
    }

    void start(int c, qint64 intendedNs)
    {
        Client &client = m_clients[std::size_t(c)];
        const WorkerSettings &s = *m_settings;
        client.parameter = qint64(m_generator->next());
        client.issuedNs = steadyNowNs();
        client.intendedNs = intendedNs ? intendedNs : client.issuedNs;
        client.isWrite = s.writeRatio > 0 && m_rng.nextDouble() < s.writeRatio;
        client.answeredWrite = false;
        if (client.isWrite) {
            client.kind = TemplateKind::Write;
            client.statement = WriteStatement;
            client.state = State::Sent;
            // A write is alone in its group, so that it commits at its own sync.
            if (m_conn->groupOpen() && !m_conn->sync()) {
                connectionLost();
                return;
            }
            if (send(c) && m_conn)
                m_conn->sync();
            return;
        }
        const SqlTemplate &read = pickRead(client);
        client.key = read.cacheKey(client.parameter);
        if (std::optional<CachedResult> value = m_run.cache->lookup(client.key)) {
            const qint64 doneNs = steadyNowNs();
            Counters &counters = m_slot.counters;
            counters.addOwned(Counter::Requests);
            counters.addOwned(Counter::Hits);
            m_slot.hitLatency.recordOwned(doneNs - client.intendedNs);
            judgeStaleness(m_run, m_slot, client.parameter, value->version);
            offerShadow(client.key, *value);
            if (m_run.observer)
                observe(client, LoadOutcome::Hit, doneNs, *value, {});
            finished(c);
            return;
        }
        if (m_run.cache->isSingleFlight()) {
            const auto it = m_loading.find(client.key);
            if (it != m_loading.end()) {
                Client &leader = m_clients[std::size_t(it->second)];
                // A load that began before a write of its key (here or on another loop) is
                // not shared with a request that began after it.
                if (m_run.cache->isLoadCurrent(leader.ticket)) {
                    m_run.cache->countSingleFlightWait(client.key);
                    client.state = State::Joined;
                    leader.waiters.push_back(c);
                    return;
                }
                it->second = c;
            } else {
                m_loading.emplace(client.key, c);
            }
        }
        client.ticket = m_run.cache->beginLoad(client.key);
        client.state = State::Sent;
        send(c);
    }

    bool send(int c)
    {
        Client &client = m_clients[std::size_t(c)];
        client.sentNs = steadyNowNs();
        if (!m_conn->send(client.statement, client.parameter, quint64(c))) {
            connectionLost(c);
            return false;
        }
        ++m_inFlight;
        return true;
    }

    const SqlTemplate &pickRead(Client &client)
    {
        if (m_run.custom) {
            client.kind = TemplateKind::Custom;
            client.statement = CustomStatement;
            return *m_run.custom;
        }
        const WorkerSettings &s = *m_settings;
        const double u = s.pointUpTo >= 1.0 ? 0.0 : m_rng.nextDouble();
        if (u < s.pointUpTo) {
            client.kind = TemplateKind::Point;
            client.statement = PointStatement;
            return m_run.point;
        }
        if (u < s.rangeUpTo) {
            client.kind = TemplateKind::Range;
            client.statement = RangeStatement;
            return m_run.range;
        }
        client.kind = TemplateKind::Aggregate;
        client.statement = AggregateStatement;
        return m_run.aggregate;
    }

    // --- answers ---

    /// An answer read from the socket: handled now, or when the simulated round trip is over.
    void arrived(PgPipeline::Answer &&answer)
    {
        const int delayMs = m_run.database.simulatedDelayMs;
        if (delayMs <= 0 && m_delayed.empty()) {
            handle(std::move(answer));
            return;
        }
        qint64 visible = m_delayed.empty() ? 0 : m_delayed.back().visibleNs;
        if (!answer.isSync)
            visible = std::max(
                visible, m_clients[std::size_t(answer.tag)].sentNs + qint64(delayMs) * 1'000'000);
        m_delayed.push_back({ visible, std::move(answer) });
    }

    void deliverDue(qint64 nowNs)
    {
        while (!m_delayed.empty() && m_delayed.front().visibleNs <= nowNs) {
            PgPipeline::Answer answer = std::move(m_delayed.front().answer);
            m_delayed.pop_front();
            handle(std::move(answer));
        }
    }

    void handle(PgPipeline::Answer &&answer)
    {
        if (answer.isSync) {
            m_slot.counters.addOwned(Counter::PipelineSyncs);
            // The writes of the group that ended are committed now.
            std::vector<int> writes;
            writes.swap(m_awaitingSync);
            for (const int c : writes)
                writeCommitted(c);
            return;
        }
        const int c = int(answer.tag);
        Client &client = m_clients[std::size_t(c)];
        --m_inFlight;
        if (answer.aborted) {
            m_resend.push_back(c); // it goes again (send() counts it in flight then)
            return;
        }
        if (client.isWrite) {
            if (answer.result) {
                client.answeredWrite = true;
                client.written = std::move(answer.result->rows);
                m_awaitingSync.push_back(c);
            } else {
                fail(c, answer.result.error());
            }
            return;
        }
        if (!answer.result) {
            fail(c, answer.result.error());
            return;
        }
        CachedResult value;
        value.rows = std::move(answer.result->rows);
        value.sizeBytes = answer.result->approximateBytes;
        value.version = CachedResult::rowVersion(answer.result->columns, value.rows);
        m_run.cache->finishLoad(client.ticket, value);
        endLoad(client);
        const qint64 doneNs = steadyNowNs();
        completeMiss(c, LoadOutcome::Loaded, value, doneNs);
        std::vector<int> waiters;
        waiters.swap(client.waiters);
        for (const int w : waiters)
            completeMiss(w, LoadOutcome::Waited, value, doneNs);
        m_backoffNs = 0;
        m_run.endErrorStreak();
    }

    void completeMiss(int c, LoadOutcome outcome, const CachedResult &value, qint64 doneNs)
    {
        Client &client = m_clients[std::size_t(c)];
        Counters &counters = m_slot.counters;
        counters.addOwned(Counter::Requests);
        counters.addOwned(Counter::Misses);
        if (outcome == LoadOutcome::Waited)
            counters.addOwned(Counter::SingleFlightWaits);
        m_slot.missLatency.recordOwned(doneNs - client.intendedNs);
        offerShadow(client.key, value);
        if (m_run.observer)
            observe(client, outcome, doneNs, value, {});
        finished(c);
    }

    void writeCommitted(int c)
    {
        Client &client = m_clients[std::size_t(c)];
        recordWrittenVersion(m_run, std::exchange(client.written, {}), client.parameter);
        invalidateWritten(client.parameter);
        const qint64 doneNs = steadyNowNs();
        Counters &counters = m_slot.counters;
        counters.addOwned(Counter::Requests);
        counters.addOwned(Counter::Writes);
        m_slot.writeLatency.recordOwned(doneNs - client.intendedNs);
        if (m_run.observer)
            observe(client, LoadOutcome::Loaded, doneNs, {}, {});
        finished(c);
    }

    void invalidateWritten(qint64 parameter)
    {
        ShadowProducer *shadow = shadowProducer();
        for (const Key key : m_run.write.affectedKeys(parameter)) {
            m_run.cache->invalidate(key);
            if (shadow)
                shadow->invalidate(key);
        }
        if (m_run.custom) {
            const Key key = m_run.custom->cacheKey(parameter);
            m_run.cache->invalidate(key);
            if (shadow)
                shadow->invalidate(key);
        }
    }

    /// Request `c` failed (and, for a read it loaded, every client waiting for that load).
    void fail(int c, const Error &error)
    {
        Client &client = m_clients[std::size_t(c)];
        if (client.state == State::Idle)
            return;
        std::vector<int> failing { c };
        if (!client.isWrite) {
            if (client.ticket.isActive())
                m_run.cache->finishLoad(client.ticket, error);
            endLoad(client);
            failing.insert(failing.end(), client.waiters.begin(), client.waiters.end());
            client.waiters.clear();
        }
        const qint64 doneNs = steadyNowNs();
        for (const int f : failing) {
            Client &failed = m_clients[std::size_t(f)];
            Counters &counters = m_slot.counters;
            counters.addOwned(Counter::Requests);
            counters.addOwned(failed.isWrite ? Counter::Writes : Counter::Misses);
            counters.addOwned(Counter::Errors);
            if (!failed.isWrite && f != c)
                counters.addOwned(Counter::SingleFlightWaits);
            if (m_run.observer)
                observe(
                    failed, f == c ? LoadOutcome::Loaded : LoadOutcome::Waited, doneNs, {}, error);
            finished(f);
        }
        m_run.reportError(error);
    }

    void endLoad(const Client &client)
    {
        if (const auto it = m_loading.find(client.key);
            it != m_loading.end() && &m_clients[std::size_t(it->second)] == &client)
            m_loading.erase(it);
    }

    /// Client `c` is done with its request: it starts its next one (after its think time).
    void finished(int c)
    {
        Client &client = m_clients[std::size_t(c)];
        client.state = State::Idle;
        client.isWrite = false;
        client.answeredWrite = false;
        client.written.clear();
        if (c >= m_target)
            return;
        client.queued = true;
        const WorkerSettings &s = *m_settings;
        if (s.loadModel == LoadModel::ClosedLoop && s.thinkTimeMs > 0)
            m_thinking.emplace(steadyNowNs() + qint64(s.thinkTimeMs) * 1'000'000, c);
        else
            m_idle.push_back(c);
    }

    // --- waiting ---

    /// How long poll() may wait: 0 while clients are ready to start, else until the next
    /// simulated answer, scheduled start or end of a think time (at most pollCapMs).
    int timeoutMs() const
    {
        const WorkerSettings &s = *m_settings;
        const bool openLoop = s.loadModel == LoadModel::OpenLoop;
        if (!m_resend.empty() || (!m_idle.empty() && !openLoop))
            return 0;
        const qint64 now = steadyNowNs();
        qint64 until = now + qint64(pollCapMs) * 1'000'000;
        if (!m_delayed.empty())
            until = std::min(until, m_delayed.front().visibleNs);
        if (openLoop && !m_idle.empty())
            until = std::min(until, m_scheduled ? m_nextNs : now);
        if (!m_thinking.empty())
            until = std::min(until, m_thinking.top().first);
        if (until <= now)
            return 0;
        return int((until - now + 999'999) / 1'000'000);
    }

    void pollSocket(int timeoutMs)
    {
        pollfd fd {};
        fd.fd = m_conn->socket();
        fd.events = short(POLLIN | (m_conn->wantsWrite() ? POLLOUT : 0));
        (void)::poll(&fd, 1, timeoutMs);
    }

    bool interrupted() const
    {
        return m_run.isStopping() || m_index >= m_run.threadTarget()
            || m_run.settingsVersion() != m_version;
    }

    void sleepUntil(qint64 deadlineNs)
    {
        const std::chrono::steady_clock::time_point deadline { std::chrono::nanoseconds(
            deadlineNs) };
        std::unique_lock lock(m_slot.waitMutex);
        m_slot.wake.wait_until(lock, deadline, [this] { return interrupted(); });
    }

    void waitWhilePaused()
    {
        std::unique_lock lock(m_slot.waitMutex);
        m_slot.wake.wait(lock, [this] {
            return !m_run.isPaused() || m_run.isStopping() || m_index >= m_run.threadTarget();
        });
    }

    /// The run stopped: answers still on their way are not waited for (closing the connection
    /// abandons them), and no load of this loop stays registered in the cache.
    void leave()
    {
        const Error stopped { u"the run stopped before the answer came"_s, m_description, 0, {},
            {} };
        for (Client &client : m_clients) {
            if (client.ticket.isActive())
                m_run.cache->finishLoad(client.ticket, stopped);
        }
        m_conn.reset();
        m_slot.inFlight.store(0, std::memory_order_relaxed);
    }

    // --- shadows, observer ---

    ShadowProducer *shadowProducer()
    {
        if (!m_shadow) {
            if (ShadowSet *set = m_run.shadows.load(std::memory_order_acquire))
                m_shadow = &set->producer(m_index);
        }
        return m_shadow;
    }

    void offerShadow(Key key, const CachedResult &value)
    {
        if (ShadowProducer *shadow = shadowProducer())
            shadow->offer(key, quint32(std::clamp<qint64>(value.sizeBytes, 1, UINT32_MAX)));
    }

    void observe(const Client &client, LoadOutcome outcome, qint64 doneNs,
        const CachedResult &value, const Error &error) const
    {
        ObservedRequest seen;
        seen.runId = m_run.id;
        seen.worker = m_index;
        seen.kind = client.kind;
        seen.parameter = client.parameter;
        seen.outcome = outcome;
        seen.counted = true;
        seen.intendedNs = client.intendedNs;
        seen.issuedNs = client.issuedNs;
        seen.completedNs = doneNs;
        seen.thread = QThread::currentThreadId();
        seen.connection = outcome == LoadOutcome::Loaded ? m_description : QString();
        seen.ok = error.message.isEmpty();
        if (seen.ok)
            seen.result = value;
        else
            seen.error = error;
        m_run.observer(seen);
    }

    EngineRun &m_run;
    const int m_index;
    WorkerSlot &m_slot;
    Xoshiro256 m_rng;
    quint64 m_version = ~quint64(0);
    quint64 m_workloadVersion = 0;
    std::shared_ptr<const WorkerSettings> m_settings;
    std::unique_ptr<KeyGenerator> m_generator;
    std::unique_ptr<PgPipeline> m_conn;
    QString m_description;

    std::vector<Client> m_clients;
    int m_target = 0; // clients this loop runs now
    std::vector<int> m_idle; // ready to start a request
    std::priority_queue<std::pair<qint64, int>, std::vector<std::pair<qint64, int>>,
        std::greater<>>
        m_thinking; // (ready at, client), closed loop with think time
    std::unordered_map<Key, int> m_loading; // single-flight: key -> the client loading it
    std::vector<int> m_resend; // reads of an aborted group, to send again
    std::vector<int> m_awaitingSync; // writes answered, committed at the next sync
    std::deque<Delayed> m_delayed; // answers held for the simulated round trip
    std::vector<PgPipeline::Answer> m_answers; // scratch
    int m_inFlight = 0;

    qint64 m_intervalNs = 1; // open loop: between this loop's intended starts
    qint64 m_nextNs = 0;
    bool m_scheduled = false;
    qint64 m_backoffNs = 0;
    ShadowProducer *m_shadow = nullptr;
};

} // namespace

void runPipelineLoop(const std::shared_ptr<EngineRun> &run, int index)
{
    PipelineLoop(run, index).run();
    run->workerLeft();
}

} // namespace CacheScope::Detail
