#include "monitorinterval.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

MonitorCounts &MonitorCounts::operator+=(const MonitorCounts &other)
{
    hits += other.hits;
    misses += other.misses;
    operations += other.operations;
    evictions += other.evictions;
    expired += other.expired;
    gets += other.gets;
    sets += other.sets;
    evictedUnfetched += other.evictedUnfetched;
    expiredUnfetched += other.expiredUnfetched;
    return *this;
}

namespace {

/// The counters of two samples side by side, so the backwards check and the difference read
/// the same list.
std::vector<std::pair<quint64, quint64>> counterPairs(
    const MonitorSample &a, const MonitorSample &b)
{
    return { { a.hits, b.hits }, { a.misses, b.misses }, { a.operations, b.operations },
        { a.evictions, b.evictions }, { a.expired, b.expired }, { a.gets, b.gets },
        { a.sets, b.sets }, { a.evictedUnfetched, b.evictedUnfetched },
        { a.expiredUnfetched, b.expiredUnfetched } };
}

void fillRates(MonitorInterval &r)
{
    const double seconds = double(r.intervalMs) / 1000.0;
    if (seconds <= 0)
        return;
    r.opsPerSecond = double(r.counts.operations) / seconds;
    r.evictionsPerSecond = double(r.counts.evictions) / seconds;
    r.expiredPerSecond = double(r.counts.expired) / seconds;
    r.getsPerSecond = double(r.counts.gets) / seconds;
    r.setsPerSecond = double(r.counts.sets) / seconds;
}

void fillGauges(MonitorInterval &r, const MonitorSample &s)
{
    r.memoryBytes = s.memoryBytes;
    r.memoryLimitBytes = s.memoryLimitBytes;
    r.keys = s.keys;
    r.clients = s.clients;
    r.tables = s.tables;
}

void fillLatency(MonitorInterval &r, const LatencyHistogram &h)
{
    r.latencyCount = h.count();
    r.latencyP50Ns = h.percentileNs(50);
    r.latencyP99Ns = h.percentileNs(99);
}

} // namespace

MonitorTracker::Step MonitorTracker::add(const MonitorSample &sample)
{
    Step step;
    const bool restarted = !m_lastInstance.isEmpty() && !sample.instance.isEmpty()
        && sample.instance != m_lastInstance;
    bool backwards = false;
    if (m_lastSeen) {
        for (const auto &[before, now] : counterPairs(*m_lastSeen, sample))
            backwards = backwards || now < before;
    }
    if (restarted || backwards) {
        step.marker = restarted
            ? u"server restarted (counters start again from 0; the gap is not counted)"_s
            : u"counters went backwards (statistics reset or server restarted; not counted)"_s;
        m_last.reset();
    }
    if (!sample.instance.isEmpty())
        m_lastInstance = sample.instance;
    m_lastSeen = sample;

    if (!m_last) { // a baseline: its round trips count in the next interval
        m_last = sample;
        m_pendingLatency.reset();
        for (const qint64 ns : sample.roundTripNs)
            m_pendingLatency.record(ns);
        return step;
    }

    MonitorInterval r;
    r.tMs = sample.tMs;
    r.intervalMs = std::max<qint64>(0, sample.tMs - m_last->tMs);
    const MonitorSample &a = *m_last;
    const quint64 own
        = sample.ownOperations >= a.ownOperations ? sample.ownOperations - a.ownOperations : 0;
    const quint64 operations = sample.operations - a.operations;
    r.counts
        = { sample.hits - a.hits, sample.misses - a.misses, operations > own ? operations - own : 0,
              sample.evictions - a.evictions, sample.expired - a.expired, sample.gets - a.gets,
              sample.sets - a.sets, sample.evictedUnfetched - a.evictedUnfetched,
              sample.expiredUnfetched - a.expiredUnfetched };
    fillRates(r);
    fillGauges(r, sample);

    LatencyHistogram latency = m_pendingLatency;
    m_pendingLatency.reset();
    for (const qint64 ns : sample.roundTripNs)
        latency.record(ns);
    fillLatency(r, latency);
    m_totalLatency.merge(latency);

    std::map<int, quint64> before(a.slabEvictions.begin(), a.slabEvictions.end());
    for (const auto &[slab, evicted] : sample.slabEvictions) {
        const auto it = before.find(slab);
        const quint64 was = it == before.end() ? 0 : it->second;
        if (evicted > was) { // a class can only disappear with a restart, caught above
            r.slabEvictions.emplace_back(slab, evicted - was);
            m_slabTotals[slab] += evicted - was;
        }
    }

    m_total += r.counts;
    m_countedMs += r.intervalMs;
    r.cumulativeHitRatio = m_total.hitRatio();
    m_last = sample;
    step.interval = std::move(r);
    return step;
}

void MonitorTracker::breakBaseline() { m_last.reset(); }

MonitorInterval MonitorTracker::total() const
{
    MonitorInterval r;
    r.final = true;
    r.tMs = m_lastSeen ? m_lastSeen->tMs : 0;
    r.intervalMs = m_countedMs;
    r.counts = m_total;
    r.cumulativeHitRatio = m_total.hitRatio();
    fillRates(r);
    if (m_lastSeen)
        fillGauges(r, *m_lastSeen);
    fillLatency(r, m_totalLatency);
    for (const auto &[slab, evicted] : m_slabTotals)
        r.slabEvictions.emplace_back(slab, evicted);
    return r;
}

} // namespace CacheScope
