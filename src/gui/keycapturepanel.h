#pragma once

#include "core/error.h"
#include "core/monitor/rediscapture.h"

#include <QGroupBox>
#include <QTimer>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

namespace CacheScope {

class MonitorRowsModel;

/// The Monitor tab's key capture for a Redis: the controls (capture for how long, prefix depth,
/// Start/Stop, with MONITOR's cost said beside them) and three tables fed by a RedisCapture
/// (core/monitor/rediscapture.h) on its own thread:
/// - key prefixes: reads, share, writes, distinct keys and the hit ratio of the shadow of the
///   Redis's own eviction policy per prefix;
/// - top keys by reads;
/// - what-if: the Redis's measured hit ratio since the capture began beside its own policy
///   replayed at its capacity in keys (redis-lru for allkeys-lru), allkeys-lfu,
///   maxmemory-samples 10, 2x maxmemory, and every registry policy ranked.
///
/// The GUI thread only copies the capture's published snapshot twice a second; stopping hands
/// the capture to a pool thread, so a capture still connecting never blocks the window.
class KeyCapturePanel : public QGroupBox
{
    Q_OBJECT

public:
    explicit KeyCapturePanel(QWidget *parent = nullptr);
    /// Stops a capture in progress (off the GUI thread).
    ~KeyCapturePanel() override;

    /// The Redis being monitored: Start becomes available. Stops a capture of another server.
    void setServer(const RedisSettings &server);
    /// No Redis monitored (disconnected, another source): stops a capture, Start unavailable.
    void clearServer();
    /// The Redis's own hits and misses since the monitor began (INFO keyspace_hits/misses):
    /// the what-if table's "measured" row counts from the values when the capture began.
    void setMeasuredTotals(quint64 hits, quint64 misses);

    void setDurationSeconds(int seconds);
    void setPrefixDepth(int depth);
    /// Starts capturing from the server set by setServer(); false (and errorOccurred()) when
    /// there is none or the capture cannot start.
    bool startCapture();
    void stopCapture();
    bool isCapturing() const { return m_capture != nullptr; }

    MonitorRowsModel *prefixModel() const { return m_prefixes; }
    MonitorRowsModel *topKeysModel() const { return m_topKeys; }
    MonitorRowsModel *whatIfModel() const { return m_whatIf; }
    /// The last snapshot shown (none before a capture).
    const std::optional<RedisCaptureSnapshot> &lastSnapshot() const { return m_last; }
    QString statusText() const;
    /// The measured hit ratio since the capture began; none before a read.
    std::optional<double> measuredHitRatio() const;

signals:
    void errorOccurred(const QString &context, const CacheScope::Error &error);
    void messageLogged(const QString &message);
    void capturingChanged(bool capturing);

private:
    void poll();
    void show(const RedisCaptureSnapshot &snapshot);
    void finish(const RedisCaptureSnapshot &snapshot);
    void updateControls();

    std::optional<RedisSettings> m_server;
    std::unique_ptr<RedisCapture> m_capture;
    std::optional<RedisCaptureSnapshot> m_last;
    QTimer m_pollTimer;
    quint64 m_hits = 0;
    quint64 m_misses = 0;
    quint64 m_baseHits = 0;
    quint64 m_baseMisses = 0;
    bool m_baseSet = false;
    bool m_haveTotals = false; // an interval has reported the monitor's totals

    QSpinBox *m_durationSpin = nullptr;
    QSpinBox *m_depthSpin = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QLabel *m_statusLabel = nullptr;
    QTableView *m_prefixGlance = nullptr; // the prefixes model, three columns
    MonitorRowsModel *m_prefixes = nullptr;
    MonitorRowsModel *m_topKeys = nullptr;
    MonitorRowsModel *m_whatIf = nullptr;
};

} // namespace CacheScope
