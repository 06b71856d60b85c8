#include "whatifview.h"

#include "livechart.h"
#include "livemrcchart.h"
#include "missratiochart.h"
#include "policyrankingmodel.h"

#include "core/policy/policyregistry.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr qsizetype windowPoints = 3000; // as the live charts: 300 s at 10 Hz

/// The policies a run can shadow: every registry policy that needs no future.
QStringList shadowablePolicies()
{
    QStringList ids;
    for (const PolicyInfo &p : policyRegistry()) {
        if (!p.needsFuture)
            ids << p.id;
    }
    return ids;
}

QString displayName(const QString &id)
{
    const PolicyInfo *info = findPolicy(id);
    return info ? info->displayName : id;
}

LiveChart::Spec comparisonSpec(const QStringList &policies)
{
    LiveChart::Spec spec { QObject::tr("Hit ratio: shadow policies and the real cache"),
        { QObject::tr("hit ratio (%)"), LiveChart::AxisScale::PercentFit, ValueUnit::Percent },
        std::nullopt, {}, windowPoints };
    // Two series per policy, interval then cumulative; the page shows one kind at a time.
    for (const QString &id : policies) {
        const QColor color = policyColor(id);
        spec.series.append({ displayName(id), color, Qt::SolidLine, false, 1.4 });
        spec.series.append({ displayName(id), color, Qt::SolidLine, false, 1.4 });
    }
    // The real cache last, so it draws over the shadows: black, thick.
    spec.series.append({ QObject::tr("real cache"), QColor(Qt::black), Qt::SolidLine, false, 3.0 });
    spec.series.append({ QObject::tr("real cache"), QColor(Qt::black), Qt::SolidLine, false, 3.0 });
    return spec;
}

/// Whether two shadow snapshots are the same publication (the consumer publishes a few
/// times a second; the GUI samples at up to 10 Hz).
bool samePublication(const ShadowSnapshot &a, const ShadowSnapshot &b)
{
    auto requests = [](const ShadowSnapshot &s) {
        quint64 n = 0;
        for (const ShadowPolicyStats &p : s.policies)
            n += p.requests + p.intervalRequests;
        return n;
    };
    return a.offered == b.offered && a.sampled == b.sampled && a.dropped == b.dropped
        && a.rateChanges == b.rateChanges && a.samplingRate == b.samplingRate
        && a.liveCapacity == b.liveCapacity && a.unit == b.unit
        && a.policies.size() == b.policies.size() && a.lruCurve.size() == b.lruCurve.size()
        && requests(a) == requests(b);
}

/// A word-wrapped label relayouts the page on every setText(): only when the text changes.
void setLabelText(QLabel *label, const QString &text)
{
    if (label->text() != text)
        label->setText(text);
}

QString percentText(std::optional<double> ratio)
{
    return ratio ? QString::number(*ratio * 100.0, 'f', 1) + u'%' : QObject::tr("n/a");
}

} // namespace

WhatIfView::WhatIfView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    m_samplingLabel = new QLabel(this);
    m_samplingLabel->setObjectName(u"samplingLabel"_s);
    m_samplingLabel->setTextFormat(Qt::PlainText);
    QFont strong = m_samplingLabel->font();
    strong.setBold(true);
    m_samplingLabel->setFont(strong);
    m_kindCombo = new QComboBox(this);
    m_kindCombo->setObjectName(u"ratioKindCombo"_s);
    m_kindCombo->addItem(tr("cumulative hit ratio"), int(RatioKind::Cumulative));
    m_kindCombo->addItem(tr("hit ratio per interval"), int(RatioKind::Interval));
    m_kindCombo->setToolTip(tr("Cumulative lines settle and rank steadily; per-interval lines "
                               "show a scan or a shift at once, with more noise"));
    bar->addWidget(m_samplingLabel, 1);
    bar->addWidget(new QLabel(tr("Chart:"), this));
    bar->addWidget(m_kindCombo);
    layout->addLayout(bar);

    m_offLabel = new QLabel(this);
    m_offLabel->setObjectName(u"shadowsOffLabel"_s);
    m_offLabel->setWordWrap(true);
    m_offLabel->setText(tr("Shadow policies are off. Tick “What-if: shadow policies” in the "
                           "Cache panel (or load the “Scan pollution” or “LRU of 100 entries” "
                           "scenario) to compare every policy on this run's keys."));
    m_offLabel->setStyleSheet(u"QLabel { background: #fff4d6; border: 1px solid #e0c070; "
                              "padding: 4px; }"_s);
    layout->addWidget(m_offLabel);

    auto *grid = new QGridLayout;
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(3);
    const QStringList policies = shadowablePolicies();
    m_comparison = new LiveChart(comparisonSpec(policies), this);
    m_comparison->setObjectName(u"comparisonChart"_s);
    for (int i = 0; i < policies.size(); ++i)
        m_seriesOf.insert(policies.at(i), 2 * i);
    m_seriesOf.insert(QString(), 2 * int(policies.size()));
    // Nothing shows until a snapshot names the policy; then only the chosen kind.
    for (int s = 0; s < m_comparison->seriesCount(); ++s)
        m_comparison->setSeriesVisible(s, false);

    m_ranking = new PolicyRankingModel(this);
    m_rankingView = new QTableView(this);
    m_rankingView->setObjectName(u"rankingView"_s);
    m_rankingView->setModel(m_ranking);
    m_rankingView->verticalHeader()->hide();
    m_rankingView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    // The numbers sized to their contents, the policy name takes the rest: no sideways scrolling.
    m_rankingView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rankingView->horizontalHeader()->setSectionResizeMode(
        PolicyRankingModel::PolicyColumn, QHeaderView::Stretch);
    m_rankingView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_rankingView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rankingView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rankingView->setAlternatingRowColors(true);
    m_rankingView->setMinimumWidth(320); // as a chart's: the window's minimum width stays

    m_mrc = new LiveMrcChart(this);
    m_mrc->setObjectName(u"mrcChart"_s);
    m_readoutLabel = new QLabel(this);
    m_readoutLabel->setObjectName(u"readoutLabel"_s);
    m_readoutLabel->setWordWrap(true);
    m_readoutLabel->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    QFont big = m_readoutLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    big.setBold(true);
    m_readoutLabel->setFont(big);
    m_readoutLabel->setText(tr("LRU at 2× capacity: hit ratio n/a (now n/a)"));
    m_bestLabel = new QLabel(this);
    m_bestLabel->setObjectName(u"bestLabel"_s);
    m_bestLabel->setWordWrap(true);
    m_bestLabel->setFont(big);
    m_caveatLabel = new QLabel(this);
    m_caveatLabel->setObjectName(u"caveatLabel"_s);
    m_caveatLabel->setWordWrap(true);
    m_caveatLabel->setStyleSheet(u"QLabel { color: #8a5a00; }"_s);
    m_caveatLabel->hide();
    auto *readoutNote = new QLabel(tr("The LRU curve is estimated live with SHARDS from a "
                                      "spatially hashed sample of the keys. The dashed line is "
                                      "the cache's capacity now; the dotted one, twice that."),
        this);
    readoutNote->setWordWrap(true);
    readoutNote->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *readoutBox = new QWidget(this);
    auto *readoutLayout = new QVBoxLayout(readoutBox);
    readoutLayout->setContentsMargins(6, 6, 6, 6);
    readoutLayout->addWidget(m_bestLabel);
    readoutLayout->addWidget(m_caveatLabel);
    readoutLayout->addWidget(m_readoutLabel);
    readoutLayout->addWidget(readoutNote);
    readoutLayout->addStretch(1);

    grid->addWidget(m_comparison, 0, 0);
    grid->addWidget(m_rankingView, 0, 1);
    grid->addWidget(m_mrc, 1, 0);
    grid->addWidget(readoutBox, 1, 1);
    grid->setColumnStretch(0, 5);
    grid->setColumnStretch(1, 4);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    layout->addLayout(grid, 1);

    connect(m_kindCombo, &QComboBox::currentIndexChanged, this,
        [this] { setRatioKind(RatioKind(m_kindCombo->currentData().toInt())); });
    setShadowsEnabled(false);
    updateSamplingLabel();
}

WhatIfView::~WhatIfView() = default;

int WhatIfView::seriesIndex(const QString &policyId, RatioKind kind) const
{
    const auto it = m_seriesOf.constFind(policyId);
    if (it == m_seriesOf.cend())
        return -1;
    return it.value() + (kind == RatioKind::Cumulative ? 1 : 0);
}

void WhatIfView::setRatioKind(RatioKind kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    const int index = m_kindCombo->findData(int(kind));
    if (index != m_kindCombo->currentIndex()) {
        const QSignalBlocker block(m_kindCombo);
        m_kindCombo->setCurrentIndex(index);
    }
    // Swap each policy's pair: the series of the other kind stop showing, legend included.
    for (auto it = m_seriesOf.cbegin(); it != m_seriesOf.cend(); ++it) {
        const int interval = it.value();
        const bool known
            = m_comparison->seriesApplies(interval) || m_comparison->seriesApplies(interval + 1);
        m_comparison->setSeriesVisible(interval, known && kind == RatioKind::Interval);
        m_comparison->setSeriesVisible(interval + 1, known && kind == RatioKind::Cumulative);
    }
    render();
}

void WhatIfView::setShadowsEnabled(bool enabled)
{
    m_shadowsEnabled = enabled;
    m_offLabel->setVisible(!enabled);
    updateSamplingLabel();
}

void WhatIfView::setViewSpan(double seconds)
{
    if (!(seconds > 0) || seconds == m_span)
        return;
    m_span = seconds;
    render();
}

void WhatIfView::addSample(double t, const MetricsSnapshot &real, const QString &realPolicy,
    const std::optional<ShadowSnapshot> &shadows)
{
    m_hasData = true;
    m_latest = std::max(m_latest, t);
    auto show = [this](int interval) {
        m_comparison->setSeriesVisible(interval, m_kind == RatioKind::Interval);
        m_comparison->setSeriesVisible(interval + 1, m_kind == RatioKind::Cumulative);
    };
    const int realSeries = m_seriesOf.value(QString());
    if (const auto r = real.hitRatio())
        m_comparison->append(realSeries, t, *r * 100.0);
    if (const auto r = real.totalHitRatio())
        m_comparison->append(realSeries + 1, t, *r * 100.0);
    show(realSeries);

    // Shadow snapshots are published a few times a second and ticks come at up to 10 Hz: a
    // snapshot already shown adds no point, no table update and no relayout.
    if (shadows && !(m_shadows && samePublication(*m_shadows, *shadows))) {
        m_shadows = shadows;
        m_mrcDirty = true;
        QList<PolicyStanding> standings;
        for (const ShadowPolicyStats &p : shadows->policies) {
            // A ratio of nothing is no ratio: no point, "n/a" in the table.
            const std::optional<double> total
                = p.requests > 0 ? std::optional<double>(p.hitRatio) : std::nullopt;
            const std::optional<double> interval
                = p.intervalRequests > 0 ? std::optional<double>(p.intervalHitRatio) : std::nullopt;
            const auto it = m_seriesOf.constFind(p.policy);
            if (it != m_seriesOf.cend()) {
                if (interval)
                    m_comparison->append(it.value(), t, *interval * 100.0);
                if (total)
                    m_comparison->append(it.value() + 1, t, *total * 100.0);
                show(it.value());
            }
            standings.append(
                { p.policy, displayName(p.policy), total, interval, p.requests, false });
        }
        standings.append({ realPolicy, tr("real cache (%1)").arg(displayName(realPolicy)),
            real.totalHitRatio(), real.hitRatio(), real.total.hits + real.total.misses, true });
        m_ranking->setStandings(standings);
        updateBestLabel();
        const bool curve = !shadows->lruCurve.empty();
        setLabelText(m_readoutLabel,
            tr("LRU at 2× capacity: hit ratio %1 (now %2)")
                .arg(percentText(curve ? std::optional<double>(shadows->hitRatioAtDoubleCapacity)
                                       : std::nullopt),
                    percentText(
                        curve ? std::optional<double>(shadows->hitRatioNow) : std::nullopt)));
        updateSamplingLabel();
    }
    if (!shadows)
        updateSamplingLabel();

    if (m_paused || !isVisible() || window()->isMinimized())
        return; // collected; drawn when the page is shown or the charts go on
    if (m_minRenderIntervalMs > 0 && m_lastRender.isValid()
        && m_lastRender.elapsed() < m_minRenderIntervalMs)
        return;
    renderDue();
}

void WhatIfView::updateSamplingLabel()
{
    if (!m_shadows) {
        setLabelText(m_samplingLabel,
            m_shadowsEnabled ? tr("Shadows: waiting for the run…") : tr("Shadows: off"));
        m_samplingLabel->setToolTip({});
        return;
    }
    const QLocale locale;
    const double rate = m_shadows->samplingRate;
    const QString share = rate >= 1.0
        ? tr("every key (100%)")
        : tr("%1% of keys (sampled)").arg(QString::number(rate * 100.0, 'g', 3));
    const QString dropped = locale.toString(qulonglong(m_shadows->dropped));
    // Turned off mid-run, the shadows keep what they saw: say so, with the rate they saw it at.
    setLabelText(m_samplingLabel,
        m_shadowsEnabled ? tr("Shadows see %1, %2 dropped").arg(share, dropped)
                         : tr("Shadows paused: they saw %1, %2 dropped").arg(share, dropped));
    m_samplingLabel->setToolTip(
        tr("%1 requests offered to the shadows, %2 fed to them (%3%), %4 dropped when the "
           "shadows fell behind; the sampling rate changed %5 times. Workers never wait for the "
           "shadows: when they cannot keep up, fewer keys are sampled.")
            .arg(locale.toString(qulonglong(m_shadows->offered)),
                locale.toString(qulonglong(m_shadows->sampled)),
                QString::number(m_shadows->effectiveRate() * 100.0, 'f', 1),
                locale.toString(qulonglong(m_shadows->dropped)),
                locale.toString(qulonglong(m_shadows->rateChanges))));
}

void WhatIfView::updateBestLabel()
{
    // The answer the page is for: which policy would do best here, and by how much. Against
    // the shadow of the real cache's own policy first: the same sampled keys, so sampling
    // error cancels; the real cache is measured on every key, a different yardstick.
    const QList<PolicyStanding> &rows = m_ranking->standings();
    const auto best = std::find_if(
        rows.cbegin(), rows.cend(), [](const PolicyStanding &s) { return !s.real && s.hitRatio; });
    const auto real
        = std::find_if(rows.cbegin(), rows.cend(), [](const PolicyStanding &s) { return s.real; });
    if (best == rows.cend() || real == rows.cend() || !real->hitRatio) {
        m_bestLabel->clear();
        m_caveatLabel->hide();
        return;
    }
    auto points = [](double a, double b) {
        const double d = (a - b) * 100.0;
        return QObject::tr("%1 points %2")
            .arg(QString::number(std::abs(d), 'f', 1),
                d >= 0 ? QObject::tr("above") : QObject::tr("below"));
    };
    const auto twin = std::find_if(rows.cbegin(), rows.cend(),
        [&](const PolicyStanding &s) { return !s.real && s.id == real->id && s.hitRatio; });
    if (twin == rows.cend() || twin == best) {
        setLabelText(m_bestLabel,
            tr("Best here: %1, hit ratio %2 (%3 the real cache)")
                .arg(best->name, percentText(best->hitRatio),
                    points(*best->hitRatio, *real->hitRatio)));
    } else {
        setLabelText(m_bestLabel,
            tr("Best here: %1, hit ratio %2 (%3 %4 on the same keys, %5 the "
               "real cache)")
                .arg(best->name, percentText(best->hitRatio),
                    points(*best->hitRatio, *twin->hitRatio), twin->name,
                    points(*best->hitRatio, *real->hitRatio)));
    }
    // The twin's gap to the real cache is the shadows' own error at this sampling rate. Shown
    // or hidden only when that changes: each toggle relayouts the window (5 ms a tick).
    const bool coarse = twin != rows.cend() && std::abs(*twin->hitRatio - *real->hitRatio) >= 0.02;
    if (coarse) {
        setLabelText(m_caveatLabel,
            tr("The %1 shadow reads %2 the real %1 cache: at this sampling rate and capacity "
               "the shadows' estimates are coarse. Compare the policies with each other.")
                .arg(twin->name, points(*twin->hitRatio, *real->hitRatio)));
    }
    if (m_caveatLabel->isVisibleTo(this) != coarse)
        m_caveatLabel->setVisible(coarse);
}

void WhatIfView::addMarker(double t, const QString &label) { m_comparison->addMarker(t, label); }

void WhatIfView::clear()
{
    m_comparison->clear();
    m_ranking->clear();
    m_bestLabel->clear();
    m_caveatLabel->hide();
    m_mrc->clear();
    m_readoutLabel->setText(tr("LRU at 2× capacity: hit ratio n/a (now n/a)"));
    m_hasData = false;
    m_latest = 0;
    m_shadows.reset();
    updateSamplingLabel();
    render();
}

QString WhatIfView::samplingText() const { return m_samplingLabel->text(); }

QString WhatIfView::readoutText() const { return m_readoutLabel->text(); }

QString WhatIfView::bestText() const { return m_bestLabel->text(); }

QString WhatIfView::caveatText() const
{
    return m_caveatLabel->isVisibleTo(this) ? m_caveatLabel->text() : QString();
}

void WhatIfView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    render();
}

double WhatIfView::liveViewEnd() const
{
    // As ChartPanel: the live view ends on the next sixth of the span, so time labels stay round.
    const double step = m_span / 6;
    return std::max(m_span, std::ceil(m_latest / step - 1e-9) * step);
}

void WhatIfView::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    m_frozenEnd = liveViewEnd();
    if (!paused && isVisible())
        render();
}

void WhatIfView::render()
{
    if (m_hasData)
        m_lastRender.start();
    const double end = m_paused ? m_frozenEnd : liveViewEnd();
    m_comparison->render(end - m_span, end);
    m_comparisonDrawnLast = true;
    if (m_shadows && m_mrcDirty) {
        m_mrc->setCurve(m_shadows->lruCurve, m_shadows->liveCapacity, m_shadows->unit);
        m_mrcDirty = false;
    }
}

void WhatIfView::renderDue()
{
    // One chart per paced render, taking turns: thirteen antialiased lines and the curve in
    // one go held the GUI thread twice as long as a render of the live charts.
    m_lastRender.start();
    if (m_shadows && m_mrcDirty && m_comparisonDrawnLast) {
        m_mrc->setCurve(m_shadows->lruCurve, m_shadows->liveCapacity, m_shadows->unit);
        m_mrcDirty = false;
        m_comparisonDrawnLast = false;
        return;
    }
    const double end = liveViewEnd();
    m_comparison->render(end - m_span, end);
    m_comparisonDrawnLast = true;
}

} // namespace CacheScope
