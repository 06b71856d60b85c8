#include "core/cache/cachedresult.h"

#include <QByteArray>
#include <QString>

namespace CacheScope {

CachedResult CachedResult::fromRows(QList<QVariantList> rows)
{
    CachedResult r;
    r.sizeBytes = estimateBytes(rows);
    r.rows = std::move(rows);
    return r;
}

qint64 CachedResult::estimateBytes(const QList<QVariantList> &rows)
{
    qint64 bytes = qint64(sizeof(QList<QVariantList>)) + rows.size() * qint64(sizeof(QVariantList));
    for (const QVariantList &row : rows) {
        bytes += row.size() * qint64(sizeof(QVariant));
        for (const QVariant &v : row) {
            switch (v.typeId()) {
            case QMetaType::QString:
                bytes += v.toString().size() * qint64(sizeof(QChar));
                break;
            case QMetaType::QByteArray:
                bytes += v.toByteArray().size();
                break;
            default:
                break; // numbers, dates and nulls fit in the QVariant itself
            }
        }
    }
    return bytes;
}

qint64 CachedResult::rowVersion(const QStringList &columns, const QList<QVariantList> &rows)
{
    if (rows.size() != 1)
        return -1;
    const qsizetype at = columns.indexOf(QStringLiteral("version"));
    if (at < 0 || at >= rows.front().size())
        return -1;
    bool ok = false;
    const qint64 version = rows.front().at(at).toLongLong(&ok);
    return ok && version >= 0 ? version : -1;
}

} // namespace CacheScope
