#pragma once

#include "core/report/runjson.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace CacheScope::Cli {

/// Prints a run's lines as `run` does: vmstat-style table rows (with the second tier's and the
/// database buffer's columns when they apply), csv rows, or json objects.
class RunReporter
{
public:
    /// `databaseBuffer`: the run is on PostgreSQL, whose buffer cache gets a column.
    RunReporter(QString format, bool databaseBuffer)
        : m_format(std::move(format))
        , m_databaseBuffer(databaseBuffer)
    {
    }

    /// `extra`: keys added to a json line (--latency-buckets).
    void print(const RunLine &l, const std::optional<QJsonArray> &expectations = {},
        const QJsonObject &extra = {});

private:
    QString m_format;
    bool m_databaseBuffer;
    bool m_headerDone = false;
};

} // namespace CacheScope::Cli
