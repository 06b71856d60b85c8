#include "core/db/queryexecutor.h"

#include "core/db/libpqresult_p.h"
#include "core/db/queryconnection.h"
#include "core/db/threadstate_p.h"

#include <QDateTime>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <libpq-fe.h>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

using Detail::libpqMessage;
using Detail::readLibpqResult;
using Detail::ResultPtr;

namespace {

/// Names a connection in errors: as ConnectionSettings::description() said when we opened it,
/// else rebuilt from the handle (a connection the caller opened itself).
QString describe(const QSqlDatabase &db, const Detail::ConnectionState &state)
{
    if (!state.description.isEmpty())
        return state.description;
    if (db.driverName() == "QPSQL"_L1) {
        QString out = u"postgres://"_s;
        if (!db.userName().isEmpty())
            out += db.userName() + u'@';
        return out + db.hostName() + u':' + QString::number(db.port()) + u'/' + db.databaseName();
    }
    if (db.driverName() == "QSQLITE"_L1)
        return u"sqlite:"_s + db.databaseName();
    return db.connectionName();
}

QString databaseMessage(const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.simplified();
}

/// The libpq connection under a QPSQL connection (QSqlDriver::handle()), or nullptr.
PGconn *libpqHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    // Qt names the metatype after the struct behind libpq's typedef: "pg_conn*".
    if (!handle.isValid()
        || (qstrcmp(handle.typeName(), "pg_conn*") != 0
            && qstrcmp(handle.typeName(), "PGconn*") != 0))
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

Result<Detail::PreparedQuery *> preparedQuery(
    QSqlDatabase &db, Detail::ConnectionState &state, const SqlTemplate &sqlTemplate)
{
    auto it = state.prepared.find(sqlTemplate.sql());
    // A cached statement of an older connection under the same name must not be reused.
    if (it != state.prepared.end() && it->second->driver == db.driver())
        return it->second.get();

    Error error;
    error.file = describe(db, state);
    error.field = u"sql"_s;
    error.value = sqlTemplate.sql();
    if (!db.isOpen()) {
        error.message = u"cannot be prepared: the connection is not open"_s;
        return error;
    }
    auto prepared = std::make_unique<Detail::PreparedQuery>();
    QString rejection; // the database's message when it refuses the statement
    if (PGconn *conn = state.libpq ? libpqHandle(db) : nullptr) {
        // A name never used before on any connection: a statement dropped from the map after
        // an error may still exist on a connection that survived it.
        static std::atomic<quint64> serial = 0;
        prepared->libpqName = "cachescope_" + QByteArray::number(++serial);
        const ResultPtr result(PQprepare(conn, prepared->libpqName.constData(),
            sqlTemplate.positionalSql().toUtf8().constData(), 1, nullptr));
        if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
            rejection = libpqMessage(result.get(), conn);
    } else {
        prepared->query = QSqlQuery(db);
        prepared->query.setForwardOnly(true); // rows are read once, in order: no client cache
        if (!prepared->query.prepare(sqlTemplate.sql()))
            rejection = databaseMessage(prepared->query.lastError());
    }
    if (!rejection.isEmpty()) {
        error.message = u"is rejected by the database: "_s + rejection;
        state.suspect = true; // or the connection is gone: ping it before its next use
        return error;
    }
    prepared->driver = db.driver();
    Detail::PreparedQuery *raw = prepared.get();
    state.prepared.insert_or_assign(sqlTemplate.sql(), std::move(prepared));
    return raw;
}

} // namespace

qint64 approximateBytes(const QList<QVariantList> &rows)
{
    constexpr qint64 arrayHeader = 16; // QArrayData: reference count, flags, capacity
    qint64 bytes = qint64(sizeof(QList<QVariantList>)) + arrayHeader
        + rows.size() * qint64(sizeof(QVariantList));
    for (const QVariantList &row : rows) {
        bytes += arrayHeader + row.size() * qint64(sizeof(QVariant));
        for (const QVariant &value : row) {
            // Only strings and byte arrays hold data outside the QVariant itself.
            if (value.typeId() == QMetaType::QString)
                bytes += arrayHeader
                    + 2 * (static_cast<const QString *>(value.constData())->size() + 1);
            else if (value.typeId() == QMetaType::QByteArray)
                bytes
                    += arrayHeader + static_cast<const QByteArray *>(value.constData())->size() + 1;
        }
    }
    return bytes;
}

Result<void> prepareTemplate(QSqlDatabase &db, const SqlTemplate &sqlTemplate)
{
    Detail::ConnectionState &state = Detail::connectionState(db.connectionName());
    if (auto prepared = preparedQuery(db, state, sqlTemplate); !prepared)
        return prepared.error();
    return {};
}

namespace {

/// A failed execution: the error names the connection, the template and the key. The connection
/// may be gone (server restarted): it is checked before its next use, and the statement
/// prepared again then, since a new connection does not know the old statements.
Error queryFailed(const QSqlDatabase &db, Detail::ConnectionState &state,
    const SqlTemplate &sqlTemplate, qint64 key, const QString &message)
{
    Error error;
    error.message = u"query '%1' failed: %2"_s.arg(sqlTemplate.name(), message);
    error.file = describe(db, state);
    error.field = u"key"_s;
    error.value = QString::number(key);
    state.suspect = true;
    state.prepared.erase(sqlTemplate.sql());
    return error;
}

QStringList columnNames(const QSqlQuery &query)
{
    QStringList names;
    const QSqlRecord record = query.record();
    for (int i = 0; i < record.count(); ++i)
        names.append(record.fieldName(i));
    return names;
}

/// An executed QSqlQuery into `result`: its rows (a SELECT, one value per name in
/// result.columns) or the rows it changed, and the bytes the rows hold; then finish(), which
/// resets the statement (SQLite releases its read snapshot, a prepared plan stays).
void readQtResult(QSqlQuery &query, QueryResult &result)
{
    if (query.isSelect()) {
        const auto columnCount = result.columns.size();
        while (query.next()) {
            QVariantList row;
            row.reserve(columnCount);
            for (int i = 0; i < columnCount; ++i)
                row.append(query.value(i));
            result.rows.append(std::move(row));
        }
    } else {
        result.rowsAffected = query.numRowsAffected();
    }
    query.finish();
    result.approximateBytes = approximateBytes(result.rows);
}

/// execute() of a statement prepared with libpq: PQexecPrepared with the key as its one text
/// parameter (extended protocol: no statement text to parse on the server).
Result<QueryResult> executeLibpq(QSqlDatabase &db, Detail::ConnectionState &state,
    Detail::PreparedQuery &statement, const SqlTemplate &sqlTemplate, qint64 key)
{
    QueryResult result;
    result.simulatedDelayMs = state.simulatedDelayMs;
    PGconn *conn = libpqHandle(db);
    ResultPtr answer;
    if (conn) {
        const QByteArray parameter = QByteArray::number(key);
        const char *values[1] = { parameter.constData() };
        Detail::simulateRoundTrip(state.simulatedDelayMs);
        answer.reset(
            PQexecPrepared(conn, statement.libpqName.constData(), 1, values, nullptr, nullptr, 0));
    }
    const ExecStatusType status = answer ? PQresultStatus(answer.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return queryFailed(db, state, sqlTemplate, key,
            conn ? libpqMessage(answer.get(), conn) : u"the connection is not open"_s);
    if (status == PGRES_TUPLES_OK && statement.columns.isEmpty()) {
        for (int i = 0; i < PQnfields(answer.get()); ++i)
            statement.columns.append(QString::fromUtf8(PQfname(answer.get(), i)));
    }
    result.columns = statement.columns;
    readLibpqResult(answer.get(), status, result);
    if (sqlTemplate.isWrite() && status == PGRES_TUPLES_OK) // UPDATE ... RETURNING
        result.rowsAffected = result.rows.size();
    return result;
}

} // namespace

Result<QueryResult> execute(QSqlDatabase &db, const SqlTemplate &sqlTemplate, qint64 key)
{
    Detail::ConnectionState &state = Detail::connectionState(db.connectionName());
    Result<Detail::PreparedQuery *> prepared = preparedQuery(db, state, sqlTemplate);
    if (!prepared)
        return prepared.error();
    Detail::PreparedQuery &statement = **prepared;
    if (!statement.libpqName.isEmpty())
        return executeLibpq(db, state, statement, sqlTemplate, key);
    QSqlQuery &query = statement.query;

    const QVariant value = QVariant::fromValue(qlonglong(key));
    if (sqlTemplate.kind() == TemplateKind::Custom)
        query.bindValue(u":key"_s, value); // binds every :key occurrence
    else
        query.bindValue(0, value);

    QueryResult result;
    result.simulatedDelayMs = state.simulatedDelayMs;
    Detail::simulateRoundTrip(state.simulatedDelayMs);
    if (!query.exec()) // the message is read before queryFailed() drops the statement
        return queryFailed(db, state, sqlTemplate, key, databaseMessage(query.lastError()));
    if (query.isSelect()) {
        if (statement.columns.isEmpty())
            statement.columns = columnNames(query);
        result.columns = statement.columns;
    }
    readQtResult(query, result);
    if (sqlTemplate.isWrite() && !result.columns.isEmpty()) // UPDATE ... RETURNING: a row each
        result.rowsAffected = result.rows.size();
    return result;
}

Result<QueryResult> execute(
    const ConnectionSettings &settings, quint64 runId, const SqlTemplate &sqlTemplate, qint64 key)
{
    Result<QueryConnection> connection = QueryConnection::acquire(settings, runId);
    if (!connection)
        return connection.error();
    QSqlDatabase db = connection->database(); // destroyed before the connection closes
    return execute(db, sqlTemplate, key);
}

namespace {

Error textFailed(const QSqlDatabase &db, Detail::ConnectionState &state, const QString &sql,
    const QString &message)
{
    Error error;
    error.message = u"statement failed: %1"_s.arg(message);
    error.file = describe(db, state);
    error.field = u"sql"_s;
    error.value = sql.size() > 200 ? sql.left(200) + u"…"_s : sql;
    state.suspect = true;
    return error;
}

Result<QueryResult> executeTextLibpq(
    QSqlDatabase &db, Detail::ConnectionState &state, PGconn *conn, const QString &sql)
{
    QueryResult result;
    result.simulatedDelayMs = state.simulatedDelayMs;
    Detail::simulateRoundTrip(state.simulatedDelayMs);
    const ResultPtr answer(PQexec(conn, sql.toUtf8().constData()));
    const ExecStatusType status = answer ? PQresultStatus(answer.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY)
        return textFailed(db, state, sql, libpqMessage(answer.get(), conn));
    if (status == PGRES_TUPLES_OK) {
        for (int i = 0; i < PQnfields(answer.get()); ++i)
            result.columns.append(QString::fromUtf8(PQfname(answer.get(), i)));
    }
    readLibpqResult(answer.get(), status, result);
    return result;
}

} // namespace

Result<QueryResult> executeText(
    const ConnectionSettings &settings, quint64 runId, const QString &sql)
{
    Result<QueryConnection> connection = QueryConnection::acquire(settings, runId);
    if (!connection)
        return connection.error();
    QSqlDatabase db = connection->database(); // destroyed before the connection closes
    Detail::ConnectionState &state = Detail::connectionState(db.connectionName());
    if (PGconn *conn = libpqHandle(db))
        return executeTextLibpq(db, state, conn, sql);

    QueryResult result;
    result.simulatedDelayMs = state.simulatedDelayMs;
    Detail::simulateRoundTrip(state.simulatedDelayMs);
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(sql))
        return textFailed(db, state, sql, databaseMessage(query.lastError()));
    if (query.isSelect())
        result.columns = columnNames(query);
    readQtResult(query, result);
    return result;
}

} // namespace CacheScope
