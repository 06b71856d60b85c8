#pragma once

#include "core/policy/cachepolicy.h"
#include "core/keyindexmap.h"
#include "core/policy/nodelist.h"

namespace CacheScope {

/// S3-FIFO: a small FIFO (10% of the capacity) filters one-hit wonders, a main FIFO (90%)
/// behaves as a 2-bit CLOCK, and a ghost FIFO remembers the keys recently evicted from small
/// (as many as main holds). A miss whose key is a ghost goes straight to main, others enter
/// small. Evicting from small promotes entries hit at least twice to main and sends the rest
/// to the ghost; evicting from main reinserts entries with freq > 0 at freq - 1.
/// Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023; semantics as in
/// libCacheSim's S3FIFO (promotion resets freq to 0; small is never sized below one unit).
class S3FifoPolicy final : public PolicyBase<S3FifoPolicy>
{
public:
    explicit S3FifoPolicy(const PolicyConfig &config);

    bool find(const Request &r)
    {
        m_hitOnGhost = false;
        const quint32 i = m_map.find(r.key);
        if (i == KeyIndexMap::npos)
            return false;
        Node &n = m_nodes[i];
        if (n.queue == Queue::Ghost) {
            m_hitOnGhost = true; // the next insert() goes to main
            m_ghost.unlink(i);
            m_ghostUsed -= n.size;
            m_map.erase(r.key);
            m_nodes.release(i);
            return false;
        }
        if (n.freq < 3)
            ++n.freq;
        return true;
    }
    void insert(const Request &r)
    {
        const quint32 i = m_nodes.allocate();
        Node &n = m_nodes[i];
        n.key = r.key;
        n.size = requestSize(r);
        if (m_hitOnGhost) {
            n.queue = Queue::Main;
            m_main.pushFront(i);
            m_mainUsed += n.size;
        } else {
            n.queue = Queue::Small;
            m_small.pushFront(i);
            m_smallUsed += n.size;
        }
        m_map.insert(r.key, i);
    }
    Victim evict()
    {
        if (!m_small.isEmpty() && (m_smallUsed > m_smallTarget || m_main.isEmpty())) {
            // As libCacheSim: keep promoting until one entry really leaves small, even if
            // small falls below its target meanwhile.
            while (!m_small.isEmpty()) {
                const quint32 i = m_small.popBack();
                Node &n = m_nodes[i];
                m_smallUsed -= n.size;
                if (n.freq < 2) {
                    const Victim v { n.key, n.size };
                    toGhost(i);
                    return v;
                }
                n.freq = 0;
                n.queue = Queue::Main;
                m_main.pushFront(i);
                m_mainUsed += n.size;
            }
        }
        for (;;) {
            const quint32 i = m_main.back();
            Node &n = m_nodes[i];
            if (n.freq == 0) {
                const Victim v { n.key, n.size };
                m_main.unlink(i);
                m_mainUsed -= n.size;
                m_map.erase(v.key);
                m_nodes.release(i);
                return v;
            }
            --n.freq;
            m_main.moveToFront(i);
        }
    }
    bool erase(Key key);
    bool has(Key key) const
    {
        const quint32 i = m_map.find(key);
        return i != KeyIndexMap::npos && m_nodes[i].queue != Queue::Ghost;
    }
    qint64 entryCount() const override { return qint64(m_small.size()) + qint64(m_main.size()); }
    std::size_t memoryBytes() const override { return m_map.memoryBytes() + m_nodes.memoryBytes(); }
    void setCapacity(qint64 capacity) override;

    /// Occupancy of the two resident queues and the ghost (objects, or bytes in byte mode).
    qint64 smallUsed() const { return m_smallUsed; }
    qint64 mainUsed() const { return m_mainUsed; }
    qint64 ghostUsed() const { return m_ghostUsed; }
    /// Whether a key is remembered by the ghost queue (not resident).
    bool isGhost(Key key) const
    {
        const quint32 i = m_map.find(key);
        return i != KeyIndexMap::npos && m_nodes[i].queue == Queue::Ghost;
    }

private:
    enum class Queue : quint8 { Small, Main, Ghost };
    struct Node
    {
        Key key = 0;
        quint32 size = 0;
        quint32 prev = nilIndex;
        quint32 next = nilIndex;
        quint8 freq = 0; // 0..3
        Queue queue = Queue::Small;
    };

    void setTargets(qint64 capacity);
    /// Turns an entry just taken out of small into a ghost, trimming the ghost queue.
    void toGhost(quint32 i)
    {
        Node &n = m_nodes[i];
        n.queue = Queue::Ghost;
        n.freq = 0;
        m_ghost.pushFront(i);
        m_ghostUsed += n.size;
        trimGhost();
    }
    void trimGhost()
    {
        while (m_ghostUsed > m_ghostCapacity) {
            const quint32 g = m_ghost.popBack();
            m_ghostUsed -= m_nodes[g].size;
            m_map.erase(m_nodes[g].key);
            m_nodes.release(g);
        }
    }

    KeyIndexMap m_map; // resident and ghost keys
    NodePool<Node> m_nodes;
    IndexList<NodePool<Node>> m_small { &m_nodes };
    IndexList<NodePool<Node>> m_main { &m_nodes };
    IndexList<NodePool<Node>> m_ghost { &m_nodes };
    qint64 m_smallUsed = 0;
    qint64 m_mainUsed = 0;
    qint64 m_ghostUsed = 0;
    qint64 m_smallTarget = 1;
    qint64 m_ghostCapacity = 0;
    bool m_hitOnGhost = false; // set by find(), read by the insert() of the same request
};

} // namespace CacheScope
