#include "core/db/sqltemplate.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

// One SQL text per template for both drivers: `?` placeholders, no dialect-specific functions.
// The amount paid is quantity x price x (1 - the customer's discount), so the write's discount
// change shows in range and aggregate results too.
const auto pointSql = u"SELECT id, name, email, country, discount, version FROM customers "
                      u"WHERE id = ?"_s;
const auto rangeSql = u"SELECT o.id, o.product_id, o.quantity, o.ordered_at, "
                      u"o.quantity * p.price * (1 - c.discount) AS amount "
                      u"FROM orders o JOIN products p ON p.id = o.product_id "
                      u"JOIN customers c ON c.id = o.customer_id "
                      u"WHERE o.customer_id = ? ORDER BY o.id"_s;
// The correlated subquery counts every order of each product the customer bought (through
// orders.product_id): the per-customer answer costs many index probes, an expensive miss. It
// reads only orders, which no template writes, so the write's affectedKeys() stay complete.
const auto aggregateSql = u"SELECT p.category, COUNT(*) AS orders, SUM(o.quantity) AS items, "
                          u"SUM(o.quantity * p.price * (1 - c.discount)) AS spent, "
                          u"SUM((SELECT COUNT(*) FROM orders x WHERE x.product_id = o.product_id)) "
                          u"AS product_orders "
                          u"FROM orders o JOIN products p ON p.id = o.product_id "
                          u"JOIN customers c ON c.id = o.customer_id "
                          u"WHERE o.customer_id = ? GROUP BY p.category ORDER BY p.category"_s;
// The discount follows the version (discount = (version % 4) * 5 / 100.0, as the demo data
// starts), so every write changes it. Both databases evaluate the right-hand sides on the old
// row; "* 5 / 100.0" rounds to the same double in SQLite, PostgreSQL and C++ ("* 0.05" does not).
// RETURNING the new version (SQLite 3.35+, PostgreSQL): the version board learns what a cached
// copy must match (stale-read measurement).
const auto writeSql
    = u"UPDATE customers SET version = version + 1, "
      u"discount = ((version + 1) % 4) * 5 / 100.0 WHERE id = ? RETURNING version"_s;

Error sqlError(const QString &sql, const QString &message)
{
    Error error;
    error.message = message;
    error.field = u"sql"_s;
    error.value = sql;
    return error;
}

struct Placeholder
{
    qsizetype position = 0;
    qsizetype length = 0;
    QString name; // empty for `?`
};

/// The placeholders (:name and ?) of `sql` outside quotes and comments; "::" casts are skipped.
QList<Placeholder> placeholders(const QString &sql)
{
    QList<Placeholder> found;
    const qsizetype n = sql.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = sql.at(i);
        if (c == u'\'' || c == u'"') {
            const qsizetype end = sql.indexOf(c, i + 1);
            i = end < 0 ? n : end;
        } else if (c == u'-' && i + 1 < n && sql.at(i + 1) == u'-') {
            const qsizetype end = sql.indexOf(u'\n', i);
            i = end < 0 ? n : end;
        } else if (c == u':') {
            if (i + 1 < n && sql.at(i + 1) == u':') {
                ++i;
                continue;
            }
            qsizetype j = i + 1;
            while (j < n && (sql.at(j).isLetterOrNumber() || sql.at(j) == u'_'))
                ++j;
            if (j > i + 1 && !sql.at(i + 1).isDigit())
                found.append({ i, j - i, sql.mid(i + 1, j - i - 1) });
            i = j - 1;
        } else if (c == u'?') {
            found.append({ i, 1, QString() });
        }
    }
    return found;
}

/// The named placeholders (:name) of `sql` outside quotes and comments.
QStringList namedPlaceholders(const QString &sql)
{
    QStringList names;
    for (const Placeholder &p : placeholders(sql)) {
        if (!p.name.isEmpty())
            names.append(p.name);
    }
    return names;
}

bool startsWithWriteKeyword(const QString &sql)
{
    static const QRegularExpression write(u"^\\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\\b"_s,
        QRegularExpression::CaseInsensitiveOption);
    return write.match(sql).hasMatch();
}

} // namespace

SqlTemplate::SqlTemplate(TemplateKind kind, quint8 id, QString name, QString sql, bool write)
    : m_kind(kind)
    , m_id(id)
    , m_write(write)
    , m_name(std::move(name))
    , m_sql(std::move(sql))
{
}

SqlTemplate SqlTemplate::point()
{
    return { TemplateKind::Point, quint8(TemplateKind::Point), u"point"_s, pointSql, false };
}

SqlTemplate SqlTemplate::range()
{
    return { TemplateKind::Range, quint8(TemplateKind::Range), u"range"_s, rangeSql, false };
}

SqlTemplate SqlTemplate::aggregate()
{
    return { TemplateKind::Aggregate, quint8(TemplateKind::Aggregate), u"aggregate"_s, aggregateSql,
        false };
}

SqlTemplate SqlTemplate::write()
{
    return { TemplateKind::Write, quint8(TemplateKind::Write), u"write"_s, writeSql, true };
}

Result<SqlTemplate> SqlTemplate::builtIn(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == "point"_L1)
        return point();
    if (lower == "range"_L1)
        return range();
    if (lower == "aggregate"_L1)
        return aggregate();
    if (lower == "write"_L1)
        return write();
    Error error;
    error.message = u"is not a query template (point, range, aggregate or write)"_s;
    error.field = u"query"_s;
    error.value = name;
    return error;
}

Result<SqlTemplate> SqlTemplate::custom(const QString &sql, quint8 id)
{
    if (sql.trimmed().isEmpty())
        return sqlError(sql, u"is empty"_s);
    if (id < firstCustomTemplateId) {
        Error error;
        error.message = u"is not a custom template id (%1 to 255)"_s.arg(firstCustomTemplateId);
        error.field = u"template id"_s;
        error.value = QString::number(id);
        return error;
    }
    const QStringList names = namedPlaceholders(sql);
    if (!names.contains(u"key"_s))
        return sqlError(sql, u"has no :key placeholder for the key"_s);
    for (const QString &placeholder : names) {
        if (placeholder != "key"_L1)
            return sqlError(
                sql, u"uses the placeholder :%1; only :key is bound"_s.arg(placeholder));
    }
    return SqlTemplate(TemplateKind::Custom, id, u"custom"_s, sql, startsWithWriteKeyword(sql));
}

QString SqlTemplate::positionalSql() const
{
    QString out;
    out.reserve(m_sql.size() + 8);
    qsizetype from = 0;
    for (const Placeholder &p : placeholders(m_sql)) {
        out += QStringView(m_sql).sliced(from, p.position - from);
        out += u"$1"_s;
        from = p.position + p.length;
    }
    out += QStringView(m_sql).sliced(from);
    return out;
}

QList<Key> SqlTemplate::affectedKeys(qint64 parameter) const
{
    if (m_kind != TemplateKind::Write)
        return {};
    return { CacheScope::cacheKey(quint8(TemplateKind::Point), parameter),
        CacheScope::cacheKey(quint8(TemplateKind::Range), parameter),
        CacheScope::cacheKey(quint8(TemplateKind::Aggregate), parameter) };
}

} // namespace CacheScope
