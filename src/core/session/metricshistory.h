#pragma once

#include "core/error.h"
#include "core/metrics/metricssnapshot.h"
#include "core/metrics/timeseries.h"

#include <QString>
#include <QStringList>

namespace CacheScope {

/// The snapshots behind the charts, one row per tick over the same bounded window, plus the
/// configuration changes between them: what "Export time series" writes as CSV.
class MetricsHistory
{
public:
    struct Row
    {
        double t = 0; // seconds on the chart timeline
        MetricsSnapshot snapshot;
        QString changes; // configuration changes since the previous row, "; "-separated
    };

    explicit MetricsHistory(qsizetype capacity);

    void add(double t, const MetricsSnapshot &snapshot);
    /// A change that happened after the last row; it goes with the next one.
    void addChange(const QString &description);
    void clear();
    qsizetype size() const { return m_rows.size(); }
    qsizetype capacity() const { return m_rows.capacity(); }
    const Row &at(qsizetype i) const { return m_rows.at(i); }

    /// The header line and one line per row; ratios empty before any read ("n/a").
    QString toCsv() const;
    /// Writes toCsv() through a QSaveFile.
    Result<void> writeCsv(const QString &path) const;

    static QStringList csvColumns();

private:
    TimeSeries<Row> m_rows;
    QStringList m_pendingChanges;
};

} // namespace CacheScope
