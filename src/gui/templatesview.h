#pragma once

#include "core/querylog/templatestats.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace CacheScope {

/// A replayed log's templates, one row each, updated in place (sorting and selection survive a
/// refresh). Numbers sort as numbers (Qt::UserRole).
class TemplateTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        RankColumn,
        TemplateColumn,
        CallsColumn,
        ReadShareColumn,
        HitRatioColumn,
        DistinctColumn,
        SavedColumn,
        SavedPerMbColumn,
        BytesColumn,
        InvalidationsColumn,
        FillToInvalidationColumn,
        ErrorsColumn,
        KindColumn,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Rows keep their order of first appearance, so a refresh only changes values and appends.
    void setRows(std::vector<TemplateRow> rows);
    const std::vector<TemplateRow> &rows() const { return m_rows; }

private:
    std::vector<TemplateRow> m_rows;
};

/// The Templates tab: which statements of a replayed query log are worth caching. A summary line
/// with the "cache these" ranking, the sortable table, and Export (CSV or JSON).
class TemplatesView : public QWidget
{
    Q_OBJECT

public:
    explicit TemplatesView(QWidget *parent = nullptr);

    void setRows(std::vector<TemplateRow> rows, qint64 statements);
    /// No log is replaying (a run of drawn keys started): the hint instead of the table.
    void clear();
    /// A line under the summary: the capacity the recommended templates need (after a replay).
    void setCapacityNote(const QString &note);
    const TemplateTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

    /// Writes the rows to `path` (CSV, or JSON for *.json); returns the error, if any.
    QString exportTo(const QString &path) const;

signals:
    void exported(const QString &path);
    void exportFailed(const QString &message);

private:
    void exportRows();

    TemplateTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLabel *m_summary;
    QLabel *m_capacity;
    QPushButton *m_export;
};

} // namespace CacheScope
