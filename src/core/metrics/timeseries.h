#pragma once

#include <QList>
#include <QPointF>

#include <vector>

namespace CacheScope {

/// A fixed-capacity ring of chart points: push() drops the oldest once full, so a chart's memory
/// stays bounded however long the run is (the Qt Charts `dynamicspline` example grows forever).
/// points() returns them oldest first, ready for one QXYSeries::replace() per tick.
/// Not thread-safe: it lives on the GUI thread next to its series.
template <typename Point = QPointF> class TimeSeries
{
public:
    explicit TimeSeries(qsizetype capacity)
        : m_capacity(capacity > 0 ? capacity : 1)
    {
        m_ring.reserve(std::size_t(m_capacity));
    }

    void push(const Point &point)
    {
        if (qsizetype(m_ring.size()) < m_capacity) {
            m_ring.push_back(point);
            return;
        }
        m_ring[std::size_t(m_oldest)] = point;
        m_oldest = (m_oldest + 1) % m_capacity;
    }

    qsizetype size() const { return qsizetype(m_ring.size()); }
    qsizetype capacity() const { return m_capacity; }
    bool isEmpty() const { return m_ring.empty(); }
    /// The i-th point, 0 being the oldest held.
    const Point &at(qsizetype i) const
    {
        return m_ring[std::size_t((m_oldest + i) % qsizetype(m_ring.size()))];
    }
    const Point &last() const { return at(size() - 1); }

    /// All points held, oldest first.
    QList<Point> points() const
    {
        QList<Point> out;
        out.reserve(size());
        for (qsizetype i = 0; i < size(); ++i)
            out.append(at(i));
        return out;
    }

    void clear()
    {
        m_ring.clear();
        m_oldest = 0;
    }

private:
    std::vector<Point> m_ring;
    qsizetype m_capacity;
    qsizetype m_oldest = 0; // index of the oldest point once the ring is full
};

} // namespace CacheScope
