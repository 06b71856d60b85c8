#pragma once

#include "core/error.h"
#include "core/history/runhistory.h"

#include <QCommandLineParser>
#include <QJsonObject>

#include <memory>

namespace CacheScope::Cli {

/// --history FILE: the run history's file (every command that records, and `runs`).
QCommandLineOption historyFileOption();
/// --name, --history, --no-history, --keep: a command that records its run in the history
/// (run, simulate, monitor).
void addHistoryOptions(QCommandLineParser &parser);
/// --history FILE, else RunHistory::defaultPath() (runs, and every command that records).
QString historyPath(const QCommandLineParser &parser);

/// Records one run (RunHistory) for a command: begin() when it starts, point() per interval
/// (kept one a second), finish() with the summary. A history that fails mid-run says so once on
/// stderr and the run carries on unrecorded: the run matters more than its record.
class HistoryRecorder
{
public:
    /// Null inside with --no-history. A --history FILE that cannot be opened is an error (the
    /// user asked for it); the default one that cannot: a note, the run goes unrecorded.
    static Result<std::unique_ptr<HistoryRecorder>> fromOptions(const QCommandLineParser &parser);

    void begin(RunStart start);
    void point(qint64 tMs, const QJsonObject &point);
    void finish(qint64 durationMs, const QJsonObject &summary);
    /// The run's id once begun (0 otherwise).
    qint64 id() const { return m_id; }

private:
    HistoryRecorder(std::unique_ptr<RunHistory> history, QString name, int keep);
    void failed(const Error &error);

    std::unique_ptr<RunHistory> m_history;
    QString m_name;
    int m_keep;
    qint64 m_id = 0;
};

} // namespace CacheScope::Cli
