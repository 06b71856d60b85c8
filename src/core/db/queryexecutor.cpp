#include "core/db/queryexecutor.h"

#include "core/db/queryconnection.h"
#include "core/db/threadstate_p.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

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
    prepared->query = QSqlQuery(db);
    prepared->query.setForwardOnly(true); // rows are read once, in order: no client-side cache
    if (!prepared->query.prepare(sqlTemplate.sql())) {
        error.message
            = u"is rejected by the database: "_s + databaseMessage(prepared->query.lastError());
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

Result<QueryResult> execute(QSqlDatabase &db, const SqlTemplate &sqlTemplate, qint64 key)
{
    Detail::ConnectionState &state = Detail::connectionState(db.connectionName());
    Result<Detail::PreparedQuery *> prepared = preparedQuery(db, state, sqlTemplate);
    if (!prepared)
        return prepared.error();
    Detail::PreparedQuery &statement = **prepared;
    QSqlQuery &query = statement.query;

    const QVariant value = QVariant::fromValue(qlonglong(key));
    if (sqlTemplate.kind() == TemplateKind::Custom)
        query.bindValue(u":key"_s, value); // binds every :key occurrence
    else
        query.bindValue(0, value);

    QueryResult result;
    result.simulatedDelayMs = state.simulatedDelayMs;
    Detail::simulateRoundTrip(state.simulatedDelayMs);
    if (!query.exec()) {
        Error error;
        error.message = u"query '%1' failed: %2"_s.arg(
            sqlTemplate.name(), databaseMessage(query.lastError()));
        error.file = describe(db, state);
        error.field = u"key"_s;
        error.value = QString::number(key);
        // The connection may be gone (server restarted): check it before its next use, and
        // prepare again then, since a new connection does not know the old statements.
        state.suspect = true;
        state.prepared.erase(sqlTemplate.sql());
        return error;
    }
    if (query.isSelect()) {
        if (statement.columns.isEmpty()) {
            const QSqlRecord record = query.record();
            for (int i = 0; i < record.count(); ++i)
                statement.columns.append(record.fieldName(i));
        }
        const auto columnCount = statement.columns.size();
        result.columns = statement.columns;
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
    query.finish(); // resets the statement: SQLite releases its read snapshot, the plan stays
    result.approximateBytes = approximateBytes(result.rows);
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

} // namespace CacheScope
