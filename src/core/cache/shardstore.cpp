#include "core/cache/shardstore.h"

#include "core/cache/resultcache.h"
#include "core/policy/policyregistry.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

/// Stores nothing: the "none" baseline, where every lookup misses.
class NoneStore final : public ShardStore
{
public:
    StoredEntry *find(Key) override { return nullptr; }
    bool contains(Key) const override { return false; }
    bool insert(Key, StoredEntry) override { return false; }
    bool remove(Key) override { return false; }
    void setCapacity(qint64) override { }
    std::vector<std::pair<Key, StoredEntry>> takeAll() override { return {}; }
};

/// A real QCache<Key, Slot> holding the values, cost 1 per entry or the result's bytes, as
/// ARCHITECTURE.md asks. QCache deletes what it evicts (in insert() and setMaxCost()) without
/// saying so; each Slot's destructor tells the store, unless the store deletes it itself.
class QCacheStore final : public ShardStore
{
public:
    QCacheStore(qint64 capacity, SizeUnit unit)
        : m_unit(unit)
    {
        m_cache.setMaxCost(capacity);
    }
    ~QCacheStore() override
    {
        m_selfRemoving = true;
        m_cache.clear();
    }

    StoredEntry *find(Key key) override
    {
        Slot *slot = m_cache.object(key); // relinks to the front: the LRU update
        return slot ? &slot->entry : nullptr;
    }
    bool contains(Key key) const override { return m_cache.contains(key); }
    bool insert(Key key, StoredEntry entry) override
    {
        const qint64 cost = costOf(entry.value, m_unit);
        // Qt 6.4's insert() deletes the object at once when cost > maxCost: never offer it,
        // but drop the older value all the same.
        if (cost > m_cache.maxCost()) {
            if (remove(key))
                ++m_replaced;
            return false;
        }
        ++m_entries;
        m_bytes += entry.value.sizeBytes;
        // One hash lookup: QCache replaces a held key itself, and the old Slot's destructor,
        // seeing this key, counts a replacement rather than an eviction.
        m_insertingKey = key;
        m_inserting = true;
        m_cache.insert(key, new Slot { std::move(entry), key, this }, cost);
        m_inserting = false;
        return true;
    }
    bool remove(Key key) override
    {
        Slot *slot = m_cache.take(key);
        if (!slot)
            return false;
        dropSelf(slot);
        return true;
    }
    void setCapacity(qint64 capacity) override { m_cache.setMaxCost(capacity); }
    std::vector<std::pair<Key, StoredEntry>> takeAll() override
    {
        std::vector<std::pair<Key, StoredEntry>> out;
        const QList<Key> keys = m_cache.keys();
        out.reserve(std::size_t(keys.size()));
        for (Key key : keys) {
            Slot *slot = m_cache.take(key);
            out.emplace_back(key, std::move(slot->entry));
            dropSelf(slot);
        }
        return out;
    }

private:
    struct Slot
    {
        StoredEntry entry;
        Key key;
        QCacheStore *owner;
        Slot(StoredEntry e, Key k, QCacheStore *o)
            : entry(std::move(e))
            , key(k)
            , owner(o)
        {
        }
        ~Slot() { owner->slotDeleted(key, entry.value.sizeBytes); }
        Slot(const Slot &) = delete;
        Slot &operator=(const Slot &) = delete;
    };

    void slotDeleted(Key key, qint64 sizeBytes)
    {
        --m_entries;
        m_bytes -= sizeBytes;
        if (m_selfRemoving)
            return;
        if (m_inserting && key == m_insertingKey)
            ++m_replaced;
        else
            ++m_evicted;
    }
    void dropSelf(Slot *slot)
    {
        m_selfRemoving = true;
        delete slot;
        m_selfRemoving = false;
    }

    QCache<Key, Slot> m_cache;
    SizeUnit m_unit;
    bool m_selfRemoving = false; // deleting a Slot ourselves: remove(), takeAll(), teardown
    bool m_inserting = false;
    Key m_insertingKey = 0;
};

/// A registry policy deciding residency over keys and sizes, with the values beside it in a
/// QHash. Invariant: a key is in m_values exactly when the policy holds it.
class PolicyStore final : public ShardStore
{
public:
    PolicyStore(std::unique_ptr<CachePolicy> policy, qint64 capacity, SizeUnit unit)
        : m_policy(std::move(policy))
        , m_unit(unit)
        , m_capacity(capacity)
    {
    }

    StoredEntry *find(Key key) override
    {
        const auto it = m_values.find(key);
        if (it == m_values.end())
            return nullptr;
        const bool hit = m_policy->access(request(key, it->value));
        Q_ASSERT(hit); // the values and the policy hold the same keys
        Q_UNUSED(hit);
        return &*it;
    }
    bool contains(Key key) const override { return m_values.contains(key); }
    bool insert(Key key, StoredEntry entry) override
    {
        if (const auto held = m_values.find(key); held != m_values.end()) {
            m_policy->remove(key); // the newer value enters as a new object
            forget(held);
            ++m_replaced;
        }
        if (m_capacity == 0)
            return false;
        m_policy->access(request(key, entry.value)); // a miss: the policy admits and evicts
        for (Key victim : m_policy->lastEvicted()) {
            const auto it = m_values.find(victim);
            if (it == m_values.end())
                continue; // the newcomer itself, rejected by an admission filter
            forget(it);
            ++m_evicted;
        }
        if (!m_policy->contains(key))
            return false;
        ++m_entries;
        m_bytes += entry.value.sizeBytes;
        m_values.insert(key, std::move(entry));
        return true;
    }
    bool remove(Key key) override
    {
        const auto it = m_values.find(key);
        if (it == m_values.end())
            return false;
        m_policy->remove(key);
        forget(it);
        return true;
    }
    void setCapacity(qint64 capacity) override
    {
        m_capacity = capacity;
        if (capacity == 0) {
            // Some policies split their capacity into queues and cannot shrink to nothing:
            // drop every key here and keep the policy's last size until it grows again.
            for (auto it = m_values.begin(); it != m_values.end();) {
                m_policy->remove(it.key());
                it = forget(it);
                ++m_evicted;
            }
            return;
        }
        m_policy->setCapacity(capacity);
        for (Key victim : m_policy->lastEvicted()) {
            const auto it = m_values.find(victim);
            if (it != m_values.end()) {
                forget(it);
                ++m_evicted;
            }
        }
    }
    std::vector<std::pair<Key, StoredEntry>> takeAll() override
    {
        std::vector<std::pair<Key, StoredEntry>> out;
        out.reserve(std::size_t(m_values.size()));
        for (auto it = m_values.begin(); it != m_values.end(); ++it) {
            m_policy->remove(it.key());
            out.emplace_back(it.key(), std::move(it.value()));
        }
        m_values.clear();
        m_entries = 0;
        m_bytes = 0;
        return out;
    }

private:
    using Values = QHash<Key, StoredEntry>;

    Request request(Key key, const CachedResult &value) const
    {
        return Request { key, -1, quint32(costOf(value, m_unit)), 0 };
    }
    Values::iterator forget(Values::iterator it)
    {
        --m_entries;
        m_bytes -= it->value.sizeBytes;
        return m_values.erase(it);
    }

    std::unique_ptr<CachePolicy> m_policy;
    Values m_values;
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
