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

Result<qint64> parseAbsolute(QStringView item, SizeUnit unit, const QString &option)
{
    qint64 multiplier = 1;
    QStringView digits = item;
    if (!digits.isEmpty()) {
        const QChar last = digits.back().toUpper();
        const qint64 m = last == u'K' ? 1024
            : last == u'M'            ? 1024 * 1024
            : last == u'G'            ? qint64(1024) * 1024 * 1024
                                      : 1;
        if (m != 1) {
            if (unit != SizeUnit::Bytes)
                return Error { u"has a size suffix; suffixes K, M, G need --size-unit bytes"_s, {},
                    0, option, item.toString() };
            multiplier = m;
            digits.chop(1);
        }
    }
    bool ok = false;
    const qint64 v = digits.toLongLong(&ok);
    if (!ok)
        return Error { u"is not a number (use an integer, a K/M/G size or a percentage like 1%)"_s,
            {}, 0, option, item.toString() };
    if (v <= 0)
        return Error { u"must be greater than 0"_s, {}, 0, option, item.toString() };
    if (v > std::numeric_limits<qint64>::max() / multiplier)
        return Error { u"is too large"_s, {}, 0, option, item.toString() };
    return v * multiplier;
}

} // namespace

Result<std::vector<CapacitySpec>> parseCapacities(
    const QString &text, SizeUnit unit, const QString &option)
{
    std::vector<CapacitySpec> out;
    const QStringList items = text.split(u',');
    for (const QString &raw : items) {
        const QString item = raw.trimmed();
        if (item.isEmpty())
            return Error { u"has an empty item"_s, {}, 0, option, text };
        CapacitySpec spec;
        spec.text = item;
        if (item.endsWith(u'%')) {
            bool ok = false;
            const double p = QStringView(item).chopped(1).toDouble(&ok);
            if (!ok || !std::isfinite(p))
                return Error { u"is not a percentage"_s, {}, 0, option, item };
            if (p <= 0 || p > 100)
                return Error { u"must be a percentage in (0%, 100%]"_s, {}, 0, option, item };
            spec.isPercent = true;
            spec.percent = p;
        } else {
            const Result<qint64> v = parseAbsolute(item, unit, option);
            if (!v)
                return v.error();
            spec.absolute = v.value();
        }
        out.push_back(spec);
    }
    return out;
}

Result<qint64> resolveCapacity(
    const CapacitySpec &spec, quint64 uniqueObjects, quint64 uniqueBytes, SizeUnit unit)
{
    if (!spec.isPercent)
        return spec.absolute;
    const quint64 base = unit == SizeUnit::Bytes ? uniqueBytes : uniqueObjects;
    // Floor as libCacheSim and reference.csv do; computed in integers where the percentage is.
    const double exact = double(base) * spec.percent / 100.0;
    qint64 cap = qint64(std::floor(exact + 1e-9));
    if (cap <= 0)
        return Error { u"is 0 "_s + (unit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s)
                + u" of a trace with "_s + QString::number(base) + u" unique "_s
                + (unit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s)
                + u"; use a larger percentage or an absolute capacity"_s,
            {}, 0, u"--capacity"_s, spec.text };
    return cap;
}

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
        Result<std::unique_ptr<CachePolicy>> p
            = createPolicy(job.policy, { job.capacity, options.sizeUnit, options.seed });
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
