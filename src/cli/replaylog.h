#pragma once

#include "core/error.h"
#include "core/querylog/replayspec.h"
#include "core/querylog/templatestats.h"

#include <QCommandLineParser>
#include <QString>

#include <vector>

namespace CacheScope::Cli {

/// replay-log's --help text above the options.
QString replayLogDescription();
/// --format, --log-prefix, --speed, --as-fast, --templates.
void addReplayLogOptions(QCommandLineParser &parser);
/// The log to replay: the FILE argument and those options, checked.
Result<QueryLogReplay> replayLogSpec(const QCommandLineParser &parser);
/// The per-template table and the "cache these" lines, for --output table.
QString templateTableText(const std::vector<TemplateRow> &rows, qint64 statements);
/// --templates FILE: the rows as CSV, or JSON when FILE ends in .json; nothing without it.
Result<void> writeTemplates(const QCommandLineParser &parser, const std::vector<TemplateRow> &rows);

} // namespace CacheScope::Cli
