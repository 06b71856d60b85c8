#pragma once

#include "core/workload/request.h"

#include <QCache>

#include <type_traits>

namespace CacheScope {

/// Qt's QCache<Key, T> used as an eviction policy, the part the QCACHE policy and the live
/// cache's QCache store share. QCache is LRU (object() relinks to the front, insert() and
/// setMaxCost() trim from the back) and deletes what it evicts without saying so: each node here
/// holds an Item and tells the owner from its destructor, as `owner->qcacheDeleted(item)`.
/// Deletions the adapter makes itself (remove(), teardown) are not reported. The owner may keep
/// qcacheDeleted() private and befriend the adapter.
///
/// The nodes live on the heap, or, with InPlace, in storage the caller provides (insertAt()):
/// QCache's `delete` then ends their life and frees nothing. Not thread-safe.
template <typename Item, typename Owner, bool InPlace = false> class QCacheAdapter
{
    struct Node
    {
        Item item;
        QCacheAdapter *adapter;
        ~Node() { adapter->deleted(item); }
    };
    struct PlacedNode : Node
    {
        static void operator delete(void *) noexcept { }
    };

public:
    using Stored = std::conditional_t<InPlace, PlacedNode, Node>;

    QCacheAdapter(Owner *owner, qint64 maxCost)
        : m_owner(owner)
    {
        m_cache.setMaxCost(maxCost);
    }
    ~QCacheAdapter()
    {
        m_silent = true; // QCache's destructor would delete the nodes, which would report
        m_cache.clear();
    }
    QCacheAdapter(const QCacheAdapter &) = delete;
    QCacheAdapter &operator=(const QCacheAdapter &) = delete;

    /// The key's item, relinked to the most recent end (the LRU update); nullptr if absent.
    Item *object(Key key)
    {
        Stored *n = m_cache.object(key);
        return n ? &n->item : nullptr;
    }
    bool contains(Key key) const { return m_cache.contains(key); }

    /// Qt 6.4's insert() deletes the object at once when cost > maxCost: never offer it.
    bool fits(qint64 cost) const { return cost <= m_cache.maxCost(); }

    /// Inserts a key that is not held, at `cost`; QCache's evictions for room are reported.
    /// The caller has checked fits(cost).
    void insert(Key key, const Item &item, qint64 cost) requires(!InPlace)
    {
        m_cache.insert(key, new Node { item, this }, cost);
    }
    /// As insert(), the node built in `storage` (sizeof(Stored) bytes, suitably aligned).
    void insertAt(void *storage, Key key, const Item &item, qint64 cost) requires InPlace
    {
        m_cache.insert(key, ::new (storage) PlacedNode { { item, this } }, cost);
    }

    /// Drops a key without reporting it; its item in `removed` if given. False if absent.
    bool remove(Key key, Item *removed = nullptr)
    {
        Stored *n = m_cache.take(key);
        if (!n)
            return false;
        if (removed)
            *removed = n->item;
        m_silent = true;
        delete n;
        m_silent = false;
        return true;
    }

    /// Trims from the least recent end until the total fits: the evictions are reported.
    void setMaxCost(qint64 maxCost) { m_cache.setMaxCost(maxCost); }
    qint64 maxCost() const { return m_cache.maxCost(); }
    qint64 totalCost() const { return m_cache.totalCost(); }
    qint64 size() const { return m_cache.size(); }

private:
    void deleted(const Item &item)
    {
        if (!m_silent)
            m_owner->qcacheDeleted(item);
    }

    QCache<Key, Stored> m_cache;
    Owner *m_owner;
    bool m_silent = false;
};

} // namespace CacheScope
