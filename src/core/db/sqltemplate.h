#pragma once

#include "core/db/cachekey.h"
#include "core/error.h"

#include <QList>
#include <QString>

namespace CacheScope {

/// The kinds of query a workload mixes; the value is the template id of the built-in ones.
enum class TemplateKind : quint8 { Point = 1, Range = 2, Aggregate = 3, Write = 4, Custom = 16 };

constexpr quint8 firstCustomTemplateId = 16;

/// One parameterised SQL statement with one integer parameter, the key. The built-in templates
/// run on the demo schema (demodatabase.h) with one SQL text for SQLite and PostgreSQL;
/// custom ones are the user's SQL with :key placeholders. A value type: copy it freely.
class SqlTemplate
{
public:
    /// A customer row by primary key (cheap).
    static SqlTemplate point();
    /// The orders of a customer with the amount paid (an index range scan plus two lookups per
    /// row).
    static SqlTemplate range();
    /// Per product category of one customer: orders, items, amount spent, and how many orders
    /// all customers placed for the products bought (popularity). orders x products joined and
    /// grouped, one index probe per product bought: the expensive miss.
    static SqlTemplate aggregate();
    /// An UPDATE of one customer row: bumps its version and changes its discount, which the point,
    /// range and aggregate results of that customer all show. Never cached.
    static SqlTemplate write();
    /// "point", "range", "aggregate" or "write"; field "query" in the error.
    static Result<SqlTemplate> builtIn(const QString &name);
    /// The user's SQL with one or more :key placeholders (no other named placeholders), read
    /// as a read unless it starts with INSERT, UPDATE, DELETE, REPLACE or MERGE. `id` must be
    /// 16..255 (see cachekey.h). Field "sql" in the error. Whether the database accepts the SQL
    /// shows when it is prepared: prepareTemplate() or the first execute().
    static Result<SqlTemplate> custom(const QString &sql, quint8 id = firstCustomTemplateId);

    TemplateKind kind() const { return m_kind; }
    quint8 id() const { return m_id; }
    const QString &name() const { return m_name; }
    const QString &sql() const { return m_sql; }
    /// sql() with every placeholder (`?` or `:key`, outside quotes and comments) written as
    /// `$1`: the text PostgreSQL's own PREPARE and libpq's PQprepare take.
    QString positionalSql() const;
    /// Writes are never cached; they invalidate affectedKeys().
    bool isWrite() const { return m_write; }
    /// The key under which this template's result for `parameter` is cached (cachekey.h).
    Key cacheKey(qint64 parameter) const { return CacheScope::cacheKey(m_id, parameter); }
    /// The cached results a run of this template with `parameter` makes stale: for write(), the
    /// point, range and aggregate keys of that customer. Empty for reads and for custom writes
    /// (what a user's statement changes is unknown: such runs should not cache).
    QList<Key> affectedKeys(qint64 parameter) const;

    friend bool operator==(const SqlTemplate &, const SqlTemplate &) = default;

private:
    SqlTemplate(TemplateKind kind, quint8 id, QString name, QString sql, bool write);

    TemplateKind m_kind = TemplateKind::Point;
    quint8 m_id = 0;
    bool m_write = false;
    QString m_name;
    QString m_sql;
};

} // namespace CacheScope
