#include "core/report/svgchart.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr int marginLeft = 70;
constexpr int marginRight = 18;
constexpr int marginTop = 34;
constexpr int marginBottom = 66; // tick labels, the x label and the legend

QString num(double v) { return QString::number(v, 'f', 1); }

QString svgText(const QString &s) { return s.toHtmlEscaped(); }

/// An axis from data to pixels.
struct Axis
{
    double lo = 0;
    double hi = 1;
    bool log = false;
    double from = 0; // pixel of lo
    double to = 1; // pixel of hi

    double map(double v) const
    {
        const double a = log ? std::log10(lo) : lo;
        const double b = log ? std::log10(hi) : hi;
        const double x = log ? std::log10(v) : v;
        return b == a ? (from + to) / 2 : from + (x - a) / (b - a) * (to - from);
    }
    QList<double> ticks() const
    {
        if (!log)
            return niceTicks(lo, hi);
        QList<double> t;
        for (double p = std::pow(10.0, std::floor(std::log10(lo))); p <= hi * 1.0001; p *= 10)
            if (p >= lo * 0.9999)
                t << p;
        return t;
    }
};

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

/// The data range of one dimension over every series; none when nothing is usable.
std::optional<std::pair<double, double>> range(const QList<ChartSeries> &series, bool y, bool log)
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const ChartSeries &s : series)
        for (const QPointF &p : s.points) {
            const double v = y ? p.y() : p.x();
            if (usable(p.x(), false) && usable(v, log)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    if (lo > hi)
        return std::nullopt;
    return std::pair { lo, hi };
}

/// A linear range widened to round ticks (from 0 when all values are positive), or a log
/// range widened to powers of ten.
std::pair<double, double> rounded(double lo, double hi, bool log)
{
    if (log)
        return { std::pow(10.0, std::floor(std::log10(lo) + 1e-9)),
            std::pow(10.0, std::ceil(std::log10(hi) - 1e-9)) };
    if (lo > 0)
        lo = 0;
    if (hi == lo)
        hi = lo + 1;
    const QList<double> t = niceTicks(lo, hi);
    return { std::min(lo, t.first()), std::max(hi, t.last()) };
}

/// At most four points per pixel column (first, lowest, highest, last), in x order; gaps kept.
QList<QPointF> decimated(const QList<QPointF> &points, const Axis &x, bool logY)
{
    const double columns = std::abs(x.to - x.from);
    if (points.size() <= 2 * columns)
        return points;
    QList<QPointF> out;
    qsizetype i = 0;
    while (i < points.size()) {
        if (!usable(points[i].y(), logY)) {
            out << points[i++];
            continue;
        }
        const int column = int(x.map(points[i].x()));
        qsizetype j = i;
        qsizetype low = i;
        qsizetype high = i;
        while (j < points.size() && usable(points[j].y(), logY)
            && int(x.map(points[j].x())) == column) {
            if (points[j].y() < points[low].y())
                low = j;
            if (points[j].y() > points[high].y())
                high = j;
            ++j;
        }
        QList<qsizetype> keep { i, low, high, j - 1 };
        std::sort(keep.begin(), keep.end());
        keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
        for (const qsizetype k : keep)
            out << points[k];
        i = j;
    }
    return out;
}

} // namespace

QList<double> niceTicks(double lo, double hi, int count)
{
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
        return { lo };
    const double raw = (hi - lo) / std::max(1, count);
    const int exponent = int(std::floor(std::log10(raw)));
    const double magnitude = std::pow(10.0, exponent);
    double multiple = 10;
    for (const double m : { 1.0, 2.0, 5.0, 10.0 })
        if (raw <= m * magnitude * 1.0000001) {
            multiple = m;
            break;
        }
    // k × multiple × 10^exponent, divided rather than multiplied by a negative power of ten so
    // that 3 × 0.2 is 0.6, not 0.6000000000000001.
    const auto tick = [&](double k) {
        return exponent < 0 ? k * multiple / std::pow(10.0, -exponent) : k * multiple * magnitude;
    };
    const double step = multiple * magnitude;
    QList<double> ticks;
    for (double k = std::floor(lo / step); tick(k) <= hi + step * 0.999; ++k) {
        ticks << tick(k) + 0.0; // no -0
        if (ticks.size() > 50)
            break;
    }
    return ticks;
}

QString axisLabel(double value, AxisFormat format)
{
    if (format == AxisFormat::Percent) {
        const double p = value * 100.0;
        return QString::number(p, 'f', std::abs(p - std::round(p)) < 1e-9 ? 0 : 1) + u'%';
    }
    const double a = std::abs(value);
    const auto compact = [](double v) {
        QString s = QString::number(v, 'f', 1);
        if (s.endsWith(u".0"_s))
            s.chop(2);
        return s;
    };
    if (a >= 1e9)
        return compact(value / 1e9) + u'G';
    if (a >= 1e6)
        return compact(value / 1e6) + u'M';
    if (a >= 1e3)
        return compact(value / 1e3) + u'k';
    if (a == 0 || a >= 1)
        return compact(value);
    return QString::number(value, 'g', 2);
}

QString svgLineChart(const LineChartSpec &spec)
{
    const int w = spec.width;
    const int h = spec.height;
    QString svg
        = u"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %1 %2\" "
          "width=\"%1\" height=\"%2\" role=\"img\" font-family=\"sans-serif\" "
          "font-size=\"12\"><title>%3</title>"_s.arg(w)
              .arg(h)
              .arg(svgText(spec.title));
    svg += u"<rect x=\"0\" y=\"0\" width=\"%1\" height=\"%2\" fill=\"#ffffff\"/>"_s.arg(w).arg(h);
    svg += u"<text x=\"%1\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%2</text>"_s
               .arg(marginLeft)
               .arg(svgText(spec.title));
    const double left = marginLeft;
    const double right = w - marginRight;
    const double top = marginTop;
    const double bottom = h - marginBottom;
    svg += u"<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"none\" "
           "stroke=\"#999999\"/>"_s.arg(num(left), num(top), num(right - left), num(bottom - top));

    const auto xr = range(spec.series, false, spec.logX);
    auto yr = range(spec.series, true, spec.logY);
    if (!xr || !yr) {
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\" fill=\"#666666\">no data</text>"
               "</svg>"_s.arg(num((left + right) / 2), num((top + bottom) / 2));
        return svg;
    }
    Axis x;
    std::tie(x.lo, x.hi) = *xr;
    x.log = spec.logX;
    if (x.log)
        std::tie(x.lo, x.hi) = rounded(x.lo, x.hi, true);
    else if (!std::isnan(spec.xMin))
        x.lo = std::min(x.lo, spec.xMin);
    if (!x.log && x.hi == x.lo)
        x.hi = x.lo + 1;
    x.from = left;
    x.to = right;
    Axis y;
    std::tie(y.lo, y.hi) = rounded(yr->first, yr->second, spec.logY);
    if (!std::isnan(spec.yMin))
        y.lo = spec.yMin;
    if (!std::isnan(spec.yMax))
        y.hi = std::max(spec.yMax, yr->second);
    y.log = spec.logY;
    y.from = bottom;
    y.to = top;

    QString grid;
    for (const double t : y.ticks()) {
        if (t < y.lo - 1e-12 || t > y.hi + 1e-9 * std::abs(y.hi))
            continue;
        const double py = y.map(t);
        grid += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#e4e4e4\"/>"
                "<text x=\"%4\" y=\"%5\" text-anchor=\"end\" fill=\"#444444\">%6</text>"_s.arg(
                    num(left), num(py), num(right), num(left - 6), num(py + 4),
                    svgText(axisLabel(t, spec.yFormat)));
    }
    for (const double t : x.ticks()) {
        if (t < x.lo - 1e-12 || t > x.hi + 1e-9 * std::abs(x.hi))
            continue;
        const double px = x.map(t);
        grid += u"<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" stroke=\"#eeeeee\"/>"
                "<text x=\"%1\" y=\"%4\" text-anchor=\"middle\" fill=\"#444444\">%5</text>"_s.arg(
                    num(px), num(top), num(bottom), num(bottom + 16),
                    svgText(axisLabel(t, spec.xFormat)));
    }
    svg += grid;
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"middle\" fill=\"#222222\">%3</text>"_s.arg(
        num((left + right) / 2), num(bottom + 33), svgText(spec.xLabel));
    svg += u"<text transform=\"translate(16 %1) rotate(-90)\" text-anchor=\"middle\" "
           "fill=\"#222222\">%2</text>"_s.arg(num((top + bottom) / 2), svgText(spec.yLabel));

    // The lines, clipped to the plot (a fixed range may cut a spike).
    const QString clip = (spec.id.isEmpty() ? u"chart"_s : spec.id) + u"-plot"_s;
    svg += u"<clipPath id=\"%1\"><rect x=\"%2\" y=\"%3\" width=\"%4\" height=\"%5\"/></clipPath>"_s
               .arg(clip, num(left), num(top - 1), num(right - left), num(bottom - top + 2));
    for (const ChartSeries &s : spec.series) {
        QString d;
        bool pen = false;
        int drawn = 0;
        for (const QPointF &p : decimated(s.points, x, spec.logY)) {
            if (!usable(p.x(), spec.logX) || !usable(p.y(), spec.logY)) {
                pen = false;
                continue;
            }
            d += (pen ? u"L"_s : u"M"_s) + num(x.map(p.x())) + u' ' + num(y.map(p.y()));
            pen = true;
            ++drawn;
        }
        if (drawn == 1) // a lone point: a dot, or it would not show
            svg += u"<circle cx=\"%1\" cy=\"%2\" r=\"3\" fill=\"%3\"/>"_s.arg(
                d.section(u' ', 0, 0).mid(1), d.section(u' ', 1, 1), svgText(s.color));
        else if (drawn > 1)
            svg += u"<path clip-path=\"url(#%1)\" d=\"%2\" fill=\"none\" stroke=\"%3\" "
                   "stroke-width=\"1.6\"%4/>"_s.arg(clip, d, svgText(s.color),
                       s.dashed ? u" stroke-dasharray=\"5 3\""_s : QString());
    }

    // The legend, left to right under the x label.
    double lx = left;
    const double ly = h - 12;
    for (const ChartSeries &s : spec.series) {
        svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"%4\" "
               "stroke-width=\"2.5\"%5/><text x=\"%6\" y=\"%7\" fill=\"#222222\">%8</text>"_s.arg(
                   num(lx), num(ly - 4), num(lx + 22), svgText(s.color),
                   s.dashed ? u" stroke-dasharray=\"5 3\""_s : QString(), num(lx + 27), num(ly),
                   svgText(s.name));
        lx += 40 + 6.5 * double(s.name.size());
    }
    svg += u"</svg>"_s;
    return svg;
}

} // namespace CacheScope
