#pragma once

#include "core/engine/runconfig.h"
#include "core/metrics/timeseries.h"
#include "livechart.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace CacheScope {

/// The Fleet tab's charts: throughput (requests/s, DB queries/s), the share of reads each tier
/// served (L1, L2, overall hit ratio), stale reads/s with their staleness p99.
QList<LiveChart::Spec> fleetChartSpecs();

/// What changed from `from` to `to` that a running instance applies live, as the run command's
/// control keys ("invalidation", "write_ratio", "l2_ttl_ms", "threads", "capacity", "policy").
QJsonObject controlChange(const RunConfig &from, const RunConfig &to);

/// What the Fleet tab plots of one run JSON line (an instance's interval line or the fleet's
/// total): rates per second and shares of the reads, time in seconds on the fleet's timeline.
struct FleetPoint
{
    double t = 0;
    double requestsPerSecond = 0;
    double dbQueriesPerSecond = 0;
    std::optional<double> l1Share; // of the reads (hits + misses), served by the local cache
    std::optional<double> l2Share; // served by Redis
    std::optional<double> hitRatio; // both tiers
    double staleReadsPerSecond = 0;
    std::optional<double> stalenessP99Ms; // only when the interval had stale reads

    /// `intervalSeconds`: the children's --interval-ms, for counts that have no rate of their own.
    static FleetPoint fromLine(const QJsonObject &line, double intervalSeconds);
};

/// The Fleet tab's recent points: the total's and each instance's, each a bounded ring, so that
/// switching the charts to another instance shows its history at once.
class FleetHistory
{
public:
    static constexpr int total = -1;

    explicit FleetHistory(qsizetype capacity = 3600)
        : m_capacity(capacity)
    {
    }
    /// Forgets everything and holds `instances` instances' rings besides the total's.
    void reset(int instances);
    void add(int instance, const FleetPoint &point);
    /// `instance` or total; an empty ring for an instance out of range.
    const TimeSeries<FleetPoint> &points(int instance) const;
    int instances() const { return int(m_rings.size()) - 1; }

private:
    qsizetype m_capacity;
    std::vector<TimeSeries<FleetPoint>> m_rings { TimeSeries<FleetPoint>(1) }; // [0]: the total
    TimeSeries<FleetPoint> m_empty { 1 };
};

/// One row per instance of a fleet: its state (running, exited with its status, failed with its
/// last stderr line), its last requests/s and what it has served so far by tier.
class FleetInstancesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        InstanceColumn,
        StateColumn,
        RateColumn,
        L1HitsColumn,
        L2HitsColumn,
        DbQueriesColumn,
        StaleReadsColumn,
        ColumnCount
    };
    enum class State { Starting, Running, Exited, Failed };
    struct Row
    {
        State state = State::Starting;
        QString detail; // exit status or the failure with the last stderr line
        double requestsPerSecond = 0;
        qint64 l1Hits = 0;
        qint64 l2Hits = 0;
        qint64 dbQueries = 0;
        qint64 staleReads = 0;
        qint64 pid = 0;
    };

    explicit FleetInstancesModel(QObject *parent = nullptr);

    void reset(int instances);
    /// An interval line adds its counts; a final line ("final": true) holds the whole run's.
    void addLine(int instance, const QJsonObject &line);
    void setRunning(int instance, qint64 pid);
    void setExited(int instance, const QString &detail);
    void setFailed(int instance, const QString &message);
    const Row &row(int instance) const { return m_rows.at(std::size_t(instance)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void rowChanged(int instance);

    std::vector<Row> m_rows;
};

} // namespace CacheScope
