#pragma once

#include "core/metrics/timeseries.h"

#include <QChartView>
#include <QColor>
#include <QFont>
#include <QList>
#include <QPointF>
#include <QString>

#include <optional>
#include <vector>

class QAbstractAxis;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace CacheScope {

/// What a plotted number means; drives axis labels and hover text.
enum class ValueUnit { Percent, PerSecond, Microseconds, Count, Bytes };

/// "93.4%", "12 345/s", "850 µs", "1.2 ms", "1 234", "1.5 MiB".
QString formatValue(double value, ValueUnit unit);

/// An axis from 0 to 1, 2 or 5 x 10^k at or above `max`, with ticks on round numbers
/// (5 intervals, or 4 for a leading 2): 0 20 40 60 80 100, 0 500 1000 1500 2000.
struct NiceRange
{
    double max = 1;
    int tickCount = 6;
    const char *labelFormat = "%.0f";
};
NiceRange niceRange(double max);

/// One live time chart: a few QLineSeries over a shared time axis, each fed from its own
/// fixed-size TimeSeries ring (memory bounded however long the run), shown through one
/// QXYSeries::replace() per series per render. Axes are created once, animations are off.
/// Markers (a vertical line and a label) show where the configuration changed; hovering shows
/// every series' value at that time.
class LiveChart : public QChartView
{
    Q_OBJECT

public:
    /// Percent: fixed 0..100. PercentFit: 0..100 narrowed to the visible values in steps of 10
    /// (lines a few points apart stay apart).
    enum class AxisScale { Linear, Percent, PercentFit, Log };
    struct AxisSpec
    {
        QString title;
        AxisScale scale = AxisScale::Linear;
        ValueUnit unit = ValueUnit::Count;
    };
    struct SeriesSpec
    {
        QString name;
        QColor color;
        Qt::PenStyle style = Qt::SolidLine;
        bool rightAxis = false;
        double width = 1.6;
    };
    struct Spec
    {
        QString title;
        AxisSpec left;
        std::optional<AxisSpec> right;
        QList<SeriesSpec> series;
        qsizetype windowPoints = 3000; // points each series holds
    };

    /// A series shows at most this many points (min/max per bucket beyond): the window can hold
    /// more than a chart is wide, and every point costs on each repaint.
    static constexpr qsizetype maxPlotPoints = 1200;
    static constexpr int maxMarkers = 64;

    explicit LiveChart(const Spec &spec, QWidget *parent = nullptr);
    ~LiveChart() override;

    /// Adds a point to series i's ring (not shown until render()). Times must not go back.
    void append(int series, double t, double value);
    /// Shows [viewStart, viewEnd]: one replace() per visible series, y ranges adjusted.
    void render(double viewStart, double viewEnd);
    /// A marker at time t, labelled with what changed. Old markers beyond maxMarkers, or older
    /// than every point held, are dropped.
    void addMarker(double t, const QString &label);
    /// Whether a series applies at all (the fill chart shows the capacity in entries or in
    /// bytes): a series that does not apply has no legend entry.
    void setSeriesVisible(int series, bool visible);
    /// Clicking a legend entry hides or shows its series (the entry stays, greyed).
    void setSeriesHiddenByUser(int series, bool hidden);
    /// Forgets every point and marker.
    void clear();

    QString title() const { return m_title; }
    int seriesCount() const { return int(m_series.size()); }
    QLineSeries *series(int i) const { return m_series[std::size_t(i)].line; }
    /// Drawn: it applies and the user has not hidden it.
    bool isSeriesVisible(int i) const { return m_series[std::size_t(i)].shown(); }
    bool seriesApplies(int i) const { return m_series[std::size_t(i)].applies; }
    const TimeSeries<QPointF> &buffer(int i) const { return m_series[std::size_t(i)].buffer; }
    int markerCount() const { return int(m_markers.size()); }
    double markerTime(int i) const { return m_markers[std::size_t(i)].t; }
    QString markerLabel(int i) const { return m_markers[std::size_t(i)].label; }
    /// Whether marker i's label has room on the chart (its line is always drawn).
    bool isMarkerLabelShown(int i) const;
    QAbstractAxis *timeAxis() const;
    QAbstractAxis *leftAxis() const { return m_left.axis; }
    QAbstractAxis *rightAxis() const { return m_right.axis; }
    double viewStart() const { return m_viewStart; }
    double viewEnd() const { return m_viewEnd; }
    /// The text hovering at time t shows: the time, each visible series' nearest value and the
    /// markers near t. Empty outside the data.
    QString hoverText(double t) const;

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct SeriesData
    {
        QLineSeries *line = nullptr;
        TimeSeries<QPointF> buffer;
        bool rightAxis = false;
        bool applies = true;
        bool hiddenByUser = false;
        ValueUnit unit = ValueUnit::Count;
        // The points handed to the series, two lists taking turns: replace() shares the list
        // with the series, so the one filled next is the one the series let go of at the
        // previous render (refcount 1 again): refilled in place, no allocation per render.
        QList<QPointF> plot[2];
        int plotTurn = 0;
        bool shown() const { return applies && !hiddenByUser; }
    };
    struct AxisData
    {
        QAbstractAxis *axis = nullptr; // owned by the chart
        AxisSpec spec;
        double divisor = 1; // shown in thousands, KiB, ms, ...
    };
    struct Marker
    {
        double t = 0;
        QString label;
        QGraphicsLineItem *line = nullptr; // owned by the chart
        QGraphicsRectItem *box = nullptr;
        QGraphicsSimpleTextItem *text = nullptr;
        double elidedTo = -1; // the width the label's text was last elided to
    };

    void setUpAxis(AxisData &axis, Qt::Alignment alignment);
    void fitAxis(AxisData &axis, double min, double minPositive, double max);
    /// The points of [x0, x1] (and one either side) into `out`, its storage reused; at most
    /// maxPlotPoints (min and max per bucket beyond).
    void visiblePoints(
        const TimeSeries<QPointF> &buffer, double x0, double x1, QList<QPointF> &out) const;
    void updateMarkerItems();
    void removeMarker(std::size_t index);
    void hideHover();

    QString m_title;
    QValueAxis *m_time = nullptr;
    AxisData m_left;
    AxisData m_right;
    std::vector<SeriesData> m_series;
    std::vector<Marker> m_markers;
    std::vector<Marker> m_spareMarkers; // items of removed markers, hidden, for reuse
    QGraphicsLineItem *m_crosshair = nullptr;
    QFont m_markerFont;
    double m_viewStart = 0;
    double m_viewEnd = 60;
};

} // namespace CacheScope
