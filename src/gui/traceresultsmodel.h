#pragma once

#include "core/engine/simulationrunner.h"

#include <QAbstractTableModel>

#include <vector>

namespace CacheScope {

/// The trace replay's results: one row per (policy, capacity) pair. SortRole gives numbers
/// for a QSortFilterProxyModel.
class TraceResultsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        PolicyColumn,
        CapacityColumn,
        RequestsColumn,
        HitsColumn,
        MissesColumn,
        MissRatioColumn,
        ByteMissRatioColumn,
        EvictionsColumn,
        SecondsColumn,
        SpeedColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit TraceResultsModel(QObject *parent = nullptr);

    void setResults(const std::vector<SimulationResult> &results);
    void clear();
    const std::vector<SimulationResult> &results() const { return m_results; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<SimulationResult> m_results;
};

} // namespace CacheScope
