#pragma once

// The baseline of the policy benchmarks: the textbook LRU most people would write
// (std::unordered_map + std::list), shared by bench_policies and bench_policy_cost.

#include "core/key.h"

#include <cstddef>
#include <list>
#include <unordered_map>

namespace CacheScope::Bench {

class PlainLru
{
public:
    explicit PlainLru(std::size_t capacity)
        : m_capacity(capacity)
    {
        m_map.reserve(capacity * 2);
    }
    bool access(Key key)
    {
        auto it = m_map.find(key);
        if (it != m_map.end()) {
            m_list.splice(m_list.begin(), m_list, it->second);
            return true;
        }
        if (m_map.size() >= m_capacity) {
            m_map.erase(m_list.back());
            m_list.pop_back();
        }
        m_list.push_front(key);
        m_map.emplace(key, m_list.begin());
        return false;
    }

private:
    std::size_t m_capacity;
    std::list<Key> m_list;
    std::unordered_map<Key, std::list<Key>::iterator> m_map;
};

} // namespace CacheScope::Bench
