#pragma once

#include "core/cache/redistier.h"
#include "core/metrics/metricssnapshot.h"

#include <QAbstractTableModel>

#include <optional>

namespace CacheScope {

/// The counters table: one row per measure, with its total since the run started and its
/// value over the last sampling interval. Before the first snapshot every value is empty and
/// ratios read "n/a". Row count and columns never change; setSnapshot() only emits dataChanged.
/// The second tier's rows apply only to runs with one (or that had one): rowApplies(), and
/// applicableRowsChanged() when that changes (the view hides the others).
class CountersModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Row {
        Requests,
        Hits,
        L1Hits, // second tier rows: hits the in-process cache served
        L2Hits, // reads Redis answered
        Misses,
        DbQueries, // reads that reached the database
        HitRatio,
        Writes,
        Errors,
        L2Errors,
        L2Evicted, // keys Redis itself evicted (its INFO): its maxmemory is too small
        StaleReads, // hits of either tier whose value a write had superseded
        InvalidationsReceived, // keys other instances' writes invalidated here
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
        L2P50,
        L2P99,
        StalenessP50, // how long a stale read's value had been superseded
        StalenessP99,
        RowCount
    };
    enum Column { NameColumn, TotalColumn, IntervalColumn, ColumnCount };
    /// The number behind a cell (counts, ratios in [0,1], latencies in µs); invalid when none.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit CountersModel(QObject *parent = nullptr);

    void setSnapshot(const MetricsSnapshot &snapshot);
    void clear();
    /// Whether the run has a Redis second tier now, and how it hears of invalidations.
    void setSecondTier(bool on, L2Invalidation invalidation = L2Invalidation::None);
    /// Whether a row means something for this run (the second tier's rows with one, or once
    /// they counted something; the others always).
    bool rowApplies(int row) const;
    const std::optional<MetricsSnapshot> &snapshot() const { return m_snapshot; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void applicableRowsChanged();

private:
    QVariant value(int row, int column) const;
    QString text(int row, int column) const;
    quint64 applicableRows() const; // a bit per row
    void updateApplicableRows();

    std::optional<MetricsSnapshot> m_snapshot;
    bool m_secondTier = false;
    L2Invalidation m_invalidation = L2Invalidation::None;
    quint64 m_applicable = 0;
};

} // namespace CacheScope
