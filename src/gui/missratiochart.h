#pragma once

#include "core/engine/simulationrunner.h"
#include "core/metrics/missratiocurve.h"

#include <QChartView>
#include <QColor>
#include <QHash>

#include <vector>

class QLineSeries;
class QValueAxis;

namespace CacheScope {

/// A policy's colour in every chart: its registry position in a 12-colour palette.
QColor policyColor(const QString &id);

/// Miss ratio against capacity from a trace replay: one line per policy, Belady's OPT dashed
/// as the lower bound no policy can beat. Axes are created once; a new replay replaces the
/// lines. Hovering a point shows policy, capacity and miss ratio.
class MissRatioChart : public QChartView
{
    Q_OBJECT

public:
    explicit MissRatioChart(QWidget *parent = nullptr);

    /// One line per policy through its replayed capacities; `lruCurve`, when given, is drawn
    /// as a thin line under the LRU points (the exact curve at every capacity).
    void setResults(
        const std::vector<SimulationResult> &results, const std::vector<MrcPoint> &lruCurve = {});
    void clear();
    /// The line of a policy id, or nullptr.
    QLineSeries *seriesFor(const QString &policy) const { return m_series.value(policy); }
    int lineCount() const { return int(m_series.size()); }
    /// The exact LRU curve's line, or nullptr when the last results had none.
    QLineSeries *lruCurveSeries() const { return m_lruCurve; }

private:
    QValueAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
    QHash<QString, QLineSeries *> m_series; // owned by the chart
    QLineSeries *m_lruCurve = nullptr;
};

} // namespace CacheScope
