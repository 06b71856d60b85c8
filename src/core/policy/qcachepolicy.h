#pragma once

#include "core/policy/cachepolicy.h"

#include <QCache>

namespace CacheScope {

/// QCACHE: Qt's own QCache<Key, T> run as a policy, the baseline the live ResultCache is
/// measured against. QCache is LRU (object() relinks to the front, insert() trims from the
/// back until the new cost fits), so it must agree with LruPolicy victim for victim. Cost is
/// 1 per entry, or the request size in byte mode; maxCost is the capacity. QCache evicts
/// inside insert() and setMaxCost() and does not report it: each Entry tells the policy from
/// its destructor, unless the policy deletes it itself (remove(), teardown).
/// Qt documentation, "QCache Class", Qt 6.4.
class QCachePolicy final : public PolicyBase<QCachePolicy>
{
public:
    explicit QCachePolicy(const PolicyConfig &config);
    ~QCachePolicy() override;

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
        // Qt 6.4's insert() deletes the object at once when cost > maxCost: never offer it.
        if (qint64(size) > m_capacity)
            return false;
        m_record = Record;
        m_cache.insert(r.key, new Entry(r.key, size, this), size);
        m_used += size;
        return false;
    }

    /// Evicts the least recently used entry. step() never needs it (QCache evicts inside
    /// insert()); PolicyBase's interface does: a momentary maxCost one below the total makes
    /// QCache drop exactly its LRU entry, which the Entry destructor hands back here.
    Victim evict()
    {
        m_onDelete = OnDelete::Capture;
        const qsizetype maxCost = m_cache.maxCost();
        m_cache.setMaxCost(m_cache.totalCost() - 1);
        m_cache.setMaxCost(maxCost);
        m_onDelete = OnDelete::Evict;
        return m_captured;
    }
    bool erase(Key key);
    bool has(Key key) const { return m_cache.contains(key); }
    qint64 entryCount() const override { return m_cache.size(); }
    std::size_t memoryBytes() const override;
    void setCapacity(qint64 capacity) override;

private:
    struct Entry
    {
        Entry(Key k, quint32 s, QCachePolicy *p)
            : key(k)
            , size(s)
            , owner(p)
        {
        }
        ~Entry() { owner->entryDeleted(key, size); }
        Entry(const Entry &) = delete;
        Entry &operator=(const Entry &) = delete;

        Key key;
        quint32 size;
        QCachePolicy *owner;
    };

    /// What an Entry's destructor means: QCache evicted it, evict() wants its key, or the
    /// policy deleted it itself (remove(), teardown), which is not an eviction.
    enum class OnDelete : quint8 { Evict, Capture, Remove };

    void entryDeleted(Key key, quint32 size)
    {
        switch (m_onDelete) {
        case OnDelete::Evict:
            if (m_record)
                noteEviction<true>(key, size);
            else
                noteEviction<false>(key, size);
            break;
        case OnDelete::Capture:
            m_captured = { key, size };
            break;
        case OnDelete::Remove:
            break;
        }
    }

    QCache<Key, Entry> m_cache;
    bool m_record = true; // whether evictions go to lastEvicted() (access(), setCapacity())
    OnDelete m_onDelete = OnDelete::Evict;
    Victim m_captured { 0, 0 };
};

} // namespace CacheScope
