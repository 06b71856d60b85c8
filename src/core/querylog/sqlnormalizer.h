#pragma once

#include "core/key.h"

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace CacheScope {

/// What replaying a statement does with the cache.
enum class StatementKind {
    Read, // a cacheable SELECT (or WITH ... SELECT, VALUES, TABLE): looked up, filled on a miss
    Write, // INSERT, UPDATE, DELETE, TRUNCATE, MERGE: runs, then invalidates the tables it writes
    Uncacheable, // runs on replay (it is load) but bypasses the cache; see `reason`
    Control, // BEGIN, COMMIT, ROLLBACK, SAVEPOINT ...: runs, neither read nor write
};

/// One statement as a template plus its parameter values.
struct NormalizedStatement
{
    StatementKind kind = StatementKind::Read;
    /// The statement with every literal (strings, numbers, booleans, dollar-quoted strings,
    /// typed literals such as DATE '...') replaced by `$n` in order, `IN (…)` / `VALUES (…)` lists
    /// of literals by one `(...)` placeholder, comments dropped, whitespace runs folded to one
    /// space, keywords and unquoted identifiers lower-cased (quoted identifiers kept as written),
    /// no trailing ';'. `select * from t where id = 1` and `SELECT *  FROM t WHERE id=2;` have
    /// the same template.
    QString templateText;
    /// A 64-bit hash of templateText (stable across runs and machines).
    quint64 templateId = 0;
    /// The literal values in order, as written in the statement (quotes removed and unescaped for
    /// strings; an `IN (…)` list of literals is one parameter: its values joined by ',').
    QStringList parameters;
    /// templateId mixed with every parameter: the cache key of a read before table generations.
    Key parameterKey = 0;
    /// Tables read (Read, Uncacheable) or written (Write), lower-cased unless quoted, schema kept
    /// when written ("public.t", "t"), each once, in order of appearance. From FROM, JOIN,
    /// UPDATE, INTO, DELETE FROM, TRUNCATE [TABLE], MERGE INTO ... USING.
    QStringList tables;
    /// For Uncacheable: why, one short phrase ("calls now()", "SELECT ... FOR UPDATE", "inside a
    /// transaction that wrote", "reads temporary table tmp_x", "DDL", "COPY", "SET").
    QString reason;
};

/// Turns statement text into a NormalizedStatement. Stateless and thread-safe; outside input:
/// any text gives a result, never a crash (unterminated quotes run to the end of the text).
NormalizedStatement normalizeStatement(QStringView sql);

/// Follows the sessions of a log to classify statements that depend on what came before in
/// their session: a read after a write inside the same explicit transaction (BEGIN ... COMMIT /
/// ROLLBACK) is Uncacheable ("inside a transaction that wrote"), and reads of a temporary table
/// the session created (CREATE TEMP[ORARY] TABLE) are Uncacheable ("reads temporary table x").
/// One per reading thread.
class StatementClassifier
{
public:
    /// normalizeStatement(sql), then the session rules above; `session` is
    /// LoggedStatement::session.
    NormalizedStatement classify(const QByteArray &session, QStringView sql);

    /// Sessions with an open explicit transaction now (for tests and notes).
    qsizetype openTransactions() const;

private:
    struct SessionState
    {
        bool inTransaction = false;
        bool wrote = false;
        QSet<QString> temporaryTables;
    };
    QHash<QByteArray, SessionState> m_sessions;
};

} // namespace CacheScope
