#pragma once

#include "core/metrics/metricssnapshot.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <array>

class QComboBox;
class QGridLayout;
class QLabel;
class QScrollBar;
class QToolButton;

namespace CacheScope {

class LiveChart;

/// The five live charts of a run over one shared timeline, with the controls to pause them
/// and scroll back over the window they hold:
///   hit ratio (interval, cumulative; with a second tier also the L1 and L2 shares); throughput
///   (requests, hits, misses /s); evictions/s by reason, database queries and errors/s, stale
///   reads/s and their age p99 (right axis); latency percentiles of hits, misses and L2 reads
///   on a log axis; cache fill (entries and bytes against capacity).
/// Every chart holds windowPoints points per series: 5 minutes at the 10 Hz sampling maximum.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    enum ChartId { HitRatio, Throughput, Evictions, Latency, Fill, ChartCount };
    static constexpr qsizetype windowPoints = 3000; // 300 s at 10 Hz
    /// The second tier's series: the hit-ratio chart's L1 and L2 shares of reads, the
    /// evictions chart's stale reads/s, staleness p99, L2 errors/s and evicted/s, the latency
    /// chart's L2 p50 and p99. Shown once the run has a second tier (stale reads also once
    /// counted).
    enum TierSeries {
        L1HitRatioSeries = 3, // HitRatio
        L2HitRatioSeries = 4,
        StaleReadsSeries = 5, // Evictions
        StalenessSeries = 6,
        L2ErrorsSeries = 7,
        L2EvictedSeries = 8, // keys Redis evicted (INFO)
        L2P50Series = 8, // Latency (its own chart: the same index as above)
        L2P99Series = 9,
    };

    explicit ChartPanel(QWidget *parent = nullptr);

    /// One tick: a point per series at time t (seconds on the timeline), then a render unless
    /// the charts are paused.
    void addSnapshot(double t, const MetricsSnapshot &snapshot);
    /// A change marker on every chart.
    void addMarker(double t, const QString &label);
    void clear();
    /// The run has a Redis second tier now: its series show from then on (until clear(),
    /// however the tier changes: the window holds what it did). false changes nothing.
    void setSecondTier(bool on);
    bool showsSecondTier() const { return m_secondTier; }

    LiveChart *chart(int id) const { return m_charts[std::size_t(id)]; }
    /// Charts paused: ticks still collect points, the view stays where it is and can scroll.
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    /// Seconds of the timeline shown at once (the window held is longer).
    double viewSpan() const { return m_span; }
    void setViewSpan(double seconds);
    /// Scrolls a paused view so it starts at t (clamped to the data held).
    void scrollTo(double t);
    double latestTime() const { return m_latest; }
    double oldestTime() const;
    /// Draw each chart at most this often (0: every chart at every snapshot); points are still
    /// taken at every one. Paced, the charts are drawn one per frame (a fifth of the interval
    /// apart), each the one that waited longest, so no paint holds the GUI thread for all five.
    void setMinRenderIntervalMs(int ms);
    int minRenderIntervalMs() const { return m_minRenderIntervalMs; }
    /// Puts `widget` in the grid cell beside the fifth chart (the counters table).
    void setCornerWidget(QWidget *widget);

signals:
    void pausedChanged(bool paused);
    void viewSpanChanged(double seconds);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void addTierPoints(double t, const MetricsSnapshot &snapshot);
    void showTierSeries();
    void renderAll();
    void renderFrame();
    bool drawable() const;
    void updateScrollBar();
    double liveViewStart() const;

    std::array<LiveChart *, ChartCount> m_charts {};
    QToolButton *m_pauseButton = nullptr;
    QToolButton *m_liveButton = nullptr;
    QComboBox *m_spanCombo = nullptr;
    QScrollBar *m_scroll = nullptr;
    QLabel *m_viewLabel = nullptr;
    QGridLayout *m_grid = nullptr;
    bool m_paused = false;
    bool m_hasData = false;
    bool m_secondTier = false;
    bool m_staleShown = false;
    double m_span = 60;
    double m_latest = 0;
    double m_viewStart = 0;
    int m_minRenderIntervalMs = 0;
    std::array<QElapsedTimer, ChartCount> m_lastRender; // per chart: when it was last drawn
    std::array<bool, ChartCount> m_dirty {}; // per chart: points not drawn yet
    QTimer m_frame; // paced drawing: one chart per timeout while any is dirty
};

} // namespace CacheScope
