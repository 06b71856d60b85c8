#pragma once

#include "core/error.h"
#include "core/querylog/replayspec.h"
#include "core/querylog/templatestats.h"
#include "core/querylog/workingset.h"

#include <QJsonObject>

#include <QCommandLineParser>
#include <QString>

#include <optional>
#include <vector>

namespace CacheScope::Cli {

/// replay-log's --help text above the options.
QString replayLogDescription();
/// --format, --log-prefix, --speed, --as-fast, --templates.
void addReplayLogOptions(QCommandLineParser &parser);
/// The log to replay: the FILE argument and those options, checked.
Result<QueryLogReplay> replayLogSpec(const QCommandLineParser &parser);
/// The capacity the recommended templates need (workingSetCapacity() on their reads), with a
/// byte estimate from their mean result size; nullopt when none is recommended or the log
/// cannot be read again (said on stderr).
struct RecommendedCapacity
{
    WorkingSetCapacity capacity;
    qint64 bytes = 0;
};
std::optional<RecommendedCapacity> recommendedCapacity(
    const QueryLogReplay &log, const std::vector<TemplateRow> &rows);
QJsonObject recommendedCapacityJson(const RecommendedCapacity &c);

/// The per-template table and the "cache these" lines, for --output table.
QString templateTableText(const std::vector<TemplateRow> &rows, qint64 statements,
    const std::optional<RecommendedCapacity> &capacity);
/// --templates FILE: the rows as CSV, or JSON when FILE ends in .json; nothing without it.
Result<void> writeTemplates(const QCommandLineParser &parser, const std::vector<TemplateRow> &rows);

} // namespace CacheScope::Cli
