#include "core/engine/replayplan.h"

#include "core/policy/policyregistry.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

void ReplayStream::annotateNextAccess()
{
    if (nextAccessAnnotated)
        return;
    CacheScope::annotateNextAccess(requests);
    nextAccessAnnotated = true;
}

Result<ReplayStream> readReplayTrace(const QString &path, const TraceOptions &options,
    const std::atomic<bool> *cancel, const std::function<void(qint64, qint64)> &progress)
{
    Result<LoadedTrace> loaded = loadTrace(path, options, cancel, progress);
    if (!loaded)
        return loaded.error();
    ReplayStream s;
    s.name = loaded->path;
    s.format = traceFormatName(loaded->format);
    s.requests = std::move(loaded->requests);
    s.uniqueObjects = loaded->uniqueObjects;
    s.uniqueBytes = loaded->uniqueBytes;
    s.timed = std::any_of(
        s.requests.begin(), s.requests.end(), [](const Request &r) { return r.time != 0; });
    s.notes = std::move(loaded->notes);
    if (s.requests.empty() && !(cancel && cancel->load()))
        return Error { u"contains no requests"_s, s.name, 0, {}, {} };
    return s;
}

Result<QStringList> resolvePolicies(const QStringList &ids, const QString &option, bool allowAll)
{
    if (allowAll && ids.size() == 1 && ids.front().trimmed() == u"all"_s) {
        QStringList all;
        for (const PolicyInfo &info : policyRegistry())
            all << info.id;
        return all;
    }
    QStringList out;
    for (const QString &raw : ids) {
        const QString id = raw.trimmed();
        if (!findPolicy(id))
            return Error { u"is not a policy; valid ids: "_s + policyIdList()
                    + (allowAll ? u", all"_s : QString()),
                {}, 0, option, id };
        if (!out.contains(id))
            out << id;
    }
    return out;
}

Result<ReplayPlan> ReplayPlan::create(const ReplaySpec &spec)
{
    if (spec.policies.isEmpty())
        return Error { u"choose at least one policy"_s, {}, 0, spec.policyOption, {} };
    Result<QStringList> policies
        = resolvePolicies(spec.policies, spec.policyOption, spec.allowAllPolicies);
    if (!policies)
        return policies.error();
    Result<std::vector<CapacitySpec>> specs
        = parseCapacities(spec.capacities, spec.sizeUnit, spec.capacityOption);
    if (!specs)
        return specs.error();
    ReplayPlan plan;
    plan.m_policies = std::move(policies).value();
    plan.m_sizeUnit = spec.sizeUnit;
    plan.m_capacityOption = spec.capacityOption;
    plan.m_order = spec.capacityOrder;
    plan.m_specs = std::move(specs).value();
    return plan;
}

Result<void> ReplayPlan::resolve(quint64 uniqueObjects, quint64 uniqueBytes)
{
    std::vector<qint64> resolved;
    for (const CapacitySpec &spec : m_specs) {
        const Result<qint64> c
            = resolveCapacity(spec, uniqueObjects, uniqueBytes, m_sizeUnit, m_capacityOption);
        if (!c)
            return c.error();
        resolved.push_back(c.value());
    }
    setCapacities(resolved);
    return {};
}

void ReplayPlan::setCapacities(const std::vector<qint64> &capacities)
{
    m_capacities.clear();
    for (const qint64 c : capacities) {
        if (std::find(m_capacities.begin(), m_capacities.end(), c) == m_capacities.end())
            m_capacities.push_back(c); // 1% and 26 may resolve to the same capacity: once
    }
    if (m_order == CapacityOrder::Ascending)
        std::sort(m_capacities.begin(), m_capacities.end());
}

bool ReplayPlan::needsFuture() const { return needsFuture(m_policies); }

bool ReplayPlan::needsFuture(const QStringList &policies) const
{
    return std::any_of(policies.begin(), policies.end(), [](const QString &id) {
        const PolicyInfo *info = findPolicy(id);
        return info && info->needsFuture;
    });
}

std::vector<SimulationJob> ReplayPlan::jobs(JobOrder order, const QStringList &policies) const
{
    QStringList ids;
    for (const QString &id : m_policies)
        if (policies.isEmpty() || policies.contains(id))
            ids << id;
    std::vector<SimulationJob> out;
    out.reserve(std::size_t(ids.size()) * m_capacities.size());
    if (order == JobOrder::CapacityMajor) {
        for (const qint64 capacity : m_capacities)
            for (const QString &id : ids)
                out.push_back({ id, capacity });
    } else {
        for (const QString &id : ids)
            for (const qint64 capacity : m_capacities)
                out.push_back({ id, capacity });
    }
    return out;
}

Result<std::vector<SimulationResult>> ReplayPlan::run(const ReplayStream &stream,
    SimulationOptions options, const std::vector<SimulationJob> &jobs) const
{
    options.sizeUnit = m_sizeUnit;
    options.nextAccessAnnotated = stream.nextAccessAnnotated;
    options.redis.traceTimes = stream.timed;
    return runSimulations(stream.requests, jobs, options);
}

} // namespace CacheScope
