#pragma once

#include "core/metrics/missratiocurve.h"
#include "core/sizeunit.h"

#include <QMetaType>
#include <QString>

#include <vector>

namespace CacheScope {

/// One shadow policy of a live run, as the last publication saw it. The shadow runs on the
/// spatially sampled key stream at capacity × sampling rate, so its hit ratio estimates the
/// policy's hit ratio on the whole stream at the live capacity.
/// requests and hits are the shadow's own (sampled) counts; the ratios are estimates for the
/// whole stream: the sampled hits corrected by SHARDS_adj (the shortfall or excess of sampled
/// requests against rate × requests counts as hits), exact at rate 1.
struct ShadowPolicyStats
{
    QString policy; // registry id: "lru", "s3fifo"
    quint64 requests = 0; // sampled requests the shadow served, since the run started
    quint64 hits = 0; // of those, hits
    double hitRatio = 0; // estimated, since the run started (0 while requests == 0: "n/a")
    quint64 intervalRequests = 0; // sampled requests over the last interval (about a second)
    double intervalHitRatio = 0; // estimated, over that interval (0 while intervalRequests == 0)
    qint64 capacity = 0; // the shadow's own, scaled capacity: max(1, live capacity × rate)
};

/// What the shadow policies of a live run estimate, as a value; refreshed a few times a second
/// by the consumer, read by the owner with QueryEngine::shadowSnapshot() (std::nullopt when the
/// run has no shadows).
struct ShadowSnapshot
{
    /// The spatial sampling rate in effect now (a power of two in (0, 1]): a key is sampled when
    /// its hash falls below rate × 2^53. It falls when the shadows fall behind.
    double samplingRate = 1;
    quint64 offered = 0; // read requests the workers completed while shadows were on
    quint64 sampled = 0; // of those, fed to the shadows
    quint64 dropped = 0; // sampled reads lost because the buffer was full
    quint64 droppedInvalidations = 0; // writes' removals lost the same way
    quint64 rateChanges = 0; // times the sampling rate moved
    /// Ranked: best cumulative hit ratio first, ties by id. Every registry policy but `opt`.
    std::vector<ShadowPolicyStats> policies;
    /// SHARDS estimate of the LRU miss ratio against capacity, in the live cache's unit
    /// (unscaled), from 1 to 4 × the live capacity; empty before the first sampled request.
    std::vector<MrcPoint> lruCurve;
    double hitRatioNow = 0; // 1 - LRU curve at the live capacity
    double hitRatioAtDoubleCapacity = 0; // 1 - LRU curve at 2 × the live capacity
    qint64 liveCapacity = 0;
    SizeUnit unit = SizeUnit::Objects;

    /// The share of offered requests the shadows actually saw (sampled / offered), drops
    /// included; 0 before any request.
    double effectiveRate() const { return offered ? double(sampled) / double(offered) : 0.0; }
    /// The shadow of this policy id, or nullptr.
    const ShadowPolicyStats *find(const QString &policy) const
    {
        for (const ShadowPolicyStats &p : policies)
            if (p.policy == policy)
                return &p;
        return nullptr;
    }
};

} // namespace CacheScope

Q_DECLARE_METATYPE(CacheScope::ShadowSnapshot)
