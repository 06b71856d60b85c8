#pragma once

#include "core/history/historywriter.h"

#include <QObject>

namespace CacheScope {

class RunSession;

/// Records a RunSession's runs (kind "live") through a HistoryWriter, so the session's thread
/// (the GUI's, in the app) never waits on SQLite. A run is begun when the session starts fresh
/// (started(false); a scenario's restarts continue it), gets a point per tick (kept one a
/// second) and its summary when the session finishes, as `run --output json` would print them
/// (runLineJson), so the CLI's `runs` lists, shows and compares the app's runs like its own.
class SessionRecorder : public QObject
{
    Q_OBJECT

public:
    /// `writer` outlives the recorder.
    SessionRecorder(RunSession *session, HistoryWriter *writer, QObject *parent = nullptr);

    QString historyPath() const { return m_writer->historyPath(); }
    /// Blocks until every write queued so far is done (tests; a shutdown).
    void flush() { m_writer->flush(); }
    /// Records the run in progress as it stands, complete (the app closing mid-run); nothing
    /// when none is.
    void finishRun() { onFinished(); }

private:
    void onStarted(bool continued);
    void onFinished();

    RunSession *m_session;
    HistoryWriter *m_writer;
    quint64 m_ticket = 0; // of the run being recorded; 0: none
    bool m_onPostgres = false;
};

} // namespace CacheScope
