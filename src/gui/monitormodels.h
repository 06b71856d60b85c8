#pragma once

#include "core/monitor/monitorinterval.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <optional>

namespace CacheScope {

/// The Monitor tab's counters table: one row per measure of a watched cache, its value over
/// the last interval and over the whole monitor. Rows and columns never change; setRecords()
/// only emits dataChanged, so the view keeps its scroll position and nothing is rebuilt.
class MonitorCountersModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Row {
        Hits,
        Misses,
        HitRatio,
        OpsPerSecond,
        GetsPerSecond,
        SetsPerSecond,
        Evictions,
        Expired,
        EvictedUnfetched,
        ExpiredUnfetched,
        Memory,
        MemoryLimit,
        Keys,
        Clients,
        RoundTripP50,
        RoundTripP99,
        RowCount
    };
    enum Column { NameColumn, IntervalColumn, TotalColumn, ColumnCount };
    /// The number behind a cell (counts, ratios in [0,1], bytes, µs); invalid when none.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit MonitorCountersModel(QObject *parent = nullptr);

    /// The last interval and the whole monitor so far (MonitorSession::total()).
    void setRecords(const MonitorInterval &last, const MonitorInterval &total);
    void clear();
    /// Whether a row means anything for a source ("redis", "memcached", "postgres"): gets/s,
    /// sets/s and the unfetched counts are memcached's own.
    static bool rowApplies(int row, const QString &source);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant value(int row, const MonitorInterval &r) const;
    QString text(int row, const QVariant &value) const;

    std::optional<MonitorInterval> m_last;
    std::optional<MonitorInterval> m_total;
};

/// A small table of text rows whose number varies (memcached's slab classes, PostgreSQL's
/// busiest tables): setRows() changes the cells in place and inserts or removes only the rows
/// beyond the old count, never a reset.
class MonitorRowsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit MonitorRowsModel(QStringList headers, QObject *parent = nullptr);

    void setRows(const QList<QStringList> &rows);
    void clear() { setRows({}); }
    QString cell(int row, int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

} // namespace CacheScope
