#include "core/whatif/shadowset.h"

#include "core/metrics/lrucurvesampler.h"
#include "core/policy/policyregistry.h"
#include "core/whatif/samplingrate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <thread>

#ifdef __linux__
#include <pthread.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

// The consumer polls (workers never signal it: that would be a syscall on their path). It comes
// back soon when a ring was filling up, else later: fewer wake-ups preempting a worker, and
// larger batches, so each policy's few lines stay in cache through its batch (per sampled
// request the consumer took 1.4 us with 1-5 ms pauses, ~0.9 us with 20 ms, 2 workers, SQLite).
constexpr auto busyPause = std::chrono::milliseconds(2); // a ring was over 1/4 full
constexpr auto calmPause = std::chrono::milliseconds(20);
constexpr int curvePoints = 64; // points of the published LRU curve, up to 4 x the capacity

qint64 scaledCapacity(qint64 capacity, int exponent)
{
    return std::max<qint64>(1, std::llround(std::ldexp(double(capacity), -exponent)));
}

} // namespace

Result<void> ShadowConfig::validate() const
{
    auto bad = [](const QString &field, const QString &value, const QString &message) {
        return Error { message, {}, 0, field, value };
    };
    if (capacity <= 0)
        return bad(u"capacity"_s, QString::number(capacity), u"must be greater than 0"_s);
    if (!(initialRate > 0 && initialRate <= 1))
        return bad(u"initialRate"_s, QString::number(initialRate), u"must be in (0, 1]"_s);
    if (!(minRate > 0 && minRate <= 1))
        return bad(u"minRate"_s, QString::number(minRate), u"must be in (0, 1]"_s);
    if (!(cpuBudget >= 0 && cpuBudget <= 1))
        return bad(u"cpuBudget"_s, QString::number(cpuBudget),
            u"must be a share of the process's CPU time in [0, 1]"_s);
    if (ringCapacity < 2 || ringCapacity > (1 << 24))
        return bad(u"ringCapacity"_s, QString::number(ringCapacity),
            u"must be between 2 and 16777216 entries"_s);
    if (publishIntervalMs < 1 || intervalPublications < 1)
        return bad(u"publishIntervalMs"_s, QString::number(publishIntervalMs),
            u"publication interval and count must be positive"_s);
    for (const QString &id : policies) {
        const PolicyInfo *info = findPolicy(id);
        if (!info)
            return bad(u"policy"_s, id, u"is not a policy; valid ids: "_s + policyIdList());
        if (info->needsFuture)
            return bad(
                u"policy"_s, id, u"needs the future requests: it cannot shadow a live run"_s);
    }
    return {};
}

/// Everything the consumer owns. One thread at a time touches it: the consumer thread, or the
/// caller of drain() while there is none.
struct ShadowSet::Consumer
{
    struct Shadow
    {
        QString id;
        std::unique_ptr<CachePolicy> policy;
        quint64 baseHits = 0; // from epochs before the current policy object
        quint64 baseRequests = 0;
        double estimatedHitsBefore = 0; // full-stream hits estimated for closed segments
        quint64 segmentStartHits = 0; // hits() when the current segment began
        quint64 hits() const { return baseHits + policy->stats().hits; }
        quint64 requests() const { return baseRequests + policy->stats().requests; }
    };
    struct Published // one publication, for the interval ratios of later ones
    {
        std::vector<double> estimatedHits; // per shadow
        std::vector<quint64> requests;
        double estimatedRequests = 0;
    };
    struct Seen // what the consumer last read of a producer's counters
    {
        quint64 offered = 0;
        quint64 dropped = 0;
        quint64 droppedInvalidations = 0;
    };

    ShadowConfig config;
    qint64 capacity;
    SizeUnit unit;
    SamplingRateController sampling;
    std::vector<Shadow> shadows;
    LruCurveSampler curve;
    quint64 curveBaseRequests = 0; // offered - dropped when the curve was reset

    std::array<Seen, maxShadowProducers> seen {};
    quint64 offered = 0;
    quint64 dropped = 0;
    quint64 droppedInvalidations = 0;
    quint64 sampled = 0;
    quint64 rateChanges = 0;
    // A segment is a stretch at one rate; the estimates are made per segment (see estimate()).
    double estimatedRequestsBefore = 0; // full-stream requests of the closed segments
    quint64 segmentStartRequests = 0; // offered - dropped when the current segment began
    quint64 segmentStartSampled = 0;

    std::vector<ShadowRing::Entry> entries;
    std::vector<Request> batch;

    qint64 lastPublishNs = 0;
    std::vector<Published> history; // the last publications, oldest first

    explicit Consumer(const ShadowConfig &c)
        : config(c)
        , capacity(c.capacity)
        , unit(c.sizeUnit)
        , sampling(c)
        , curve(c.curveSampleKeys, c.sizeUnit)
    {
        QStringList ids = c.policies;
        if (ids.isEmpty()) {
            for (const PolicyInfo &info : policyRegistry())
                if (!info.needsFuture)
                    ids << info.id;
        }
        for (const QString &id : std::as_const(ids))
            shadows.push_back({ id, nullptr, 0, 0, 0, 0 });
        newEpoch();
        curve.reset(threshold(), unit);
        entries.reserve(std::size_t(c.ringCapacity));
        batch.reserve(std::size_t(c.ringCapacity));
    }

    quint64 threshold() const { return sampling.threshold(); }
    double rate() const { return sampling.rate(); }

    /// Fresh shadows at the current rate and unit; what the old ones counted carries over.
    void newEpoch()
    {
        PolicyConfig policyConfig { scaledCapacity(capacity, sampling.exponent()), unit,
            config.seed, config.redis };
        policyConfig.redis.traceTimes = false; // ring entries carry no time
        // The Redis models' clock counts requests (the live stream has no trace times): a
        // sampled stream carries rate x the requests per second, so each still stands for the
        // same time.
        policyConfig.redis.assumedRate *= sampling.rate();
        for (Shadow &s : shadows) {
            if (s.policy) {
                s.baseHits += s.policy->stats().hits;
                s.baseRequests += s.policy->stats().requests;
            }
            s.policy = findPolicy(s.id)->create(policyConfig); // ids validated, capacity >= 1
        }
    }

    /// Full-stream hits estimated from one segment's sampled hits: SHARDS_adj (Waldspurger et
    /// al., FAST 2015) applied to a shadow. A skewed stream rarely yields exactly R × N sampled
    /// requests: a hot key in or out of the sample moves the count by a lot. The shortfall
    /// (or excess) R × N - sampled is counted as hits, since hot keys hit in any policy at a
    /// useful capacity. Without it a zipf(0.99) stream at R = 1/4 read 58% instead of 68% for
    /// LRU; with it 68.8% (tests/core/whatif/tst_shadowset.cpp, sampledEstimatesFullPolicy).
    double estimate(quint64 hits, quint64 sampledRequests, quint64 requests) const
    {
        const double expected = rate() * double(requests);
        if (expected <= 0)
            return 0;
        const double adjusted = double(hits) + expected - double(sampledRequests);
        return std::clamp(adjusted, 0.0, expected) / rate();
    }
    quint64 requestsSeen() const { return offered - dropped; }

    /// Closes the segment at the current rate (before the rate or the unit changes).
    void closeSegment()
    {
        const quint64 n = requestsSeen() - segmentStartRequests;
        const quint64 sampledHere = sampled - segmentStartSampled;
        for (Shadow &s : shadows) {
            s.estimatedHitsBefore += estimate(s.hits() - s.segmentStartHits, sampledHere, n);
            s.segmentStartHits = s.hits();
        }
        estimatedRequestsBefore += double(n);
        segmentStartRequests = requestsSeen();
        segmentStartSampled = sampled;
    }

    void resetCurve()
    {
        curve.reset(threshold(), unit);
        curveBaseRequests = requestsSeen();
    }

    void setExponent(int k)
    {
        closeSegment();
        const bool falls = k > sampling.exponent();
        sampling.setExponent(k);
        ++rateChanges;
        if (falls) {
            newEpoch();
            resetCurve();
            return;
        }
        const qint64 scaled = scaledCapacity(capacity, sampling.exponent());
        for (Shadow &s : shadows)
            s.policy->setCapacity(scaled);
        // The curve's own threshold may sit below the new rate; restart it there unless its
        // fixed-size sample is full (then the sample size, not the rate, limits it anyway).
        if (!curve.isFull())
            resetCurve();
    }

    void applyCapacity(qint64 newCapacity, SizeUnit newUnit)
    {
        const bool unitChanged = newUnit != unit;
        capacity = newCapacity;
        unit = newUnit;
        const int cap = sampling.exponentCap(capacity, unit);
        if (sampling.exponent() > cap) { // a smaller cache: rise to its floor (keeps the shadows)
            setExponent(cap);
            if (!unitChanged)
                return;
        }
        if (unitChanged) {
            closeSegment();
            newEpoch();
            resetCurve();
            return;
        }
        const qint64 scaled = scaledCapacity(capacity, sampling.exponent());
        for (Shadow &s : shadows)
            s.policy->setCapacity(scaled);
    }

    void flush()
    {
        if (batch.empty())
            return;
        const std::span<const Request> requests(batch);
        for (Shadow &s : shadows)
            s.policy->accessBatch(requests); // one virtual call per policy and batch
        batch.clear();
    }

    /// Feeds one producer's buffered entries to the shadows; returns how many it took.
    std::size_t take(ShadowRing &ring, Seen now, Seen &last)
    {
        offered += now.offered - last.offered;
        dropped += now.dropped - last.dropped;
        droppedInvalidations += now.droppedInvalidations - last.droppedInvalidations;
        last = now;

        entries.clear();
        const std::size_t n = ring.popInto(entries, ring.capacity());
        const quint64 t = threshold();
        for (const ShadowRing::Entry &e : entries) {
            const quint64 hash = shadowSampleHash(e.key);
            if (hash >= t)
                continue; // offered under a higher rate, before the last fall
            if (e.kind == ShadowRing::Kind::Invalidate) {
                flush(); // keep the order: reads before the write, then the removal
                for (Shadow &s : shadows)
                    s.policy->remove(e.key);
                continue;
            }
            batch.push_back(Request { e.key, -1, e.size, 0 });
            curve.access(e.key, e.size, hash);
            ++sampled;
        }
        flush();
        return n;
    }

    /// Judges the last window (SamplingRateController) and moves the rate if it says so. True
    /// when the rate changed.
    bool adapt()
    {
        const std::optional<int> k = sampling.judge(dropped, sampled, capacity, unit);
        if (!k)
            return false;
        setExponent(*k);
        return true;
    }

    ShadowSnapshot makeSnapshot()
    {
        const quint64 n = requestsSeen() - segmentStartRequests;
        const quint64 sampledHere = sampled - segmentStartSampled;
        Published now;
        now.estimatedRequests = estimatedRequestsBefore + double(n);
        for (const Shadow &s : shadows) {
            now.estimatedHits.push_back(
                s.estimatedHitsBefore + estimate(s.hits() - s.segmentStartHits, sampledHere, n));
            now.requests.push_back(s.requests());
        }
        history.push_back(now);
        if (history.size() > std::size_t(config.intervalPublications) + 1)
            history.erase(history.begin());
        const Published &then = history.front();

        ShadowSnapshot snap;
        snap.samplingRate = rate();
        snap.offered = offered;
        snap.sampled = sampled;
        snap.dropped = dropped;
        snap.droppedInvalidations = droppedInvalidations;
        snap.rateChanges = rateChanges;
        snap.liveCapacity = capacity;
        snap.unit = unit;
        const double intervalRequests = now.estimatedRequests - then.estimatedRequests;
        for (std::size_t i = 0; i < shadows.size(); ++i) {
            ShadowPolicyStats p;
            p.policy = shadows[i].id;
            p.hits = shadows[i].hits();
            p.requests = shadows[i].requests();
            if (now.estimatedRequests > 0)
                p.hitRatio = std::clamp(now.estimatedHits[i] / now.estimatedRequests, 0.0, 1.0);
            else if (p.requests > 0)
                p.hitRatio = double(p.hits) / double(p.requests);
            p.intervalRequests = now.requests[i] - then.requests[i];
            if (p.intervalRequests > 0 && intervalRequests > 0)
                p.intervalHitRatio = std::clamp(
                    (now.estimatedHits[i] - then.estimatedHits[i]) / intervalRequests, 0.0, 1.0);
            p.capacity = shadows[i].policy->capacity();
            snap.policies.push_back(std::move(p));
        }
        std::sort(snap.policies.begin(), snap.policies.end(), [](const auto &a, const auto &b) {
            return a.hitRatio != b.hitRatio ? a.hitRatio > b.hitRatio : a.policy < b.policy;
        });

        const quint64 curveRequests = requestsSeen() - curveBaseRequests;
        if (curveRequests > 0 && sampled > 0) {
            const MissRatioCurve lru = curve.curve(curveRequests);
            std::vector<qint64> capacities = curveCapacities(4 * capacity, curvePoints);
            if (capacities.empty() || capacities.front() != 1)
                capacities.insert(capacities.begin(), 1);
            snap.lruCurve = lru.points(capacities);
            snap.hitRatioNow = 1.0 - lru.missRatio(capacity);
            snap.hitRatioAtDoubleCapacity = 1.0 - lru.missRatio(2 * capacity);
        }
        return snap;
    }
};

Result<std::unique_ptr<ShadowSet>> ShadowSet::create(const ShadowConfig &config)
{
    if (Result<void> valid = config.validate(); !valid)
        return valid.error();
    return std::unique_ptr<ShadowSet>(new ShadowSet(config));
}

ShadowSet::ShadowSet(const ShadowConfig &config)
    : m_consumer(std::make_unique<Consumer>(config))
{
    m_activeThreshold = m_consumer->threshold();
    m_threshold.store(m_activeThreshold, std::memory_order_relaxed);
    m_published = m_consumer->makeSnapshot(); // the table has its rows before the first key
}

ShadowSet::~ShadowSet()
{
    stop();
    for (std::atomic<ShadowProducer *> &p : m_producers)
        delete p.load(std::memory_order_acquire);
}

ShadowProducer &ShadowSet::producer(int index)
{
    Q_ASSERT(index >= 0 && index < maxShadowProducers);
    std::atomic<ShadowProducer *> &slot = m_producers[std::size_t(index)];
    ShadowProducer *existing = slot.load(std::memory_order_acquire);
    if (existing)
        return *existing;
    // Made once per worker index, at its first request; a racing maker's copy is dropped.
    auto *made = new ShadowProducer(m_threshold, std::size_t(m_consumer->config.ringCapacity));
    if (slot.compare_exchange_strong(existing, made, std::memory_order_acq_rel))
        return *made;
    delete made;
    return *existing;
}

void ShadowSet::start()
{
    if (m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested = false;
    }
    m_thread = std::thread([this] { consumerLoop(); });
}

void ShadowSet::stop()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void ShadowSet::setPaused(bool paused)
{
    std::lock_guard lock(m_mutex);
    m_paused.store(paused, std::memory_order_relaxed);
    m_threshold.store(paused ? 0 : m_activeThreshold, std::memory_order_relaxed);
}

void ShadowSet::setCapacity(qint64 capacity, SizeUnit unit)
{
    if (capacity <= 0)
        return;
    std::lock_guard lock(m_mutex);
    m_capacityPending = true;
    m_pendingCapacity = capacity;
    m_pendingUnit = unit;
}

ShadowSnapshot ShadowSet::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_published;
}

double ShadowSet::samplingRate() const
{
    std::lock_guard lock(m_mutex);
    return double(m_activeThreshold) / double(shardsHashSpace);
}

void ShadowSet::drain()
{
    Q_ASSERT(!m_thread.joinable());
    processOnce(true);
}

bool ShadowSet::processOnce(bool publish)
{
    Consumer &c = *m_consumer;
    {
        std::lock_guard lock(m_mutex);
        if (m_capacityPending) {
            m_capacityPending = false;
            c.applyCapacity(m_pendingCapacity, m_pendingUnit);
        }
    }
    std::size_t busiest = 0; // the most entries one ring held
    for (int i = 0; i < maxShadowProducers; ++i) {
        ShadowProducer *p = m_producers[std::size_t(i)].load(std::memory_order_acquire);
        if (!p)
            continue;
        // Counters first: every entry popped below was offered before this read or after it,
        // and the totals catch up at the next pass either way.
        const Consumer::Seen now { p->m_offered.load(std::memory_order_relaxed),
            p->m_dropped.load(std::memory_order_relaxed),
            p->m_droppedInvalidations.load(std::memory_order_relaxed) };
        busiest = std::max(busiest, c.take(p->m_ring, now, c.seen[std::size_t(i)]));
    }
    if (c.adapt()) {
        std::lock_guard lock(m_mutex);
        m_activeThreshold = c.threshold();
        if (!m_paused.load(std::memory_order_relaxed))
            m_threshold.store(m_activeThreshold, std::memory_order_relaxed);
    }
    const qint64 now = c.sampling.wallNs();
    if (publish || now - c.lastPublishNs >= c.config.publishIntervalMs * 1'000'000) {
        c.lastPublishNs = now;
        ShadowSnapshot snap = c.makeSnapshot();
        std::lock_guard lock(m_mutex);
        m_published = std::move(snap);
    }
    return busiest > std::size_t(c.config.ringCapacity) / 4;
}

void ShadowSet::consumerLoop()
{
#ifdef __linux__
    pthread_setname_np(pthread_self(), "cs-shadows");
#endif
    for (;;) {
        const bool filling = processOnce(false);
        std::unique_lock lock(m_mutex);
        if (m_stopRequested)
            break;
        m_wake.wait_for(lock, filling ? busyPause : calmPause, [this] { return m_stopRequested; });
        if (m_stopRequested)
            break;
    }
    processOnce(true); // what the rings still hold, and a last publication
}

} // namespace CacheScope
