#pragma once

#include "core/error.h"
#include "core/history/runhistory.h"

#include <QJsonObject>
#include <QObject>
#include <QThread>

namespace CacheScope {

/// The app's run history, written without the owner's thread (the GUI's) ever waiting on
/// SQLite: a RunHistory lives on a QThread of its own, opened there on first use, and every
/// write is queued to it. Several runs may be recorded at once (a live run, a monitoring
/// session, a trace replay that finished meanwhile), each under a ticket the caller gets at
/// once, before the history has given the run its id.
class HistoryWriter : public QObject
{
    Q_OBJECT

public:
    explicit HistoryWriter(
        QString historyPath, QObject *parent = nullptr, int keep = RunHistory::defaultKeep);
    /// Writes what is queued, closes the history on its thread and joins it.
    ~HistoryWriter() override;

    QString historyPath() const { return m_path; }

    /// Begins an incomplete run; its ticket (never 0).
    quint64 begin(const RunStart &start);
    /// A point of the ticket's run (kept one a second); nothing once its run failed.
    void point(quint64 ticket, qint64 tMs, const QJsonObject &point);
    /// The run's summary: it is complete, recorded() follows.
    void finish(quint64 ticket, qint64 durationMs, const QJsonObject &summary);
    /// A run recorded once done (a trace replay): begin() and finish() at once.
    quint64 record(const RunStart &start, qint64 durationMs, const QJsonObject &summary);
    /// Blocks until every write queued so far is done (tests; a shutdown).
    void flush();

signals:
    /// The ticket's run was recorded completely under `id`.
    void recorded(quint64 ticket, qint64 id, const QString &kind);
    /// The history could not be opened or written: that run is not recorded further.
    void failed(const CacheScope::Error &error);

private:
    class Worker;

    QString m_path;
    QThread m_thread;
    Worker *m_worker; // lives on m_thread
    quint64 m_lastTicket = 0;
};

} // namespace CacheScope
