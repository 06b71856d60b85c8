#include "core/engine/simulationrunner.h"

#include "core/keyindexmap.h"
#include "core/policy/policyregistry.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <QtConcurrent>

#include <cmath>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr qsizetype simulationChunk = 1 << 16; // requests between cancel and progress checks

} // namespace

void annotateNextAccess(std::vector<Request> &requests)
{
    KeyIndexMap last(1024);
    std::vector<qint64> positions; // last seen position per distinct key, by map slot value
    for (qint64 i = qint64(requests.size()) - 1; i >= 0; --i) {
        Request &r = requests[std::size_t(i)];
        const quint32 slot = last.find(r.key);
        if (slot == KeyIndexMap::npos) {
            r.nextAccess = -1;
            last.insert(r.key, quint32(positions.size()));
            positions.push_back(i);
        } else {
            r.nextAccess = positions[slot];
            positions[slot] = i;
        }
    }
}

Result<std::vector<SimulationResult>> runSimulations(const std::vector<Request> &requests,
    const std::vector<SimulationJob> &jobs, const SimulationOptions &options)
{
    if (requests.empty())
        return Error { u"the request stream is empty"_s, {}, 0, {}, {} };
    // Validate everything before anything runs: no partial results for a bad job list.
    std::vector<std::unique_ptr<CachePolicy>> policies;
    bool anyNeedsFuture = false;
    for (const SimulationJob &job : jobs) {
        Result<std::unique_ptr<CachePolicy>> p = createPolicy(
            job.policy, { job.capacity, options.sizeUnit, options.seed, options.redis });
        if (!p)
            return p.error();
        anyNeedsFuture = anyNeedsFuture || findPolicy(job.policy)->needsFuture;
        policies.push_back(std::move(p).value());
    }
    if (anyNeedsFuture && !options.nextAccessAnnotated)
        return Error { u"needs the whole future of the request stream (Belady); it runs only on a "
                       "finite trace or stream that was annotated with annotateNextAccess()"_s,
            {}, 0, u"policy"_s, u"opt"_s };

    QThreadPool pool;
    pool.setMaxThreadCount(options.threads > 0 ? options.threads : QThread::idealThreadCount());
    std::vector<SimulationResult> results(jobs.size());
    std::atomic<quint64> done { 0 };
    const quint64 total = quint64(requests.size()) * jobs.size();
    const std::span<const Request> all(requests);

    for (std::size_t j = 0; j < jobs.size(); ++j) {
        CachePolicy *policy = policies[j].get();
        SimulationResult *result = &results[j];
        pool.start([&, policy, result] {
            QElapsedTimer timer;
            qint64 elapsedNs = 0;
            for (std::size_t pos = 0; pos < all.size(); pos += simulationChunk) {
                if (options.cancel && options.cancel->load(std::memory_order_relaxed))
                    break;
                const auto chunk
                    = all.subspan(pos, std::min<std::size_t>(simulationChunk, all.size() - pos));
                timer.start();
                policy->accessBatch(chunk);
                elapsedNs += timer.nsecsElapsed(); // progress reporting is not timed
                const quint64 now
                    = done.fetch_add(chunk.size(), std::memory_order_relaxed) + chunk.size();
                if (options.progress)
                    options.progress(now, total);
            }
            result->stats = policy->stats();
            result->seconds = double(elapsedNs) / 1e9;
            result->memoryBytes = policy->memoryBytes();
            result->residentObjects = policy->entryCount();
        });
    }
    pool.waitForDone();
    if (options.cancel && options.cancel->load())
        return Error { u"the simulation was cancelled"_s, {}, 0, {}, {} };
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        results[j].policy = jobs[j].policy;
        results[j].capacity = jobs[j].capacity;
        results[j].sizeUnit = options.sizeUnit;
    }
    return results;
}

} // namespace CacheScope
