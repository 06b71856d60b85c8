#include "monitorjson.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QJsonObject monitorIntervalJson(const MonitorInterval &r, const QString &source)
{
    auto ratio = [](std::optional<double> v) { return v ? QJsonValue(*v) : QJsonValue(); };
    QJsonObject o {
        { u"source"_s, source },
        { u"t_ms"_s, r.tMs },
        { u"interval_ms"_s, r.intervalMs },
        { u"hits"_s, qint64(r.counts.hits) },
        { u"misses"_s, qint64(r.counts.misses) },
        { u"hit_ratio"_s, ratio(r.counts.hitRatio()) },
        { u"cumulative_hit_ratio"_s, ratio(r.cumulativeHitRatio) },
        { u"operations"_s, qint64(r.counts.operations) },
        { u"ops_per_second"_s, r.opsPerSecond },
        { u"evictions"_s, qint64(r.counts.evictions) },
        { u"evictions_per_second"_s, r.evictionsPerSecond },
        { u"expired"_s, qint64(r.counts.expired) },
        { u"expired_per_second"_s, r.expiredPerSecond },
        { u"memory_bytes"_s, r.memoryBytes },
        { u"memory_limit_bytes"_s, r.memoryLimitBytes },
        { u"keys"_s, r.keys },
        { u"clients"_s, r.clients },
        { u"latency_us"_s,
            QJsonObject { { u"p50"_s, double(r.latencyP50Ns) / 1000.0 },
                { u"p99"_s, double(r.latencyP99Ns) / 1000.0 },
                { u"count"_s, qint64(r.latencyCount) } } },
    };
    if (source == u"memcached"_s) {
        o[u"gets"_s] = qint64(r.counts.gets);
        o[u"sets"_s] = qint64(r.counts.sets);
        o[u"gets_per_second"_s] = r.getsPerSecond;
        o[u"sets_per_second"_s] = r.setsPerSecond;
        o[u"evicted_unfetched"_s] = qint64(r.counts.evictedUnfetched);
        o[u"expired_unfetched"_s] = qint64(r.counts.expiredUnfetched);
        // The share of evicted items nobody ever read: memory spent on nothing.
        o[u"evicted_unfetched_share"_s] = r.counts.evictions == 0
            ? QJsonValue()
            : QJsonValue(double(r.counts.evictedUnfetched) / double(r.counts.evictions));
        QJsonObject slabs;
        for (const auto &[slab, evicted] : r.slabEvictions)
            slabs[QString::number(slab)] = qint64(evicted);
        o[u"slab_evictions"_s] = slabs;
    }
    if (r.final && source == u"postgres"_s) {
        QJsonArray tables;
        for (const MonitorSample::TableIo &t : r.tables)
            tables.append(
                QJsonObject { { u"table"_s, t.table }, { u"heap_blks_hit"_s, t.heapBlocksHit },
                    { u"heap_blks_read"_s, t.heapBlocksRead } });
        o[u"top_tables"_s] = tables;
    }
    if (r.final)
        o[u"final"_s] = true;
    return o;
}

} // namespace CacheScope
