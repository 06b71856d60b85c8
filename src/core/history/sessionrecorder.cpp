#include "sessionrecorder.h"

#include "core/engine/queryengine.h"
#include "core/report/runjson.h"
#include "core/session/configjson.h"
#include "core/session/runsession.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

/// The history's own thread: opens the file on first use, writes what it is sent.
class SessionRecorder::Writer : public QObject
{
public:
    Writer(QString path, int keep)
        : m_path(std::move(path))
        , m_keep(keep)
    {
    }

    // Each returns an error to report (on the recorder's thread), if any.
    std::optional<Error> begin(const RunStart &start)
    {
        m_id = 0;
        if (!m_history) {
            Result<std::unique_ptr<RunHistory>> opened = RunHistory::open(m_path);
            if (!opened)
                return opened.error();
            m_history = std::move(opened.value());
        }
        const Result<qint64> id = m_history->begin(start);
        if (!id)
            return id.error();
        m_id = id.value();
        return std::nullopt;
    }
    std::optional<Error> point(qint64 tMs, const QJsonObject &point)
    {
        if (!m_history || m_id == 0)
            return std::nullopt;
        if (const Result<bool> kept = m_history->addPoint(m_id, tMs, point); !kept) {
            m_id = 0; // this run is not recorded further
            return kept.error();
        }
        return std::nullopt;
    }
    /// The id recorded, or an error.
    Result<qint64> finish(qint64 durationMs, const QJsonObject &summary)
    {
        if (!m_history || m_id == 0)
            return qint64(0);
        const qint64 id = std::exchange(m_id, 0);
        if (const Result<void> done = m_history->finish(id, durationMs, summary, m_keep); !done)
            return done.error();
        return id;
    }
    void close() { m_history.reset(); }

private:
    QString m_path;
    int m_keep;
    std::unique_ptr<RunHistory> m_history;
    qint64 m_id = 0;
};

SessionRecorder::SessionRecorder(
    RunSession *session, QString historyPath, QObject *parent, int keep)
    : QObject(parent)
    , m_session(session)
    , m_path(std::move(historyPath))
    , m_writer(new Writer(m_path, keep))
{
    m_thread.setObjectName(u"CacheScope run history"_s);
    m_writer->moveToThread(&m_thread);
    m_thread.start();
    connect(session, &RunSession::started, this, &SessionRecorder::onStarted);
    connect(session, &RunSession::finished, this, &SessionRecorder::onFinished);
    connect(session, &RunSession::tick, this, [this](double t, const MetricsSnapshot &s) {
        if (!m_recording)
            return;
        const QJsonObject point = runLineJson(intervalLine(qRound64(t * 1000.0), s), m_onPostgres);
        const qint64 tMs = qRound64(t * 1000.0);
        QMetaObject::invokeMethod(m_writer, [this, tMs, point] {
            if (const std::optional<Error> e = m_writer->point(tMs, point))
                QMetaObject::invokeMethod(this, [this, e] { emit failed(*e); });
        });
    });
}

SessionRecorder::~SessionRecorder()
{
    // The connection is closed on the thread that opened it.
    QMetaObject::invokeMethod(
        m_writer, [this] { m_writer->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_writer;
}

void SessionRecorder::flush()
{
    QMetaObject::invokeMethod(
        m_writer, [] {}, Qt::BlockingQueuedConnection);
}

void SessionRecorder::onStarted(bool continued)
{
    if (continued)
        return; // a scenario's restart: the same run goes on
    const RunConfig config = m_session->engine()->config();
    m_onPostgres = config.database.driver == DatabaseDriver::Postgres;
    RunStart start;
    start.kind = u"live"_s;
    start.config = runConfigToJson(config);
    if (const std::optional<Scenario> &scenario = m_session->scenario()) {
        start.config[u"scenario"_s] = scenario->id;
        start.name = scenario->title;
    }
    start.policy = config.cache.policy;
    start.capacity = describeCapacity(config.cache.capacity, config.cache.sizeUnit);
    start.workload = describeWorkload(config.workload);
    m_recording = true;
    QMetaObject::invokeMethod(m_writer, [this, start] {
        if (const std::optional<Error> e = m_writer->begin(start))
            QMetaObject::invokeMethod(this, [this, e] { emit failed(*e); });
    });
}

void SessionRecorder::onFinished()
{
    if (!m_recording)
        return; // a start that never ran
    m_recording = false;
    const MetricsSnapshot whole = makeSnapshot({}, m_session->totalReading());
    RunLine line = summaryLine(whole);
    line.shadows = m_session->engine()->shadowSnapshot();
    if (m_session->lastSnapshot())
        line.databaseBuffer = m_session->lastSnapshot()->databaseBufferHitRatioCumulative;
    const QJsonObject summary = runLineJson(line, m_onPostgres);
    const qint64 durationMs = whole.elapsedMs;
    QMetaObject::invokeMethod(m_writer, [this, durationMs, summary] {
        const Result<qint64> id = m_writer->finish(durationMs, summary);
        QMetaObject::invokeMethod(this, [this, id] {
            if (!id)
                emit failed(id.error());
            else if (id.value() > 0)
                emit recorded(id.value());
        });
    });
}

} // namespace CacheScope
