#pragma once

#include <QList>
#include <QPointF>
#include <QString>

#include <limits>

namespace CacheScope {

/// One line of a chart: points in data units, NaN y for a gap (an interval without requests).
struct ChartSeries
{
    QString name;
    QString color; // any SVG colour: "#1f77b4"
    QList<QPointF> points;
    bool dashed = false;
};

/// How an axis labels its values.
enum class AxisFormat {
    Number, // 12, 1.5k, 2M
    Percent, // a ratio 0..1 shown as 0%..100%
};

/// A line chart for the HTML report: a title, two labelled axes with round ticks (linear, or
/// powers of ten on a log axis), the series and a legend under the plot.
struct LineChartSpec
{
    QString id; // unique in the document that holds the chart (its clip path is named after it)
    QString title;
    QString xLabel;
    QString yLabel;
    AxisFormat xFormat = AxisFormat::Number;
    AxisFormat yFormat = AxisFormat::Number;
    bool logX = false;
    bool logY = false;
    /// Where a linear x axis starts (0 for time since the start); NaN: at the first point.
    double xMin = std::numeric_limits<double>::quiet_NaN();
    /// Fixed y range; NaN: from the data (a linear axis starts at 0).
    double yMin = std::numeric_limits<double>::quiet_NaN();
    double yMax = std::numeric_limits<double>::quiet_NaN();
    QList<ChartSeries> series;
    int width = 900;
    int height = 300;
};

/// The chart as one standalone `<svg>` element (XML, the SVG namespace, a `<title>`): written
/// directly rather than painted, so the CLI needs no GUI library and the report stays small and
/// text-searchable. A series of more points than the plot has pixel columns keeps, per column,
/// its first, lowest, highest and last point (spikes survive). No data: the frame and a note.
QString svgLineChart(const LineChartSpec &spec);

/// Round tick values covering [lo, hi] (about `count` of them, steps of 1, 2 or 5 × 10^k).
QList<double> niceTicks(double lo, double hi, int count = 5);

/// A tick label: "1.5k", "20M", "0.25"; percent: "45%".
QString axisLabel(double value, AxisFormat format);

} // namespace CacheScope
