#pragma once

#include "tracereplayer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

#include <memory>

class QSortFilterProxyModel;

namespace Ui {
class TraceReplayWidget;
}

namespace CacheScope {

class HistoryWriter;
class MissRatioChart;
class TraceResultsModel;

/// The Trace replay tab: open a trace (recent ones remembered), choose policies and
/// capacities, replay in the background with progress and Cancel, then read the results table
/// and the miss ratio against capacity chart (one line per policy, OPT as the bound). With a
/// HistoryWriter, each finished replay is recorded in the run history (kind "replay").
class TraceReplayWidget : public QWidget
{
    Q_OBJECT

public:
    static constexpr int maxRecentTraces = 8;

    explicit TraceReplayWidget(QWidget *parent = nullptr);
    ~TraceReplayWidget() override;

    QString tracePath() const;
    void setTracePath(const QString &path);
    QStringList recentTraces() const { return m_recent; }
    void setRecentTraces(const QStringList &paths);
    QStringList selectedPolicies() const;
    void setSelectedPolicies(const QStringList &ids);
    QString capacities() const;
    void setCapacities(const QString &text);
    TraceReplayRequest request() const;

    /// Starts a replay of request(); false (and errorOccurred()) when it cannot start.
    bool startReplay();
    void cancelReplay();
    bool isRunning() const;

    /// Record each finished replay in the run history through `writer` (null: not recorded).
    void setHistoryWriter(HistoryWriter *writer);

    TraceReplayer *replayer() const { return m_replayer; }
    TraceResultsModel *resultsModel() const { return m_model; }
    MissRatioChart *chart() const;
    QString summaryText() const;

signals:
    void errorOccurred(const CacheScope::Error &error);
    void messageLogged(const QString &message);
    void recentTracesChanged(const QStringList &paths);

private:
    void addRecent(const QString &path);
    void setRunning(bool running);
    void updateCsvRow();
    void record(const TraceReplayOutcome &outcome);

    std::unique_ptr<Ui::TraceReplayWidget> m_ui;
    TraceReplayer *m_replayer = nullptr;
    TraceResultsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QStringList m_recent;
    QPointer<HistoryWriter> m_historyWriter;
    TraceReplayRequest m_started; // the replay running, for its record
    QDateTime m_startedAt;
    QElapsedTimer m_clock;
};

} // namespace CacheScope
