#pragma once

#include <QList>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

namespace CacheScope {

/// One cached query result as the cache hands it out: a value whose rows are implicitly shared,
/// so a copy is a reference-count increment and stays valid after the cache drops the entry.
struct CachedResult
{
    QList<QVariantList> rows;
    qint64 sizeBytes = 0; // the cost in byte mode; estimateBytes(rows) unless the caller knows
    qint64 insertedMs = 0; // the cache's clock when stored (expire-after-write); set by the cache
    /// The row version it was read at (rowVersion()), for stale-read measurement; -1: none.
    qint64 version = -1;

    /// A result with its size estimated from the rows.
    static CachedResult fromRows(QList<QVariantList> rows);
    /// Approximate heap bytes of the rows: list and variant headers plus string and byte-array
    /// payloads. An estimate, consistent across runs, not an allocator's exact count.
    static qint64 estimateBytes(const QList<QVariantList> &rows);
    /// The version of a one-row result with a `version` column (the demo's point read, a
    /// custom read selecting it); -1 for any other result.
    static qint64 rowVersion(const QStringList &columns, const QList<QVariantList> &rows);
};

} // namespace CacheScope
