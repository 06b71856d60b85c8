#include "core/report/htmlreport.h"

#include "core/report/shadowreport.h"
#include "core/report/svgchart.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QHash>
#include <QSet>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

const QString colorA = u"#1f77b4"_s;
const QString colorB = u"#e8710a"_s;

QString esc(const QString &s) { return s.toHtmlEscaped(); }

QString title(const RunRecord &r)
{
    return r.name.isEmpty() ? u"run %1"_s.arg(r.id) : u"run %1 “%2”"_s.arg(r.id).arg(r.name);
}

QString ratioText(const std::optional<double> &r)
{
    return r ? QString::number(*r * 100.0, 'f', 1) + u'%' : u"n/a"_s;
}

QString numberText(double v)
{
    return QString::number(v, 'f', std::abs(v) >= 100 || v == std::floor(v) ? 0 : 2);
}

const char *style = R"(
body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 980px; color: #1d1d1f;
  background: #ffffff; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px;
  border-bottom: 1px solid #dddddd; padding-bottom: 4px; }
p.sub { color: #555555; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #d8d8d8; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.changed td { background: #fff6d6; } .a { color: #1f77b4; } .b { color: #e8710a; }
svg.chart { display: block; margin: 10px 0; max-width: 100%; height: auto;
  border: 1px solid #eeeeee; }
details { margin: 8px 0; } code { font-size: 12px; } footer { margin-top: 32px; color: #777777;
  font-size: 12px; }
)";

/// A table with a header row; cells are already escaped markup. `numeric`: right-aligned
/// columns.
QString table(const QStringList &headers, const QList<QStringList> &rows,
    const QSet<int> &numeric = {}, const QList<bool> &changed = {})
{
    QString h = u"<table><tr>"_s;
    for (const QString &c : headers)
        h += u"<th>"_s + c + u"</th>"_s;
    h += u"</tr>"_s;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        h += i < changed.size() && changed.at(i) ? u"<tr class=\"changed\">"_s : u"<tr>"_s;
        for (qsizetype c = 0; c < rows.at(i).size(); ++c)
            h += (numeric.contains(int(c)) ? u"<td class=\"n\">"_s : u"<td>"_s) + rows.at(i).at(c)
                + u"</td>"_s;
        h += u"</tr>"_s;
    }
    return h + u"</table>"_s;
}

QList<const ReportRun *> runsOf(const ReportRun &a, const std::optional<ReportRun> &b)
{
    QList<const ReportRun *> runs { &a };
    if (b)
        runs << &*b;
    return runs;
}

QString runLabel(const ReportRun &r) { return u"run "_s + QString::number(r.record.id); }

QString factsSection(const QList<const ReportRun *> &runs)
{
    QStringList headers { u""_s };
    for (const ReportRun *r : runs)
        headers << esc(runLabel(*r));
    QList<QStringList> rows;
    const auto row = [&](const QString &label, const std::function<QString(const RunRecord &)> &f) {
        QStringList cells { esc(label) };
        for (const ReportRun *r : runs)
            cells << esc(f(r->record));
        rows << cells;
    };
    row(u"name"_s,
        [](const RunRecord &r) -> QString { return r.name.isEmpty() ? u"-"_s : r.name; });
    row(u"kind"_s, [](const RunRecord &r) -> QString { return r.kind; });
    row(u"started (UTC)"_s, [](const RunRecord &r) -> QString {
        return r.startedAt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    });
    row(u"duration"_s, [](const RunRecord &r) -> QString {
        return QString::number(double(r.durationMs) / 1000.0, 'f', 1) + u" s"_s;
    });
    row(u"machine"_s, [](const RunRecord &r) -> QString { return r.machine; });
    row(u"state"_s, [](const RunRecord &r) -> QString {
        return r.complete ? u"complete"_s : u"incomplete (ended before its summary)"_s;
    });
    row(u"policy"_s, [](const RunRecord &r) -> QString { return r.policy; });
    row(u"capacity"_s, [](const RunRecord &r) -> QString { return r.capacity; });
    row(u"workload"_s, [](const RunRecord &r) -> QString { return r.workload; });
    row(u"requests"_s, [](const RunRecord &r) -> QString { return QString::number(r.requests); });
    row(u"hit ratio"_s, [](const RunRecord &r) -> QString { return ratioText(r.hitRatio); });
    row(u"p99 (us)"_s, [](const RunRecord &r) -> QString {
        return r.p99Us ? QString::number(*r.p99Us, 'f', 1) : u"n/a"_s;
    });
    row(u"notes"_s,
        [](const RunRecord &r) -> QString { return r.notes.isEmpty() ? u"-"_s : r.notes; });
    return u"<h2 id=\"run\">Run</h2>"_s + table(headers, rows);
}

QString configSection(const QList<const ReportRun *> &runs)
{
    QString h = u"<h2 id=\"configuration\">Configuration</h2>"_s;
    if (runs.size() == 2) {
        const QList<ConfigChange> changes
            = diffConfigs(runs[0]->record.config, runs[1]->record.config);
        if (changes.isEmpty()) {
            h += u"<p>The same configuration.</p>"_s;
        } else {
            QList<QStringList> rows;
            for (const ConfigChange &c : changes)
                rows << QStringList { u"<code>"_s + esc(c.field) + u"</code>"_s, esc(c.a),
                    esc(c.b) };
            h += u"<p>What changed:</p>"_s
                + table({ u"field"_s, esc(runLabel(*runs[0])), esc(runLabel(*runs[1])) }, rows);
        }
    }
    // Every field, one column per run (changed rows marked).
    QList<QList<std::pair<QString, QString>>> flat;
    QStringList fields;
    for (const ReportRun *r : runs) {
        flat << flattenConfig(r->record.config);
        for (const auto &field : flat.last())
            if (!fields.contains(field.first))
                fields << field.first;
    }
    std::sort(fields.begin(), fields.end());
    QList<QStringList> rows;
    QList<bool> changed;
    for (const QString &f : std::as_const(fields)) {
        QStringList cells { u"<code>"_s + esc(f) + u"</code>"_s };
        QStringList values;
        for (const auto &fl : std::as_const(flat)) {
            QString v = u"(none)"_s;
            for (const auto &field : fl)
                if (field.first == f)
                    v = field.second;
            values << v;
            cells << esc(v);
        }
        rows << cells;
        changed << (values.size() == 2 && values[0] != values[1]);
    }
    QStringList headers { u"field"_s };
    for (const ReportRun *r : runs)
        headers << esc(runLabel(*r));
    const QString all = rows.isEmpty() ? u"<p>No configuration was recorded.</p>"_s
                                       : table(headers, rows, {}, changed);
    if (runs.size() == 2)
        return h + u"<details><summary>Every field</summary>"_s + all + u"</details>"_s;
    return h + all;
}

QString summarySection(const QList<const ReportRun *> &runs)
{
    const QJsonObject b = runs.size() == 2 ? runs[1]->record.summary : QJsonObject();
    const QList<MetricComparison> measures = compareSummaries(runs[0]->record.summary, b);
    QString h = u"<h2 id=\"summary\">Summary</h2>"_s;
    if (measures.isEmpty())
        return h + u"<p>No summary: the run did not end with one.</p>"_s;
    QList<QStringList> rows;
    for (const MetricComparison &m : measures) {
        QStringList cells { esc(m.label), esc(m.formatValue(m.a)) };
        if (runs.size() == 2)
            cells << esc(m.formatValue(m.b)) << esc(m.formatDifference()) << esc(m.formatPercent());
        rows << cells;
    }
    QStringList headers { u"measure"_s, esc(runLabel(*runs[0])) };
    if (runs.size() == 2)
        headers << esc(runLabel(*runs[1])) << u"difference"_s << u"percent"_s;
    return h + table(headers, rows, { 1, 2, 3, 4 });
}

QString percentileSection(const QList<const ReportRun *> &runs)
{
    const QStringList columns { u"p50"_s, u"p95"_s, u"p99"_s, u"p999"_s, u"max"_s };
    QList<QStringList> rows;
    for (const ReportRun *r : runs)
        for (const QString &path : { u"hit"_s, u"miss"_s }) {
            const QJsonObject l
                = r->record.summary.value(u"latency_us"_s).toObject().value(path).toObject();
            if (l.isEmpty())
                continue;
            QStringList cells { esc(runLabel(*r)), path };
            for (const QString &c : columns)
                cells << (l.value(c).isDouble() ? numberText(l.value(c).toDouble()) : u"n/a"_s);
            cells << QString::number(l.value(u"count"_s).toInteger());
            rows << cells;
        }
    if (rows.isEmpty())
        return {};
    return u"<h2 id=\"latency\">Latency percentiles (µs)</h2>"_s
        + table(QStringList { u"run"_s, u"path"_s } + columns + QStringList { u"count"_s }, rows,
            { 2, 3, 4, 5, 6, 7 });
}

/// A series over a run's points: x in seconds since its start, y from `value` (NaN: a gap).
ChartSeries seriesOf(const ReportRun &r, const QString &name, const QString &color,
    const std::function<double(const QJsonObject &)> &value, bool dashed = false)
{
    ChartSeries s { name, color, {}, dashed };
    s.points.reserve(r.points.size());
    for (const auto &[tMs, point] : r.points)
        s.points << QPointF(double(tMs) / 1000.0, value(point));
    return s;
}

std::function<double(const QJsonObject &)> field(const QString &path)
{
    return [path](const QJsonObject &p) {
        return summaryValue(p, path).value_or(std::numeric_limits<double>::quiet_NaN());
    };
}

double evictionsPerSecond(const QJsonObject &p)
{
    // An interval's evictions over its length (requests / requests per second).
    const double requests = p.value(u"requests"_s).toDouble();
    const double rate = p.value(u"requests_per_second"_s).toDouble();
    const double evictions = p.value(u"evictions"_s).toDouble();
    if (requests <= 0 || rate <= 0)
        return evictions > 0 ? std::numeric_limits<double>::quiet_NaN() : 0.0;
    return evictions * rate / requests;
}

QString chartsSection(const QList<const ReportRun *> &runs)
{
    bool anyPoints = false;
    bool buffer = false;
    for (const ReportRun *r : runs) {
        anyPoints = anyPoints || !r->points.isEmpty();
        for (const auto &pt : r->points)
            buffer = buffer || pt.second.value(u"database_buffer_hit_ratio"_s).isDouble();
    }
    QString h = u"<h2 id=\"charts\">Over time</h2>"_s;
    if (!anyPoints)
        return h + u"<p>No time series was recorded for this run.</p>"_s;
    const bool two = runs.size() == 2;
    if (two)
        h += u"<p>Both runs aligned at their start: <span class=\"a\">■ %1</span>, "
             "<span class=\"b\">■ %2</span>.</p>"_s.arg(
                 esc(title(runs[0]->record)), esc(title(runs[1]->record)));
    const QStringList colors { colorA, colorB };
    const auto perRun
        = [&](const QString &id, const QString &chartTitle, const QString &yLabel,
              AxisFormat format, const std::function<double(const QJsonObject &)> &value) {
              LineChartSpec spec;
              spec.id = id;
              spec.title = chartTitle;
              spec.xLabel = u"seconds since start"_s;
              spec.xMin = 0;
              spec.yLabel = yLabel;
              spec.yFormat = format;
              if (format == AxisFormat::Percent) {
                  spec.yMin = 0;
                  spec.yMax = 1;
              }
              for (qsizetype i = 0; i < runs.size(); ++i)
                  spec.series << seriesOf(*runs[i], runLabel(*runs[i]), colors[i], value);
              return svgLineChart(spec);
          };
    h += perRun(u"hit-ratio"_s, u"Hit ratio per interval"_s, u"hit ratio"_s, AxisFormat::Percent,
        field(u"hit_ratio"_s));
    h += perRun(u"throughput"_s, u"Throughput"_s, u"requests/s"_s, AxisFormat::Number,
        field(u"requests_per_second"_s));

    LineChartSpec latency;
    latency.id = u"latency"_s;
    latency.title = u"Latency per interval (log scale)"_s;
    latency.xLabel = u"seconds since start"_s;
    latency.xMin = 0;
    latency.yLabel = u"µs"_s;
    latency.logY = true;
    if (two) {
        for (qsizetype i = 0; i < runs.size(); ++i) {
            latency.series << seriesOf(*runs[i], runLabel(*runs[i]) + u" hit p99"_s, colors[i],
                field(u"latency_us.hit.p99"_s));
            latency.series << seriesOf(*runs[i], runLabel(*runs[i]) + u" miss p99"_s, colors[i],
                field(u"latency_us.miss.p99"_s), true);
        }
    } else {
        const ReportRun &r = *runs[0];
        latency.series << seriesOf(r, u"hit p50"_s, u"#2ca02c"_s, field(u"latency_us.hit.p50"_s))
                       << seriesOf(
                              r, u"hit p99"_s, u"#2ca02c"_s, field(u"latency_us.hit.p99"_s), true)
                       << seriesOf(r, u"miss p50"_s, u"#d62728"_s, field(u"latency_us.miss.p50"_s))
                       << seriesOf(r, u"miss p99"_s, u"#d62728"_s, field(u"latency_us.miss.p99"_s),
                              true);
    }
    h += svgLineChart(latency);
    h += perRun(
        u"evictions"_s, u"Evictions"_s, u"evictions/s"_s, AxisFormat::Number, evictionsPerSecond);
    if (buffer)
        h += perRun(u"database-buffer"_s, u"Database buffer hit ratio"_s, u"hit ratio"_s,
            AxisFormat::Percent, field(u"database_buffer_hit_ratio"_s));
    return h;
}

/// A miss ratio (0–100%) against capacity on a log axis: the what-if's LRU curve, a replay's.
LineChartSpec missRatioCurve(const QString &id, const QString &title)
{
    LineChartSpec spec;
    spec.id = id;
    spec.title = title;
    spec.xLabel = u"capacity (log scale)"_s;
    spec.yLabel = u"miss ratio"_s;
    spec.yFormat = AxisFormat::Percent;
    spec.logX = true;
    spec.yMin = 0;
    return spec;
}

QString whatIfSection(const QList<const ReportRun *> &runs)
{
    QString h;
    LineChartSpec curve = missRatioCurve(u"lru-curve"_s, u"LRU miss-ratio curve (shadows)"_s);
    const QStringList colors { colorA, colorB };
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const ReportRun &r = *runs[i];
        const QJsonObject shadows = r.record.summary.value(u"shadows"_s).toObject();
        if (shadows.isEmpty())
            continue;
        const std::optional<double> real = summaryValue(r.record.summary, u"hit_ratio"_s);
        QList<QStringList> rows;
        int rank = 0;
        for (const auto &v : shadows.value(u"policies"_s).toArray()) {
            const QJsonObject p = v.toObject();
            const std::optional<double> hit = summaryValue(p, u"hit_ratio"_s);
            rows << QStringList { QString::number(++rank), esc(p.value(u"policy"_s).toString()),
                QString::number(p.value(u"capacity"_s).toInteger()), esc(ratioText(hit)),
                hit && real ? QString::asprintf("%+.1f", (*hit - *real) * 100.0) : u"-"_s,
                QString::number(p.value(u"requests"_s).toInteger()) };
        }
        h += u"<h3>%1: what if another policy had run</h3>"_s.arg(esc(runLabel(r)));
        const double rate = shadows.value(u"sampling_rate"_s).toDouble(1);
        h += u"<p>The real cache (%1 at %2): hit ratio %3. Every shadow policy saw the same "
             "requests%4.</p>"_s.arg(esc(r.record.policy), esc(r.record.capacity),
                 esc(ratioText(real)),
                 rate < 1 ? u", spatially sampled at rate %1 (%2 of %3 reads), each at capacity × "
                            "that rate"_s.arg(esc(formatSamplingRate(rate)),
                                QString::number(shadows.value(u"sampled"_s).toInteger()),
                                QString::number(shadows.value(u"offered"_s).toInteger()))
                          : QString());
        if (!rows.isEmpty())
            h += table({ u"rank"_s, u"policy"_s, u"shadow capacity"_s, u"hit ratio"_s,
                           u"vs real (points)"_s, u"requests"_s },
                rows, { 0, 2, 3, 4, 5 });
        ChartSeries s { runLabel(r) + u" LRU"_s, colors[i], {}, false };
        for (const auto &v : shadows.value(u"lru_curve"_s).toArray())
            s.points << QPointF(v.toObject().value(u"capacity"_s).toDouble(),
                v.toObject().value(u"miss_ratio"_s).toDouble());
        if (!s.points.isEmpty()) {
            curve.series << s;
            // The real cache's own point: its capacity and miss ratio.
            const std::optional<double> capacity = summaryValue(shadows, u"capacity"_s);
            if (capacity && real)
                curve.series << ChartSeries { runLabel(r) + u" real cache"_s, colors[i],
                    { QPointF(*capacity, 1.0 - *real) }, false };
        }
    }
    if (h.isEmpty())
        return {};
    h = u"<h2 id=\"what-if\">What-if</h2>"_s + h;
    if (!curve.series.isEmpty())
        h += svgLineChart(curve);
    return h;
}

/// A trace replay's results (`simulate --output json`): miss ratio against capacity, a line a
/// policy (a run's policies dashed when two replays are compared), and the table of results.
QString replaySection(const QList<const ReportRun *> &runs)
{
    static const QStringList palette { u"#1f77b4"_s, u"#e8710a"_s, u"#2ca02c"_s, u"#d62728"_s,
        u"#9467bd"_s, u"#8c564b"_s, u"#e377c2"_s, u"#7f7f7f"_s, u"#bcbd22"_s, u"#17becf"_s };
    LineChartSpec chart = missRatioCurve(u"miss-ratio-curve"_s, u"Miss ratio against capacity"_s);
    QString tables;
    QStringList policies;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const QJsonArray results = runs[i]->record.summary.value(u"results"_s).toArray();
        if (results.isEmpty())
            continue;
        QHash<QString, ChartSeries> lines;
        QList<QStringList> rows;
        for (const auto &v : results) {
            const QJsonObject r = v.toObject();
            const QString policy = r.value(u"policy"_s).toString();
            if (!policies.contains(policy))
                policies << policy;
            ChartSeries &line = lines[policy];
            if (line.name.isEmpty())
                line = ChartSeries { runs.size() == 2 ? runLabel(*runs[i]) + u' ' + policy : policy,
                    palette.at(policies.indexOf(policy) % palette.size()), {}, i == 1 };
            line.points << QPointF(r.value(u"capacity"_s).toDouble(),
                r.value(u"miss_ratio"_s).toDouble(std::numeric_limits<double>::quiet_NaN()));
            rows << QStringList { esc(policy), QString::number(r.value(u"capacity"_s).toInteger()),
                esc(ratioText(summaryValue(r, u"hit_ratio"_s))),
                esc(ratioText(summaryValue(r, u"miss_ratio"_s))),
                QString::number(r.value(u"hits"_s).toInteger()),
                QString::number(r.value(u"evictions"_s).toInteger()) };
        }
        for (const QString &policy : std::as_const(policies))
            if (lines.contains(policy)) {
                ChartSeries line = lines.value(policy);
                std::sort(line.points.begin(), line.points.end(),
                    [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
                chart.series << line;
            }
        tables += u"<h3>%1: results</h3>"_s.arg(esc(runLabel(*runs[i])))
            + table({ u"policy"_s, u"capacity"_s, u"hit ratio"_s, u"miss ratio"_s, u"hits"_s,
                        u"evictions"_s },
                rows, { 1, 2, 3, 4, 5 });
    }
    if (chart.series.isEmpty())
        return {};
    return u"<h2 id=\"replay\">Trace replay</h2>"_s + svgLineChart(chart) + tables;
}

QString everyNumberSection(const QList<const ReportRun *> &runs)
{
    QString h;
    for (const ReportRun *r : runs) {
        QJsonObject summary = r->record.summary;
        summary.remove(u"shadows"_s); // its own section
        summary.remove(u"results"_s); // a replay's: its own section
        const QList<std::pair<QString, QString>> flat = flattenConfig(summary);
        if (flat.isEmpty())
            continue;
        QList<QStringList> rows;
        for (const auto &[key, value] : flat)
            rows << QStringList { u"<code>"_s + esc(key) + u"</code>"_s, esc(value) };
        h += u"<details><summary>%1: every value of the summary (%2)</summary>"_s.arg(
                 esc(runLabel(*r)), QString::number(flat.size()))
            + table({ u"field"_s, u"value"_s }, rows, { 1 }) + u"</details>"_s;
    }
    return h;
}

} // namespace

QString htmlReport(const ReportRun &a, const std::optional<ReportRun> &b, const QString &generator)
{
    const QList<const ReportRun *> runs = runsOf(a, b);
    const QString heading
        = b ? u"%1 against %2"_s.arg(title(a.record), title(b->record)) : title(a.record);
    QString h = u"<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">"
                "<head><meta charset=\"utf-8\"/><meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\"/><title>CacheScope: %1</title>"
                "<style>%2</style></head><body>"_s.arg(esc(heading), QString::fromUtf8(style));
    h += u"<h1>CacheScope: %1</h1>"_s.arg(esc(heading));
    h += u"<p class=\"sub\">%1 · %2 at %3 · %4</p>"_s.arg(
        esc(a.record.kind), esc(a.record.policy), esc(a.record.capacity), esc(a.record.workload));
    h += factsSection(runs);
    h += summarySection(runs);
    const QString replay = replaySection(runs);
    if (replay.isEmpty())
        h += chartsSection(runs);
    h += replay;
    h += percentileSection(runs);
    h += whatIfSection(runs);
    h += configSection(runs);
    const QString numbers = everyNumberSection(runs);
    if (!numbers.isEmpty())
        h += u"<h2 id=\"numbers\">Every number</h2>"_s + numbers;
    h += u"<footer>Written by %1 on %2 UTC from the run history.</footer></body></html>\n"_s.arg(
        esc(generator), QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s));
    return h;
}

Result<QString> htmlReportFromHistory(
    const RunHistory &history, qint64 a, std::optional<qint64> b, const QString &generator)
{
    const auto load = [&](qint64 id) -> Result<ReportRun> {
        Result<RunRecord> r = history.run(id);
        if (!r)
            return r.error();
        Result<QList<std::pair<qint64, QJsonObject>>> points = history.points(id);
        if (!points)
            return points.error();
        return ReportRun { std::move(r.value()), std::move(points.value()) };
    };
    Result<ReportRun> ra = load(a);
    if (!ra)
        return ra.error();
    std::optional<ReportRun> rb;
    if (b) {
        Result<ReportRun> loaded = load(*b);
        if (!loaded)
            return loaded.error();
        rb = std::move(loaded.value());
    }
    return htmlReport(ra.value(), rb, generator);
}

} // namespace CacheScope
