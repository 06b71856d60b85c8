#pragma once

#include "core/cache/cachedresult.h"
#include "core/policy/cachepolicy.h"

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace CacheScope {

/// One value held by the ResultCache. key and value never change once the entry is
/// published, so lock-free readers may copy them; lastUse and storeNode belong to the shard's
/// lock.
struct alignas(64) CacheEntry
{
    // Read by lock-free lookups on every core: one cache line that nobody writes after
    // publication, so hits on a hot entry share it instead of bouncing it between cores.
    Key key = 0;
    CachedResult value;

    // Written under the lock, on a line of their own (evicting touches this line only).
    alignas(64) quint64 lastUse = 0; // use tick: policy switches re-insert oldest use first
    qint64 sizeBytes = 0; // value.sizeBytes
    quint32 bucket = 0; // where the index holds it
    /// Room for the store's node of this entry (QCacheStore's QCache object), so that a miss
    /// allocates one block, not two.
    alignas(void *) std::byte storeNode[2 * sizeof(void *)];
};

/// The key -> entry map of one ResultCache shard: open addressing with linear probing over
/// atomic pointers, so that find() runs without the shard lock (inside an EpochGuard) while one
/// writer at a time (holding the lock) inserts and erases. Erased buckets become tombstones;
/// the table is rebuilt into a new one (published with one store) when live entries plus
/// tombstones pass half of it, so a probe always ends at an empty slot. Unlinked entries and
/// tables are handed back to the caller to retire, never freed here.
class ShardIndex
{
public:
    /// A key beside its entry pointer, so that a probe compares keys in the table itself and
    /// follows a pointer only on a match (a miss touches no entry at all).
    struct Bucket
    {
        std::atomic<Key> key { 0 }; // meaningful once entry has been non-null
        std::atomic<CacheEntry *> entry { nullptr }; // nullptr: never used; or tombstone()
    };
    struct Table
    {
        explicit Table(int bits)
            : shift(64 - bits)
            , mask((quint64(1) << bits) - 1)
            , buckets(new Bucket[std::size_t(1) << bits])
        {
        }
        std::size_t size() const { return std::size_t(mask + 1); }
        int shift; // slot of a hash: its top bits (the shard is chosen by the low ones)
        quint64 mask;
        std::unique_ptr<Bucket[]> buckets;
    };

    ShardIndex()
        : m_table(new Table(minBits))
    {
    }
    ~ShardIndex() { delete m_table.load(std::memory_order_relaxed); } // the entries are not ours
    ShardIndex(const ShardIndex &) = delete;
    ShardIndex &operator=(const ShardIndex &) = delete;

    /// The entry for key or nullptr. Lock-free: call inside an EpochGuard (or under the lock).
    CacheEntry *find(Key key) const
    {
        const Table *t = m_table.load(std::memory_order_seq_cst);
        for (quint64 i = slotOf(*t, key);; i = (i + 1) & t->mask) {
            const Bucket &b = t->buckets[i];
            CacheEntry *e = b.entry.load(std::memory_order_seq_cst);
            if (!e)
                return nullptr;
            // The bucket's key may be a newer one than e's (a reused tombstone): the entry's
            // own key decides.
            if (e != tombstone() && b.key.load(std::memory_order_relaxed) == key && e->key == key)
                return e;
        }
    }

    // Writers: hold the shard lock.

    /// Publishes entry (its key must not be held). If the table had to grow, the old table is
    /// returned for the caller to retire.
    Table *insert(CacheEntry *entry)
    {
        Table *retired = nullptr;
        if (2 * (m_live + m_tombstones + 1) > m_table.load(std::memory_order_relaxed)->size())
            retired = rebuild();
        Table *t = m_table.load(std::memory_order_relaxed);
        quint64 i = slotOf(*t, entry->key);
        for (;; i = (i + 1) & t->mask) {
            CacheEntry *e = t->buckets[i].entry.load(std::memory_order_relaxed);
            if (!e)
                break;
            if (e == tombstone()) {
                --m_tombstones; // the key is not held, so the first free slot will do
                break;
            }
        }
        entry->bucket = quint32(i);
        t->buckets[i].key.store(entry->key, std::memory_order_relaxed);
        t->buckets[i].entry.store(entry, std::memory_order_release); // publishes key and value
        ++m_live;
        return retired;
    }
    /// Unlinks key's entry and returns it (nullptr if absent).
    CacheEntry *erase(Key key)
    {
        Table *t = m_table.load(std::memory_order_relaxed);
        for (quint64 i = slotOf(*t, key);; i = (i + 1) & t->mask) {
            Bucket &b = t->buckets[i];
            CacheEntry *e = b.entry.load(std::memory_order_relaxed);
            if (!e)
                return nullptr;
            if (e != tombstone() && b.key.load(std::memory_order_relaxed) == key) {
                // seq_cst: the unlink precedes the caller's Epoch::current() stamp.
                b.entry.store(tombstone(), std::memory_order_seq_cst);
                --m_live;
                ++m_tombstones;
                return e;
            }
        }
    }
    /// Unlinks an entry known to be held, without probing.
    void erase(CacheEntry *entry)
    {
        Table *t = m_table.load(std::memory_order_relaxed);
        Bucket &b = t->buckets[entry->bucket];
        Q_ASSERT(b.entry.load(std::memory_order_relaxed) == entry);
        b.entry.store(tombstone(), std::memory_order_seq_cst);
        --m_live;
        ++m_tombstones;
    }
    /// Puts fresh (same key) where old is, in one store: readers see one or the other, never
    /// neither. old is unlinked.
    void replace(CacheEntry *old, CacheEntry *fresh)
    {
        Table *t = m_table.load(std::memory_order_relaxed);
        Bucket &b = t->buckets[old->bucket];
        Q_ASSERT(b.entry.load(std::memory_order_relaxed) == old && fresh->key == old->key);
        fresh->bucket = old->bucket;
        b.entry.store(fresh, std::memory_order_seq_cst); // publishes fresh, unlinks old
    }
    /// Calls f(CacheEntry *) for every entry.
    template <typename F> void forEach(F &&f) const
    {
        const Table *t = m_table.load(std::memory_order_relaxed);
        for (std::size_t i = 0; i < t->size(); ++i) {
            CacheEntry *e = t->buckets[i].entry.load(std::memory_order_relaxed);
            if (e && e != tombstone())
                f(e);
        }
    }
    qint64 size() const { return qint64(m_live); }

private:
    static constexpr int minBits = 4;

    static CacheEntry *tombstone()
    {
        // A sentinel compared, never dereferenced: an aligned, non-null address no allocation
        // returns, so it costs no object. NOLINTNEXTLINE(performance-no-int-to-ptr)
        return reinterpret_cast<CacheEntry *>(std::uintptr_t(alignof(CacheEntry)));
    }
    static quint64 slotOf(const Table &t, Key key) { return mixKey(key) >> t.shift; }

    /// Copies the live entries into a fresh table sized for four times their number (at least
    /// 16 buckets), publishes it and returns the old one.
    Table *rebuild()
    {
        Table *old = m_table.load(std::memory_order_relaxed);
        const int bits = std::max(minBits, int(std::bit_width(4 * (m_live + 1) - 1)));
        auto *fresh = new Table(bits);
        for (std::size_t i = 0; i < old->size(); ++i) {
            CacheEntry *e = old->buckets[i].entry.load(std::memory_order_relaxed);
            if (!e || e == tombstone())
                continue;
            const Key key = old->buckets[i].key.load(std::memory_order_relaxed);
            quint64 j = slotOf(*fresh, key);
            while (fresh->buckets[j].entry.load(std::memory_order_relaxed))
                j = (j + 1) & fresh->mask;
            e->bucket = quint32(j);
            fresh->buckets[j].key.store(key, std::memory_order_relaxed);
            fresh->buckets[j].entry.store(e, std::memory_order_relaxed);
        }
        m_table.store(fresh, std::memory_order_seq_cst); // the fresh buckets are published with it
        m_tombstones = 0;
        return old;
    }

    std::atomic<Table *> m_table; // read by every lookup: its line is not written per insert
    alignas(64) quint64 m_live = 0;
    quint64 m_tombstones = 0;
};

} // namespace CacheScope
