#include "core/db/pgpipeline.h"

#include "core/db/libpqresult_p.h"
#include "core/db/threadstate_p.h"

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

using Detail::libpqMessage;
using Detail::ResultPtr;

Result<std::unique_ptr<PgPipeline>> PgPipeline::open(const ConnectionSettings &settings,
    const QList<SqlTemplate> &templates, const QList<bool> &required)
{
    if (Result<void> valid = settings.validate(); !valid)
        return valid.error();
    if (settings.driver != DatabaseDriver::Postgres)
        return Error { u"the pipeline I/O model needs PostgreSQL (SQLite has no pipeline)"_s,
            settings.description(), 0, u"io"_s, u"pipeline"_s };
    std::unique_ptr<PgPipeline> pipe(new PgPipeline);
    pipe->m_description = settings.description() + u" (pipeline)"_s;
    pipe->m_templates = templates;

    const QByteArray host = settings.host.toUtf8();
    const QByteArray port = QByteArray::number(settings.port);
    const QByteArray database = settings.database.toUtf8();
    const QByteArray user = settings.user.toUtf8();
    const QByteArray password = settings.password.toUtf8();
    const QByteArray timeout = QByteArray::number(settings.connectTimeoutS);
    const QByteArray options
        = settings.schema.isEmpty() ? QByteArray() : "-csearch_path=" + settings.schema.toUtf8();
    std::vector<const char *> keys { "host", "port", "dbname", "connect_timeout",
        "application_name" };
    std::vector<const char *> values { host.constData(), port.constData(), database.constData(),
        timeout.constData(), "cachescope-pipeline" };
    if (!user.isEmpty()) {
        keys.push_back("user");
        values.push_back(user.constData());
    }
    if (!password.isEmpty()) {
        keys.push_back("password");
        values.push_back(password.constData());
    }
    if (!options.isEmpty()) {
        keys.push_back("options");
        values.push_back(options.constData());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);

    Detail::simulateRoundTrip(settings.simulatedDelayMs); // the connection handshake
    pipe->m_conn = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!pipe->m_conn || PQstatus(pipe->m_conn) != CONNECTION_OK)
        return Error { u"cannot connect to PostgreSQL at %1:%2: %3"_s.arg(settings.host,
                           QString::number(settings.port),
                           pipe->m_conn ? libpqMessage(nullptr, pipe->m_conn) : u"out of memory"_s),
            settings.description(), 0, {}, {} };

    // Names never used before in the process, as the blocking executor's.
    static std::atomic<quint64> serial = 0;
    for (qsizetype i = 0; i < templates.size(); ++i) {
        const SqlTemplate &t = templates[i];
        QByteArray name = "cachescope_pipe_" + QByteArray::number(++serial);
        const ResultPtr prepared(PQprepare(
            pipe->m_conn, name.constData(), t.positionalSql().toUtf8().constData(), 1, nullptr));
        QString rejection;
        if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
            rejection = libpqMessage(prepared.get(), pipe->m_conn);
            if (i < required.size() && required[i])
                return Error { u"is rejected by the database: "_s + rejection,
                    settings.description(), 0, u"sql"_s, t.sql() };
            name.clear();
        }
        pipe->m_names.push_back(std::move(name));
        pipe->m_rejections.push_back(rejection);
    }
    pipe->m_columns.resize(std::size_t(templates.size()));
    if (PQenterPipelineMode(pipe->m_conn) != 1 || PQsetnonblocking(pipe->m_conn, 1) != 0)
        return Error { u"cannot enter pipeline mode: "_s + libpqMessage(nullptr, pipe->m_conn),
            settings.description(), 0, u"io"_s, u"pipeline"_s };
    return pipe;
}

PgPipeline::~PgPipeline()
{
    if (m_conn)
        PQfinish(m_conn); // in-flight statements are abandoned: the server notices the close
}

int PgPipeline::socket() const { return m_conn ? PQsocket(m_conn) : -1; }

bool PgPipeline::fail(const QString &message)
{
    if (!m_failed) {
        m_failed = true;
        m_error
            = Error { u"the pipeline connection failed: "_s + message, m_description, 0, {}, {} };
    }
    return false;
}

Error PgPipeline::statementError(int statement, qint64 key, const QString &message) const
{
    const QString name
        = statement >= 0 && statement < m_templates.size() ? m_templates[statement].name() : u"?"_s;
    return Error { u"query '%1' failed: %2"_s.arg(name, message), m_description, 0, u"key"_s,
        QString::number(key) };
}

bool PgPipeline::send(int statement, qint64 key, quint64 tag)
{
    if (m_failed)
        return false;
    if (m_names[std::size_t(statement)].isEmpty()) { // its error, as an answer
        m_rejected.push_back({ tag,
            statementError(statement, key,
                u"the database rejected it: "_s + m_rejections[std::size_t(statement)]),
            false });
        return true;
    }
    const QByteArray parameter = QByteArray::number(key);
    const char *values[1] = { parameter.constData() };
    if (!PQsendQueryPrepared(
            m_conn, m_names[std::size_t(statement)].constData(), 1, values, nullptr, nullptr, 0))
        return fail(libpqMessage(nullptr, m_conn));
    m_pending.push_back({ tag, key, statement, false });
    ++m_inFlight;
    m_groupOpen = true;
    m_wantsWrite = true; // flush() decides
    return true;
}

bool PgPipeline::sync()
{
    if (m_failed)
        return false;
    // PQpipelineSync also tries to send what is queued (non-blocking: what does not fit waits).
    if (!PQpipelineSync(m_conn))
        return fail(libpqMessage(nullptr, m_conn));
    m_pending.push_back({ 0, 0, -1, false });
    m_groupOpen = false;
    m_wantsWrite = true;
    return true;
}

bool PgPipeline::flush()
{
    if (m_failed)
        return false;
    const int left = PQflush(m_conn);
    if (left < 0)
        return fail(libpqMessage(nullptr, m_conn));
    m_wantsWrite = left > 0;
    return true;
}

bool PgPipeline::receive(std::vector<Answer> &answers)
{
    for (Answer &rejected : m_rejected)
        answers.push_back(std::move(rejected));
    m_rejected.clear();
    if (m_failed)
        return false;
    if (!PQconsumeInput(m_conn))
        return fail(libpqMessage(nullptr, m_conn));
    while (!m_pending.empty() && !PQisBusy(m_conn)) {
        ResultPtr result(PQgetResult(m_conn));
        Pending &front = m_pending.front();
        if (front.statement < 0) { // a sync: one PGRES_PIPELINE_SYNC, no NULL after it
            if (!result)
                break; // not here yet
            const ExecStatusType status = PQresultStatus(result.get());
            if (status != PGRES_PIPELINE_SYNC)
                return fail(libpqMessage(result.get(), m_conn));
            ++m_syncsAnswered;
            m_pending.pop_front();
            Answer end;
            end.isSync = true;
            answers.push_back(std::move(end));
            continue;
        }
        if (!result) { // the end of this statement's answer
            if (!front.answered)
                break;
            m_pending.pop_front();
            continue;
        }
        if (front.answered)
            continue; // a statement has one result; anything more is dropped
        front.answered = true;
        --m_inFlight;
        const ExecStatusType status = PQresultStatus(result.get());
        const bool aborted = status == PGRES_PIPELINE_ABORTED;
        answers.push_back(
            { front.tag, answerOf(front, result.get(), int(status)), aborted, false });
    }
    if (PQstatus(m_conn) == CONNECTION_BAD)
        return fail(libpqMessage(nullptr, m_conn));
    return true;
}

Result<QueryResult> PgPipeline::answerOf(const Pending &statement, PGresult *result, int code)
{
    const auto status = ExecStatusType(code);
    if (status == PGRES_PIPELINE_ABORTED)
        return statementError(statement.statement, statement.key,
            u"not run: an earlier statement of its pipeline group failed"_s);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return statementError(statement.statement, statement.key, libpqMessage(result, m_conn));
    QueryResult rows;
    if (status == PGRES_TUPLES_OK) {
        QStringList &columns = m_columns[std::size_t(statement.statement)];
        if (columns.isEmpty())
            columns = Detail::libpqColumnNames(result);
        rows.columns = columns;
    }
    Detail::readLibpqResult(result, status, rows);
    return rows;
}

std::vector<quint64> PgPipeline::takeUnanswered()
{
    std::vector<quint64> tags;
    for (const Pending &p : m_pending) {
        if (p.statement >= 0 && !p.answered)
            tags.push_back(p.tag);
    }
    m_pending.clear();
    m_inFlight = 0;
    return tags;
}

} // namespace CacheScope
