#include "core/policy/qcachepolicy.h"

namespace CacheScope {

QCachePolicy::QCachePolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    m_cache.setMaxCost(config.capacity);
}

QCachePolicy::~QCachePolicy()
{
    // QCache's destructor would delete the entries, whose destructors call back here.
    m_onDelete = OnDelete::Remove;
    m_cache.clear();
}

bool QCachePolicy::erase(Key key)
{
    Entry *e = m_cache.take(key);
    if (!e)
        return false;
    m_used -= e->size;
    m_onDelete = OnDelete::Remove;
    delete e;
    m_onDelete = OnDelete::Evict;
    return true;
}

void QCachePolicy::setCapacity(qint64 capacity)
{
    m_evicted.clear();
    m_capacity = capacity;
    m_record = true;
    m_cache.setMaxCost(capacity); // trims from the LRU end: the destructors record the victims
}

std::size_t QCachePolicy::memoryBytes() const
{
    // An estimate, QCache hides its table: a node per entry (key, T *, cost, prev, next) in
    // QHash spans of 128 buckets with a byte offset each (load <= 0.5, so about 2 buckets
    // per entry), plus one heap Entry with its malloc header.
    constexpr std::size_t nodeBytes
        = sizeof(Key) + sizeof(void *) + sizeof(qsizetype) + 2 * sizeof(void *);
    constexpr std::size_t entryBytes = sizeof(Entry) + 16;
    const std::size_t n = std::size_t(m_cache.size());
    return n * (nodeBytes + entryBytes + 2);
}

} // namespace CacheScope
