#include "core/cache/shardstore.h"

#include "core/cache/resultcache.h"
#include "core/policy/policyregistry.h"
#include "core/policy/qcacheadapter.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

/// Holds nothing: the "none" baseline, where every lookup misses.
class NoneStore final : public ShardStore
{
public:
    CacheEntry *touch(Key, const ShardIndex &) override { return nullptr; }
    bool admit(CacheEntry &, EvictedList &) override { return false; }
    void remove(Key) override { }
    void setCapacity(qint64, EvictedList &) override { }
};

/// A real QCache deciding residency, cost 1 per entry or the result's bytes, as
/// ARCHITECTURE.md asks: object() on a replayed hit is its LRU update, insert() and
/// setMaxCost() trim it. QCache deletes what it evicts without saying so; QCacheAdapter's
/// nodes, built inside their CacheEntry (so QCache's `delete` ends their life and frees nothing:
/// the entry's memory is the shard's, reclaimed once readers are done), report the entries
/// while the store listens (inside admit() and setCapacity()).
class QCacheStore final : public ShardStore
{
public:
    QCacheStore(qint64 capacity, SizeUnit unit)
        : m_cache(this, capacity)
        , m_unit(unit)
    {
    }

    CacheEntry *touch(Key key, const ShardIndex &) override
    {
        CacheEntry **entry = m_cache.object(key); // relinks: the LRU update
        return entry ? *entry : nullptr; // no probe of the index
    }
    bool admit(CacheEntry &entry, EvictedList &evicted) override
    {
        const qint64 cost = costOf(entry.value, m_unit);
        if (!m_cache.fits(cost))
            return false;
        static_assert(sizeof(Adapter::Stored) <= sizeof(entry.storeNode));
        static_assert(alignof(Adapter::Stored) <= alignof(void *));
        m_sink = &evicted;
        m_cache.insertAt(entry.storeNode, entry.key, &entry, cost); // the key is not held
        m_sink = nullptr;
        return true;
    }
    void remove(Key key) override { m_cache.remove(key); }
    void setCapacity(qint64 capacity, EvictedList &evicted) override
    {
        m_sink = &evicted;
        m_cache.setMaxCost(capacity);
        m_sink = nullptr;
    }

private:
    using Adapter = QCacheAdapter<CacheEntry *, QCacheStore, true>;
    friend Adapter;

    void qcacheDeleted(CacheEntry *entry)
    {
        if (m_sink)
            m_sink->push_back({ 0, entry });
    }

    Adapter m_cache;
    SizeUnit m_unit;
    EvictedList *m_sink = nullptr; // where QCache's own deletions are reported
};

/// A registry policy deciding residency over keys and costs.
class PolicyStore final : public ShardStore
{
public:
    PolicyStore(std::unique_ptr<CachePolicy> policy, qint64 capacity, SizeUnit unit)
        : m_policy(std::move(policy))
        , m_unit(unit)
        , m_capacity(capacity)
    {
    }

    CacheEntry *touch(Key key, const ShardIndex &index) override
    {
        CacheEntry *e = index.find(key);
        if (e) {
            const bool hit = m_policy->access(request(key, e->value));
            Q_ASSERT(hit); // the index and the policy hold the same keys
            Q_UNUSED(hit);
        }
        return e;
    }
    bool admit(CacheEntry &entry, EvictedList &evicted) override
    {
        if (m_capacity == 0)
            return false;
        m_policy->access(request(entry.key, entry.value)); // a miss: admits and evicts
        for (Key victim : m_policy->lastEvicted()) {
            if (victim != entry.key) // the newcomer itself, refused by an admission filter
                evicted.push_back({ victim, nullptr });
        }
        return m_policy->contains(entry.key);
    }
    void remove(Key key) override { m_policy->remove(key); }
    void setCapacity(qint64 capacity, EvictedList &evicted) override
    {
        m_capacity = capacity;
        // Some policies split their capacity into queues and cannot shrink to nothing: at 0
        // the shard has removed every key, and the policy keeps its last size until it grows.
        if (capacity == 0)
            return;
        m_policy->setCapacity(capacity);
        for (Key victim : m_policy->lastEvicted())
            evicted.push_back({ victim, nullptr });
    }

private:
    Request request(Key key, const CachedResult &value) const
    {
        return Request { key, -1, quint32(costOf(value, m_unit)), 0 };
    }

    std::unique_ptr<CachePolicy> m_policy;
    SizeUnit m_unit;
    qint64 m_capacity;
};

} // namespace

Result<std::unique_ptr<ShardStore>> ShardStore::create(
    const QString &policyId, qint64 capacity, SizeUnit unit, quint64 seed)
{
    if (policyId == u"none"_s)
        return std::unique_ptr<ShardStore>(std::make_unique<NoneStore>());
    if (policyId == u"qcache"_s)
        return std::unique_ptr<ShardStore>(std::make_unique<QCacheStore>(capacity, unit));
    const PolicyInfo *info = findPolicy(policyId);
    if (!info)
        return Error { u"is not a policy the live cache can run; valid ids: "_s
                + ResultCache::policyIds().join(u", "_s),
            {}, 0, u"policy"_s, policyId };
    if (info->needsFuture)
        return Error { u"needs the future of the trace, so it can only be simulated offline"_s, {},
            0, u"policy"_s, policyId };
    // A policy is created with room for one entry at least; capacity 0 is the store's business.
    Result<std::unique_ptr<CachePolicy>> policy
        = createPolicy(policyId, PolicyConfig { std::max<qint64>(capacity, 1), unit, seed });
    if (!policy)
        return policy.error();
    auto store = std::make_unique<PolicyStore>(std::move(policy).value(), capacity, unit);
    return std::unique_ptr<ShardStore>(std::move(store));
}

} // namespace CacheScope
