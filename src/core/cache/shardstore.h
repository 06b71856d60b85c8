#pragma once

#include "core/cache/cachedresult.h"
#include "core/cache/shardindex.h"
#include "core/error.h"
#include "core/policy/cachepolicy.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace CacheScope {

/// Which keys one ResultCache shard holds: the eviction policy alone. The values live in the
/// shard's ShardIndex, where reads find them without a lock; the store sees keys and costs,
/// and tells the shard which keys it evicted. ResultCache's internals, not thread-safe (the
/// shard lock guards it).
class ShardStore
{
public:
    /// A key the store evicted, with its entry when the store knows it (saves a probe).
    struct Evicted
    {
        Key key;
        CacheEntry *entry;
    };
    using EvictedList = std::vector<Evicted>;

    virtual ~ShardStore() = default;

    /// A key was read (a hit replayed from the read buffer): the policy's recency and frequency
    /// update. Returns the key's entry (found in the store's own node, or in `index`), or
    /// nullptr if the key has left since (the index and the store hold the same keys).
    virtual CacheEntry *touch(Key key, const ShardIndex &index) = 0;
    /// Admits an entry whose key is not resident, appending the keys it evicted for room to
    /// `evicted` (never its own); false if the policy refused it (larger than the shard,
    /// capacity 0, an admission filter, `none`). The store may keep a node in
    /// entry.storeNode until it removes or evicts the key, or is destroyed.
    virtual bool admit(CacheEntry &entry, EvictedList &evicted) = 0;
    /// Forgets a resident key (invalidation, expiry, replacement): not an eviction.
    virtual void remove(Key key) = 0;
    /// Resizes, appending the keys evicted to fit to `evicted`. For 0 the shard removes every
    /// key first; the store then refuses admission until it grows.
    virtual void setCapacity(qint64 capacity, EvictedList &evicted) = 0;

    /// "qcache" (a real QCache), "none" (holds nothing) or a registry policy without
    /// needsFuture. capacity >= 0.
    static Result<std::unique_ptr<ShardStore>> create(
        const QString &policyId, qint64 capacity, SizeUnit unit, quint64 seed);
    /// An entry's cost: 1 in object mode, its bytes (at least 1) in byte mode.
    static qint64 costOf(const CachedResult &value, SizeUnit unit)
    {
        if (unit == SizeUnit::Objects)
            return 1;
        return std::clamp<qint64>(value.sizeBytes, 1, std::numeric_limits<quint32>::max());
    }
};

} // namespace CacheScope
