#pragma once

#include "core/policy/cachepolicy.h"
#include "core/policy/qcacheadapter.h"

namespace CacheScope {

/// QCACHE: Qt's own QCache<Key, T> run as a policy, the baseline the live ResultCache is
/// measured against. QCache is LRU (object() relinks to the front, insert() trims from the
/// back until the new cost fits), so it must agree with LruPolicy victim for victim. Cost is
/// 1 per entry, or the request size in byte mode; maxCost is the capacity. QCache evicts
/// inside insert() and setMaxCost() and does not report it: QCacheAdapter's nodes tell the
/// policy from their destructors, unless the policy deletes them itself (remove(), teardown).
/// Qt documentation, "QCache Class", Qt 6.4.
class QCachePolicy final : public PolicyBase<QCachePolicy>
{
public:
    explicit QCachePolicy(const PolicyConfig &config);

    template <bool Record> bool step(const Request &r)
    {
        ++m_stats.requests;
        m_stats.bytesRequested += r.size;
        if (m_cache.object(r.key)) {
            ++m_stats.hits;
            return true;
        }
        ++m_stats.misses;
        m_stats.bytesMissed += r.size;
        const quint32 size = requestSize(r);
        if (!m_cache.fits(size))
            return false;
        m_record = Record;
        m_cache.insert(r.key, Victim { r.key, size }, size);
        m_used += size;
        return false;
    }

    /// Evicts the least recently used entry. step() never needs it (QCache evicts inside
    /// insert()); PolicyBase's interface does: a momentary maxCost one below the total makes
    /// QCache drop exactly its LRU entry, which the adapter hands back here.
    Victim evict()
    {
        m_capture = true;
        const qint64 maxCost = m_cache.maxCost();
        m_cache.setMaxCost(m_cache.totalCost() - 1);
        m_cache.setMaxCost(maxCost);
        m_capture = false;
        return m_captured;
    }
    bool erase(Key key);
    bool has(Key key) const { return m_cache.contains(key); }
    qint64 entryCount() const override { return m_cache.size(); }
    std::size_t memoryBytes() const override;
    void setCapacity(qint64 capacity) override;

private:
    using Adapter = QCacheAdapter<Victim, QCachePolicy>;
    friend Adapter;

    /// QCache evicted an entry (inside insert() or setMaxCost()), or evict() wants its key.
    void qcacheDeleted(const Victim &v)
    {
        if (m_capture)
            m_captured = v;
        else if (m_record)
            noteEviction<true>(v.key, v.size);
        else
            noteEviction<false>(v.key, v.size);
    }

    Adapter m_cache;
    bool m_record = true; // whether evictions go to lastEvicted() (access(), setCapacity())
    bool m_capture = false; // evict() is asking for the victim: not yet an eviction
    Victim m_captured { 0, 0 };
};

} // namespace CacheScope
