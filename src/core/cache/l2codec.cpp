// The Redis second tier's address grammar and value format (redistier.h): everything of it that
// needs no hiredis, kept apart so that the configuration code and the fuzz targets link it alone.
#include "core/cache/redistier.h"

#include <QDataStream>
#include <QDate>
#include <QDateTime>
#include <QIODevice>
#include <QRandomGenerator>
#include <QTime>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

// 2: the row version the value was read at follows the size (1 had none).
constexpr char formatVersion = 2;

Error urlError(const QString &url, const QString &message)
{
    return Error { message, {}, 0, u"l2"_s, url };
}

} // namespace

Result<RedisAddress> parseRedisUrl(const QString &url)
{
    const QUrl u(url.trimmed(), QUrl::StrictMode);
    if (!u.isValid() || u.scheme() != "redis"_L1 || u.host().isEmpty())
        return urlError(url, u"is not a Redis address: give redis://HOST:PORT[/DB]"_s);
    if (!u.userInfo().isEmpty())
        return urlError(url,
            u"carries a password: give it with --l2-password-env VAR instead (never in a URL)"_s);
    RedisAddress a;
    a.host = u.host();
    a.port = u.port(6379);
    if (a.port < 1 || a.port > 65535)
        return urlError(url, u"has no valid port"_s);
    const QString path = u.path();
    if (!path.isEmpty() && path != "/"_L1) {
        bool ok = false;
        a.database = path.mid(1).toInt(&ok);
        if (!ok || a.database < 0 || a.database > 15)
            return urlError(url, u"has a database number outside 0..15 after the port"_s);
    }
    if (u.hasQuery() || u.hasFragment())
        return urlError(url, u"has a query or fragment; give redis://HOST:PORT[/DB]"_s);
    return a;
}

namespace {

// A cell: a tag byte, then its payload. Only the types the database readers produce, each
// read with its length checked against the bytes left, so that a damaged or foreign value can
// never ask for more memory than it has bytes (QVariant's own stream format can).
enum CellTag : quint8 {
    NullCell,
    BoolCell,
    IntCell,
    LongCell,
    UIntCell,
    DoubleCell,
    StringCell,
    BytesCell,
    DateCell,
    TimeCell,
    DateTimeCell,
};

/// The types a null may carry (readLibpqResult gives nulls their column's type).
bool isCellType(int typeId)
{
    switch (typeId) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::Double:
    case QMetaType::QString:
    case QMetaType::QByteArray:
    case QMetaType::QDate:
    case QMetaType::QTime:
    case QMetaType::QDateTime:
        return true;
    default:
        return false;
    }
}

void writeCell(QDataStream &out, const QVariant &cell)
{
    const int type = cell.typeId();
    if (cell.isNull() && !(type == QMetaType::QString && !cell.toString().isNull())) {
        out << quint8(NullCell) << qint32(isCellType(type) ? type : 0);
        return;
    }
    switch (type) {
    case QMetaType::Bool:
        out << quint8(BoolCell) << quint8(cell.toBool());
        return;
    case QMetaType::Int:
        out << quint8(IntCell) << qint32(cell.toInt());
        return;
    case QMetaType::LongLong:
        out << quint8(LongCell) << qint64(cell.toLongLong());
        return;
    case QMetaType::UInt:
        out << quint8(UIntCell) << quint32(cell.toUInt());
        return;
    case QMetaType::Double:
        out << quint8(DoubleCell) << cell.toDouble();
        return;
    case QMetaType::QByteArray: {
        const QByteArray b = cell.toByteArray();
        out << quint8(BytesCell) << quint32(b.size());
        out.writeRawData(b.constData(), int(b.size()));
        return;
    }
    case QMetaType::QDate:
        out << quint8(DateCell) << qint64(cell.toDate().toJulianDay());
        return;
    case QMetaType::QTime: {
        const QTime t = cell.toTime();
        out << quint8(TimeCell) << qint32(t.isValid() ? t.msecsSinceStartOfDay() : -1);
        return;
    }
    case QMetaType::QDateTime: {
        const QDateTime t = cell.toDateTime();
        out << quint8(DateTimeCell) << quint8(t.isValid())
            << qint64(t.isValid() ? t.toMSecsSinceEpoch() : 0);
        return;
    }
    default: { // QString, and anything else as its text
        const QByteArray utf8 = cell.toString().toUtf8();
        out << quint8(StringCell) << quint32(utf8.size());
        out.writeRawData(utf8.constData(), int(utf8.size()));
        return;
    }
    }
}

/// One cell, or false when the bytes do not hold one.
bool readCell(QDataStream &in, qint64 left, QVariant &cell)
{
    quint8 tag = 0;
    in >> tag;
    const auto raw = [&in, left](QByteArray &into) {
        quint32 size = 0;
        in >> size;
        if (in.status() != QDataStream::Ok || qint64(size) > left)
            return false;
        into.resize(qsizetype(size));
        return in.readRawData(into.data(), int(size)) == int(size);
    };
    switch (tag) {
    case NullCell: {
        qint32 type = 0;
        in >> type;
        cell = isCellType(type) ? QVariant(QMetaType(type)) : QVariant();
        break;
    }
    case BoolCell: {
        quint8 b = 0;
        in >> b;
        cell = bool(b);
        break;
    }
    case IntCell: {
        qint32 v = 0;
        in >> v;
        cell = int(v);
        break;
    }
    case LongCell: {
        qint64 v = 0;
        in >> v;
        cell = qlonglong(v);
        break;
    }
    case UIntCell: {
        quint32 v = 0;
        in >> v;
        cell = uint(v);
        break;
    }
    case DoubleCell: {
        double v = 0;
        in >> v;
        cell = v;
        break;
    }
    case StringCell: {
        QByteArray utf8;
        if (!raw(utf8))
            return false;
        cell = QString::fromUtf8(utf8);
        break;
    }
    case BytesCell: {
        QByteArray bytes;
        if (!raw(bytes))
            return false;
        cell = bytes;
        break;
    }
    case DateCell: {
        qint64 day = 0;
        in >> day;
        cell = QDate::fromJulianDay(day);
        break;
    }
    case TimeCell: {
        qint32 ms = -1;
        in >> ms;
        cell = ms >= 0 && ms < 86'400'000 ? QTime::fromMSecsSinceStartOfDay(ms) : QTime();
        break;
    }
    case DateTimeCell: {
        quint8 valid = 0;
        qint64 ms = 0;
        in >> valid >> ms;
        cell = valid ? QDateTime::fromMSecsSinceEpoch(ms) : QDateTime();
        break;
    }
    default:
        return false;
    }
    return in.status() == QDataStream::Ok;
}

} // namespace

QByteArray encodeCachedResult(const CachedResult &value)
{
    QByteArray bytes;
    bytes.append(formatVersion);
    QDataStream out(&bytes, QIODevice::Append);
    out.setVersion(QDataStream::Qt_6_4);
    out << qint64(value.sizeBytes) << qint64(value.version) << quint32(value.rows.size());
    for (const QVariantList &row : value.rows) {
        out << quint32(row.size());
        for (const QVariant &cell : row)
            writeCell(out, cell);
    }
    return bytes;
}

Result<CachedResult> decodeCachedResult(QByteArrayView bytes)
{
    const auto damaged = [] {
        return Error { u"is a damaged value (it does not decode)"_s, {}, 0, {}, {} };
    };
    if (bytes.isEmpty() || bytes.front() != formatVersion)
        return Error { u"is not a value CacheScope stored (unknown format)"_s, {}, 0, {}, {} };
    const QByteArray body = bytes.sliced(1).toByteArray();
    QDataStream in(body);
    in.setVersion(QDataStream::Qt_6_4);
    CachedResult value;
    quint32 rows = 0;
    in >> value.sizeBytes >> value.version >> rows;
    // Counts are checked against the bytes left before anything is reserved: every row takes
    // at least 4 bytes and every cell at least 2.
    const auto left = [&in, &body] { return body.size() - in.device()->pos(); };
    if (in.status() != QDataStream::Ok || value.sizeBytes < 0 || value.version < -1
        || qint64(rows) * 4 > left())
        return damaged();
    value.rows.reserve(qsizetype(rows));
    for (quint32 r = 0; r < rows; ++r) {
        quint32 cells = 0;
        in >> cells;
        if (in.status() != QDataStream::Ok || qint64(cells) * 2 > left())
            return damaged();
        QVariantList row;
        row.reserve(qsizetype(cells));
        for (quint32 c = 0; c < cells; ++c) {
            QVariant cell;
            if (!readCell(in, left(), cell))
                return damaged();
            row.append(std::move(cell));
        }
        value.rows.append(std::move(row));
    }
    if (!in.atEnd())
        return damaged();
    return value;
}

QString invalidationName(L2Invalidation mode)
{
    switch (mode) {
    case L2Invalidation::None:
        return u"none"_s;
    case L2Invalidation::PubSub:
        return u"pubsub"_s;
    case L2Invalidation::Tracking:
        return u"tracking"_s;
    }
    return {};
}

Result<L2Invalidation> parseInvalidation(const QString &text)
{
    for (const L2Invalidation mode :
        { L2Invalidation::None, L2Invalidation::PubSub, L2Invalidation::Tracking }) {
        if (text.compare(invalidationName(mode), Qt::CaseInsensitive) == 0)
            return mode;
    }
    return Error { u"unknown invalidation mode; use none, pubsub or tracking"_s, {}, 0,
        u"invalidation"_s, text };
}

QByteArray newInvalidationOrigin()
{
    return QByteArray::number(QRandomGenerator::system()->generate64(), 16).rightJustified(16, '0');
}

QByteArray redisKeyName(QByteArrayView prefix, Key key)
{
    return prefix.toByteArray() + QByteArray::number(quint64(key), 16).rightJustified(16, '0');
}

std::optional<Key> keyFromRedisName(QByteArrayView name, QByteArrayView prefix)
{
    if (name.size() != prefix.size() + 16 || !name.startsWith(prefix))
        return std::nullopt;
    Key key = 0;
    for (const char c : name.sliced(prefix.size())) {
        int digit = -1;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        if (digit < 0)
            return std::nullopt; // our names are lower-case hex, exactly 16 digits
        key = (key << 4) | Key(digit);
    }
    return key;
}

QList<Key> publishedKeys(QByteArrayView payload, QByteArrayView prefix, QByteArrayView skipOrigin)
{
    QList<Key> keys;
    const QList<QByteArray> words = payload.toByteArray().split(' ');
    if (words.isEmpty() || (!skipOrigin.isEmpty() && words.front() == skipOrigin))
        return keys; // this run's own write: its workers invalidated already
    for (qsizetype i = 1; i < words.size(); ++i) {
        if (const std::optional<Key> key = keyFromRedisName(words[i], prefix))
            keys.append(*key);
    }
    return keys;
}

} // namespace CacheScope
