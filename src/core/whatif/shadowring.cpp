#include "core/whatif/shadowring.h"

#include <algorithm>
#include <bit>

namespace CacheScope {

ShadowRing::ShadowRing(std::size_t capacity)
    : m_mask(std::bit_ceil(std::max<std::size_t>(capacity, 2)) - 1)
    , m_entries(new Entry[m_mask + 1])
{
}

std::size_t ShadowRing::popInto(std::vector<Entry> &out, std::size_t max)
{
    const std::size_t tail = m_tail.load(std::memory_order_relaxed);
    if (m_headCopy - tail < max)
        m_headCopy = m_head.load(std::memory_order_acquire);
    const std::size_t n = std::min(max, m_headCopy - tail);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(m_entries[(tail + i) & m_mask]);
    m_tail.store(tail + n, std::memory_order_release);
    return n;
}

} // namespace CacheScope
