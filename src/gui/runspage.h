#pragma once

#include "core/error.h"
#include "core/history/runhistory.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QLineSeries;
class QPushButton;
class QTableView;
class QTextBrowser;
class QChartView;
class QComboBox;

namespace CacheScope {

/// The runs of the run history as a table: id, name, started, kind, policy, capacity, workload,
/// requests, hit ratio, p99, state.
class RunsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        NameColumn,
        StartedColumn,
        KindColumn,
        PolicyColumn,
        CapacityColumn,
        WorkloadColumn,
        RequestsColumn,
        HitRatioColumn,
        P99Column,
        StateColumn,
        ColumnCount
    };
    explicit RunsModel(QObject *parent = nullptr);

    void setRuns(QList<RunRecord> runs);
    const QList<RunRecord> &runs() const { return m_runs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RunRecord> m_runs;
};

/// The Runs tab: every run the app and the CLI recorded (RunHistory), newest first; rename,
/// notes, delete; two selected compare: their configurations diffed, their summaries side by
/// side (differences in points and percent) and any measure of theirs over time on one chart,
/// aligned at their start. Every read and write of the history runs on a pool thread with a
/// connection of its own; the GUI thread only shows results.
class RunsPage : public QWidget
{
    Q_OBJECT

public:
    explicit RunsPage(QString historyPath, QWidget *parent = nullptr);
    ~RunsPage() override;

    QString historyPath() const { return m_path; }
    RunsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    /// Reads the list again (off the GUI thread).
    void refresh();
    /// Compares two runs by id (the selection's Compare does the same).
    void compare(qint64 a, qint64 b);
    void renameRun(qint64 id, const QString &name);
    void setRunNotes(qint64 id, const QString &notes);
    void deleteRun(qint64 id);
    /// Writes the HTML report of one run, or of two compared (htmlReport), to `path`, off the
    /// GUI thread; reportExported() or errorOccurred() follows.
    void exportReport(const QList<qint64> &ids, const QString &path);
    /// The runs selected in the list (newest first).
    QList<qint64> selectedIds() const;

    QString comparisonText() const;
    /// What the comparison chart overlays: a measure of the runs' points.
    struct ComparisonMetric
    {
        QString label; // "requests/s"
        QString path; // in a point: "requests_per_second"
        double scale; // 100 for ratios shown in percent
    };
    static QList<ComparisonMetric> comparisonMetrics();
    /// Overlays comparisonMetrics()[index] (the Overlay choice above the chart).
    void setComparisonMetric(int index);
    /// The overlaid hit-ratio lines of the last comparison (two when done).
    QList<QLineSeries *> comparisonSeries() const;
    QString statusText() const;
    /// Reads or writes in flight.
    bool isBusy() const { return m_busy > 0; }

signals:
    void errorOccurred(const QString &context, const CacheScope::Error &error);
    /// The list was read (after refresh(), a rename, a delete).
    void refreshed();
    /// A comparison is shown.
    void compared();
    /// exportReport() wrote its file.
    void reportExported(const QString &path);

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct Comparison;
    /// Runs `work` with the history open on a pool thread; `done` on this thread.
    void withHistory(const std::function<Result<QVariant>(RunHistory &)> &work,
        const std::function<void(const Result<QVariant> &)> &done, const QString &context);
    /// A write on a pool thread, then the list read again.
    void writeThenRefresh(
        const std::function<Result<void>(RunHistory &)> &write, const QString &context);
    void showComparison(const Comparison &c);
    void drawComparisonChart(const Comparison &c);
    void updateButtons();
    /// The one run selected, if exactly one is.
    std::optional<RunRecord> selectedRun() const;

    QString m_path;
    RunsModel *m_model;
    QTableView *m_view;
    QPushButton *m_compareButton;
    QPushButton *m_renameButton;
    QPushButton *m_notesButton;
    QPushButton *m_deleteButton;
    QPushButton *m_reportButton;
    QLabel *m_status;
    QTextBrowser *m_comparison;
    QChartView *m_chart;
    QComboBox *m_metric;
    std::shared_ptr<Comparison> m_shown; // the comparison on screen, redrawn for another metric
    int m_busy = 0;
    quint64 m_generation = 0; // a list read older than the newest is dropped
};

} // namespace CacheScope
