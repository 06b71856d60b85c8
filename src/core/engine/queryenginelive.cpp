// QueryEngine's live setters: each validates, applies to the config and the running workers,
// and emits configChanged() with a short description (the charts' markers).
#include "core/engine/queryengine_p.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

using Detail::engineNumber;
using Detail::loadDescription;
using Detail::onOff;

Result<void> QueryEngine::setThreads(int threads)
{
    if (Result<void> valid = validateThreads(threads); !valid)
        return valid;
    if (threads != m_config.threads) {
        if (Result<void> refused = refusedDuringLogReplay(u"threads"_s); !refused)
            return refused;
    }
    const int was = m_config.threads;
    if (threads == was)
        return {};
    m_config.threads = threads;
    publishSettings(); // the open-loop share of each worker changes
    if (m_state == EngineState::Running || m_state == EngineState::Paused)
        launchWorkers();
    emit configChanged(u"threads %1 → %2"_s.arg(was).arg(threads));
    return {};
}

Result<void> QueryEngine::setInFlight(int inFlight)
{
    if (Result<void> valid = validateInFlight(inFlight); !valid)
        return valid;
    const int was = m_config.inFlight;
    if (inFlight == was)
        return {};
    m_config.inFlight = inFlight;
    publishSettings(); // the loops grow or shrink their clients between requests
    emit configChanged(u"in flight %1 → %2"_s.arg(was).arg(inFlight));
    return {};
}

Result<void> QueryEngine::setTargetRate(double requestsPerSecond)
{
    if (Result<void> refused = refusedDuringLogReplay(u"rate"_s); !refused)
        return refused;
    if (Result<void> valid = validateTargetRate(requestsPerSecond); !valid)
        return valid;
    if (m_config.loadModel == LoadModel::OpenLoop && m_config.targetRate == requestsPerSecond)
        return {};
    const QString was = loadDescription(m_config);
    m_config.loadModel = LoadModel::OpenLoop;
    m_config.targetRate = requestsPerSecond;
    publishSettings();
    emit configChanged(u"load "_s + was + u" → "_s + loadDescription(m_config));
    return {};
}

Result<void> QueryEngine::setClosedLoop(int thinkTimeMs)
{
    if (Result<void> refused = refusedDuringLogReplay(u"think-ms"_s); !refused)
        return refused;
    if (Result<void> valid = validateThinkTime(thinkTimeMs); !valid)
        return valid;
    if (m_config.loadModel == LoadModel::ClosedLoop && m_config.thinkTimeMs == thinkTimeMs)
        return {};
    const QString was = loadDescription(m_config);
    m_config.loadModel = LoadModel::ClosedLoop;
    m_config.thinkTimeMs = thinkTimeMs;
    publishSettings();
    emit configChanged(u"load "_s + was + u" → "_s + loadDescription(m_config));
    return {};
}

Result<void> QueryEngine::setWorkload(const WorkloadSpec &workload)
{
    if (Result<void> refused = refusedDuringLogReplay(u"workload"_s); !refused)
        return refused;
    if (Result<void> valid = validateLiveWorkload(workload); !valid)
        return valid;
    const QString was = describeWorkload(m_config.workload);
    m_config.workload = workload;
    ++m_workloadVersion;
    publishSettings();
    emit configChanged(u"workload "_s + was + u" → "_s + describeWorkload(workload));
    return {};
}

Result<void> QueryEngine::setQueryMix(const QueryMix &mix)
{
    if (Result<void> refused = refusedDuringLogReplay(u"query"_s); !refused)
        return refused;
    if (Result<void> valid = validateQueryMix(mix); !valid)
        return valid;
    if (mix == m_config.mix)
        return {};
    const QString was = describeQueryMix(m_config.mix);
    m_config.mix = mix;
    publishSettings();
    emit configChanged(u"query mix "_s + was + u" → "_s + describeQueryMix(mix));
    return {};
}

Result<void> QueryEngine::setWriteRatio(double ratio)
{
    if (Result<void> refused = refusedDuringLogReplay(u"write-ratio"_s); !refused)
        return refused;
    if (Result<void> valid = validateWriteRatio(ratio); !valid)
        return valid;
    if (ratio == m_config.writeRatio)
        return {};
    const double was = m_config.writeRatio;
    m_config.writeRatio = ratio;
    publishSettings();
    emit configChanged(u"write ratio %1 → %2"_s.arg(engineNumber(was), engineNumber(ratio)));
    return {};
}

Result<void> QueryEngine::setL2(const L2Settings &l2)
{
    if (Result<void> refused = refusedDuringLogReplay(u"l2"_s); !refused)
        return refused;
    L2Settings next = l2;
    next.origin.clear(); // the run's own, added when published
    RunConfig candidate = m_config;
    candidate.l2 = next;
    if (next.only)
        candidate.cache.policy = u"none"_s;
    if (Result<void> valid = candidate.validate(); !valid)
        return valid;
    if (next == m_config.l2)
        return {};
    const L2Settings was = m_config.l2;
    m_config.l2 = next;
    publishSettings();
    if (hasLiveRun())
        startListener(*m_run);
    emit configChanged(u"second tier %1 → %2"_s.arg(describeL2(was), describeL2(next)));
    return {};
}

void QueryEngine::startListener(Run &run)
{
    run.listener.reset(); // joins the old one: it leaves at once
    if (run.watcher) {
        run.l2EvictedBefore += run.watcher->evictedKeys();
        run.watcher.reset();
    }
    const L2Settings l2 = run.settings()->l2;
    if (l2.isSet()) {
        run.watcher = std::make_unique<L2Watcher>(l2);
        run.watcher->start();
    }
    if (!l2.isSet() || l2.invalidation == L2Invalidation::None)
        return;
    Detail::EngineRun *raw = &run; // the listener dies (joined) with the run
    run.listener = std::make_unique<InvalidationListener>(
        l2,
        [raw](Key key) {
            raw->cache->invalidate(key);
            raw->listenerCounters.add(Counter::InvalidationsReceived);
        },
        [raw](const Error &error) {
            raw->listenerCounters.add(Counter::L2Errors);
            raw->reportError(error);
        });
    run.listener->start();
}

Result<void> QueryEngine::setCachePolicy(const QString &policy)
{
    if (Result<void> valid = validateCachePolicy(policy); !valid)
        return valid;
    if (policy == m_config.cache.policy)
        return {};
    if (hasLiveRun()) {
        if (Result<void> applied = m_cache->setPolicy(policy); !applied)
            return applied;
    }
    const QString was = m_config.cache.policy;
    m_config.cache.policy = policy;
    emit configChanged(u"policy "_s + was + u" → "_s + policy);
    return {};
}

Result<void> QueryEngine::setCacheCapacity(qint64 capacity, SizeUnit unit)
{
    if (Result<void> valid = validateCacheCapacity(capacity, unit); !valid)
        return valid;
    if (capacity == m_config.cache.capacity && unit == m_config.cache.sizeUnit)
        return {};
    if (hasLiveRun()) {
        if (Result<void> applied = m_cache->setCapacity(capacity, unit); !applied)
            return applied;
        if (m_shadows)
            m_shadows->setCapacity(capacity, unit);
    }
    const QString was = describeCapacity(m_config.cache.capacity, m_config.cache.sizeUnit);
    m_config.cache.capacity = capacity;
    m_config.cache.sizeUnit = unit;
    emit configChanged(u"capacity "_s + was + u" → "_s + describeCapacity(capacity, unit));
    return {};
}

Result<void> QueryEngine::setTtlMs(qint64 ttlMs)
{
    if (Result<void> valid = validateTtl(ttlMs); !valid)
        return valid;
    if (ttlMs == m_config.cache.ttlMs)
        return {};
    if (hasLiveRun()) {
        if (Result<void> applied = m_cache->setTtlMs(ttlMs); !applied)
            return applied;
    }
    const qint64 was = m_config.cache.ttlMs;
    m_config.cache.ttlMs = ttlMs;
    emit configChanged(u"ttl %1 ms → %2 ms"_s.arg(was).arg(ttlMs));
    return {};
}

Result<void> QueryEngine::setSingleFlight(bool enabled)
{
    if (enabled == m_config.cache.singleFlight)
        return {};
    if (hasLiveRun())
        m_cache->setSingleFlight(enabled);
    m_config.cache.singleFlight = enabled;
    emit configChanged(u"single-flight "_s + onOff(!enabled) + u" → "_s + onOff(enabled));
    return {};
}

Result<void> QueryEngine::setShadows(bool enabled)
{
    if (enabled == m_config.shadows)
        return {};
    if (hasLiveRun()) {
        if (m_shadows)
            m_shadows->setPaused(!enabled);
        else if (Result<void> started = startShadows(); !started)
            return started;
    }
    m_config.shadows = enabled;
    emit configChanged(u"shadow policies "_s + onOff(!enabled) + u" → "_s + onOff(enabled));
    return {};
}

} // namespace CacheScope
