#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// LFU: evicts the entry with the fewest hits while resident (1 on insert, +1 per hit, forgotten
/// on eviction); ties go to the least recently accessed entry. O(1) per request: entries hang
/// in frequency buckets, each an LRU-ordered list, and the buckets form a list in increasing
/// frequency, so the victim is the tail of the first bucket and a hit moves one step right.
/// Shah, Mitra, Matani, "An O(1) algorithm for implementing the LFU cache eviction scheme", 2010.
class LfuPolicy final : public PolicyBase<LfuPolicy>
{
public:
    explicit LfuPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        promote(i);
        return true;
    }
    void insert(const Request &r)
    {
        const quint32 i = m_entries.allocate();
        m_entries[i].key = r.key;
        m_entries[i].size = requestSize(r);
        quint32 b = m_firstBucket;
        if (b == nilIndex || m_buckets[b].freq != 1)
            b = newBucketAfter(nilIndex, 1);
        pushFront(b, i);
        m_map.insert(r.key, i);
    }
    Victim evict()
    {
        const quint32 b = m_firstBucket;
        const quint32 i = m_buckets[b].tail;
        const Victim v { m_entries[i].key, m_entries[i].size };
        unlinkEntry(i);
        m_map.erase(v.key);
        m_entries.release(i);
        return v;
    }
    bool erase(Key key);
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    qint64 entryCount() const override { return qint64(m_map.size()); }
    std::size_t memoryBytes() const override
    {
        return m_map.memoryBytes() + m_entries.memoryBytes() + m_buckets.memoryBytes();
    }
    /// The resident frequency of a key, 0 if absent (for tests and the GUI's inspector).
    quint64 frequency(Key key) const;

private:
    struct Entry
    {
        Key key = 0;
        quint32 size = 0;
        quint32 bucket = nilIndex;
        quint32 prev = nilIndex; // more recently accessed, same frequency
        quint32 next = nilIndex; // less recently accessed
    };
    struct Bucket
    {
        quint64 freq = 0;
        quint32 head = nilIndex; // most recently accessed entry
        quint32 tail = nilIndex; // least recently accessed: the victim among equals
        quint32 prev = nilIndex; // lower frequency
        quint32 next = nilIndex; // higher frequency
    };

    void promote(quint32 i)
    {
        const quint32 b = m_entries[i].bucket;
        const quint64 f = m_buckets[b].freq + 1;
        quint32 nb = m_buckets[b].next;
        if (nb == nilIndex || m_buckets[nb].freq != f) {
            if (m_buckets[b].head == i && m_buckets[b].tail == i) {
                m_buckets[b].freq = f; // alone here and no bucket f yet: relabel in place
                return;
            }
            nb = newBucketAfter(b, f);
        }
        unlinkEntry(i);
        pushFront(nb, i);
    }
    void pushFront(quint32 b, quint32 i)
    {
        Bucket &bucket = m_buckets[b];
        Entry &e = m_entries[i];
        e.bucket = b;
        e.prev = nilIndex;
        e.next = bucket.head;
        if (bucket.head != nilIndex)
            m_entries[bucket.head].prev = i;
        else
            bucket.tail = i;
        bucket.head = i;
    }
    /// Takes an entry out of its bucket and drops the bucket if it became empty.
    void unlinkEntry(quint32 i)
    {
        const Entry &e = m_entries[i];
        Bucket &bucket = m_buckets[e.bucket];
        if (e.prev != nilIndex)
            m_entries[e.prev].next = e.next;
        else
            bucket.head = e.next;
        if (e.next != nilIndex)
            m_entries[e.next].prev = e.prev;
        else
            bucket.tail = e.prev;
        if (bucket.head == nilIndex)
            removeBucket(e.bucket);
    }
    /// A new empty bucket after `after` (nil: at the front).
    quint32 newBucketAfter(quint32 after, quint64 freq)
    {
        const quint32 b = m_buckets.allocate(); // may reallocate: no references held across
        Bucket &nb = m_buckets[b];
        nb.freq = freq;
        nb.prev = after;
        nb.next = after == nilIndex ? m_firstBucket : m_buckets[after].next;
        if (nb.next != nilIndex)
            m_buckets[nb.next].prev = b;
        if (after == nilIndex)
            m_firstBucket = b;
        else
            m_buckets[after].next = b;
        return b;
    }
    void removeBucket(quint32 b)
    {
        const Bucket &bucket = m_buckets[b];
        if (bucket.prev != nilIndex)
            m_buckets[bucket.prev].next = bucket.next;
        else
            m_firstBucket = bucket.next;
        if (bucket.next != nilIndex)
            m_buckets[bucket.next].prev = bucket.prev;
        m_buckets.release(b);
    }

    KeyIndexMap m_map;
    NodePool<Entry> m_entries;
    NodePool<Bucket> m_buckets;
    quint32 m_firstBucket = nilIndex; // lowest frequency
};

} // namespace CacheScope
