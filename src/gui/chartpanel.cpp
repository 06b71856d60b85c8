#include "chartpanel.h"

#include "livechart.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr double scrollUnitsPerSecond = 10;

LiveChart::Spec hitRatioSpec()
{
    return { QObject::tr("Hit ratio"),
        { QObject::tr("hit ratio (%)"), LiveChart::AxisScale::Percent, ValueUnit::Percent },
        std::nullopt,
        {
            { QObject::tr("per interval"), QColor(0x1f, 0x77, 0xb4) },
            { QObject::tr("cumulative"), QColor(0xf2, 0x8e, 0x2b) },
            // PostgreSQL's own cache behind the result cache (shown on PostgreSQL runs only).
            { QObject::tr("PostgreSQL shared buffers"), QColor(0x2c, 0xa0, 0x2c), Qt::DashLine },
            // With a Redis second tier: the share of reads each tier served (they add up to
            // the interval's ratio, which is then called "overall").
            { QObject::tr("L1"), QColor(0x17, 0xbe, 0xcf) },
            { QObject::tr("L2 (Redis)"), QColor(0x94, 0x67, 0xbd) },
        },
        ChartPanel::windowPoints };
}

LiveChart::Spec throughputSpec()
{
    return { QObject::tr("Throughput"),
        { QObject::tr("per second"), LiveChart::AxisScale::Linear, ValueUnit::PerSecond },
        std::nullopt,
        {
            { QObject::tr("requests/s"), QColor(0x44, 0x44, 0x44) },
            { QObject::tr("hits/s"), QColor(0x2c, 0xa0, 0x2c) },
            { QObject::tr("misses/s"), QColor(0xd6, 0x27, 0x28) },
        },
        ChartPanel::windowPoints };
}

LiveChart::Spec evictionSpec()
{
    return { QObject::tr("Evictions, database queries, stale reads"),
        { QObject::tr("per second"), LiveChart::AxisScale::Linear, ValueUnit::PerSecond },
        LiveChart::AxisSpec { QObject::tr("staleness (ms, log)"), LiveChart::AxisScale::Log,
            ValueUnit::Microseconds },
        {
            { QObject::tr("evicted: capacity/s"), QColor(0x1f, 0x77, 0xb4) },
            { QObject::tr("expired/s"), QColor(0xff, 0x7f, 0x0e) },
            { QObject::tr("invalidated/s"), QColor(0x17, 0xbe, 0xcf) },
            { QObject::tr("DB queries/s"), QColor(0x55, 0x55, 0x55) },
            { QObject::tr("DB errors/s"), QColor(0xd6, 0x27, 0x28) },
            // With a second tier (or once any is counted): reads served a superseded value,
            // how long it had been superseded (right axis), Redis commands that failed.
            { QObject::tr("stale reads/s"), QColor(0x8c, 0x56, 0x4b), Qt::SolidLine, false, 2.0 },
            { QObject::tr("staleness p99"), QColor(0x8c, 0x56, 0x4b), Qt::DashLine, true },
            { QObject::tr("L2 errors/s"), QColor(0xe3, 0x77, 0xc2) },
            // Keys Redis itself evicted (its INFO): a maxmemory too small for the run.
            { QObject::tr("L2 evicted/s"), QColor(0x9e, 0xda, 0xe5), Qt::DotLine },
        },
        ChartPanel::windowPoints };
}

LiveChart::Spec latencySpec()
{
    const QColor hit(0x2c, 0xa0, 0x2c);
    const QColor miss(0xd6, 0x27, 0x28);
    return { QObject::tr("Latency percentiles"),
        { QObject::tr("latency (ms, log)"), LiveChart::AxisScale::Log, ValueUnit::Microseconds },
        std::nullopt,
        {
            { QObject::tr("hit p50"), hit, Qt::SolidLine },
            { QObject::tr("hit p95"), QColor(0x74, 0xc4, 0x76) },
            { QObject::tr("hit p99"), QColor(0x1b, 0x5e, 0x20) },
            { QObject::tr("hit p99.9"), QColor(0x0b, 0x30, 0x0e) },
            { QObject::tr("miss p50"), miss, Qt::SolidLine },
            { QObject::tr("miss p95"), QColor(0xfc, 0x8d, 0x59) },
            { QObject::tr("miss p99"), QColor(0x8c, 0x1a, 0x1a) },
            { QObject::tr("miss p99.9"), QColor(0x4a, 0x0d, 0x0d) },
            // With a second tier: reads Redis answered (an L1 miss's round trip).
            { QObject::tr("L2 p50"), QColor(0x94, 0x67, 0xbd), Qt::SolidLine },
            { QObject::tr("L2 p99"), QColor(0x4b, 0x2a, 0x78) },
        },
        ChartPanel::windowPoints };
}

LiveChart::Spec fillSpec()
{
    const QColor entries(0x1f, 0x77, 0xb4);
    const QColor bytes(0xd6, 0x61, 0x0a);
    return { QObject::tr("Cache fill"),
        { QObject::tr("entries"), LiveChart::AxisScale::Linear, ValueUnit::Count },
        LiveChart::AxisSpec {
            QObject::tr("bytes"), LiveChart::AxisScale::Linear, ValueUnit::Bytes },
        {
            // Each capacity before what it bounds: a full cache draws its level over the limit.
            { QObject::tr("capacity (entries)"), QColor(0xb5, 0xd3, 0xee), Qt::SolidLine, false,
                4.0 },
            { QObject::tr("entries"), entries, Qt::SolidLine, false },
            { QObject::tr("capacity (bytes)"), QColor(0xf7, 0xd0, 0xa8), Qt::SolidLine, true, 4.0 },
            { QObject::tr("bytes"), bytes, Qt::SolidLine, true },
        },
        ChartPanel::windowPoints };
}

double microseconds(qint64 ns) { return double(ns) / 1000.0; }

double perSecond(quint64 count, qint64 intervalMs)
{
    return intervalMs > 0 ? double(count) * 1000.0 / double(intervalMs) : 0.0;
}

} // namespace

ChartPanel::ChartPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 0, 4, 0);
    m_pauseButton = new QToolButton(this);
    m_pauseButton->setObjectName(u"pauseChartsButton"_s);
    m_pauseButton->setText(tr("Pause charts"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Freeze the charts (the run goes on and points keep being "
                                 "collected); scroll back over the last 5 minutes"));
    m_liveButton = new QToolButton(this);
    m_liveButton->setObjectName(u"liveButton"_s);
    m_liveButton->setText(tr("Back to live"));
    m_liveButton->setEnabled(false);
    m_spanCombo = new QComboBox(this);
    m_spanCombo->setObjectName(u"spanCombo"_s);
    for (const int seconds : { 30, 60, 120, 300 })
        m_spanCombo->addItem(
            seconds < 60 ? tr("%1 s").arg(seconds) : tr("%1 min").arg(seconds / 60), seconds);
    m_spanCombo->setCurrentIndex(1);
    m_spanCombo->setToolTip(tr("Time shown at once"));
    m_scroll = new QScrollBar(Qt::Horizontal, this);
    m_scroll->setObjectName(u"timelineScrollBar"_s);
    m_scroll->setToolTip(tr("Scroll back over the window the charts hold"));
    m_scroll->setRange(0, 0);
    m_viewLabel = new QLabel(this);
    m_viewLabel->setMinimumWidth(120);
    bar->addWidget(m_pauseButton);
    bar->addWidget(m_liveButton);
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_spanCombo);
    bar->addWidget(m_scroll, 1);
    bar->addWidget(m_viewLabel);
    layout->addLayout(bar);

    auto *gridWidget = new QWidget(this);
    m_grid = new QGridLayout(gridWidget);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(3);
    const LiveChart::Spec specs[ChartCount]
        = { hitRatioSpec(), throughputSpec(), evictionSpec(), latencySpec(), fillSpec() };
    for (int i = 0; i < ChartCount; ++i) {
        m_charts[std::size_t(i)] = new LiveChart(specs[i], gridWidget);
        m_grid->addWidget(m_charts[std::size_t(i)], i / 2, i % 2);
    }
    // The capacity counts entries until a byte capacity arrives.
    m_charts[Fill]->setSeriesVisible(2, false);
    m_charts[HitRatio]->setSeriesVisible(2, false);
    // p95 and p99.9 start hidden (a click on their legend entry shows them): eight lines of
    // tail latency on one log axis are unreadable, and p50 with p99 tell the story.
    for (const int p : { 1, 3, 5, 7 })
        m_charts[Latency]->setSeriesHiddenByUser(p, true);
    showTierSeries();
    for (int r = 0; r < 3; ++r)
        m_grid->setRowStretch(r, 1);
    m_grid->setColumnStretch(0, 1);
    m_grid->setColumnStretch(1, 1);
    layout->addWidget(gridWidget, 1);

    m_frame.setInterval(16);
    connect(&m_frame, &QTimer::timeout, this, &ChartPanel::renderFrame);
    connect(m_pauseButton, &QToolButton::toggled, this, &ChartPanel::setPaused);
    connect(m_liveButton, &QToolButton::clicked, this, [this] { setPaused(false); });
    connect(m_spanCombo, &QComboBox::currentIndexChanged, this,
        [this] { setViewSpan(m_spanCombo->currentData().toDouble()); });
    connect(m_scroll, &QScrollBar::actionTriggered, this, [this](int) {
        // A user scroll (drag, arrows, page) pauses the charts where they are.
        if (!m_paused)
            setPaused(true);
    });
    connect(m_scroll, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_paused)
            return;
        m_viewStart = value / scrollUnitsPerSecond;
        renderAll();
    });
    updateScrollBar();
}

void ChartPanel::setCornerWidget(QWidget *widget) { m_grid->addWidget(widget, 2, 1); }

void ChartPanel::addSnapshot(double t, const MetricsSnapshot &s)
{
    m_hasData = true;
    m_latest = std::max(m_latest, t);
    LiveChart *hit = m_charts[HitRatio];
    if (const auto r = s.hitRatio())
        hit->append(0, t, *r * 100.0);
    if (const auto r = s.totalHitRatio())
        hit->append(1, t, *r * 100.0);
    if (const auto r = s.databaseBufferHitRatio) {
        hit->setSeriesVisible(2, true);
        hit->append(2, t, *r * 100.0);
    }

    LiveChart *tp = m_charts[Throughput];
    tp->append(0, t, s.requestsPerSecond);
    tp->append(1, t, s.hitsPerSecond);
    tp->append(2, t, s.missesPerSecond);

    LiveChart *ev = m_charts[Evictions];
    for (int reason = 0; reason < evictionReasonCount; ++reason)
        ev->append(reason, t, s.evictionsPerSecond[std::size_t(reason)]);
    // Queries that reached the database: misses that ran their own query (single-flight
    // waiters share another's) plus writes.
    const double seconds = double(s.intervalMs) / 1000.0;
    const quint64 queries = s.interval.misses
        - std::min(s.interval.misses, s.interval.singleFlightWaits) + s.interval.writes;
    ev->append(3, t, seconds > 0 ? double(queries) / seconds : 0.0);
    ev->append(4, t, s.errorsPerSecond);

    LiveChart *lat = m_charts[Latency];
    const LatencySummary *summaries[2] = { &s.hitLatency, &s.missLatency };
    for (int kind = 0; kind < 2; ++kind) {
        const LatencySummary &l = *summaries[kind];
        if (l.count == 0)
            continue; // no hits (misses) in this interval: a gap, not a zero on a log axis
        const qint64 values[4] = { l.p50Ns, l.p95Ns, l.p99Ns, l.p999Ns };
        for (int p = 0; p < 4; ++p) {
            if (values[p] > 0)
                lat->append(kind * 4 + p, t, microseconds(values[p]));
        }
    }

    addTierPoints(t, s);

    LiveChart *fill = m_charts[Fill];
    const bool bytes = s.capacityUnit == SizeUnit::Bytes;
    fill->append(1, t, double(s.entries));
    fill->append(3, t, double(s.bytes));
    fill->append(bytes ? 2 : 0, t, double(s.capacity));
    fill->setSeriesVisible(0, !bytes);
    fill->setSeriesVisible(2, bytes);

    // A hidden panel (the trace tab in front, a minimised window) collects without drawing:
    // each replace() makes Qt Charts rebuild and stroke the series' path.
    if (!m_paused && drawable()) {
        if (m_minRenderIntervalMs == 0) {
            renderAll();
        } else {
            m_dirty.fill(true);
            if (!m_frame.isActive()) {
                renderFrame(); // the longest-waiting chart now if due, the others paced
                m_frame.start();
            }
        }
    }
    updateScrollBar();
}

void ChartPanel::addTierPoints(double t, const MetricsSnapshot &s)
{
    // Taken with or without a second tier (L1 is then every hit, L2 none), so a tier switched
    // on mid-run shows what came before it; shown from then on (setSecondTier()).
    const CounterValues &c = s.interval;
    if (const quint64 reads = c.hits + c.misses; reads > 0) {
        const quint64 l2 = std::min(c.l2Hits, c.hits);
        m_charts[HitRatio]->append(
            L1HitRatioSeries, t, double(c.hits - l2) * 100.0 / double(reads));
        m_charts[HitRatio]->append(L2HitRatioSeries, t, double(l2) * 100.0 / double(reads));
    }
    LiveChart *ev = m_charts[Evictions];
    ev->append(L2ErrorsSeries, t, perSecond(c.l2Errors, s.intervalMs));
    ev->append(L2EvictedSeries, t, perSecond(c.l2Evictions, s.intervalMs));
    if (s.staleMeasured) {
        ev->append(StaleReadsSeries, t, perSecond(c.staleReads, s.intervalMs));
        if (s.staleness.count > 0)
            ev->append(StalenessSeries, t, microseconds(s.staleness.p99Ns));
        if (c.staleReads > 0 && !m_staleShown) { // stale reads without a second tier
            m_staleShown = true;
            showTierSeries();
        }
    }
    if (s.l2Latency.count > 0) {
        m_charts[Latency]->append(L2P50Series, t, microseconds(s.l2Latency.p50Ns));
        m_charts[Latency]->append(L2P99Series, t, microseconds(s.l2Latency.p99Ns));
    }
}

void ChartPanel::setSecondTier(bool on)
{
    if (!on || m_secondTier)
        return; // once shown, until clear(): the window still holds what the tier did
    m_secondTier = true;
    m_staleShown = true;
    showTierSeries();
}

void ChartPanel::showTierSeries()
{
    LiveChart *hit = m_charts[HitRatio];
    hit->setSeriesVisible(L1HitRatioSeries, m_secondTier);
    hit->setSeriesVisible(L2HitRatioSeries, m_secondTier);
    hit->series(0)->setName(m_secondTier ? tr("overall") : tr("per interval"));
    LiveChart *ev = m_charts[Evictions];
    ev->setSeriesVisible(L2ErrorsSeries, m_secondTier);
    ev->setSeriesVisible(L2EvictedSeries, m_secondTier);
    ev->setSeriesVisible(StaleReadsSeries, m_staleShown);
    ev->setSeriesVisible(StalenessSeries, m_staleShown);
    ev->rightAxis()->setVisible(m_staleShown);
    m_charts[Latency]->setSeriesVisible(L2P50Series, m_secondTier);
    m_charts[Latency]->setSeriesVisible(L2P99Series, m_secondTier);
}

bool ChartPanel::drawable() const { return isVisible() && !window()->isMinimized(); }

void ChartPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    renderAll();
}

void ChartPanel::addMarker(double t, const QString &label)
{
    for (LiveChart *c : m_charts)
        c->addMarker(t, label);
}

void ChartPanel::clear()
{
    for (LiveChart *c : m_charts)
        c->clear();
    m_charts[HitRatio]->setSeriesVisible(2, false); // until a PostgreSQL run reports it
    m_secondTier = false; // until the next run's first tick says it has one
    m_staleShown = false;
    showTierSeries();
    m_hasData = false;
    m_latest = 0;
    m_viewStart = 0;
    setPaused(false);
    renderAll();
    updateScrollBar();
}

double ChartPanel::oldestTime() const
{
    const TimeSeries<QPointF> &requests = m_charts[Throughput]->buffer(0);
    return requests.isEmpty() ? 0 : requests.at(0).x();
}

double ChartPanel::liveViewStart() const
{
    // The live view ends on the next multiple of a sixth of the span, so the time labels
    // (a tick every sixth) stay round; the newest point is at most that far from the edge.
    const double step = m_span / 6;
    const double end = std::max(m_span, std::ceil(m_latest / step - 1e-9) * step);
    return end - m_span;
}

void ChartPanel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    m_pauseButton->setChecked(paused);
    m_liveButton->setEnabled(paused);
    if (!paused)
        renderAll();
    updateScrollBar();
    emit pausedChanged(paused);
}

void ChartPanel::setViewSpan(double seconds)
{
    if (!(seconds > 0) || seconds == m_span)
        return;
    m_span = seconds;
    const int index = m_spanCombo->findData(int(seconds));
    if (index >= 0 && index != m_spanCombo->currentIndex())
        m_spanCombo->setCurrentIndex(index);
    if (!m_paused)
        m_viewStart = liveViewStart();
    renderAll();
    updateScrollBar();
    emit viewSpanChanged(seconds);
}

void ChartPanel::scrollTo(double t)
{
    setPaused(true);
    m_scroll->setValue(int(std::lround(t * scrollUnitsPerSecond)));
    m_viewStart = m_scroll->value() / scrollUnitsPerSecond;
    renderAll();
}

void ChartPanel::setMinRenderIntervalMs(int ms)
{
    m_minRenderIntervalMs = std::max(0, ms);
    m_frame.setInterval(std::max(16, m_minRenderIntervalMs / int(ChartCount)));
    if (m_minRenderIntervalMs == 0)
        m_frame.stop();
}

void ChartPanel::renderFrame()
{
    // Points are taken at every tick; each chart is drawn at most every m_minRenderIntervalMs,
    // and one chart per frame, the longest-waiting dirty one: a paint of one chart is the
    // longest the GUI thread is held (painting is most of its work, and it shares the CPU with
    // every engine worker). Several ticks between two frames make one drawing.
    if (m_paused || !drawable()) {
        m_frame.stop();
        return;
    }
    auto waited = [this](int i) {
        const QElapsedTimer &t = m_lastRender[std::size_t(i)];
        return t.isValid() ? t.elapsed() : std::numeric_limits<qint64>::max();
    };
    int pick = -1;
    bool anyDirty = false;
    for (int i = 0; i < ChartCount; ++i) {
        if (!m_dirty[std::size_t(i)])
            continue;
        anyDirty = true;
        if (waited(i) >= m_minRenderIntervalMs && (pick < 0 || waited(i) > waited(pick)))
            pick = i;
    }
    if (!anyDirty) {
        m_frame.stop();
        return;
    }
    if (pick < 0)
        return; // dirty, not due yet
    m_viewStart = liveViewStart();
    m_lastRender[std::size_t(pick)].start();
    m_dirty[std::size_t(pick)] = false;
    m_charts[std::size_t(pick)]->render(m_viewStart, m_viewStart + m_span);
    if (m_viewLabel->text() != tr("live"))
        m_viewLabel->setText(tr("live"));
}

void ChartPanel::renderAll()
{
    if (m_hasData) { // drawing empty charts does not make the first points wait
        for (QElapsedTimer &t : m_lastRender)
            t.start();
    }
    m_dirty.fill(false);
    if (!m_paused)
        m_viewStart = liveViewStart();
    for (LiveChart *c : m_charts)
        c->render(m_viewStart, m_viewStart + m_span);
    m_viewLabel->setText(m_paused ? tr("paused at %1–%2 s")
                                        .arg(m_viewStart, 0, 'f', 0)
                                        .arg(m_viewStart + m_span, 0, 'f', 0)
                                  : tr("live"));
}

void ChartPanel::updateScrollBar()
{
    const int lo = int(std::floor(oldestTime() * scrollUnitsPerSecond));
    const int hi = std::max(lo, int(std::ceil(liveViewStart() * scrollUnitsPerSecond)));
    QSignalBlocker block(m_scroll);
    m_scroll->setRange(lo, hi);
    m_scroll->setPageStep(int(m_span * scrollUnitsPerSecond));
    m_scroll->setSingleStep(int(scrollUnitsPerSecond));
    m_scroll->setValue(m_paused ? int(std::lround(m_viewStart * scrollUnitsPerSecond)) : hi);
}

} // namespace CacheScope
