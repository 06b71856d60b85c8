#include "core/db/libpqresult_p.h"

#include <QDate>
#include <QDateTime>
#include <QTime>
#include <QVarLengthArray>

namespace CacheScope::Detail {

namespace {

// Type OIDs of pg_type.h (stable since PostgreSQL 7).
enum : Oid {
    BoolOid = 16,
    ByteaOid = 17,
    Int8Oid = 20,
    Int2Oid = 21,
    Int4Oid = 23,
    OidOid = 26,
    Float4Oid = 700,
    Float8Oid = 701,
    DateOid = 1082,
    TimeOid = 1083,
    TimestampOid = 1114,
    TimestampTzOid = 1184,
    NumericOid = 1700,
};

/// The QVariant type QPSQL gives a column of this type OID (bigint kept signed).
QMetaType libpqMetaType(Oid type)
{
    switch (type) {
    case BoolOid:
        return QMetaType::fromType<bool>();
    case Int2Oid:
    case Int4Oid:
        return QMetaType::fromType<int>();
    case Int8Oid:
        return QMetaType::fromType<qlonglong>();
    case OidOid:
        return QMetaType::fromType<uint>();
    case Float4Oid:
    case Float8Oid:
    case NumericOid:
        return QMetaType::fromType<double>();
    case DateOid:
        return QMetaType::fromType<QDate>();
    case TimeOid:
        return QMetaType::fromType<QTime>();
    case TimestampOid:
    case TimestampTzOid:
        return QMetaType::fromType<QDateTime>();
    case ByteaOid:
        return QMetaType::fromType<QByteArray>();
    default:
        return QMetaType::fromType<QString>();
    }
}

/// One text-format value as QPSQL would give it (its type mapping, low-precision numerics);
/// SQL NULL is a null QVariant of the column's type.
QVariant libpqValue(const PGresult *result, int row, int column, Oid type)
{
    if (PQgetisnull(result, row, column))
        return QVariant(libpqMetaType(type));
    const char *text = PQgetvalue(result, row, column);
    const int length = PQgetlength(result, row, column);
    const QByteArrayView bytes(text, length);
    switch (type) {
    case BoolOid:
        return QVariant(text[0] == 't');
    case Int2Oid:
    case Int4Oid:
        return QVariant(bytes.toInt());
    case Int8Oid:
        return QVariant(bytes.toLongLong());
    case OidOid:
        return QVariant(bytes.toUInt());
    case Float4Oid:
    case Float8Oid:
    case NumericOid:
        return QVariant(bytes.toDouble());
    case DateOid:
        return QVariant(QDate::fromString(QString::fromLatin1(text, length), Qt::ISODate));
    case TimeOid:
        return QVariant(QTime::fromString(QString::fromLatin1(text, length), Qt::ISODateWithMs));
    case TimestampOid:
    case TimestampTzOid:
        return QVariant(
            QDateTime::fromString(QString::fromLatin1(text, length), Qt::ISODateWithMs));
    case ByteaOid: {
        size_t size = 0;
        unsigned char *unescaped
            = PQunescapeBytea(reinterpret_cast<const unsigned char *>(text), &size);
        QByteArray out(reinterpret_cast<const char *>(unescaped), qsizetype(size));
        PQfreemem(unescaped);
        return out;
    }
    default:
        return QVariant(QString::fromUtf8(text, length));
    }
}

} // namespace

QString libpqMessage(const PGresult *result, PGconn *conn)
{
    const char *text = result ? PQresultErrorMessage(result) : nullptr;
    if (!text || !*text)
        text = PQerrorMessage(conn);
    return QString::fromUtf8(text).simplified();
}

void readLibpqResult(PGresult *answer, ExecStatusType status, QueryResult &result)
{
    if (status == PGRES_TUPLES_OK) {
        const int columnCount = PQnfields(answer);
        QVarLengthArray<Oid, 16> types(columnCount);
        for (int i = 0; i < columnCount; ++i)
            types[i] = PQftype(answer, i);
        const int rowCount = PQntuples(answer);
        result.rows.reserve(rowCount);
        for (int r = 0; r < rowCount; ++r) {
            QVariantList row;
            row.reserve(columnCount);
            for (int i = 0; i < columnCount; ++i)
                row.append(libpqValue(answer, r, i, types[i]));
            result.rows.append(std::move(row));
        }
    } else if (status == PGRES_COMMAND_OK) {
        result.rowsAffected = QByteArrayView(PQcmdTuples(answer)).toInt();
    }
    result.approximateBytes = approximateBytes(result.rows);
}

QStringList libpqColumnNames(const PGresult *answer)
{
    QStringList names;
    for (int i = 0; i < PQnfields(answer); ++i)
        names.append(QString::fromUtf8(PQfname(answer, i)));
    return names;
}

} // namespace CacheScope::Detail
