#pragma once

#include "core/key.h"

#include <cstdint>
#include <vector>

namespace CacheScope {

/// Key -> 32-bit slot index, open addressing with linear probing and backward-shift deletion
/// (no tombstones, so long runs never degrade). Policies keep their entries in flat arrays and
/// find them through this map: one cache line per lookup instead of a node per entry.
class KeyIndexMap
{
public:
    static constexpr quint32 npos = UINT32_MAX;

    explicit KeyIndexMap(std::size_t expected = 16) { reserve(expected); }

    /// Sizes the table for `expected` entries at load factor <= 0.5.
    void reserve(std::size_t expected)
    {
        std::size_t want = 16;
        while (want < expected * 2)
            want <<= 1;
        if (want > m_slots.size())
            rehash(want);
    }

    std::size_t size() const { return m_size; }

    quint32 find(Key key) const
    {
        std::size_t i = mixKey(key) & m_mask;
        for (;;) {
            const Slot &s = m_slots[i];
            if (s.value == npos)
                return npos;
            if (s.key == key)
                return s.value;
            i = (i + 1) & m_mask;
        }
    }

    /// Inserts a key that is not present.
    void insert(Key key, quint32 value)
    {
        if ((m_size + 1) * 2 > m_slots.size())
            rehash(m_slots.size() * 2);
        std::size_t i = mixKey(key) & m_mask;
        while (m_slots[i].value != npos)
            i = (i + 1) & m_mask;
        m_slots[i] = { key, value };
        ++m_size;
    }

    /// Changes the value of a present key.
    void update(Key key, quint32 value)
    {
        std::size_t i = mixKey(key) & m_mask;
        while (m_slots[i].key != key || m_slots[i].value == npos)
            i = (i + 1) & m_mask;
        m_slots[i].value = value;
    }

    /// Removes a key if present; returns its value or npos.
    quint32 erase(Key key)
    {
        std::size_t i = mixKey(key) & m_mask;
        for (;;) {
            if (m_slots[i].value == npos)
                return npos;
            if (m_slots[i].key == key)
                break;
            i = (i + 1) & m_mask;
        }
        const quint32 old = m_slots[i].value;
        // Backward-shift: pull later members of the probe run into the hole.
        std::size_t hole = i;
        std::size_t j = i;
        for (;;) {
            j = (j + 1) & m_mask;
            if (m_slots[j].value == npos)
                break;
            const std::size_t home = mixKey(m_slots[j].key) & m_mask;
            // Move j into the hole unless its home lies cyclically in (hole, j].
            const bool homeBetween
                = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                m_slots[hole] = m_slots[j];
                hole = j;
            }
        }
        m_slots[hole].value = npos;
        --m_size;
        return old;
    }

    void clear()
    {
        for (Slot &s : m_slots)
            s.value = npos;
        m_size = 0;
    }

    std::size_t memoryBytes() const { return m_slots.capacity() * sizeof(Slot); }

private:
    struct Slot
    {
        Key key = 0;
        quint32 value = npos;
    };

    void rehash(std::size_t newSize)
    {
        std::vector<Slot> old;
        old.swap(m_slots);
        m_slots.assign(newSize, Slot {});
        m_mask = newSize - 1;
        m_size = 0;
        for (const Slot &s : old) {
            if (s.value != npos) {
                std::size_t i = mixKey(s.key) & m_mask;
                while (m_slots[i].value != npos)
                    i = (i + 1) & m_mask;
                m_slots[i] = s;
                ++m_size;
            }
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

} // namespace CacheScope
