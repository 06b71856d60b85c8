#include "livechart.h"

#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

/// 1, 2, 5 x 10^k at or above v.
double niceCeil(double v)
{
    if (!(v > 0))
        return 1;
    const double e = std::pow(10.0, std::floor(std::log10(v)));
    const double m = v / e;
    const double step = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return step * e;
}

qsizetype firstAtOrAfter(const TimeSeries<QPointF> &buffer, double x)
{
    qsizetype lo = 0;
    qsizetype hi = buffer.size();
    while (lo < hi) {
        const qsizetype mid = lo + (hi - lo) / 2;
        if (buffer.at(mid).x() < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const char *byteUnitName(double divisor)
{
    return divisor >= 1024.0 * 1024 * 1024 ? "GiB"
        : divisor >= 1024.0 * 1024         ? "MiB"
        : divisor >= 1024.0                ? "KiB"
                                           : "B";
}

} // namespace

QString formatValue(double value, ValueUnit unit)
{
    const QLocale locale;
    switch (unit) {
    case ValueUnit::Percent:
        return QString::number(value, 'f', 1) + u'%';
    case ValueUnit::PerSecond:
        return locale.toString(value, 'f', value < 10 ? 2 : 0) + u"/s"_s;
    case ValueUnit::Microseconds:
        if (value < 1000)
            return QString::number(value, 'f', value < 10 ? 2 : 0) + u" µs"_s;
        if (value < 1e6)
            return QString::number(value / 1000.0, 'f', value < 1e4 ? 2 : 1) + u" ms"_s;
        return QString::number(value / 1e6, 'f', 2) + u" s"_s;
    case ValueUnit::Count:
        return std::floor(value) == value ? locale.toString(qint64(value))
                                          : locale.toString(value, 'f', 2);
    case ValueUnit::Bytes:
        return locale.formattedDataSize(qint64(value), 1);
    }
    return QString::number(value);
}

NiceRange niceRange(double max)
{
    NiceRange r;
    r.max = niceCeil(max);
    const double leading = r.max / std::pow(10.0, std::floor(std::log10(r.max)));
    const int intervals = std::abs(leading - 2) < 1e-9 ? 4 : 5;
    const double step = r.max / intervals;
    r.tickCount = intervals + 1;
    r.labelFormat = step >= 1 ? "%.0f" : step >= 0.1 ? "%.1f" : "%.2f";
    return r;
}

LiveChart::LiveChart(const Spec &spec, QWidget *parent)
    : QChartView(parent)
    , m_title(spec.title)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(spec.title);
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(9.5);
    chart->setTitleFont(titleFont);
    chart->setMargins(QMargins(4, 2, 4, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    // On the right: a chart is wider than tall, and eight latency series do not fit in a row.
    chart->legend()->setAlignment(Qt::AlignRight);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(7.5);
    chart->legend()->setFont(legendFont);
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    // QChartView(parent) made a placeholder chart; setChart() only releases it: delete it.
    QChart *placeholder = this->chart();
    setChart(chart); // the view owns the chart, the chart its series, axes and marker items
    delete placeholder;
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setMinimumSize(320, 185); // not 200: the Metrics | What-if tab bar took those 45 px

    m_time = new QValueAxis;
    m_time->setTitleText(tr("time (s)"));
    m_time->setLabelFormat(u"%.0f"_s);
    m_time->setTickCount(7);
    m_time->setRange(m_viewStart, m_viewEnd);
    chart->addAxis(m_time, Qt::AlignBottom);

    m_left.spec = spec.left;
    setUpAxis(m_left, Qt::AlignLeft);
    if (spec.right) {
        m_right.spec = *spec.right;
        setUpAxis(m_right, Qt::AlignRight);
    }

    m_series.reserve(std::size_t(spec.series.size()));
    for (const SeriesSpec &s : spec.series) {
        auto *line = new QLineSeries;
        line->setName(s.name);
        QPen pen(s.color);
        pen.setWidthF(s.width);
        pen.setStyle(s.style);
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(m_time);
        const bool right = s.rightAxis && m_right.axis;
        line->attachAxis(right ? m_right.axis : m_left.axis);
        m_series.push_back({ line, TimeSeries<QPointF>(spec.windowPoints), right, true, false,
            right ? m_right.spec.unit : m_left.spec.unit, {}, 0 });
        const int index = int(m_series.size()) - 1;
        const QList<QLegendMarker *> markers = chart->legend()->markers(line);
        for (QLegendMarker *marker : markers) {
            connect(marker, &QLegendMarker::clicked, this, [this, index] {
                setSeriesHiddenByUser(index, !m_series[std::size_t(index)].hiddenByUser);
            });
        }
    }

    m_markerFont = font();
    m_markerFont.setPointSizeF(7.5);
    m_crosshair = new QGraphicsLineItem(chart);
    m_crosshair->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DotLine));
    m_crosshair->setZValue(20);
    m_crosshair->hide();
    connect(chart, &QChart::plotAreaChanged, this, [this] { updateMarkerItems(); });
}

LiveChart::~LiveChart() = default;

QAbstractAxis *LiveChart::timeAxis() const { return m_time; }

void LiveChart::setUpAxis(AxisData &axis, Qt::Alignment alignment)
{
    if (axis.spec.scale == AxisScale::Log) {
        auto *log = new QLogValueAxis;
        log->setBase(10);
        // Latencies are held in µs and shown in ms: "%g" then reads 0.001 ... 10000 without
        // the exponents µs would need past 100 000.
        if (axis.spec.unit == ValueUnit::Microseconds)
            axis.divisor = 1000;
        log->setLabelFormat(u"%g"_s);
        log->setMinorTickCount(-1);
        log->setMinorGridLineColor(QColor(0, 0, 0, 18));
        log->setRange(0.001, 1);
        axis.axis = log;
    } else {
        auto *value = new QValueAxis;
        value->setTickCount(6);
        if (axis.spec.scale == AxisScale::Percent || axis.spec.scale == AxisScale::PercentFit) {
            value->setRange(0, 100);
            value->setLabelFormat(u"%.0f"_s);
        } else {
            value->setRange(0, 1);
            value->setLabelFormat(u"%.1f"_s);
        }
        axis.axis = value;
    }
    axis.axis->setTitleText(axis.spec.title);
    QFont f = axis.axis->labelsFont();
    f.setPointSizeF(8);
    axis.axis->setLabelsFont(f);
    QFont tf = axis.axis->titleFont();
    tf.setPointSizeF(8);
    tf.setBold(false);
    axis.axis->setTitleFont(tf);
    m_time->setLabelsFont(f);
    m_time->setTitleFont(tf);
    chart()->addAxis(axis.axis, alignment);
}

void LiveChart::append(int series, double t, double value)
{
    SeriesData &s = m_series[std::size_t(series)];
    if (!s.buffer.isEmpty() && t < s.buffer.last().x())
        return; // time never goes back within a timeline; a stale point is dropped
    s.buffer.push(QPointF(t, value));
}

void LiveChart::visiblePoints(
    const TimeSeries<QPointF> &buffer, double x0, double x1, QList<QPointF> &out) const
{
    out.resize(0); // keeps the capacity (the list is not shared: see SeriesData::plot)
    // One point either side of the view so lines run to the edges.
    qsizetype first = firstAtOrAfter(buffer, x0);
    if (first > 0)
        --first;
    qsizetype last = firstAtOrAfter(buffer, x1); // first beyond the view, included
    if (last >= buffer.size())
        last = buffer.size() - 1;
    const qsizetype n = last - first + 1;
    if (n <= 0)
        return;
    if (n <= maxPlotPoints) {
        out.reserve(n);
        for (qsizetype i = first; i <= last; ++i)
            out.append(buffer.at(i));
        return;
    }
    // Min and max of each bucket, in time order: spikes survive the thinning.
    const qsizetype buckets = maxPlotPoints / 2;
    out.reserve(buckets * 2);
    for (qsizetype b = 0; b < buckets; ++b) {
        const qsizetype from = first + n * b / buckets;
        const qsizetype to = first + n * (b + 1) / buckets;
        if (from >= to)
            continue;
        qsizetype lo = from;
        qsizetype hi = from;
        for (qsizetype i = from + 1; i < to; ++i) {
            if (buffer.at(i).y() < buffer.at(lo).y())
                lo = i;
            if (buffer.at(i).y() > buffer.at(hi).y())
                hi = i;
        }
        out.append(buffer.at(std::min(lo, hi)));
        if (lo != hi)
            out.append(buffer.at(std::max(lo, hi)));
    }
}

void LiveChart::render(double viewStart, double viewEnd)
{
    if (!(viewEnd > viewStart))
        viewEnd = viewStart + 1;
    m_viewStart = viewStart;
    m_viewEnd = viewEnd;
    if (m_time->min() != viewStart || m_time->max() != viewEnd)
        m_time->setRange(viewStart, viewEnd);

    struct Extent
    {
        double min = std::numeric_limits<double>::infinity();
        double max = 0;
        double minPositive = std::numeric_limits<double>::infinity();
    };
    Extent extents[2];
    for (SeriesData &s : m_series) {
        if (!s.shown())
            continue;
        // The list the series let go of at the last render; if something else still shares
        // it (a caller's copy of points()), write into a fresh one rather than detach a copy.
        s.plotTurn ^= 1;
        QList<QPointF> &pts = s.plot[s.plotTurn];
        if (!pts.isDetached())
            pts = QList<QPointF>();
        visiblePoints(s.buffer, viewStart, viewEnd, pts);
        Extent &e = extents[s.rightAxis ? 1 : 0];
        for (const QPointF &p : std::as_const(pts)) {
            if (p.x() < viewStart || p.x() > viewEnd)
                continue;
            e.min = std::min(e.min, p.y());
            e.max = std::max(e.max, p.y());
            if (p.y() > 0)
                e.minPositive = std::min(e.minPositive, p.y());
        }
    }
    fitAxis(m_left, extents[0].min, extents[0].minPositive, extents[0].max);
    if (m_right.axis)
        fitAxis(m_right, extents[1].min, extents[1].minPositive, extents[1].max);

    for (SeriesData &s : m_series) {
        if (!s.shown())
            continue;
        const AxisData &axis = s.rightAxis ? m_right : m_left;
        QList<QPointF> &pts = s.plot[s.plotTurn];
        if (axis.spec.scale == AxisScale::Log) // a log axis cannot show 0
            pts.removeIf([](const QPointF &p) { return !(p.y() > 0); });
        if (axis.divisor != 1) {
            for (QPointF &p : pts)
                p.setY(p.y() / axis.divisor);
        }
        s.line->replace(pts); // one replace per series per tick, never clear() + append()
    }
    updateMarkerItems();
}

void LiveChart::fitAxis(AxisData &axis, double min, double minPositive, double max)
{
    switch (axis.spec.scale) {
    case AxisScale::Percent:
        return; // fixed 0..100
    case AxisScale::PercentFit: {
        auto *value = static_cast<QValueAxis *>(axis.axis);
        double lo = 0;
        double hi = 100;
        if (std::isfinite(min)) {
            lo = std::clamp(std::floor((min - 1) / 10) * 10, 0.0, 90.0);
            hi = std::clamp(std::ceil((max + 1) / 10) * 10, lo + 10, 100.0);
        }
        const double span = hi - lo;
        const double step = span <= 10 ? 2 : span <= 30 ? 5 : span <= 60 ? 10 : 20;
        if (span > 60) { // every 20: the range must be a multiple of it
            lo = 0;
            hi = 100;
        }
        if (value->min() != lo || value->max() != hi) {
            value->setRange(lo, hi);
            value->setTickCount(int(std::lround((hi - lo) / step)) + 1);
        }
        return;
    }
    case AxisScale::Log: {
        auto *log = static_cast<QLogValueAxis *>(axis.axis);
        if (!std::isfinite(minPositive))
            return;
        const double lo = std::pow(10.0, std::floor(std::log10(minPositive / axis.divisor)));
        double hi = std::pow(10.0, std::ceil(std::log10(max / axis.divisor)));
        if (hi <= lo)
            hi = lo * 10;
        if (log->min() != lo || log->max() != hi)
            log->setRange(lo, hi);
        return;
    }
    case AxisScale::Linear:
        break;
    }
    auto *value = static_cast<QValueAxis *>(axis.axis);
    // Large numbers in thousands (or KiB, MiB for bytes) so tick labels stay short.
    const bool bytes = axis.spec.unit == ValueUnit::Bytes;
    const double base = bytes ? 1024.0 : 1000.0;
    double divisor = 1;
    while (divisor < base * base * base && max / divisor >= (bytes ? base : 10 * base))
        divisor *= base;
    if (divisor != axis.divisor) {
        axis.divisor = divisor;
        QString suffix;
        if (bytes)
            suffix = u" ("_s + QLatin1String(byteUnitName(divisor)) + u')';
        else if (divisor == 1000)
            suffix = tr(" (thousands)");
        else if (divisor > 1000)
            suffix = tr(" (millions)");
        value->setTitleText(axis.spec.title + suffix);
    }
    const NiceRange range = niceRange(max / axis.divisor * 1.05);
    if (value->max() != range.max || value->min() != 0) {
        value->setRange(0, range.max);
        value->setTickCount(range.tickCount);
        value->setLabelFormat(QString::fromLatin1(range.labelFormat));
    }
}

void LiveChart::setSeriesVisible(int series, bool visible)
{
    SeriesData &s = m_series[std::size_t(series)];
    if (s.applies == visible)
        return;
    s.applies = visible;
    s.line->setVisible(s.shown());
    const QList<QLegendMarker *> markers = chart()->legend()->markers(s.line);
    for (QLegendMarker *m : markers)
        m->setVisible(visible);
}

void LiveChart::setSeriesHiddenByUser(int series, bool hidden)
{
    SeriesData &s = m_series[std::size_t(series)];
    if (s.hiddenByUser == hidden)
        return;
    s.hiddenByUser = hidden;
    s.line->setVisible(s.shown());
    const QList<QLegendMarker *> markers = chart()->legend()->markers(s.line);
    for (QLegendMarker *m : markers)
        m->setLabelBrush(hidden ? QBrush(Qt::gray) : chart()->legend()->labelBrush());
    if (s.shown())
        render(m_viewStart, m_viewEnd); // its points were not replaced while hidden
}

void LiveChart::addMarker(double t, const QString &label)
{
    Marker m;
    if (!m_spareMarkers.empty()) {
        // The items of a marker that scrolled out, reused: a run with a change every few
        // seconds neither creates nor deletes graphics items once 64 markers are held.
        m = m_spareMarkers.back();
        m_spareMarkers.pop_back();
        m.text->setText(QString());
    } else {
        QColor color(0x8e, 0x24, 0xaa); // purple: no series uses it
        m.line = new QGraphicsLineItem(chart());
        m.line->setPen(QPen(color, 1.2, Qt::DashLine));
        m.line->setZValue(10);
        m.box = new QGraphicsRectItem(chart());
        m.box->setBrush(QColor(255, 255, 255, 225));
        m.box->setPen(QPen(color, 0.8));
        m.box->setZValue(11);
        m.text = new QGraphicsSimpleTextItem(m.box);
        m.text->setFont(m_markerFont);
        m.text->setBrush(color.darker(130));
    }
    m.t = t;
    m.label = label;
    m.elidedTo = -1;
    m.box->setToolTip(label);
    m_markers.push_back(m);
    while (m_markers.size() > std::size_t(maxMarkers))
        removeMarker(0);
    updateMarkerItems();
}

bool LiveChart::isMarkerLabelShown(int i) const
{
    return m_markers[std::size_t(i)].box->isVisible();
}

void LiveChart::removeMarker(std::size_t index)
{
    Marker m = m_markers[index];
    m_markers.erase(m_markers.begin() + std::ptrdiff_t(index));
    m.line->hide();
    m.box->hide();
    m.label.clear();
    m_spareMarkers.push_back(m); // reused by the next addMarker(); the chart owns the items
}

void LiveChart::updateMarkerItems()
{
    // Markers older than every point held have scrolled out of the window for good.
    double oldest = std::numeric_limits<double>::infinity();
    for (const SeriesData &s : m_series) {
        if (!s.buffer.isEmpty())
            oldest = std::min(oldest, s.buffer.at(0).x());
    }
    while (!m_markers.empty() && std::isfinite(oldest) && m_markers.front().t < oldest)
        removeMarker(0);

    const QRectF plot = chart()->plotArea();
    const double span = m_viewEnd - m_viewStart;
    // Labels go in up to three rows, each to the right of its line (pushed left only as far as
    // the plot's edge needs); a label with no free row is left out, its line stays and the
    // hover text and tooltip still name it. Long labels are elided to 45% of the plot.
    constexpr int rows = 3;
    double lastRight[rows] = { -1e9, -1e9, -1e9 };
    const QFontMetricsF metrics(m_markerFont);
    const double maxWidth = std::max(60.0, plot.width() * 0.45);
    for (Marker &m : m_markers) {
        const bool inView = span > 0 && m.t >= m_viewStart && m.t <= m_viewEnd && plot.width() > 0;
        // Items are changed only where they change: each change re-indexes the item in the
        // scene, and a live view moves every marker at every render anyway.
        if (m.line->isVisible() != inView)
            m.line->setVisible(inView);
        if (!inView) {
            if (m.box->isVisible())
                m.box->setVisible(false);
            continue;
        }
        const double x = plot.left() + (m.t - m_viewStart) / span * plot.width();
        const QLineF line(x, plot.top(), x, plot.bottom());
        if (m.line->line() != line)
            m.line->setLine(line);
        if (m.elidedTo != maxWidth) { // not per render: the text is laid out anew each time
            m.elidedTo = maxWidth;
            m.text->setText(metrics.elidedText(m.label, Qt::ElideRight, maxWidth));
        }
        const QRectF textRect = m.text->boundingRect();
        const double width = textRect.width() + 4;
        const double left = std::max(plot.left(), std::min(x + 3, plot.right() - width - 1));
        int row = 0;
        while (row < rows && left < lastRight[row] + 4)
            ++row;
        if (row == rows) {
            if (m.box->isVisible())
                m.box->setVisible(false);
            continue;
        }
        const QRectF box(0, 0, width, textRect.height() + 2);
        if (m.box->rect() != box)
            m.box->setRect(box);
        const QPointF pos(left, plot.top() + 2 + row * (textRect.height() + 4));
        if (m.box->pos() != pos)
            m.box->setPos(pos);
        if (m.text->pos() != QPointF(2, 1))
            m.text->setPos(2, 1);
        if (!m.box->isVisible())
            m.box->setVisible(true);
        lastRight[row] = left + width;
    }
}

void LiveChart::clear()
{
    for (SeriesData &s : m_series) {
        s.buffer.clear();
        s.line->clear();
    }
    while (!m_markers.empty())
        removeMarker(m_markers.size() - 1);
    hideHover();
}

QString LiveChart::hoverText(double t) const
{
    QStringList lines;
    const double tolerance = std::max(0.25, (m_viewEnd - m_viewStart) / 100.0);
    for (const SeriesData &s : m_series) {
        if (!s.shown() || s.buffer.isEmpty())
            continue;
        const qsizetype i = firstAtOrAfter(s.buffer, t);
        qsizetype best = -1;
        for (qsizetype c : { i - 1, i }) {
            if (c < 0 || c >= s.buffer.size())
                continue;
            if (best < 0 || std::abs(s.buffer.at(c).x() - t) < std::abs(s.buffer.at(best).x() - t))
                best = c;
        }
        if (best < 0 || std::abs(s.buffer.at(best).x() - t) > tolerance)
            continue;
        lines << s.line->name() + u": "_s + formatValue(s.buffer.at(best).y(), s.unit);
    }
    for (const Marker &m : m_markers) {
        if (std::abs(m.t - t) <= tolerance)
            lines << u"▲ "_s + m.label;
    }
    if (lines.isEmpty())
        return {};
    lines.prepend(tr("t = %1 s").arg(t, 0, 'f', 1));
    return lines.join(u'\n');
}

void LiveChart::mouseMoveEvent(QMouseEvent *event)
{
    QChartView::mouseMoveEvent(event);
    const QPointF chartPos = chart()->mapFromScene(mapToScene(event->position().toPoint()));
    const QRectF plot = chart()->plotArea();
    if (!plot.contains(chartPos) || plot.width() <= 0) {
        hideHover();
        return;
    }
    const double t
        = m_viewStart + (chartPos.x() - plot.left()) / plot.width() * (m_viewEnd - m_viewStart);
    const QString text = hoverText(t);
    if (text.isEmpty()) {
        hideHover();
        return;
    }
    m_crosshair->setLine(chartPos.x(), plot.top(), chartPos.x(), plot.bottom());
    m_crosshair->show();
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void LiveChart::leaveEvent(QEvent *event)
{
    QChartView::leaveEvent(event);
    hideHover();
}

void LiveChart::hideHover()
{
    m_crosshair->hide();
    QToolTip::hideText();
}

} // namespace CacheScope
