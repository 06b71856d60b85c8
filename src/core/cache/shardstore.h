#pragma once

#include "core/cache/cachedresult.h"
#include "core/error.h"
#include "core/policy/cachepolicy.h"

#include <QCache>
#include <QHash>

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace CacheScope {

/// A cached value with the shard's use tick, kept so that a policy switch can re-insert the
/// contents oldest use first.
struct StoredEntry
{
    CachedResult value;
    quint64 lastUse = 0;
};

/// The keys and values of one ResultCache shard: ResultCache's internals, not thread-safe (the
/// shard's mutex guards it). Counts its own capacity evictions so that the shard learns of the
/// ones a policy makes silently (QCache trims inside insert()).
class ShardStore
{
public:
    virtual ~ShardStore() = default;

    /// The entry, marked as used for the policy (LRU relinks it); nullptr if absent. The pointer
    /// is valid until the next call on the store.
    virtual StoredEntry *find(Key key) = 0;
    /// Whether the key is resident, without marking it used.
    virtual bool contains(Key key) const = 0;
    /// Stores key, evicting for room; false if the policy did not admit it. A value already
    /// held for key leaves either way, counted in replacedTotal().
    virtual bool insert(Key key, StoredEntry entry) = 0;
    /// Drops a resident key (invalidation, expiry, replacement); not a capacity eviction.
    virtual bool remove(Key key) = 0;
    /// Resizes (0 holds nothing), evicting until the contents fit.
    virtual void setCapacity(qint64 capacity) = 0;
    /// Empties the store, handing its entries out (order unspecified); not evictions.
    virtual std::vector<std::pair<Key, StoredEntry>> takeAll() = 0;

    qint64 entryCount() const { return m_entries; }
    qint64 bytes() const { return m_bytes; }
    /// Capacity evictions since the store was made.
    quint64 evictedTotal() const { return m_evicted; }
    /// Values that left because insert() brought a newer one for their key.
    quint64 replacedTotal() const { return m_replaced; }

    /// "qcache" (a real QCache), "none" (stores nothing) or a registry policy without
    /// needsFuture. capacity >= 0 (0 holds nothing until resized).
    static Result<std::unique_ptr<ShardStore>> create(
        const QString &policyId, qint64 capacity, SizeUnit unit, quint64 seed);
    /// An entry's cost: 1 in object mode, its bytes (at least 1) in byte mode.
    static qint64 costOf(const CachedResult &value, SizeUnit unit)
    {
        if (unit == SizeUnit::Objects)
            return 1;
        return std::clamp<qint64>(value.sizeBytes, 1, std::numeric_limits<quint32>::max());
    }

protected:
    qint64 m_entries = 0;
    qint64 m_bytes = 0;
    quint64 m_evicted = 0;
    quint64 m_replaced = 0;
};

} // namespace CacheScope
