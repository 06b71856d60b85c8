#include "tracereplayer.h"

#include "queuedcontinuation.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QtConcurrent>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

struct TaskResult
{
    std::optional<Error> error;
    bool cancelled = false;
    TraceReplayOutcome outcome;
    std::shared_ptr<const ReplayStream> trace;
};

QString traceKey(const TraceReplayRequest &r)
{
    const QFileInfo info(r.path);
    return QStringList { info.absoluteFilePath(), traceFormatName(r.options.format),
        QString::number(r.options.csv.keyColumn), QString::number(r.options.csv.sizeColumn),
        QString::number(r.options.csv.timeColumn), r.options.csv.header ? u"h"_s : u"-"_s,
        QString(r.options.csv.delimiter), QString::number(info.size()),
        QString::number(info.lastModified().toMSecsSinceEpoch()) }
        .join(u'|');
}

} // namespace

TraceReplayer::TraceReplayer(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(1); // the simulations fan out on runSimulations()'s own pool
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, [this] {
        if (!m_job)
            return;
        const qint64 total = m_job->total.load();
        const double fraction = total > 0 ? double(m_job->done.load()) / double(total) : 0.0;
        emit progressChanged(Phase(m_job->phase.load()), std::clamp(fraction, 0.0, 1.0));
    });
}

TraceReplayer::~TraceReplayer()
{
    if (m_job)
        m_job->cancel = true;
    m_pool.waitForDone();
}

Result<void> TraceReplayer::start(const TraceReplayRequest &request)
{
    if (m_running)
        return Error { u"a replay is already running"_s, {}, 0, {}, {} };
    if (request.path.trimmed().isEmpty())
        return Error { u"choose a trace file first"_s, {}, 0, u"trace"_s, {} };
    if (!QFileInfo(request.path).isFile())
        return Error { u"no such file"_s, request.path, 0, u"trace"_s, request.path };
    ReplaySpec spec;
    spec.policies = request.policies;
    spec.capacities = request.capacities;
    spec.sizeUnit = request.sizeUnit;
    spec.policyOption = u"policy"_s;
    spec.capacityOption = u"capacities"_s;
    spec.capacityOrder = CapacityOrder::Ascending; // the chart's x axis
    Result<ReplayPlan> plan = ReplayPlan::create(spec);
    if (!plan)
        return plan.error();

    const QString key = traceKey(request);
    std::shared_ptr<const ReplayStream> cached = m_cached.key == key ? m_cached.trace : nullptr;
    auto job = std::make_shared<Job>();
    m_job = job;
    m_running = true;
    const quint64 generation = ++m_generation;
    m_progressTimer.start();
    emit progressChanged(cached ? Phase::Simulating : Phase::Reading, 0);

    auto task
        = QtConcurrent::run(&m_pool, [request, replayPlan = std::move(plan).value(), cached, job] {
              ReplayPlan replay = replayPlan;
              TaskResult r;
              QElapsedTimer clock;
              clock.start();
              std::shared_ptr<const ReplayStream> trace = cached;
              if (!trace) {
                  Result<ReplayStream> loaded = readReplayTrace(request.path, request.options,
                      &job->cancel, [job](qint64 done, qint64 total) {
                          job->done.store(done);
                          job->total.store(total);
                      });
                  if (job->cancel.load()) {
                      r.cancelled = true;
                      return r;
                  }
                  if (!loaded) {
                      r.error = loaded.error();
                      return r;
                  }
                  // Once per trace, whatever the policies: opt needs it, the rest ignore it.
                  loaded->annotateNextAccess();
                  trace = std::make_shared<const ReplayStream>(std::move(loaded).value());
                  r.outcome.readSeconds = double(clock.nsecsElapsed()) / 1e9;
              } else {
                  r.outcome.traceReused = true;
              }
              r.trace = trace;
              if (const Result<void> ok = replay.resolve(*trace); !ok) {
                  r.error = ok.error();
                  return r;
              }
              const std::vector<qint64> &resolved = replay.capacities();

              job->phase.store(int(Phase::Simulating));
              job->done.store(0);
              job->total.store(0);
              SimulationOptions options;
              options.threads = request.threads;
              options.cancel = &job->cancel;
              options.progress = [job](quint64 done, quint64 total) {
                  job->done.store(qint64(done));
                  job->total.store(qint64(total));
              };
              clock.restart();
              Result<std::vector<SimulationResult>> results = replay.run(*trace, options);
              if (job->cancel.load()) {
                  r.cancelled = true;
                  return r;
              }
              if (!results) {
                  r.error = results.error();
                  return r;
              }
              if (replay.policies().contains(u"lru"_s)) {
                  // One O(n log n) pass gives LRU at every capacity: the line the replayed LRU
                  // points must lie on.
                  const MissRatioCurve curve = exactLruCurve(trace->requests, request.sizeUnit);
                  // From the smallest replayed capacity to the largest, through each of them.
                  std::vector<qint64> at = curveCapacities(resolved.back(), curvePoints);
                  std::erase_if(at, [&](qint64 c) { return c < resolved.front(); });
                  at.insert(at.end(), resolved.begin(), resolved.end());
                  std::sort(at.begin(), at.end());
                  at.erase(std::unique(at.begin(), at.end()), at.end());
                  r.outcome.lruCurve = curve.points(at);
              }
              r.outcome.simulateSeconds = double(clock.nsecsElapsed()) / 1e9;
              r.outcome.path = trace->name;
              r.outcome.format = trace->format;
              r.outcome.requests = qint64(trace->requests.size());
              r.outcome.uniqueObjects = trace->uniqueObjects;
              r.outcome.uniqueBytes = trace->uniqueBytes;
              r.outcome.sizeUnit = request.sizeUnit;
              r.outcome.results = std::move(results).value();
              return r;
          });
    thenQueued(task, this, [this, generation, key](const TaskResult &r) {
        if (generation != m_generation)
            return; // superseded
        m_running = false;
        m_progressTimer.stop();
        m_job.reset();
        if (r.trace)
            m_cached = { key, r.trace };
        if (r.cancelled)
            emit cancelled();
        else if (r.error)
            emit failed(*r.error);
        else
            emit finished(r.outcome);
    });
    return {};
}

void TraceReplayer::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

} // namespace CacheScope
