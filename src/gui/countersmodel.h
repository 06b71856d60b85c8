#pragma once

#include "core/metrics/metricssnapshot.h"

#include <QAbstractTableModel>

#include <optional>

namespace CacheScope {

/// The counters table: one row per measure, with its total since the run started and its
/// value over the last sampling interval. Before the first snapshot every value is empty and
/// ratios read "n/a". Row count and columns never change; setSnapshot() only emits dataChanged.
class CountersModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Row {
        Requests,
        Hits,
        Misses,
        HitRatio,
        Writes,
        Errors,
        EvictedCapacity,
        EvictedExpired,
        EvictedInvalidated,
        SingleFlightWaits,
        InFlight, // the pipeline I/O model's requests waiting for the database (a gauge)
        PipelineSyncs,
        Entries,
        Bytes,
        Capacity,
        HitP50,
        HitP99,
        HitMax,
        MissP50,
        MissP99,
        MissMax,
        RowCount
    };
    enum Column { NameColumn, TotalColumn, IntervalColumn, ColumnCount };
    /// The number behind a cell (counts, ratios in [0,1], latencies in µs); invalid when none.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit CountersModel(QObject *parent = nullptr);

    void setSnapshot(const MetricsSnapshot &snapshot);
    void clear();
    const std::optional<MetricsSnapshot> &snapshot() const { return m_snapshot; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant value(int row, int column) const;
    QString text(int row, int column) const;

    std::optional<MetricsSnapshot> m_snapshot;
};

} // namespace CacheScope
