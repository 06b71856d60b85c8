#pragma once

#include "core/db/connectionsettings.h"
#include "core/db/queryexecutor.h"
#include "core/db/sqltemplate.h"
#include "core/error.h"

#include <QList>
#include <QString>

#include <deque>
#include <memory>
#include <vector>

struct pg_conn;
struct pg_result;

namespace CacheScope {

/// One PostgreSQL connection in libpq's pipeline mode, for an event loop on one thread (the
/// pipeline I/O model, RunConfig::io): many prepared statements sent without waiting for each
/// answer, answers read as they arrive from a non-blocking socket the loop polls.
///
/// Statements are grouped by sync(): a group runs on the server as one implicit transaction, and
/// a statement that fails there aborts the rest of its group (their answers come back
/// `aborted`; nothing of them ran, so they can be sent again). Callers keep writes alone in
/// their group, so that a write commits at its own sync whatever else is in flight.
///
/// Like a QSqlDatabase, a PgPipeline belongs to the thread that uses it; it is not shared.
class PgPipeline
{
public:
    /// What came back for one statement.
    struct Answer
    {
        quint64 tag = 0; // as given to send()
        Result<QueryResult> result = QueryResult();
        bool aborted = false; // an earlier statement of its group failed: it did not run
        bool isSync = false; // the end of a group (tag 0): its statements are committed
    };

    /// Connects (blocking, settings.connectTimeoutS), prepares `templates` (send()'s statement
    /// index is the position in this list), then enters pipeline mode on a non-blocking
    /// socket. Errors name host:port, or a template the database rejected among those
    /// `required` marks; one not required that the database rejects fails each send() of it
    /// (a run may switch to a template it did not use at its start).
    static Result<std::unique_ptr<PgPipeline>> open(const ConnectionSettings &settings,
        const QList<SqlTemplate> &templates, const QList<bool> &required);
    ~PgPipeline();
    PgPipeline(const PgPipeline &) = delete;
    PgPipeline &operator=(const PgPipeline &) = delete;

    /// Queues statement `statement` with `key` as its parameter; its answer carries `tag`.
    /// False when the connection failed (lastError()).
    bool send(int statement, qint64 key, quint64 tag);
    /// Ends the current group (a Sync message). False when the connection failed.
    bool sync();
    /// Whether statements were sent since the last sync().
    bool groupOpen() const { return m_groupOpen; }
    /// Pushes queued bytes to the server. False when the connection failed.
    bool flush();
    /// Bytes are waiting for the socket to become writable (poll for POLLOUT too).
    bool wantsWrite() const { return m_wantsWrite; }
    /// Reads what the server sent and appends each finished statement's answer and each
    /// group's end (Answer::isSync), in the order they were sent. False when the connection failed
    /// (lastError(); every statement still waiting is lost: takeUnanswered()).
    bool receive(std::vector<Answer> &answers);

    /// The socket to poll (POLLIN always, POLLOUT while wantsWrite()).
    int socket() const;
    /// Statements sent and not answered yet.
    int inFlight() const { return m_inFlight; }
    /// Syncs the server has answered since open().
    quint64 syncsAnswered() const { return m_syncsAnswered; }
    /// After a failure: the tags of the statements that never got an answer, oldest first.
    std::vector<quint64> takeUnanswered();
    /// The last failure: what went wrong, naming the server.
    const Error &lastError() const { return m_error; }
    /// "postgres://user@host:port/db (pipeline)".
    const QString &description() const { return m_description; }

private:
    PgPipeline() = default;
    bool fail(const QString &message);
    Error statementError(int statement, qint64 key, const QString &message) const;

    struct Pending
    {
        quint64 tag = 0;
        qint64 key = 0;
        int statement = -1; // -1: a sync
        bool answered = false;
    };

    Result<QueryResult> answerOf(const Pending &statement, pg_result *result, int status);

    pg_conn *m_conn = nullptr;
    QString m_description;
    QList<SqlTemplate> m_templates;
    std::vector<QByteArray> m_names; // prepared statement names, by index; empty: rejected
    std::vector<QString> m_rejections; // the database's message for a rejected statement
    std::vector<QStringList> m_columns; // each statement's column names, from its first answer
    std::deque<Pending> m_pending;
    std::vector<Answer> m_rejected; // sends of a rejected statement, answered by receive()
    int m_inFlight = 0;
    bool m_groupOpen = false;
    bool m_wantsWrite = false;
    bool m_failed = false;
    quint64 m_syncsAnswered = 0;
    Error m_error;
};

} // namespace CacheScope
