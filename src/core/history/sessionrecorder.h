#pragma once

#include "core/error.h"
#include "core/history/runhistory.h"

#include <QJsonObject>
#include <QObject>
#include <QThread>

namespace CacheScope {

class RunSession;

/// Records a RunSession's runs in the run history without the session's thread (the GUI's, in
/// the app) ever waiting on SQLite: a RunHistory lives on a QThread of its own and every write
/// is queued to it. A run is begun when the session starts fresh (started(false); a scenario's
/// restarts continue it), gets a point per tick (kept one a second) and its summary when the
/// session finishes, as `run --output json` would print them (runLineJson), so the CLI's `runs`
/// lists, shows and compares the app's runs like its own.
class SessionRecorder : public QObject
{
    Q_OBJECT

public:
    SessionRecorder(RunSession *session, QString historyPath, QObject *parent = nullptr,
        int keep = RunHistory::defaultKeep);
    /// Writes what is queued, closes the history on its thread and joins it.
    ~SessionRecorder() override;

    QString historyPath() const { return m_path; }
    /// Blocks until every write queued so far is done (tests; a shutdown).
    void flush();
    /// Records the run in progress as it stands, complete (the app closing mid-run); nothing
    /// when none is.
    void finishRun() { onFinished(); }

signals:
    /// A run was recorded completely under this id.
    void recorded(qint64 id);
    /// The history could not be opened or written: recording stops until the next run.
    void failed(const CacheScope::Error &error);

private:
    class Writer;
    void onStarted(bool continued);
    void onFinished();

    RunSession *m_session;
    QString m_path;
    QThread m_thread;
    Writer *m_writer; // lives on m_thread
    bool m_recording = false;
    bool m_onPostgres = false;
};

} // namespace CacheScope
