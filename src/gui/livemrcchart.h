#pragma once

#include "core/metrics/missratiocurve.h"

#include <QChartView>

#include <optional>
#include <vector>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace CacheScope {

/// The live LRU miss-ratio curve of a run: miss ratio against capacity as SHARDS estimates it
/// from the keys the workers request, with the cache's current capacity as a vertical line
/// and the point at twice that capacity marked. Axes are created once and animations are off;
/// each update is one replace() per series. The x axis reaches past twice the capacity so the
/// "what if it were bigger" point is always on the chart.
class LiveMrcChart : public QChartView
{
    Q_OBJECT

public:
    /// Points drawn for the curve: enough for a smooth line, few enough to redraw each tick.
    static constexpr int curvePoints = 120;

    explicit LiveMrcChart(QWidget *parent = nullptr);

    /// Shows `curve` (miss ratio in [0, 1] at each capacity, ascending) with the capacity
    /// line at `capacity`. An empty curve keeps the axes and the capacity line.
    void setCurve(const std::vector<MrcPoint> &curve, qint64 capacity, SizeUnit unit);
    void clear();

    QLineSeries *curveSeries() const { return m_curve; }
    QLineSeries *capacitySeries() const { return m_capacityLine; }
    /// Where the capacity line is drawn; none before the first setCurve().
    std::optional<double> capacityMarkerX() const;
    QValueAxis *capacityAxis() const { return m_x; }

private:
    QValueAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
    QLineSeries *m_curve = nullptr; // owned by the chart
    QLineSeries *m_capacityLine = nullptr;
    QLineSeries *m_doubleLine = nullptr;
    QScatterSeries *m_points = nullptr; // now and at 2x on the curve
    SizeUnit m_unit = SizeUnit::Objects;
};

/// The curve's miss ratio at a capacity, interpolated linearly between its points, from 100%
/// at capacity 0 and flat beyond the last point; none for an empty curve.
std::optional<double> missRatioAt(const std::vector<MrcPoint> &curve, double capacity);

} // namespace CacheScope
