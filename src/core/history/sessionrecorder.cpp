#include "sessionrecorder.h"

#include "core/engine/queryengine.h"
#include "core/history/runstarts.h"
#include "core/report/runjson.h"
#include "core/session/configjson.h"
#include "core/session/runsession.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

SessionRecorder::SessionRecorder(RunSession *session, HistoryWriter *writer, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_writer(writer)
{
    connect(session, &RunSession::started, this, &SessionRecorder::onStarted);
    connect(session, &RunSession::finished, this, &SessionRecorder::onFinished);
    connect(session, &RunSession::tick, this, [this](double t, const MetricsSnapshot &s) {
        if (m_ticket == 0)
            return;
        const qint64 tMs = qRound64(t * 1000.0);
        m_writer->point(m_ticket, tMs, runLineJson(intervalLine(tMs, s), m_onPostgres));
    });
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
    start.workload = liveWorkloadDescription(config);
    m_ticket = m_writer->begin(start);
}

void SessionRecorder::onFinished()
{
    if (m_ticket == 0)
        return; // a start that never ran
    const quint64 ticket = std::exchange(m_ticket, 0);
    const MetricsSnapshot whole = makeSnapshot({}, m_session->totalReading());
    RunLine line = summaryLine(whole);
    line.shadows = m_session->engine()->shadowSnapshot();
    if (m_session->lastSnapshot())
        line.databaseBuffer = m_session->lastSnapshot()->databaseBufferHitRatioCumulative;
    m_writer->finish(ticket, whole.elapsedMs, runLineJson(line, m_onPostgres));
}

} // namespace CacheScope
