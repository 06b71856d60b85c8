#pragma once

#include "core/error.h"
#include "core/history/runhistory.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace CacheScope {

/// A recorded run with its time series, as the report reads it.
struct ReportRun
{
    RunRecord record; // with configuration and summary
    QList<std::pair<qint64, QJsonObject>> points; // t_ms, interval object
};

/// One self-contained HTML file about a run, or two side by side: the run's facts, its
/// configuration (with the changes between two), the summary with differences, latency
/// percentiles, the time-series charts (hit ratio, throughput, latency, evictions; two runs
/// overlaid, aligned at their start), the what-if ranking and the LRU miss-ratio curve when
/// shadows ran, and every other number of the summary. No external asset: styles inline,
/// charts as inline SVG (svgLineChart). The markup is well-formed XML (XHTML5), so a test can
/// parse it and find every chart; `generator` ("cachescope-cli 0.1.0") goes in its footer.
QString htmlReport(const ReportRun &a, const std::optional<ReportRun> &b, const QString &generator);

/// Reads run `a` (and `b`) with their points from `history` and writes the report.
Result<QString> htmlReportFromHistory(
    const RunHistory &history, qint64 a, std::optional<qint64> b, const QString &generator);

} // namespace CacheScope
