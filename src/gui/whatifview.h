#pragma once

#include "core/metrics/metricssnapshot.h"
#include "core/whatif/shadowsnapshot.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QTableView;

namespace CacheScope {

class LiveChart;
class LiveMrcChart;
class PolicyRankingModel;

/// The What-if page beside the live charts: while a run goes on with shadow policies, the
/// hit ratio of every shadow policy over time with the real cache's line among them, the
/// policies ranked against the real cache, the live LRU miss-ratio curve with the current
/// capacity marked and what twice the capacity would give, and how many of the keys the
/// shadows see (sampled when they cannot keep up), never hidden.
///
/// Fed one tick at a time by the main window; memory stays bounded (the comparison chart is a
/// LiveChart of windowPoints per series) and drawing is paced like the other live charts.
class WhatIfView : public QWidget
{
    Q_OBJECT

public:
    /// Which hit ratio the comparison chart draws.
    enum class RatioKind { Interval, Cumulative };

    explicit WhatIfView(QWidget *parent = nullptr);
    ~WhatIfView() override;

    /// One tick: the real cache's snapshot and the shadows' at time t (seconds on the
    /// charts' timeline); `realPolicy` is the live cache's policy id. No shadow snapshot (a
    /// run without shadows) leaves the shadow lines, the ranking and the curve as they are.
    void addSample(double t, const MetricsSnapshot &real, const QString &realPolicy,
        const std::optional<ShadowSnapshot> &shadows);
    /// A change marker on the comparison chart.
    void addMarker(double t, const QString &label);
    void clear();
    /// Whether the run (or the next one) has shadows: when off, the page says how to turn
    /// them on.
    void setShadowsEnabled(bool enabled);
    bool shadowsEnabled() const { return m_shadowsEnabled; }

    void setViewSpan(double seconds);
    /// Frozen like the live charts (ChartPanel's Pause charts): the comparison chart keeps its
    /// window while points are still collected; unpausing draws up to now.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    /// Draws both charts now (before saving them as images).
    void renderNow() { render(); }
    /// The latest shadow snapshot (none before a run with shadows).
    const std::optional<ShadowSnapshot> &shadowSnapshot() const { return m_shadows; }
    void setMinRenderIntervalMs(int ms) { m_minRenderIntervalMs = ms; }
    RatioKind ratioKind() const { return m_kind; }
    void setRatioKind(RatioKind kind);

    LiveChart *comparisonChart() const { return m_comparison; }
    /// The comparison chart's series of a policy for the given kind, or of the real cache
    /// (id empty); -1 for a policy the chart does not have.
    int seriesIndex(const QString &policyId, RatioKind kind) const;
    PolicyRankingModel *rankingModel() const { return m_ranking; }
    QTableView *rankingView() const { return m_rankingView; }
    LiveMrcChart *mrcChart() const { return m_mrc; }
    QString samplingText() const;
    QString readoutText() const;
    /// "Best here: S3-FIFO, hit ratio 45.1% (2.0 points above LRU on the same keys, 3.8 points
    /// above the real cache)"; empty before a ranking.
    QString bestText() const;
    /// Shown when the shadow of the real cache's policy reads 2 points or more off the real
    /// cache: the shadows' sampling error at this rate and capacity; empty otherwise.
    QString caveatText() const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    void render(); // both charts
    void renderDue(); // one chart, taking turns (paced ticks)
    double liveViewEnd() const;
    void updateSamplingLabel();
    void updateBestLabel();

    LiveChart *m_comparison = nullptr;
    LiveMrcChart *m_mrc = nullptr;
    PolicyRankingModel *m_ranking = nullptr;
    QTableView *m_rankingView = nullptr;
    QComboBox *m_kindCombo = nullptr;
    QLabel *m_samplingLabel = nullptr;
    QLabel *m_readoutLabel = nullptr;
    QLabel *m_bestLabel = nullptr;
    QLabel *m_caveatLabel = nullptr; // when the real policy's shadow disagrees with the cache
    QLabel *m_offLabel = nullptr;
    QHash<QString, int> m_seriesOf; // policy id -> interval series; cumulative is the next one
    RatioKind m_kind = RatioKind::Cumulative;
    bool m_shadowsEnabled = false;
    bool m_paused = false;
    double m_frozenEnd = 0; // the view's end while paused
    bool m_hasData = false;
    double m_span = 60;
    double m_latest = 0;
    int m_minRenderIntervalMs = 0;
    QElapsedTimer m_lastRender;
    std::optional<ShadowSnapshot> m_shadows; // the latest, drawn by render()
    bool m_mrcDirty = false; // m_shadows not drawn on the curve chart yet
    bool m_comparisonDrawnLast = false;
};

} // namespace CacheScope
