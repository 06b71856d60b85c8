#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

#include <algorithm>
#include <vector>

namespace CacheScope {

/// W-TinyLFU as in Caffeine: a 1% LRU admission window in front of a segmented LRU main area
/// (80% protected, 20% probation). A miss enters the window; the window's LRU entry becomes a
/// candidate for the main area and competes with probation's LRU victim: the candidate is kept
/// only if TinyLFU estimates it more frequent, else the candidate is evicted. A probation hit
/// promotes to protected, whose overflow is demoted back to probation. Frequencies come from a
/// 4-bit count-min sketch (4 rows, width a power of two >= capacity) incremented on every
/// request and halved when the sample count reaches 10 x capacity, so old popularity ages.
/// Einziger, Friedman & Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", ACM ToS
/// 13(4), 2017; Caffeine's WindowTinyLfuPolicy. No doorkeeper, no random admission.
///
/// Shares are in bytes in byte mode, where a new object larger than the window passes straight
/// through it, and several candidates may compete (oldest first) until the new object fits.
/// The window has at least one slot, so capacities 1 and 2 work (as an LRU of one, plus a
/// one-slot main area). In byte mode the sketch is sized by the resident object count: it
/// starts at 256 counters a row and doubles, cleared as Caffeine's does, when the cache holds
/// more objects than its width, and halves every 10 x width samples. In object mode a huge
/// capacity starts it at 2^20 and grows it the same way, so memory follows the contents.
class WTinyLfuPolicy final : public PolicyBase<WTinyLfuPolicy>
{
public:
    explicit WTinyLfuPolicy(const PolicyConfig &config);

    template <bool Record> bool step(const Request &r);

    /// Evicts outside the admission contest (shrinking): probation, then protected, then window.
    Victim evict();
    bool erase(Key key);
    bool has(Key key) const { return m_map.find(key) != KeyIndexMap::npos; }
    void setCapacity(qint64 capacity) override;
    qint64 entryCount() const override { return qint64(m_map.size()); }
    std::size_t memoryBytes() const override
    {
        return m_map.memoryBytes() + m_nodes.memoryBytes() + m_sketch.memoryBytes();
    }

    /// The sketch's frequency estimate of a key (0..15), for tests.
    int frequency(Key key) const { return m_sketch.estimate(key); }

private:
    /// Four rows of 4-bit counters; estimate = the smallest of a key's four. Laid out as
    /// Caffeine's FrequencySketch does: a key hashes to one 64-byte block of eight words, and
    /// row i's counter is a nibble of word 2i or 2i+1 of that block, so an update touches one
    /// cache line. Row i across all blocks holds width() counters.
    class Sketch
    {
    public:
        /// Clears the counters; width (per row) rounds up to a power of two >= 256.
        void resize(quint64 width, quint64 sampleSize);
        void setSampleSize(quint64 sampleSize) { m_sampleSize = std::max<quint64>(sampleSize, 1); }
        /// Starts loading a key's block, so that the miss overlaps the map lookup.
        void prefetch(Key key) const
        {
            __builtin_prefetch(m_blocks + (mixKey(key) & m_blockMask) * 8);
        }
        void increment(Key key)
        {
            const quint64 h = mixKey(key);
            quint64 *block = m_blocks + (h & m_blockMask) * 8;
            const quint32 bits = quint32(h >> 32);
            bump(block, bits, 0);
            bump(block, bits, 1);
            bump(block, bits, 2);
            bump(block, bits, 3);
            if (++m_samples >= m_sampleSize)
                halve();
        }
        int estimate(Key key) const
        {
            const quint64 h = mixKey(key);
            const quint64 *block = m_blocks + (h & m_blockMask) * 8;
            const quint32 bits = quint32(h >> 32);
            return int(std::min(std::min(count(block, bits, 0), count(block, bits, 1)),
                std::min(count(block, bits, 2), count(block, bits, 3))));
        }
        /// Counters per row: 32 per block.
        quint64 width() const { return (m_blockMask + 1) * 32; }
        std::size_t memoryBytes() const { return m_table.capacity() * sizeof(quint64); }

    private:
        // Row r uses 5 bits of the key's hash: which of its two words, and which nibble.
        static quint64 &word(quint64 *block, quint32 bits, int row)
        {
            return block[2 * row + ((bits >> (8 * row)) & 1)];
        }
        static int shift(quint32 bits, int row) { return int((bits >> (8 * row + 1)) & 15) * 4; }
        static quint64 count(const quint64 *block, quint32 bits, int row)
        {
            return (word(const_cast<quint64 *>(block), bits, row) >> shift(bits, row)) & 0xf;
        }
        static void bump(quint64 *block, quint32 bits, int row)
        {
            quint64 &w = word(block, bits, row);
            const quint64 full = quint64(0xf) << shift(bits, row);
            if ((w & full) != full) // saturates at 15
                w += full & (full >> 3);
        }
        void halve();

        std::vector<quint64> m_table; // 8 words of slack to align the blocks to cache lines
        quint64 *m_blocks = nullptr;
        quint64 m_blockMask = 0;
        quint64 m_samples = 0;
        quint64 m_sampleSize = 0;
    };

    enum ListId : quint8 { Window, Probation, Protected };
    struct Node
    {
        Key key = 0;
        quint32 size = 0;
        quint32 prev = nilIndex;
        quint32 next = nilIndex;
        ListId list = Window;
    };
    using List = IndexList<NodePool<Node>>;

    void computeShares();
    void growSketch();
    void moveTo(quint32 i, ListId to)
    {
        Node &n = m_nodes[i];
        m_lists[n.list].unlink(i);
        m_bytes[n.list] -= n.size;
        n.list = to;
        m_lists[to].pushFront(i);
        m_bytes[to] += n.size;
    }
    /// Demotes protected's LRU entries to probation while protected exceeds its share.
    void demoteProtected()
    {
        while (m_bytes[Protected] > m_protectedCap)
            moveTo(m_lists[Protected].back(), Probation);
    }
    /// Removes a resident entry for good; returns it.
    Victim drop(quint32 i)
    {
        const Node &n = m_nodes[i];
        const Victim v { n.key, n.size };
        m_lists[n.list].unlink(i);
        m_bytes[n.list] -= n.size;
        m_map.erase(n.key);
        m_nodes.release(i);
        return v;
    }

    KeyIndexMap m_map;
    NodePool<Node> m_nodes;
    List m_lists[3] = { List(&m_nodes), List(&m_nodes), List(&m_nodes) };
    qint64 m_bytes[3] = { 0, 0, 0 };
    qint64 m_windowCap = 1;
    qint64 m_protectedCap = 0;
    Sketch m_sketch;
};

template <bool Record> bool WTinyLfuPolicy::step(const Request &r)
{
    const quint32 size = requestSize(r);
    ++m_stats.requests;
    m_stats.bytesRequested += r.size;
    m_sketch.prefetch(r.key);
    const quint32 i = m_map.find(r.key);
    m_sketch.increment(r.key);
    if (i != KeyIndexMap::npos) {
        if (m_nodes[i].list == Probation) {
            moveTo(i, Protected);
            demoteProtected();
        } else {
            m_lists[m_nodes[i].list].moveToFront(i);
        }
        ++m_stats.hits;
        return true;
    }
    ++m_stats.misses;
    m_stats.bytesMissed += r.size;
    if (qint64(size) > m_capacity)
        return false; // larger than the whole cache: never admitted

    const quint32 j = m_nodes.allocate();
    Node &x = m_nodes[j];
    x.key = r.key;
    x.size = size;
    x.list = Window;
    m_lists[Window].pushFront(j);
    m_bytes[Window] += size;
    m_map.insert(r.key, j);
    m_used += size;

    // The window's overflow moves to probation's MRU end as candidates, oldest first.
    quint32 candidate = nilIndex;
    while (m_bytes[Window] > m_windowCap) {
        const quint32 c = m_lists[Window].back();
        moveTo(c, Probation);
        if (candidate == nilIndex)
            candidate = c;
    }
    if (m_sketch.width() < quint64(m_map.size()))
        growSketch();

    // TinyLFU admission: each candidate against probation's LRU victim until everything fits.
    int candidateFreq = candidate != nilIndex ? m_sketch.estimate(m_nodes[candidate].key) : 0;
    while (m_used > m_capacity) {
        quint32 loser;
        const quint32 victim = m_lists[Probation].back();
        if (candidate == nilIndex) {
            // No contest (e.g. remove() had made room in the window): plain eviction.
            loser = victim != nilIndex          ? victim
                : !m_lists[Protected].isEmpty() ? m_lists[Protected].back()
                                                : m_lists[Window].back();
        } else if (victim == candidate || candidateFreq <= m_sketch.estimate(m_nodes[victim].key)) {
            loser = candidate;
            candidate = m_nodes[candidate].prev; // the next newer candidate, if any
            if (candidate != nilIndex)
                candidateFreq = m_sketch.estimate(m_nodes[candidate].key);
        } else {
            loser = victim;
        }
        const Victim v = drop(loser);
        noteEviction<Record>(v.key, v.size);
    }
    return false;
}

} // namespace CacheScope
