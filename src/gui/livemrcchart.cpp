#include "livemrcchart.h"

#include "livechart.h"

#include <QChart>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

std::optional<double> missRatioAt(const std::vector<MrcPoint> &curve, double capacity)
{
    if (curve.empty())
        return std::nullopt;
    if (capacity <= 0)
        return 1.0; // an empty cache misses every request
    if (capacity <= double(curve.front().capacity)) { // from (0, 100%) to the first point
        const MrcPoint &f = curve.front();
        return 1.0 + (f.missRatio - 1.0) * capacity / double(f.capacity);
    }
    if (capacity >= double(curve.back().capacity))
        return curve.back().missRatio;
    const auto after = std::lower_bound(curve.begin(), curve.end(), capacity,
        [](const MrcPoint &p, double c) { return double(p.capacity) < c; });
    const MrcPoint &b = *after;
    const MrcPoint &a = *(after - 1);
    const double span = double(b.capacity - a.capacity);
    if (span <= 0)
        return b.missRatio;
    return a.missRatio + (b.missRatio - a.missRatio) * (capacity - double(a.capacity)) / span;
}

LiveMrcChart::LiveMrcChart(QWidget *parent)
    : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("LRU miss ratio against capacity (live estimate)"));
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(9.5);
    chart->setTitleFont(titleFont);
    chart->setMargins(QMargins(4, 2, 4, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignRight);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(7.5);
    chart->legend()->setFont(legendFont);
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    // QChartView(parent) made a placeholder chart; setChart() releases it without deleting it.
    QChart *placeholder = this->chart();
    setChart(chart);
    delete placeholder;
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 200);

    QFont axisFont = font();
    axisFont.setPointSizeF(8);
    m_x = new QValueAxis;
    m_x->setTitleText(tr("capacity (entries)"));
    m_x->setLabelFormat(u"%.0f"_s);
    m_x->setRange(0, 1);
    m_y = new QValueAxis;
    m_y->setTitleText(tr("miss ratio (%)"));
    m_y->setLabelFormat(u"%.0f"_s);
    m_y->setRange(0, 100);
    m_y->setTickCount(6);
    for (QValueAxis *axis : { m_x, m_y }) {
        axis->setLabelsFont(axisFont);
        axis->setTitleFont(axisFont);
    }
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);

    m_curve = new QLineSeries;
    m_curve->setName(tr("LRU (SHARDS)"));
    QPen curvePen(QColor(0x1f, 0x77, 0xb4));
    curvePen.setWidthF(2.0);
    m_curve->setPen(curvePen);
    m_capacityLine = new QLineSeries;
    m_capacityLine->setName(tr("capacity now"));
    QPen capacityPen(QColor(0x44, 0x44, 0x44));
    capacityPen.setWidthF(1.6);
    capacityPen.setStyle(Qt::DashLine);
    m_capacityLine->setPen(capacityPen);
    m_doubleLine = new QLineSeries;
    m_doubleLine->setName(tr("2× capacity"));
    QPen doublePen(QColor(0x2c, 0xa0, 0x2c));
    doublePen.setWidthF(1.4);
    doublePen.setStyle(Qt::DotLine);
    m_doubleLine->setPen(doublePen);
    m_points = new QScatterSeries;
    m_points->setMarkerSize(8);
    m_points->setColor(QColor(0x1f, 0x77, 0xb4));
    m_points->setBorderColor(Qt::white);
    for (QXYSeries *s :
        std::initializer_list<QXYSeries *> { m_curve, m_capacityLine, m_doubleLine, m_points }) {
        chart->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    // The dots are explained by the two lines they sit on.
    const QList<QLegendMarker *> markers = chart->legend()->markers(m_points);
    for (QLegendMarker *m : markers)
        m->setVisible(false);

    connect(m_curve, &QLineSeries::hovered, this, [this](const QPointF &p, bool state) {
        if (!state) {
            QToolTip::hideText();
            return;
        }
        const QLocale locale;
        QToolTip::showText(QCursor::pos(),
            tr("capacity %1: LRU miss ratio %2%")
                .arg(m_unit == SizeUnit::Bytes ? locale.formattedDataSize(qint64(p.x()))
                                               : locale.toString(qint64(p.x())))
                .arg(p.y(), 0, 'f', 1),
            this);
    });
}

void LiveMrcChart::setCurve(const std::vector<MrcPoint> &curve, qint64 capacity, SizeUnit unit)
{
    if (unit != m_unit) {
        m_unit = unit;
        m_x->setTitleText(
            unit == SizeUnit::Bytes ? tr("capacity (bytes)") : tr("capacity (entries)"));
    }
    // Out to 3x the capacity: the curve left and right of "now", and the 2x point inside.
    const NiceRange range = niceRange(std::max(3.0 * double(capacity), 10.0));
    if (m_x->max() != range.max) {
        m_x->setRange(0, range.max);
        m_x->setTickCount(range.tickCount);
        m_x->setLabelFormat(QString::fromLatin1(range.labelFormat));
    }

    QList<QPointF> points;
    if (!curve.empty()) {
        points.reserve(curvePoints + 1);
        // Not beyond the estimate's last capacity: the curve ends there, it does not go flat.
        const double last = double(curve.back().capacity);
        for (int i = 0; i <= curvePoints; ++i) {
            const double c = std::min(last, range.max * i / curvePoints);
            if (i > 0 && c <= points.last().x())
                break;
            if (const std::optional<double> m = missRatioAt(curve, c))
                points.append(QPointF(c, *m * 100.0));
        }
    }
    m_curve->replace(points);
    const double x = double(capacity);
    m_capacityLine->replace({ QPointF(x, 0), QPointF(x, 100) });
    m_doubleLine->replace({ QPointF(2 * x, 0), QPointF(2 * x, 100) });
    QList<QPointF> dots;
    for (const double c : { x, 2 * x }) {
        if (const std::optional<double> m = missRatioAt(curve, c))
            dots.append(QPointF(c, *m * 100.0));
    }
    m_points->replace(dots);
}

void LiveMrcChart::clear()
{
    m_curve->clear();
    m_capacityLine->clear();
    m_doubleLine->clear();
    m_points->clear();
}

std::optional<double> LiveMrcChart::capacityMarkerX() const
{
    if (m_capacityLine->count() == 0)
        return std::nullopt;
    return m_capacityLine->at(0).x();
}

} // namespace CacheScope
