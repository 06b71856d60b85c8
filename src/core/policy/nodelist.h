#pragma once

#include <QtGlobal>

#include <cstdint>
#include <vector>

namespace CacheScope {

constexpr quint32 nilIndex = UINT32_MAX;

/// Flat storage for policy entries with a free list: indices stay valid until freed, so
/// lists and maps can refer to entries by 32-bit index. Node must be default-constructible.
template <typename Node> class NodePool
{
public:
    quint32 allocate()
    {
        if (m_free != nilIndex) {
            const quint32 i = m_free;
            m_free = m_nextFree[i];
            m_nodes[i] = Node {};
            return i;
        }
        m_nodes.emplace_back();
        m_nextFree.push_back(nilIndex);
        return quint32(m_nodes.size() - 1);
    }
    void release(quint32 i)
    {
        m_nextFree[i] = m_free;
        m_free = i;
    }
    void reserve(std::size_t n)
    {
        m_nodes.reserve(n);
        m_nextFree.reserve(n);
    }
    Node &operator[](quint32 i) { return m_nodes[i]; }
    const Node &operator[](quint32 i) const { return m_nodes[i]; }
    std::size_t memoryBytes() const
    {
        return m_nodes.capacity() * sizeof(Node) + m_nextFree.capacity() * sizeof(quint32);
    }

private:
    std::vector<Node> m_nodes;
    std::vector<quint32> m_nextFree;
    quint32 m_free = nilIndex;
};

/// An intrusive doubly linked list over nodes that have `quint32 prev, next` members.
/// Front is the most recent end, back the oldest. The list does not own the nodes.
template <typename Pool> class IndexList
{
public:
    explicit IndexList(Pool *pool = nullptr)
        : m_pool(pool)
    {
    }
    void setPool(Pool *pool) { m_pool = pool; }

    bool isEmpty() const { return m_head == nilIndex; }
    quint32 front() const { return m_head; }
    quint32 back() const { return m_tail; }
    std::size_t size() const { return m_size; }

    void pushFront(quint32 i)
    {
        auto &n = (*m_pool)[i];
        n.prev = nilIndex;
        n.next = m_head;
        if (m_head != nilIndex)
            (*m_pool)[m_head].prev = i;
        else
            m_tail = i;
        m_head = i;
        ++m_size;
    }
    void pushBack(quint32 i)
    {
        auto &n = (*m_pool)[i];
        n.next = nilIndex;
        n.prev = m_tail;
        if (m_tail != nilIndex)
            (*m_pool)[m_tail].next = i;
        else
            m_head = i;
        m_tail = i;
        ++m_size;
    }
    void unlink(quint32 i)
    {
        auto &n = (*m_pool)[i];
        if (n.prev != nilIndex)
            (*m_pool)[n.prev].next = n.next;
        else
            m_head = n.next;
        if (n.next != nilIndex)
            (*m_pool)[n.next].prev = n.prev;
        else
            m_tail = n.prev;
        --m_size;
    }
    void moveToFront(quint32 i)
    {
        if (m_head == i)
            return;
        unlink(i);
        pushFront(i);
    }
    quint32 popBack()
    {
        const quint32 i = m_tail;
        unlink(i);
        return i;
    }
    void clear()
    {
        m_head = m_tail = nilIndex;
        m_size = 0;
    }

private:
    Pool *m_pool;
    quint32 m_head = nilIndex;
    quint32 m_tail = nilIndex;
    std::size_t m_size = 0;
};

} // namespace CacheScope
