// The HTML report of a recorded run, and of two compared, from a real run history file: well-formed
// (parsed as XML), self-contained (no script, link, image or outside reference), every chart with
// the points of its series, the summary's numbers and differences, the what-if ranking and LRU
// curve when shadows ran, names escaped; and the SVG chart writer's ticks, labels and decimation.
#include "core/history/runhistory.h"
#include "core/report/htmlreport.h"
#include "core/report/svgchart.h"
#include "htmloutline.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject latency(double p50, double p99)
{
    return { { u"p50"_s, p50 }, { u"p95"_s, p99 * 0.8 }, { u"p99"_s, p99 }, { u"p999"_s, p99 * 2 },
        { u"max"_s, p99 * 3 }, { u"count"_s, 10 } };
}

/// A run of `seconds` points whose hit ratio is `hitRatio` throughout; with shadows when asked.
qint64 addRun(
    RunHistory &h, const QString &name, qint64 capacity, double hitRatio, int seconds, bool shadows)
{
    RunStart s;
    s.name = name;
    s.config = QJsonObject { { u"threads"_s, 4 },
        { u"cache"_s, QJsonObject { { u"policy"_s, u"lru"_s }, { u"capacity"_s, capacity } } } };
    s.policy = u"lru"_s;
    s.capacity = QString::number(capacity);
    s.workload = u"zipf over 1000 keys, alpha 0.99"_s;
    const qint64 id = h.begin(s).value();
    for (int i = 0; i < seconds; ++i) {
        const QJsonObject point { { u"requests"_s, 1000 }, { u"hit_ratio"_s, hitRatio },
            { u"requests_per_second"_s, 1000.0 }, { u"evictions"_s, 10 * i },
            { u"latency_us"_s,
                QJsonObject { { u"hit"_s, latency(1, 2) }, { u"miss"_s, latency(100, 300) } } } };
        if (!h.addPoint(id, i * 1000, point).value())
            qFatal("point %d not kept", i);
    }
    QJsonObject summary { { u"requests"_s, 1000 * seconds }, { u"hit_ratio"_s, hitRatio },
        { u"requests_per_second"_s, 1000.0 }, { u"evictions"_s, 100 }, { u"errors"_s, 0 },
        { u"final"_s, true },
        { u"latency_us"_s,
            QJsonObject { { u"hit"_s, latency(1, 2) }, { u"miss"_s, latency(100, 300) } } } };
    if (shadows)
        summary[u"shadows"_s] = QJsonObject { { u"sampling_rate"_s, 1.0 },
            { u"capacity"_s, capacity }, { u"offered"_s, 5000 }, { u"sampled"_s, 5000 },
            { u"policies"_s,
                QJsonArray { QJsonObject { { u"policy"_s, u"s3fifo"_s }, { u"hit_ratio"_s, 0.5 },
                                 { u"requests"_s, 5000 }, { u"capacity"_s, capacity } },
                    QJsonObject { { u"policy"_s, u"fifo"_s }, { u"hit_ratio"_s, 0.2 },
                        { u"requests"_s, 5000 }, { u"capacity"_s, capacity } } } },
            { u"lru_curve"_s,
                QJsonArray { QJsonObject { { u"capacity"_s, 1 }, { u"miss_ratio"_s, 0.9 } },
                    QJsonObject { { u"capacity"_s, 10 }, { u"miss_ratio"_s, 0.7 } },
                    QJsonObject { { u"capacity"_s, 100 }, { u"miss_ratio"_s, 0.6 } } } } };
    if (!h.finish(id, seconds * 1000, summary))
        qFatal("finish failed");
    return id;
}

} // namespace

class tst_HtmlReport : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(u"history-%1.sqlite"_s.arg(++m_files));
    }
    void oneRun();
    void twoRunsCompared();
    void namesAreEscaped();
    void traceReplayResults();
    void noSuchRunIsAnError();
    void incompleteRunWithoutPoints();
    void ticksAndLabels();
    void longSeriesAreDecimatedKeepingSpikes();

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_files = 0;
};

void tst_HtmlReport::oneRun()
{
    auto h = RunHistory::open(m_path);
    QVERIFY(h);
    const qint64 id = addRun(*h.value(), u"small"_s, 100, 0.25, 7, true);
    const Result<QString> html = htmlReportFromHistory(*h.value(), id, {}, u"test 1.0"_s);
    QVERIFY(html);
    const HtmlOutline o = outlineOfHtml(*html);
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QVERIFY2(o.externalReferences.isEmpty(), qPrintable(o.externalReferences.join(u", "_s)));
    QCOMPARE(o.headings.first(), u"CacheScope: run %1 “small”"_s.arg(id));
    for (const QString &section :
        { u"Run"_s, u"Summary"_s, u"Over time"_s, u"What-if"_s, u"Configuration"_s })
        QVERIFY2(o.headings.contains(section), qPrintable(section));
    // Four time-series charts and the LRU curve, each line with every recorded point.
    QCOMPARE(o.chartTitles,
        QStringList(
            { u"Hit ratio per interval"_s, u"Throughput"_s, u"Latency per interval (log scale)"_s,
                u"Evictions"_s, u"LRU miss-ratio curve (shadows)"_s }));
    QCOMPARE(o.chartPoints.value(u"Hit ratio per interval"_s), 7);
    QCOMPARE(o.chartPoints.value(u"Latency per interval (log scale)"_s), 4 * 7);
    // The curve's three points and the real cache's own (capacity 100, miss ratio 0.75).
    QCOMPARE(o.chartPoints.value(u"LRU miss-ratio curve (shadows)"_s), 3 + 1);
    QVERIFY(o.text.contains(u"25.0%"_s)); // the hit ratio
    QVERIFY(o.text.contains(u"s3fifo"_s));
    QVERIFY(o.text.contains(u"+25.0"_s)); // s3fifo's 50% against the real 25%, in points
    QVERIFY(o.text.contains(u"cache.capacity"_s));
    QVERIFY(o.text.contains(u"test 1.0"_s));
}

void tst_HtmlReport::twoRunsCompared()
{
    auto h = RunHistory::open(m_path);
    QVERIFY(h);
    const qint64 a = addRun(*h.value(), u"small"_s, 100, 0.25, 4, false);
    const qint64 b = addRun(*h.value(), u"big"_s, 10000, 0.75, 6, true);
    const Result<QString> html = htmlReportFromHistory(*h.value(), a, b, u"test"_s);
    QVERIFY(html);
    const HtmlOutline o = outlineOfHtml(*html);
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QVERIFY(o.externalReferences.isEmpty());
    QCOMPARE(
        o.headings.first(), u"CacheScope: run %1 “small” against run %2 “big”"_s.arg(a).arg(b));
    // Both runs on one chart: 4 + 6 points.
    QCOMPARE(o.chartPoints.value(u"Hit ratio per interval"_s), 10);
    QCOMPARE(o.chartPoints.value(u"Latency per interval (log scale)"_s), 2 * 4 + 2 * 6);
    // The configuration change and the difference in points.
    QVERIFY(o.text.contains(u"What changed"_s));
    QVERIFY(o.text.contains(u"cache.capacity 100 10000"_s));
    QVERIFY(o.text.contains(u"+50.0 points"_s));
    QVERIFY(o.text.contains(u"+50.0%"_s)); // requests 4000 -> 6000
    QVERIFY(o.headings.contains(u"run %1: what if another policy had run"_s.arg(b)));
    QVERIFY(!o.headings.contains(u"run %1: what if another policy had run"_s.arg(a)));
}

void tst_HtmlReport::namesAreEscaped()
{
    auto h = RunHistory::open(m_path);
    QVERIFY(h);
    const QString name = u"<script>alert(1)</script> & \"x\" %1 %2"_s;
    const qint64 id = addRun(*h.value(), name, 100, 0.5, 2, false);
    QVERIFY(h.value()->setNotes(id, u"</td></tr></table><b>notes</b>"_s));
    const Result<QString> html = htmlReportFromHistory(*h.value(), id, {}, u"<gen>"_s);
    QVERIFY(html);
    const HtmlOutline o = outlineOfHtml(*html);
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QVERIFY(o.externalReferences.isEmpty());
    QVERIFY(o.text.contains(name));
    QVERIFY(o.text.contains(u"</td></tr></table><b>notes</b>"_s));
    QVERIFY(!html->contains(u"<script>"_s));
}

void tst_HtmlReport::traceReplayResults()
{
    auto h = RunHistory::open(m_path);
    QVERIFY(h);
    RunStart s;
    s.kind = u"replay"_s;
    s.policy = u"lru,s3fifo"_s;
    const qint64 id = h.value()->begin(s).value();
    QJsonArray results;
    for (const QString &policy : { u"lru"_s, u"s3fifo"_s })
        for (const int capacity : { 1000, 100 }) // unsorted: the chart sorts by capacity
            results.append(QJsonObject { { u"policy"_s, policy }, { u"capacity"_s, capacity },
                { u"miss_ratio"_s, capacity == 100 ? 0.6 : 0.4 },
                { u"hit_ratio"_s, capacity == 100 ? 0.4 : 0.6 }, { u"hits"_s, 40 },
                { u"evictions"_s, 7 } });
    QVERIFY(h.value()->finish(id, 10, { { u"requests"_s, 100 }, { u"results"_s, results } }));
    const Result<QString> html = htmlReportFromHistory(*h.value(), id, {}, u"t"_s);
    QVERIFY(html);
    const HtmlOutline o = outlineOfHtml(*html);
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QCOMPARE(o.chartTitles, QStringList { u"Miss ratio against capacity"_s });
    QCOMPARE(o.chartPoints.value(u"Miss ratio against capacity"_s), 4);
    QVERIFY(o.headings.contains(u"run %1: results"_s.arg(id)));
    // A log axis from 100 to 1,000 exactly, not to 10k.
    QVERIFY(o.text.contains(u"1k"_s));
    QVERIFY(!o.text.contains(u"10k"_s));
}

void tst_HtmlReport::noSuchRunIsAnError()
{
    auto h = RunHistory::open(m_path);
    QVERIFY(h);
    const qint64 id = addRun(*h.value(), u"a"_s, 100, 0.5, 2, false);
    const Result<QString> html = htmlReportFromHistory(*h.value(), id, id + 41, u"t"_s);
    QVERIFY(!html);
    QVERIFY2(html.error().toString().contains(QString::number(id + 41)),
        qPrintable(html.error().toString()));
}

void tst_HtmlReport::incompleteRunWithoutPoints()
{
    auto h = RunHistory::open(m_path);
    QVERIFY(h);
    RunStart s;
    s.name = u"crashed"_s;
    const qint64 id = h.value()->begin(s).value();
    const Result<QString> html = htmlReportFromHistory(*h.value(), id, {}, u"t"_s);
    QVERIFY(html);
    const HtmlOutline o = outlineOfHtml(*html);
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QVERIFY(o.chartTitles.isEmpty());
    QVERIFY(o.text.contains(u"No time series was recorded"_s));
    QVERIFY(o.text.contains(u"incomplete"_s));
}

void tst_HtmlReport::ticksAndLabels()
{
    QCOMPARE(niceTicks(0, 1), QList<double>({ 0, 0.2, 0.4, 0.6, 0.8, 1.0 }));
    QCOMPARE(niceTicks(0, 47), QList<double>({ 0, 10, 20, 30, 40, 50 }));
    QCOMPARE(niceTicks(0, 23000), QList<double>({ 0, 5000, 10000, 15000, 20000, 25000 }));
    QCOMPARE(axisLabel(0.25, AxisFormat::Percent), u"25%"_s);
    QCOMPARE(axisLabel(0.125, AxisFormat::Percent), u"12.5%"_s);
    QCOMPARE(axisLabel(15000, AxisFormat::Number), u"15k"_s);
    QCOMPARE(axisLabel(2500000, AxisFormat::Number), u"2.5M"_s);
    QCOMPARE(axisLabel(12, AxisFormat::Number), u"12"_s);
    QCOMPARE(axisLabel(0.05, AxisFormat::Number), u"0.05"_s);
    // No data: the frame and a note, still one well-formed element.
    LineChartSpec nothing;
    nothing.title = u"Empty"_s;
    const HtmlOutline empty = outlineOfHtml(svgLineChart(nothing));
    QVERIFY(empty.wellFormed);
    QVERIFY(empty.text.contains(u"no data"_s));
}

void tst_HtmlReport::longSeriesAreDecimatedKeepingSpikes()
{
    LineChartSpec spec;
    spec.id = u"long"_s;
    spec.title = u"Long"_s;
    ChartSeries s { u"s"_s, u"#000000"_s, {}, false };
    for (int i = 0; i < 100000; ++i)
        s.points << QPointF(i, i == 54321 ? 1000.0 : 1.0);
    s.points[200] = QPointF(200, std::nan("")); // a gap
    spec.series << s;
    const QString svg = svgLineChart(spec);
    const HtmlOutline o = outlineOfHtml(svg);
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    // At most four points per pixel column of the plot (900 - 70 - 18 = 812 columns).
    QVERIFY2(o.chartPoints.value(u"Long"_s) <= 4 * 813 + 2,
        qPrintable(QString::number(o.chartPoints.value(u"Long"_s))));
    QVERIFY(o.chartPoints.value(u"Long"_s) > 812);
    QVERIFY(svg.count(u'M') >= 2); // the gap breaks the line
    // The spike is kept: the y axis reaches 1000 and a point is drawn at its top.
    QVERIFY(o.text.contains(u"1k"_s));
}

QTEST_GUILESS_MAIN(tst_HtmlReport)
#include "tst_htmlreport.moc"
