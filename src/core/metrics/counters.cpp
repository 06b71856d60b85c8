#include "core/metrics/counters.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

quint64 minus(quint64 later, quint64 earlier) { return later > earlier ? later - earlier : 0; }

} // namespace

QString evictionReasonName(EvictionReason reason)
{
    switch (reason) {
    case EvictionReason::Capacity:
        return u"capacity"_s;
    case EvictionReason::Expired:
        return u"expired"_s;
    case EvictionReason::Invalidated:
        return u"invalidated"_s;
    }
    return {};
}

CounterValues &CounterValues::operator+=(const CounterValues &other)
{
    requests += other.requests;
    hits += other.hits;
    misses += other.misses;
    writes += other.writes;
    errors += other.errors;
    for (int i = 0; i < evictionReasonCount; ++i)
        evictions[i] += other.evictions[i];
    singleFlightWaits += other.singleFlightWaits;
    pipelineSyncs += other.pipelineSyncs;
    l2Hits += other.l2Hits;
    l2Errors += other.l2Errors;
    dbQueries += other.dbQueries;
    staleReads += other.staleReads;
    invalidationsReceived += other.invalidationsReceived;
    l2Evictions += other.l2Evictions;
    return *this;
}

CounterValues operator-(const CounterValues &later, const CounterValues &earlier)
{
    CounterValues d;
    d.requests = minus(later.requests, earlier.requests);
    d.hits = minus(later.hits, earlier.hits);
    d.misses = minus(later.misses, earlier.misses);
    d.writes = minus(later.writes, earlier.writes);
    d.errors = minus(later.errors, earlier.errors);
    for (int i = 0; i < evictionReasonCount; ++i)
        d.evictions[i] = minus(later.evictions[i], earlier.evictions[i]);
    d.singleFlightWaits = minus(later.singleFlightWaits, earlier.singleFlightWaits);
    d.pipelineSyncs = minus(later.pipelineSyncs, earlier.pipelineSyncs);
    d.l2Hits = minus(later.l2Hits, earlier.l2Hits);
    d.l2Errors = minus(later.l2Errors, earlier.l2Errors);
    d.dbQueries = minus(later.dbQueries, earlier.dbQueries);
    d.staleReads = minus(later.staleReads, earlier.staleReads);
    d.invalidationsReceived = minus(later.invalidationsReceived, earlier.invalidationsReceived);
    d.l2Evictions = minus(later.l2Evictions, earlier.l2Evictions);
    return d;
}

CounterValues Counters::values() const
{
    CounterValues v;
    v.requests = value(Counter::Requests);
    v.hits = value(Counter::Hits);
    v.misses = value(Counter::Misses);
    v.writes = value(Counter::Writes);
    v.errors = value(Counter::Errors);
    v.evictions[int(EvictionReason::Capacity)] = value(Counter::EvictedCapacity);
    v.evictions[int(EvictionReason::Expired)] = value(Counter::EvictedExpired);
    v.evictions[int(EvictionReason::Invalidated)] = value(Counter::EvictedInvalidated);
    v.singleFlightWaits = value(Counter::SingleFlightWaits);
    v.pipelineSyncs = value(Counter::PipelineSyncs);
    v.l2Hits = value(Counter::L2Hits);
    v.l2Errors = value(Counter::L2Errors);
    v.dbQueries = value(Counter::DbQueries);
    v.staleReads = value(Counter::StaleReads);
    v.invalidationsReceived = value(Counter::InvalidationsReceived);
    return v;
}

void Counters::reset()
{
    for (Padded &p : m_values)
        p.value.store(0, std::memory_order_relaxed);
}

CounterGroup::CounterGroup(int size)
    : m_size(size > 0 ? size : 1)
{
    m_slots = std::make_unique<Counters[]>(static_cast<std::size_t>(m_size));
}

CounterValues CounterGroup::values() const
{
    CounterValues sum;
    for (int i = 0; i < m_size; ++i)
        sum += m_slots[i].values();
    return sum;
}

void CounterGroup::reset()
{
    for (int i = 0; i < m_size; ++i)
        m_slots[i].reset();
}

} // namespace CacheScope
