#include "core/policy/wtinylfupolicy.h"

#include <algorithm>
#include <cstdint>

namespace CacheScope {

namespace {
constexpr quint64 sketchStartWidth = 256; // byte mode: objects, until the cache holds more
constexpr quint64 sketchEagerWidth = 1ULL << 20; // object mode: sized up front up to this
} // namespace

void WTinyLfuPolicy::Sketch::resize(quint64 width, quint64 sampleSize)
{
    // Small caches get 256 counters a row, so that a few keys rarely share all four counters.
    quint64 w = 256;
    while (w < width)
        w <<= 1;
    m_blockMask = w / 32 - 1;
    m_table.assign(w / 4 + 8, 0); // 4 rows x w nibbles = w / 4 words, + 8 to align
    const auto address = reinterpret_cast<std::uintptr_t>(m_table.data());
    m_blocks = m_table.data() + ((64 - address % 64) % 64) / sizeof(quint64);
    m_samples = 0;
    setSampleSize(sampleSize);
}

void WTinyLfuPolicy::Sketch::halve()
{
    // Ageing: every counter is halved at once (shift each nibble, drop the bit that crossed
    // into the neighbour), and so is the sample count.
    for (quint64 &w : m_table)
        w = (w >> 1) & 0x7777777777777777ULL;
    m_samples /= 2;
}

WTinyLfuPolicy::WTinyLfuPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    computeShares();
    if (config.sizeUnit == SizeUnit::Objects) {
        m_sketch.resize(
            std::min(quint64(config.capacity), sketchEagerWidth), 10 * quint64(config.capacity));
        reserveUpFront(config, config.capacity, m_map, m_nodes);
    } else {
        m_sketch.resize(sketchStartWidth, 10 * sketchStartWidth);
    }
}

void WTinyLfuPolicy::growSketch()
{
    const quint64 width = 2 * m_sketch.width();
    m_sketch.resize(width, 10 * (m_sizeUnit == SizeUnit::Objects ? quint64(m_capacity) : width));
}

void WTinyLfuPolicy::computeShares()
{
    // Caffeine's static split: 1% window (at least one slot), main 80% protected.
    m_windowCap = std::max<qint64>(m_capacity / 100, 1);
    const qint64 main = std::max<qint64>(m_capacity - m_windowCap, 0);
    m_protectedCap = main * 8 / 10;
}

Victim WTinyLfuPolicy::evict()
{
    for (ListId from : { Probation, Protected, Window }) {
        if (!m_lists[from].isEmpty())
            return drop(m_lists[from].back());
    }
    Q_UNREACHABLE();
    return {};
}

bool WTinyLfuPolicy::erase(Key key)
{
    const quint32 i = m_map.find(key);
    if (i == KeyIndexMap::npos)
        return false;
    m_used -= m_nodes[i].size;
    drop(i);
    return true;
}

void WTinyLfuPolicy::setCapacity(qint64 capacity)
{
    m_evicted.clear();
    m_capacity = capacity;
    computeShares();
    if (m_sizeUnit == SizeUnit::Objects) {
        // Halving follows the new capacity; the width grows when the contents need it.
        m_sketch.setSampleSize(10 * quint64(capacity));
    }
    // Re-split first (no admission contest), then evict from probation's LRU end onwards.
    while (m_bytes[Window] > m_windowCap)
        moveTo(m_lists[Window].back(), Probation);
    demoteProtected();
    while (m_used > m_capacity && m_map.size() > 0)
        evictOne<true>();
}

} // namespace CacheScope
