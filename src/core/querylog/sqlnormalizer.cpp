#include "core/querylog/sqlnormalizer.h"

#include "core/querylog/sqllexer.h"

#include <QList>

#include <algorithm>
#include <array>
#include <charconv>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

/// A fixed set of words, looked up as a QStringView without building a QString or hashing:
/// among the few words of the same length, first character first. The words are views of
/// string literals (static storage). Lookups run for most words of every statement, where a
/// QSet's hashing cost more than the rest of normalizing.
class WordSet
{
public:
    WordSet(std::initializer_list<QStringView> words)
    {
        for (const QStringView word : words) {
            Q_ASSERT(word.size() < MaxLength);
            m_byLength[size_t(word.size())].append(word);
        }
    }

    bool contains(QStringView word) const
    {
        if (word.isEmpty() || word.size() >= MaxLength)
            return false;
        const QList<QStringView> &candidates = m_byLength[size_t(word.size())];
        return std::any_of(candidates.cbegin(), candidates.cend(),
            [&](QStringView c) { return c.front() == word.front() && c == word; });
    }

private:
    static constexpr qsizetype MaxLength = 32;
    std::array<QList<QStringView>, MaxLength> m_byLength;
};

/// Words that start or shape a clause: never a table alias, never a function name, and a
/// `-` after one of them is a sign.
const WordSet &keywords()
{
    static const WordSet set {
        u"select",
        u"from",
        u"where",
        u"and",
        u"or",
        u"not",
        u"in",
        u"is",
        u"null",
        u"as",
        u"on",
        u"join",
        u"left",
        u"right",
        u"inner",
        u"outer",
        u"full",
        u"cross",
        u"natural",
        u"using",
        u"group",
        u"by",
        u"order",
        u"having",
        u"limit",
        u"offset",
        u"union",
        u"all",
        u"except",
        u"intersect",
        u"distinct",
        u"case",
        u"when",
        u"then",
        u"else",
        u"end",
        u"between",
        u"like",
        u"ilike",
        u"similar",
        u"exists",
        u"insert",
        u"into",
        u"values",
        u"update",
        u"set",
        u"delete",
        u"returning",
        u"with",
        u"recursive",
        u"any",
        u"some",
        u"array",
        u"for",
        u"fetch",
        u"only",
        u"lateral",
        u"default",
        u"asc",
        u"desc",
        u"nulls",
        u"window",
        u"over",
        u"partition",
        u"filter",
        u"within",
        u"table",
        u"do",
        u"conflict",
        u"nothing",
        u"escape",
        u"to",
        u"of",
        u"merge",
        u"matched",
        u"tablesample",
        u"truncate",
        u"return",
        u"like",
        u"overlaps",
        u"at",
        u"collate",
        u"isnull",
        u"notnull",
        u"rows",
        u"range",
        u"groups",
        u"ordinality",
        u"create",
        u"drop",
        u"alter",
    };
    return set;
}

/// Functions whose result changes from call to call (or with the clock): a read calling one is
/// not cacheable.
const WordSet &volatileFunctions()
{
    static const WordSet set {
        u"now",
        u"clock_timestamp",
        u"random",
        u"nextval",
        u"setval",
        u"gen_random_uuid",
        u"uuid_generate_v1",
        u"uuid_generate_v4",
        u"statement_timestamp",
        u"transaction_timestamp",
        u"timeofday",
        u"txid_current",
        u"pg_current_xact_id",
        u"pg_sleep",
        u"currval",
        u"lastval",
        u"random_normal",
        u"pg_advisory_lock",
        u"pg_try_advisory_lock",
    };
    return set;
}

/// The SQL-standard functions written without parentheses that read the clock.
const WordSet &clockKeywords()
{
    static const WordSet set {
        u"current_timestamp",
        u"current_time",
        u"current_date",
        u"localtime",
        u"localtimestamp",
    };
    return set;
}

/// Type names that make `TYPE 'text'` one typed literal.
const WordSet &literalTypes()
{
    static const WordSet set {
        u"date",
        u"time",
        u"timetz",
        u"timestamp",
        u"timestamptz",
        u"interval",
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

/// fnv1a(text.toUtf8()), without building the UTF-8 copy when the text is ASCII (templates
/// and most parameters are): then its UTF-8 bytes are its UTF-16 code units.
quint64 fnv1aUtf8(QStringView text)
{
    quint64 h = 0xcbf29ce484222325ULL;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 0x80)
            return fnv1a(text.toUtf8());
        h ^= u;
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool hasAsciiUpper(QStringView text)
{
    return std::any_of(text.begin(), text.end(),
        [](QChar c) { return c.unicode() >= u'A' && c.unicode() <= u'Z'; });
}

/// Appends the decimal digits of `n` to `out` without a temporary QString.
void appendNumber(QString &out, int n)
{
    std::array<char, 16> digits {};
    const auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
    Q_UNUSED(error); // 16 characters hold any int
    out += QLatin1String(digits.data(), end);
}

enum class ItemKind { Token, Literal };

/// A token after literals are merged: a typed literal, a signed number and a string are one
/// Literal item each.
struct Item
{
    ItemKind kind = ItemKind::Token;
    SqlTokenType type = SqlTokenType::Word;
    /// Word: lower-cased; others: as written. A view of the statement's text (or of its
    /// lower-cased copy), valid while analyze() runs.
    QStringView text;
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

/// The items of `sql`. A word with upper-case letters gets its text from `lowered`, the
/// statement lower-cased, made on the first such word; `lowered` must outlive the items.
QList<Item> items(QStringView sql, QString &lowered)
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
            if (hasAsciiUpper(text)) {
                if (lowered.isEmpty())
                    lowered = asciiLower(sql);
                item.text = QStringView(lowered).mid(t.begin, t.end - t.begin);
            } else {
                item.text = text;
            }
            if (item.text == u"true" || item.text == u"false") {
                item.kind = ItemKind::Literal;
                item.value = item.text.toString();
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
                && (out.last().text == u"-" || out.last().text == u"+")) {
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
                    if (out.last().text == u"-")
                        item.value.prepend(u'-');
                    out.removeLast();
                }
            }
            break;
        }
        default:
            item.text = text;
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
    Analyzer(const QList<Item> &list, const QList<qsizetype> &match, Analysis &out)
        : m_items(list)
        , m_match(match)
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
    static QString namePart(const Item &item)
    {
        return item.type == SqlTokenType::QuotedIdentifier
            ? sqlIdentifierValue(item.text, SqlToken { item.type, 0, item.text.size(), false })
            : item.text.toString();
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
    QStringView mainVerb() const;

    const QList<Item> &m_items;
    const QList<qsizetype> &m_match; // matchParens(m_items)
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
QStringView Analyzer::mainVerb() const
{
    qsizetype i = 0;
    while (typeAt(i, SqlTokenType::LeftParen))
        ++i;
    const Item *first = at(i);
    if (!first || first->kind != ItemKind::Token || first->type != SqlTokenType::Word)
        return first ? QStringView(u"?") : QStringView();
    if (first->text != u"with")
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
    return u"with";
}

void Analyzer::run()
{
    NormalizedStatement &st = m_out.statement;
    const QStringView verb = mainVerb();
    qsizetype verbIndex = 0;
    while (typeAt(verbIndex, SqlTokenType::LeftParen))
        ++verbIndex;
    const int verbDepth = int(verbIndex);

    // What the statement is, before looking at its parts.
    static const WordSet ddl { u"create", u"alter", u"drop", u"comment", u"grant", u"revoke",
        u"security", u"reassign", u"import", u"refresh", u"cluster", u"reindex" };
    static const WordSet control { u"begin", u"start", u"commit", u"end", u"rollback", u"savepoint",
        u"release", u"abort" };
    static const QHash<QStringView, QString> others {
        { u"copy", u"COPY"_s },
        { u"set", u"SET"_s },
        { u"reset", u"RESET"_s },
        { u"show", u"SHOW"_s },
        { u"listen", u"LISTEN"_s },
        { u"unlisten", u"UNLISTEN"_s },
        { u"notify", u"NOTIFY"_s },
        { u"vacuum", u"VACUUM"_s },
        { u"analyze", u"ANALYZE"_s },
        { u"analyse", u"ANALYZE"_s },
        { u"call", u"CALL"_s },
        { u"do", u"DO"_s },
        { u"explain", u"EXPLAIN"_s },
        { u"prepare", u"PREPARE"_s },
        { u"execute", u"EXECUTE"_s },
        { u"deallocate", u"DEALLOCATE"_s },
        { u"lock", u"LOCK"_s },
        { u"discard", u"DISCARD"_s },
        { u"checkpoint", u"CHECKPOINT"_s },
        { u"declare", u"DECLARE"_s },
        { u"fetch", u"FETCH"_s },
        { u"move", u"MOVE"_s },
        { u"close", u"CLOSE"_s },
        { u"load", u"LOAD"_s },
    };
    bool dataModifyingCte = false;
    if (verb.isEmpty()) {
        st.kind = StatementKind::Uncacheable;
        st.reason = u"empty statement"_s;
    } else if (verb == u"select" || verb == u"values" || verb == u"table") {
        st.kind = StatementKind::Read;
    } else if (verb == u"insert" || verb == u"update" || verb == u"delete" || verb == u"truncate"
        || verb == u"merge") {
        st.kind = StatementKind::Write;
    } else if (verb == u"prepare" && wordAt(verbIndex + 1, u"transaction")) {
        st.kind = StatementKind::Control;
        m_out.endsTransaction = true;
    } else if (control.contains(verb)) {
        st.kind = StatementKind::Control;
        if (verb == u"begin" || verb == u"start") {
            m_out.beginsTransaction = true;
        } else if (verb == u"commit" || verb == u"end" || verb == u"abort" || verb == u"rollback") {
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
        m_out.changesData = verb == u"copy";
        if (verb == u"discard")
            m_out.discardsTemporary = wordAt(verbIndex + 1, u"all")
                || wordAt(verbIndex + 1, u"temp") || wordAt(verbIndex + 1, u"temporary");
    } else {
        st.kind = StatementKind::Uncacheable;
        st.reason = u"unrecognised statement "_s + verb.toString().toUpper();
    }

    // Temporary relations and dropped tables, for the session rules.
    if (verb == u"create") {
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
    } else if (verb == u"drop"
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
    const bool isSelect = verb == u"select" || verb == u"values" || verb == u"table";
    QString lockClause;
    QString volatileCall;
    bool selectInto = false;
    bool mergeUsingSeen = false;
    // Per open '(': whether it is a function's argument list (FROM there is EXTRACT's).
    QList<bool> functionParen;
    int depth = 0;
    if (verb == u"table") {
        qsizetype i = verbIndex + 1;
        if (wordAt(i, u"only"))
            ++i;
        addOnce(m_out.readTables, readName(i));
    }
    if (verb == u"copy") {
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
        const QStringView w = item.text;
        const Item *prev = at(i - 1);
        if (w == u"with") {
            cteNames(i + 1);
        } else if (w == u"from") {
            if (verb == u"copy" || (prev && isWord(*prev, u"distinct"))
                || (!functionParen.isEmpty() && functionParen.last()))
                continue;
            if (prev && isWord(*prev, u"delete"))
                fromList(i + 1, m_out.writtenTables);
            else
                fromList(i + 1, m_out.readTables);
        } else if (w == u"join") {
            tableRef(i + 1, m_out.readTables);
        } else if (w == u"update") {
            if (prev
                && (isWord(*prev, u"for") || isWord(*prev, u"key") || isWord(*prev, u"do")
                    || isWord(*prev, u"no") || isWord(*prev, u"then")))
                continue;
            qsizetype j = i + 1;
            if (wordAt(j, u"only"))
                ++j;
            addOnce(m_out.writtenTables, readName(j));
        } else if (w == u"into") {
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
        } else if (w == u"truncate" && i == verbIndex) {
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
        } else if (w == u"using") {
            // MERGE INTO t USING s, DELETE FROM t USING s; JOIN ... USING (cols) is no table.
            if (verb == u"merge" && mergeUsingSeen)
                continue;
            mergeUsingSeen = true;
            if (!typeAt(i + 1, SqlTokenType::LeftParen) && (verb == u"merge" || verb == u"delete"))
                tableRef(i + 1, m_out.readTables);
        } else if (w == u"for" && lockClause.isEmpty()) {
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
                volatileCall = w.toString() + u"()"_s;
            else if (clockKeywords().contains(w) && !(prev && isType(*prev, SqlTokenType::Dot)))
                volatileCall = w.toString();
        }
        if (!dataModifyingCte && prev && isType(*prev, SqlTokenType::LeftParen) && depth > 0
            && (w == u"insert" || w == u"update" || w == u"delete" || w == u"merge")
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
        if (verb == u"with") {
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
    QString lowered; // the statement lower-cased, when a word needs it: the items view it
    QList<Item> list = items(sql, lowered);
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
            text += u'$';
            appendNumber(text, next++);
            st.parameters.append(item.value);
        } else {
            text += item.text;
        }
        prev = &item;
    }
    st.templateText = std::move(text);
    st.templateId = mixKey(fnv1aUtf8(st.templateText));
    Key key = st.templateId;
    for (const QString &p : std::as_const(st.parameters))
        key = mixKey(key ^ fnv1aUtf8(p) ^ 0x9e3779b97f4a7c15ULL);
    st.parameterKey = key;

    Analyzer(list, match, analysis).run();
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
    // Most sessions have nothing to remember and are not in the hash: their state starts from
    // `fresh` and goes in only when it must be remembered (one hash lookup per statement).
    const auto found = m_sessions.find(session);
    SessionState fresh;
    SessionState &state = found != m_sessions.end() ? *found : fresh;

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
    // Nothing to remember: the hash stays as small as the log's open sessions.
    const bool remember = state.inTransaction || !state.temporaryTables.isEmpty();
    if (found != m_sessions.end() && !remember)
        m_sessions.erase(found);
    else if (found == m_sessions.end() && remember)
        m_sessions.insert(session, fresh);
    return std::move(analysis.statement);
}

qsizetype StatementClassifier::openTransactions() const
{
    return std::count_if(m_sessions.cbegin(), m_sessions.cend(),
        [](const SessionState &s) { return s.inTransaction; });
}

} // namespace CacheScope
