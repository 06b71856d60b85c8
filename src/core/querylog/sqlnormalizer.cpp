#include "core/querylog/sqlnormalizer.h"

#include "core/querylog/sqllexer.h"

#include <QList>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

/// Words that start or shape a clause: never a table alias, never a function name, and a
/// `-` after one of them is a sign.
const QSet<QString> &keywords()
{
    static const QSet<QString> set {
        u"select"_s,
        u"from"_s,
        u"where"_s,
        u"and"_s,
        u"or"_s,
        u"not"_s,
        u"in"_s,
        u"is"_s,
        u"null"_s,
        u"as"_s,
        u"on"_s,
        u"join"_s,
        u"left"_s,
        u"right"_s,
        u"inner"_s,
        u"outer"_s,
        u"full"_s,
        u"cross"_s,
        u"natural"_s,
        u"using"_s,
        u"group"_s,
        u"by"_s,
        u"order"_s,
        u"having"_s,
        u"limit"_s,
        u"offset"_s,
        u"union"_s,
        u"all"_s,
        u"except"_s,
        u"intersect"_s,
        u"distinct"_s,
        u"case"_s,
        u"when"_s,
        u"then"_s,
        u"else"_s,
        u"end"_s,
        u"between"_s,
        u"like"_s,
        u"ilike"_s,
        u"similar"_s,
        u"exists"_s,
        u"insert"_s,
        u"into"_s,
        u"values"_s,
        u"update"_s,
        u"set"_s,
        u"delete"_s,
        u"returning"_s,
        u"with"_s,
        u"recursive"_s,
        u"any"_s,
        u"some"_s,
        u"array"_s,
        u"for"_s,
        u"fetch"_s,
        u"only"_s,
        u"lateral"_s,
        u"default"_s,
        u"asc"_s,
        u"desc"_s,
        u"nulls"_s,
        u"window"_s,
        u"over"_s,
        u"partition"_s,
        u"filter"_s,
        u"within"_s,
        u"table"_s,
        u"do"_s,
        u"conflict"_s,
        u"nothing"_s,
        u"escape"_s,
        u"to"_s,
        u"of"_s,
        u"merge"_s,
        u"matched"_s,
        u"tablesample"_s,
        u"truncate"_s,
        u"return"_s,
        u"like"_s,
        u"overlaps"_s,
        u"at"_s,
        u"collate"_s,
        u"isnull"_s,
        u"notnull"_s,
        u"rows"_s,
        u"range"_s,
        u"groups"_s,
        u"ordinality"_s,
        u"create"_s,
        u"drop"_s,
        u"alter"_s,
    };
    return set;
}

/// Functions whose result changes from call to call (or with the clock): a read calling one is
/// not cacheable.
const QSet<QString> &volatileFunctions()
{
    static const QSet<QString> set {
        u"now"_s,
        u"clock_timestamp"_s,
        u"random"_s,
        u"nextval"_s,
        u"setval"_s,
        u"gen_random_uuid"_s,
        u"uuid_generate_v1"_s,
        u"uuid_generate_v4"_s,
        u"statement_timestamp"_s,
        u"transaction_timestamp"_s,
        u"timeofday"_s,
        u"txid_current"_s,
        u"pg_current_xact_id"_s,
        u"pg_sleep"_s,
        u"currval"_s,
        u"lastval"_s,
        u"random_normal"_s,
        u"pg_advisory_lock"_s,
        u"pg_try_advisory_lock"_s,
    };
    return set;
}

/// The SQL-standard functions written without parentheses that read the clock.
const QSet<QString> &clockKeywords()
{
    static const QSet<QString> set {
        u"current_timestamp"_s,
        u"current_time"_s,
        u"current_date"_s,
        u"localtime"_s,
        u"localtimestamp"_s,
    };
    return set;
}

/// Type names that make `TYPE 'text'` one typed literal.
const QSet<QString> &literalTypes()
{
    static const QSet<QString> set {
        u"date"_s,
        u"time"_s,
        u"timetz"_s,
        u"timestamp"_s,
        u"timestamptz"_s,
        u"interval"_s,
    };
    return set;
}

QString asciiLower(QStringView text)
{
    QString out = text.toString();
    for (QChar &c : out) {
        if (c.unicode() >= u'A' && c.unicode() <= u'Z')
            c = QChar(char16_t(c.unicode() + (u'a' - u'A')));
    }
    return out;
}

quint64 fnv1a(const QByteArray &bytes, quint64 h = 0xcbf29ce484222325ULL)
{
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

enum class ItemKind { Token, Literal };

/// A token after literals are merged: a typed literal, a signed number and a string are one
/// Literal item each.
struct Item
{
    ItemKind kind = ItemKind::Token;
    SqlTokenType type = SqlTokenType::Word;
    QString text; // Word: lower-cased; others: as written
    QString value; // Literal: its value
};

bool isWord(const Item &item, QStringView word)
{
    return item.kind == ItemKind::Token && item.type == SqlTokenType::Word && item.text == word;
}

bool isType(const Item &item, SqlTokenType type)
{
    return item.kind == ItemKind::Token && item.type == type;
}

bool isKeyword(const Item &item)
{
    return item.kind == ItemKind::Token && item.type == SqlTokenType::Word
        && keywords().contains(item.text);
}

bool isName(const Item &item)
{
    return item.kind == ItemKind::Token
        && ((item.type == SqlTokenType::Word && !keywords().contains(item.text))
            || item.type == SqlTokenType::QuotedIdentifier);
}

QList<Item> items(QStringView sql)
{
    const QList<SqlToken> tokens = tokenizeSql(sql);
    QList<Item> out;
    out.reserve(tokens.size());
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const SqlToken &t = tokens[i];
        const QStringView text = sql.mid(t.begin, t.end - t.begin);
        Item item;
        item.type = t.type;
        switch (t.type) {
        case SqlTokenType::Word: {
            item.text = asciiLower(text);
            if (item.text == u"true"_s || item.text == u"false"_s) {
                item.kind = ItemKind::Literal;
                item.value = item.text;
            } else if (literalTypes().contains(item.text) && i + 1 < tokens.size()
                && tokens[i + 1].type == SqlTokenType::String) {
                item.kind = ItemKind::Literal;
                item.value = sqlStringValue(sql, tokens[++i]);
            }
            break;
        }
        case SqlTokenType::String:
        case SqlTokenType::DollarString:
            item.kind = ItemKind::Literal;
            item.value = sqlStringValue(sql, t);
            break;
        case SqlTokenType::Number: {
            item.kind = ItemKind::Literal;
            item.value = text.toString();
            // A sign after an operator, a keyword, '(' ',' '[' or at the start: one literal.
            if (!out.isEmpty() && isType(out.last(), SqlTokenType::Operator)
                && (out.last().text == u"-"_s || out.last().text == u"+"_s)) {
                const bool signContext = out.size() == 1 || [&] {
                    const Item &before = out[out.size() - 2];
                    return before.kind == ItemKind::Token
                        && (before.type == SqlTokenType::Operator
                            || before.type == SqlTokenType::LeftParen
                            || before.type == SqlTokenType::Comma
                            || before.type == SqlTokenType::LeftBracket
                            || before.type == SqlTokenType::Cast || isKeyword(before));
                }();
                if (signContext) {
                    if (out.last().text == u"-"_s)
                        item.value.prepend(u'-');
                    out.removeLast();
                }
            }
            break;
        }
        default:
            item.text = text.toString();
            break;
        }
        out.append(std::move(item));
    }
    return out;
}

/// For each '(' the index of its ')' (or items.size() when unclosed), and the reverse.
QList<qsizetype> matchParens(const QList<Item> &list)
{
    QList<qsizetype> match(list.size(), list.size());
    QList<qsizetype> stack;
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (isType(list[i], SqlTokenType::LeftParen)) {
            stack.append(i);
        } else if (isType(list[i], SqlTokenType::RightParen) && !stack.isEmpty()) {
            match[stack.last()] = i;
            match[i] = stack.takeLast();
        }
    }
    return match;
}

bool needsSpace(const Item &prev, const Item &cur)
{
    if (prev.kind == ItemKind::Token) {
        switch (prev.type) {
        case SqlTokenType::LeftParen:
        case SqlTokenType::LeftBracket:
        case SqlTokenType::Dot:
        case SqlTokenType::Cast:
            return false;
        default:
            break;
        }
    }
    if (cur.kind == ItemKind::Token) {
        switch (cur.type) {
        case SqlTokenType::RightParen:
        case SqlTokenType::RightBracket:
        case SqlTokenType::Comma:
        case SqlTokenType::Semicolon:
        case SqlTokenType::Dot:
        case SqlTokenType::Cast:
        case SqlTokenType::LeftBracket:
            return false;
        case SqlTokenType::LeftParen:
            // A function call: count(*), "f"(x); a keyword keeps its space: in (...).
            return !(prev.kind == ItemKind::Token
                && ((prev.type == SqlTokenType::Word && !keywords().contains(prev.text))
                    || prev.type == SqlTokenType::QuotedIdentifier));
        default:
            break;
        }
    }
    return true;
}

/// Everything the normalizer learns about a statement, the session rules included.
struct Analysis
{
    NormalizedStatement statement;
    QStringList readTables;
    QStringList writtenTables;
    QStringList createdTemporary; // CREATE TEMP TABLE x, SELECT ... INTO TEMP x
    QStringList dropped; // DROP TABLE x
    bool discardsTemporary = false; // DISCARD ALL / TEMP
    bool beginsTransaction = false;
    bool endsTransaction = false;
    bool changesData = false; // a write, DDL or COPY: a later read in the transaction may see it
};

void addOnce(QStringList &list, const QString &name)
{
    if (!name.isEmpty() && !list.contains(name))
        list.append(name);
}

/// Tables and the shape of a statement, from its items.
class Analyzer
{
public:
    Analyzer(const QList<Item> &list, Analysis &out)
        : m_items(list)
        , m_match(matchParens(list))
        , m_out(out)
    {
    }

    void run();

private:
    const Item *at(qsizetype i) const
    {
        return i >= 0 && i < m_items.size() ? &m_items[i] : nullptr;
    }
    bool wordAt(qsizetype i, QStringView word) const
    {
        const Item *item = at(i);
        return item && isWord(*item, word);
    }
    bool typeAt(qsizetype i, SqlTokenType type) const
    {
        const Item *item = at(i);
        return item && isType(*item, type);
    }
    QString namePart(const Item &item) const
    {
        return item.type == SqlTokenType::QuotedIdentifier
            ? sqlIdentifierValue(item.text, SqlToken { item.type, 0, item.text.size(), false })
            : item.text;
    }
    /// A qualified name at i (a, a.b, a.b.c): its text, and i moves past it; empty if none.
    QString readName(qsizetype &i) const
    {
        const Item *item = at(i);
        if (!item || item->kind != ItemKind::Token
            || (item->type != SqlTokenType::Word && item->type != SqlTokenType::QuotedIdentifier))
            return {};
        QString name = namePart(*item);
        ++i;
        while (typeAt(i, SqlTokenType::Dot) && at(i + 1) && at(i + 1)->kind == ItemKind::Token
            && (at(i + 1)->type == SqlTokenType::Word
                || at(i + 1)->type == SqlTokenType::QuotedIdentifier)) {
            name += u'.' + namePart(*at(i + 1));
            i += 2;
        }
        return name;
    }
    qsizetype skipParens(qsizetype i) const
    {
        return typeAt(i, SqlTokenType::LeftParen) ? m_match[i] + 1 : i;
    }
    /// One table reference at i (FROM/JOIN item): adds the table to `into`, returns the index
    /// after it and its alias.
    qsizetype tableRef(qsizetype i, QStringList &into);
    qsizetype fromList(qsizetype i, QStringList &into);
    void cteNames(qsizetype i);
    QString mainVerb() const;

    const QList<Item> &m_items;
    QList<qsizetype> m_match;
    Analysis &m_out;
    QStringList m_ctes;
};

qsizetype Analyzer::tableRef(qsizetype i, QStringList &into)
{
    while (wordAt(i, u"only") || wordAt(i, u"lateral"))
        ++i;
    if (typeAt(i, SqlTokenType::LeftParen)) {
        const Item *first = at(i + 1);
        if (first
            && (isWord(*first, u"select") || isWord(*first, u"with") || isWord(*first, u"values")
                || isType(*first, SqlTokenType::LeftParen)))
            i = skipParens(i); // a subquery: its own FROM is read where the scan meets it
        else {
            tableRef(i + 1, into); // a parenthesised join: its first table
            i = skipParens(i);
        }
    } else {
        const Item *item = at(i);
        if (!item || !(isName(*item) || isWord(*item, u"table")))
            return i;
        const QString name = readName(i);
        if (typeAt(i, SqlTokenType::LeftParen))
            return skipParens(i); // a function in FROM: generate_series(...)
        addOnce(into, name);
    }
    if (wordAt(i, u"as"))
        ++i;
    if (at(i) && isName(*at(i))) {
        ++i;
        i = skipParens(i); // column aliases
    }
    return i;
}

qsizetype Analyzer::fromList(qsizetype i, QStringList &into)
{
    for (;;) {
        i = tableRef(i, into);
        if (!typeAt(i, SqlTokenType::Comma))
            return i;
        ++i;
    }
}

void Analyzer::cteNames(qsizetype i)
{
    if (wordAt(i, u"recursive"))
        ++i;
    for (;;) {
        const Item *item = at(i);
        if (!item || !isName(*item))
            return;
        m_ctes.append(namePart(*item));
        i = skipParens(i + 1);
        if (!wordAt(i, u"as"))
            return;
        ++i;
        if (wordAt(i, u"not"))
            ++i;
        if (wordAt(i, u"materialized"))
            ++i;
        if (!typeAt(i, SqlTokenType::LeftParen))
            return;
        i = skipParens(i);
        // SEARCH / CYCLE clauses are skipped up to the next ',' at this level.
        while (at(i) && !typeAt(i, SqlTokenType::Comma) && !wordAt(i, u"select")
            && !wordAt(i, u"insert") && !wordAt(i, u"update") && !wordAt(i, u"delete")
            && !wordAt(i, u"merge") && !wordAt(i, u"values") && !wordAt(i, u"table"))
            i = typeAt(i, SqlTokenType::LeftParen) ? skipParens(i) : i + 1;
        if (!typeAt(i, SqlTokenType::Comma))
            return;
        ++i;
    }
}

/// The statement's verb: the first word (past opening parentheses); for WITH, the first verb at
/// the outer level after the common table expressions.
QString Analyzer::mainVerb() const
{
    qsizetype i = 0;
    while (typeAt(i, SqlTokenType::LeftParen))
        ++i;
    const Item *first = at(i);
    if (!first || first->kind != ItemKind::Token || first->type != SqlTokenType::Word)
        return first ? u"?"_s : QString();
    if (first->text != u"with"_s)
        return first->text;
    const qsizetype start = i;
    int depth = 0;
    for (i = start + 1; i < m_items.size(); ++i) {
        const Item &item = m_items[i];
        if (isType(item, SqlTokenType::LeftParen))
            ++depth;
        else if (isType(item, SqlTokenType::RightParen))
            --depth;
        else if (depth == 0
            && (isWord(item, u"select") || isWord(item, u"insert") || isWord(item, u"update")
                || isWord(item, u"delete") || isWord(item, u"merge") || isWord(item, u"values")
                || isWord(item, u"table")))
            return item.text;
    }
    return u"with"_s;
}

void Analyzer::run()
{
    NormalizedStatement &st = m_out.statement;
    const QString verb = mainVerb();
    qsizetype verbIndex = 0;
    while (typeAt(verbIndex, SqlTokenType::LeftParen))
        ++verbIndex;
    const int verbDepth = int(verbIndex);

    // What the statement is, before looking at its parts.
    static const QSet<QString> ddl { u"create"_s, u"alter"_s, u"drop"_s, u"comment"_s, u"grant"_s,
        u"revoke"_s, u"security"_s, u"reassign"_s, u"import"_s, u"refresh"_s, u"cluster"_s,
        u"reindex"_s };
    static const QSet<QString> control { u"begin"_s, u"start"_s, u"commit"_s, u"end"_s,
        u"rollback"_s, u"savepoint"_s, u"release"_s, u"abort"_s };
    static const QHash<QString, QString> others {
        { u"copy"_s, u"COPY"_s },
        { u"set"_s, u"SET"_s },
        { u"reset"_s, u"RESET"_s },
        { u"show"_s, u"SHOW"_s },
        { u"listen"_s, u"LISTEN"_s },
        { u"unlisten"_s, u"UNLISTEN"_s },
        { u"notify"_s, u"NOTIFY"_s },
        { u"vacuum"_s, u"VACUUM"_s },
        { u"analyze"_s, u"ANALYZE"_s },
        { u"analyse"_s, u"ANALYZE"_s },
        { u"call"_s, u"CALL"_s },
        { u"do"_s, u"DO"_s },
        { u"explain"_s, u"EXPLAIN"_s },
        { u"prepare"_s, u"PREPARE"_s },
        { u"execute"_s, u"EXECUTE"_s },
        { u"deallocate"_s, u"DEALLOCATE"_s },
        { u"lock"_s, u"LOCK"_s },
        { u"discard"_s, u"DISCARD"_s },
        { u"checkpoint"_s, u"CHECKPOINT"_s },
        { u"declare"_s, u"DECLARE"_s },
        { u"fetch"_s, u"FETCH"_s },
        { u"move"_s, u"MOVE"_s },
        { u"close"_s, u"CLOSE"_s },
        { u"load"_s, u"LOAD"_s },
    };
    bool dataModifyingCte = false;
    if (verb.isEmpty()) {
        st.kind = StatementKind::Uncacheable;
        st.reason = u"empty statement"_s;
    } else if (verb == u"select"_s || verb == u"values"_s || verb == u"table"_s) {
        st.kind = StatementKind::Read;
    } else if (verb == u"insert"_s || verb == u"update"_s || verb == u"delete"_s
        || verb == u"truncate"_s || verb == u"merge"_s) {
        st.kind = StatementKind::Write;
    } else if (verb == u"prepare"_s && wordAt(verbIndex + 1, u"transaction")) {
        st.kind = StatementKind::Control;
        m_out.endsTransaction = true;
    } else if (control.contains(verb)) {
        st.kind = StatementKind::Control;
        if (verb == u"begin"_s || verb == u"start"_s) {
            m_out.beginsTransaction = true;
        } else if (verb == u"commit"_s || verb == u"end"_s || verb == u"abort"_s
            || verb == u"rollback"_s) {
            // ROLLBACK TO SAVEPOINT stays in the transaction; COMMIT/ROLLBACK PREPARED finish
            // another (prepared) one.
            m_out.endsTransaction
                = !wordAt(verbIndex + 1, u"to") && !wordAt(verbIndex + 1, u"prepared");
        }
    } else if (ddl.contains(verb)) {
        st.kind = StatementKind::Uncacheable;
        st.reason = u"DDL"_s;
        m_out.changesData = true;
    } else if (others.contains(verb)) {
        st.kind = StatementKind::Uncacheable;
        st.reason = others.value(verb);
        m_out.changesData = verb == u"copy"_s;
        if (verb == u"discard"_s)
            m_out.discardsTemporary = wordAt(verbIndex + 1, u"all")
                || wordAt(verbIndex + 1, u"temp") || wordAt(verbIndex + 1, u"temporary");
    } else {
        st.kind = StatementKind::Uncacheable;
        st.reason = u"unrecognised statement "_s + verb.toUpper();
    }

    // Temporary relations and dropped tables, for the session rules.
    if (verb == u"create"_s) {
        qsizetype i = verbIndex + 1;
        if (wordAt(i, u"or") && wordAt(i + 1, u"replace"))
            i += 2;
        if (wordAt(i, u"global") || wordAt(i, u"local"))
            ++i;
        if (wordAt(i, u"temp") || wordAt(i, u"temporary")) {
            ++i;
            if (wordAt(i, u"unlogged"))
                ++i;
            if (wordAt(i, u"table") || wordAt(i, u"view") || wordAt(i, u"sequence")) {
                ++i;
                if (wordAt(i, u"if") && wordAt(i + 1, u"not") && wordAt(i + 2, u"exists"))
                    i += 3;
                addOnce(m_out.createdTemporary, readName(i));
            }
        }
    } else if (verb == u"drop"_s
        && (wordAt(verbIndex + 1, u"table") || wordAt(verbIndex + 1, u"view"))) {
        qsizetype i = verbIndex + 2;
        if (wordAt(i, u"if") && wordAt(i + 1, u"exists"))
            i += 2;
        for (;;) {
            const QString name = readName(i);
            if (name.isEmpty())
                break;
            addOnce(m_out.dropped, name);
            if (!typeAt(i, SqlTokenType::Comma))
                break;
            ++i;
        }
    }

    // One pass over the items: tables, CTE names, locking clauses, volatile functions.
    const bool isSelect = verb == u"select"_s || verb == u"values"_s || verb == u"table"_s;
    QString lockClause;
    QString volatileCall;
    bool selectInto = false;
    bool mergeUsingSeen = false;
    // Per open '(': whether it is a function's argument list (FROM there is EXTRACT's).
    QList<bool> functionParen;
    int depth = 0;
    if (verb == u"table"_s) {
        qsizetype i = verbIndex + 1;
        if (wordAt(i, u"only"))
            ++i;
        addOnce(m_out.readTables, readName(i));
    }
    if (verb == u"copy"_s) {
        qsizetype i = verbIndex + 1;
        if (!typeAt(i, SqlTokenType::LeftParen))
            addOnce(m_out.readTables, readName(i));
    }
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        const Item &item = m_items[i];
        if (isType(item, SqlTokenType::LeftParen)) {
            const Item *prev = at(i - 1);
            const Item *next = at(i + 1);
            const bool subquery = next
                && (isWord(*next, u"select") || isWord(*next, u"with") || isWord(*next, u"values"));
            functionParen.append(!subquery && prev
                && ((prev->kind == ItemKind::Token && prev->type == SqlTokenType::Word
                        && !keywords().contains(prev->text))
                    || isType(*prev, SqlTokenType::QuotedIdentifier)));
            ++depth;
            continue;
        }
        if (isType(item, SqlTokenType::RightParen)) {
            if (!functionParen.isEmpty())
                functionParen.removeLast();
            --depth;
            continue;
        }
        if (item.kind != ItemKind::Token || item.type != SqlTokenType::Word)
            continue;
        const QString &w = item.text;
        const Item *prev = at(i - 1);
        if (w == u"with"_s) {
            cteNames(i + 1);
        } else if (w == u"from"_s) {
            if (verb == u"copy"_s || (prev && isWord(*prev, u"distinct"))
                || (!functionParen.isEmpty() && functionParen.last()))
                continue;
            if (prev && isWord(*prev, u"delete"))
                fromList(i + 1, m_out.writtenTables);
            else
                fromList(i + 1, m_out.readTables);
        } else if (w == u"join"_s) {
            tableRef(i + 1, m_out.readTables);
        } else if (w == u"update"_s) {
            if (prev
                && (isWord(*prev, u"for") || isWord(*prev, u"key") || isWord(*prev, u"do")
                    || isWord(*prev, u"no") || isWord(*prev, u"then")))
                continue;
            qsizetype j = i + 1;
            if (wordAt(j, u"only"))
                ++j;
            addOnce(m_out.writtenTables, readName(j));
        } else if (w == u"into"_s) {
            qsizetype j = i + 1;
            bool temporary = false;
            while (wordAt(j, u"temporary") || wordAt(j, u"temp") || wordAt(j, u"unlogged")
                || wordAt(j, u"table") || wordAt(j, u"local") || wordAt(j, u"global")) {
                temporary = temporary || wordAt(j, u"temporary") || wordAt(j, u"temp");
                ++j;
            }
            const QString name = readName(j);
            if (isSelect && depth == verbDepth) {
                selectInto = true;
                if (temporary)
                    addOnce(m_out.createdTemporary, name);
            } else if (prev && (isWord(*prev, u"insert") || isWord(*prev, u"merge"))) {
                addOnce(m_out.writtenTables, name);
            }
        } else if (w == u"truncate"_s && i == verbIndex) {
            qsizetype j = i + 1;
            if (wordAt(j, u"table"))
                ++j;
            for (;;) {
                if (wordAt(j, u"only"))
                    ++j;
                const QString name = readName(j);
                if (name.isEmpty())
                    break;
                addOnce(m_out.writtenTables, name);
                if (!typeAt(j, SqlTokenType::Comma))
                    break;
                ++j;
            }
        } else if (w == u"using"_s) {
            // MERGE INTO t USING s, DELETE FROM t USING s; JOIN ... USING (cols) is no table.
            if (verb == u"merge"_s && mergeUsingSeen)
                continue;
            mergeUsingSeen = true;
            if (!typeAt(i + 1, SqlTokenType::LeftParen)
                && (verb == u"merge"_s || verb == u"delete"_s))
                tableRef(i + 1, m_out.readTables);
        } else if (w == u"for"_s && lockClause.isEmpty()) {
            if (wordAt(i + 1, u"update"))
                lockClause = u"SELECT ... FOR UPDATE"_s;
            else if (wordAt(i + 1, u"share"))
                lockClause = u"SELECT ... FOR SHARE"_s;
            else if (wordAt(i + 1, u"no") && wordAt(i + 2, u"key") && wordAt(i + 3, u"update"))
                lockClause = u"SELECT ... FOR NO KEY UPDATE"_s;
            else if (wordAt(i + 1, u"key") && wordAt(i + 2, u"share"))
                lockClause = u"SELECT ... FOR KEY SHARE"_s;
        } else if (volatileCall.isEmpty()) {
            if (volatileFunctions().contains(w) && typeAt(i + 1, SqlTokenType::LeftParen))
                volatileCall = w + u"()"_s;
            else if (clockKeywords().contains(w) && !(prev && isType(*prev, SqlTokenType::Dot)))
                volatileCall = w;
        }
        if (!dataModifyingCte && prev && isType(*prev, SqlTokenType::LeftParen) && depth > 0
            && (w == u"insert"_s || w == u"update"_s || w == u"delete"_s || w == u"merge"_s)
            && (at(i - 2) && isWord(*at(i - 2), u"as")))
            dataModifyingCte = true;
    }

    // Common table expressions are not tables (unless a schema names them).
    for (const QString &cte : std::as_const(m_ctes)) {
        m_out.readTables.removeAll(cte);
        m_out.writtenTables.removeAll(cte);
    }

    if (st.kind == StatementKind::Read && dataModifyingCte) {
        st.kind = StatementKind::Write; // WITH x AS (DELETE ... RETURNING *) SELECT ...
    }
    if (st.kind == StatementKind::Write || st.kind == StatementKind::Read) {
        if (verb == u"with"_s) {
            st.kind = StatementKind::Uncacheable;
            st.reason = u"WITH without a main statement"_s;
        }
    }
    if (st.kind == StatementKind::Read) {
        if (selectInto) {
            st.kind = StatementKind::Uncacheable;
            st.reason = u"SELECT ... INTO"_s;
            m_out.changesData = true;
        } else if (!lockClause.isEmpty()) {
            st.kind = StatementKind::Uncacheable;
            st.reason = lockClause;
        } else if (!volatileCall.isEmpty()) {
            st.kind = StatementKind::Uncacheable;
            st.reason = u"calls "_s + volatileCall;
        }
    }
    if (st.kind == StatementKind::Write)
        m_out.changesData = true;
    st.tables = st.kind == StatementKind::Write ? m_out.writtenTables : m_out.readTables;
}

Analysis analyze(QStringView sql)
{
    Analysis analysis;
    NormalizedStatement &st = analysis.statement;
    QList<Item> list = items(sql);
    while (!list.isEmpty() && isType(list.last(), SqlTokenType::Semicolon))
        list.removeLast();

    // The template: literals become $n after the highest $n already there.
    int next = 1;
    for (const Item &item : std::as_const(list)) {
        if (isType(item, SqlTokenType::Placeholder))
            next = std::max(next, item.text.mid(1).left(9).toInt() + 1);
    }
    const QList<qsizetype> match = matchParens(list);
    QString text;
    text.reserve(sql.size());
    const Item *prev = nullptr;
    qsizetype valuesRowEnd = -1; // the ')' closing the last VALUES row
    Item listItem;
    listItem.kind = ItemKind::Literal;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const Item &item = list[i];
        if (isType(item, SqlTokenType::LeftParen) && prev) {
            const bool afterValues = isWord(*prev, u"values")
                || (isType(*prev, SqlTokenType::Comma) && i >= 2 && i - 2 == valuesRowEnd);
            if (afterValues)
                valuesRowEnd = match[i];
            if (afterValues || isWord(*prev, u"in")) {
                // A list of literals only: one (...) placeholder and one parameter.
                QStringList values;
                qsizetype j = i + 1;
                bool ok = false;
                while (j < list.size() && list[j].kind == ItemKind::Literal) {
                    values.append(list[j].value);
                    ++j;
                    if (j < list.size() && isType(list[j], SqlTokenType::Comma)) {
                        ++j;
                        continue;
                    }
                    ok = j < list.size() && isType(list[j], SqlTokenType::RightParen);
                    break;
                }
                if (ok) {
                    text += u" (...)"_s;
                    st.parameters.append(values.join(u','));
                    ++next;
                    prev = &list[j];
                    if (afterValues)
                        valuesRowEnd = j;
                    i = j;
                    continue;
                }
            }
        }
        if (prev && needsSpace(*prev, item))
            text += u' ';
        if (item.kind == ItemKind::Literal) {
            text += u'$' + QString::number(next++);
            st.parameters.append(item.value);
        } else {
            text += item.text;
        }
        prev = &item;
    }
    st.templateText = text;
    st.templateId = mixKey(fnv1a(text.toUtf8()));
    Key key = st.templateId;
    for (const QString &p : std::as_const(st.parameters))
        key = mixKey(key ^ fnv1a(p.toUtf8()) ^ 0x9e3779b97f4a7c15ULL);
    st.parameterKey = key;

    Analyzer(list, analysis).run();
    return analysis;
}

/// A table name as a temporary table's: pg_temp.x is x; another schema is not temporary.
QString temporaryName(const QString &table)
{
    if (table.startsWith(u"pg_temp."_s))
        return table.mid(8);
    return table.contains(u'.') ? QString() : table;
}

} // namespace

NormalizedStatement normalizeStatement(QStringView sql) { return analyze(sql).statement; }

NormalizedStatement StatementClassifier::classify(const QByteArray &session, QStringView sql)
{
    Analysis analysis = analyze(sql);
    NormalizedStatement &st = analysis.statement;
    SessionState &state = m_sessions[session];

    if (analysis.discardsTemporary)
        state.temporaryTables.clear();
    for (const QString &name : std::as_const(analysis.dropped))
        state.temporaryTables.remove(temporaryName(name));

    if (st.kind == StatementKind::Read || st.kind == StatementKind::Uncacheable) {
        for (const QString &table : std::as_const(analysis.readTables)) {
            const QString name = temporaryName(table);
            if (!name.isEmpty() && state.temporaryTables.contains(name)) {
                if (st.kind == StatementKind::Read) {
                    st.kind = StatementKind::Uncacheable;
                    st.reason = u"reads temporary table "_s + name;
                }
                break;
            }
        }
    }
    if (st.kind == StatementKind::Write) {
        for (const QString &table : std::as_const(analysis.writtenTables)) {
            const QString name = temporaryName(table);
            if (!name.isEmpty() && state.temporaryTables.contains(name)) {
                st.reason = u"writes temporary table "_s + name;
                break;
            }
        }
    }
    if (st.kind == StatementKind::Read && state.inTransaction && state.wrote) {
        st.kind = StatementKind::Uncacheable;
        st.reason = u"inside a transaction that wrote"_s;
    }

    for (const QString &name : std::as_const(analysis.createdTemporary))
        state.temporaryTables.insert(temporaryName(name).isEmpty() ? name : temporaryName(name));
    if (analysis.beginsTransaction) {
        state.inTransaction = true;
        state.wrote = false;
    } else if (analysis.endsTransaction) {
        state.inTransaction = false;
        state.wrote = false;
    } else if (state.inTransaction && analysis.changesData) {
        state.wrote = true;
    }
    if (!state.inTransaction && state.temporaryTables.isEmpty())
        m_sessions.remove(
            session); // nothing to remember: the hash stays as small as the log's open sessions
    return std::move(analysis.statement);
}

qsizetype StatementClassifier::openTransactions() const
{
    return std::count_if(m_sessions.cbegin(), m_sessions.cend(),
        [](const SessionState &s) { return s.inTransaction; });
}

} // namespace CacheScope
