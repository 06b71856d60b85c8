#include "missratiochart.h"

#include "livechart.h"

#include "core/policy/policyregistry.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QColor policyColor(const QString &id)
{
    static const QColor palette[]
        = { QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
              QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
              QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
              QColor(0x17, 0xbe, 0xcf), QColor(0x39, 0x3b, 0x79), QColor(0xad, 0x49, 0x4a) };
    const auto &registry = policyRegistry();
    const auto it = std::find_if(
        registry.begin(), registry.end(), [&id](const PolicyInfo &p) { return p.id == id; });
    const std::size_t index = it == registry.end() ? 0 : std::size_t(it - registry.begin());
    return palette[index % std::size(palette)];
}

MissRatioChart::MissRatioChart(QWidget *parent)
    : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Miss ratio against capacity"));
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignRight);
    // QChartView(parent) made a placeholder chart; setChart() releases it without deleting it.
    QChart *placeholder = this->chart();
    setChart(chart);
    delete placeholder;
    setRenderHint(QPainter::Antialiasing);
    m_x = new QValueAxis;
    m_x->setTitleText(tr("capacity (objects)"));
    m_x->setLabelFormat(u"%.0f"_s);
    m_x->setRange(0, 1);
    m_y = new QValueAxis;
    m_y->setTitleText(tr("miss ratio (%)"));
    m_y->setLabelFormat(u"%.0f"_s);
    m_y->setRange(0, 100);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    setMinimumSize(360, 260);
}

void MissRatioChart::clear()
{
    for (QLineSeries *s : std::as_const(m_series)) {
        chart()->removeSeries(s);
        delete s;
    }
    m_series.clear();
    if (m_lruCurve) {
        chart()->removeSeries(m_lruCurve);
        delete m_lruCurve;
        m_lruCurve = nullptr;
    }
}

void MissRatioChart::setResults(
    const std::vector<SimulationResult> &results, const std::vector<MrcPoint> &lruCurve)
{
    clear();
    if (results.empty())
        return;
    if (!lruCurve.empty()) {
        // First, so the replayed points draw over it.
        m_lruCurve = new QLineSeries;
        m_lruCurve->setName(tr("LRU, exact curve"));
        QPen pen(policyColor(u"lru"_s).lighter(135));
        pen.setWidthF(1.2);
        pen.setStyle(Qt::DotLine);
        m_lruCurve->setPen(pen);
        QList<QPointF> points;
        points.reserve(qsizetype(lruCurve.size()));
        for (const MrcPoint &p : lruCurve)
            points.append(QPointF(double(p.capacity), p.missRatio * 100.0));
        m_lruCurve->replace(points);
        chart()->addSeries(m_lruCurve);
        m_lruCurve->attachAxis(m_x);
        m_lruCurve->attachAxis(m_y);
    }
    const bool bytes = results.front().sizeUnit == SizeUnit::Bytes;
    m_x->setTitleText(bytes ? tr("capacity (bytes)") : tr("capacity (objects)"));
    double maxCapacity = 0;
    double maxRatio = 0;
    QStringList order; // registry order, opt last so it draws on top
    for (const PolicyInfo &p : policyRegistry()) {
        if (p.id != u"opt"_s)
            order << p.id;
    }
    order << u"opt"_s;
    for (const QString &id : order) {
        std::vector<const SimulationResult *> rows;
        for (const SimulationResult &r : results) {
            if (r.policy == id)
                rows.push_back(&r);
        }
        if (rows.empty())
            continue;
        std::sort(
            rows.begin(), rows.end(), [](const SimulationResult *a, const SimulationResult *b) {
                return a->capacity < b->capacity;
            });
        auto *line = new QLineSeries;
        const PolicyInfo *info = findPolicy(id);
        const bool opt = id == u"opt"_s;
        line->setName(opt ? tr("Belady OPT (bound)") : info ? info->displayName : id);
        QPen pen(opt ? QColor(Qt::black) : policyColor(id));
        pen.setWidthF(opt ? 2.0 : 1.8);
        pen.setStyle(opt ? Qt::DashLine : Qt::SolidLine);
        line->setPen(pen);
        line->setPointsVisible(true);
        line->setMarkerSize(6);
        QList<QPointF> points;
        for (const SimulationResult *r : rows) {
            const double ratio = (bytes ? r->stats.byteMissRatio() : r->stats.missRatio()) * 100.0;
            points.append(QPointF(double(r->capacity), ratio));
            maxCapacity = std::max(maxCapacity, double(r->capacity));
            maxRatio = std::max(maxRatio, ratio);
        }
        line->replace(points);
        chart()->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(m_y);
        const QString name = line->name();
        connect(
            line, &QLineSeries::hovered, this, [this, name, bytes](const QPointF &p, bool state) {
                if (!state) {
                    QToolTip::hideText();
                    return;
                }
                const QLocale locale;
                QToolTip::showText(QCursor::pos(),
                    tr("%1 at capacity %2: miss ratio %3%")
                        .arg(name,
                            bytes ? locale.formattedDataSize(qint64(p.x()))
                                  : locale.toString(qint64(p.x())))
                        .arg(p.y(), 0, 'f', 2),
                    this);
            });
        m_series.insert(id, line);
    }
    const NiceRange x = niceRange(maxCapacity > 0 ? maxCapacity * 1.05 : 1);
    m_x->setRange(0, x.max);
    m_x->setTickCount(x.tickCount);
    m_x->setLabelFormat(QString::fromLatin1(x.labelFormat));
    const NiceRange y = niceRange(std::min(100.0, maxRatio > 0 ? maxRatio * 1.05 : 100.0));
    m_y->setRange(0, y.max);
    m_y->setTickCount(y.tickCount);
    m_y->setLabelFormat(QString::fromLatin1(y.labelFormat));
}

} // namespace CacheScope
