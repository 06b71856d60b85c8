#include "core/policy/qcachepolicy.h"

namespace CacheScope {

QCachePolicy::QCachePolicy(const PolicyConfig &config)
    : PolicyBase(config)
    , m_cache(this, config.capacity)
{
}

bool QCachePolicy::erase(Key key)
{
    Victim removed { 0, 0 };
    if (!m_cache.remove(key, &removed))
        return false;
    m_used -= removed.size;
    return true;
}

void QCachePolicy::setCapacity(qint64 capacity)
{
    m_evicted.clear();
    m_capacity = capacity;
    m_record = true;
    m_cache.setMaxCost(capacity); // trims from the LRU end: the adapter reports the victims
}

std::size_t QCachePolicy::memoryBytes() const
{
    // An estimate, QCache hides its table: a node per entry (key, T *, cost, prev, next) in
    // QHash spans of 128 buckets with a byte offset each (load <= 0.5, so about 2 buckets
    // per entry), plus one heap node (a Victim and the adapter's pointer) with its malloc
    // header.
    constexpr std::size_t nodeBytes
        = sizeof(Key) + sizeof(void *) + sizeof(qsizetype) + 2 * sizeof(void *);
    constexpr std::size_t entryBytes = sizeof(Adapter::Stored) + 16;
    const std::size_t n = std::size_t(m_cache.size());
    return n * (nodeBytes + entryBytes + 2);
}

} // namespace CacheScope
