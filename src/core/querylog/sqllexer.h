#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace CacheScope {

/// The kinds of token PostgreSQL's SQL has, as far as the query-log code needs them.
enum class SqlTokenType {
    Word, // keyword or unquoted identifier (letters, digits, _, $, non-ASCII)
    QuotedIdentifier, // "..." or U&"..."
    String, // '...', E'...', B'...', X'...', N'...', U&'...'
    DollarString, // $$...$$, $tag$...$tag$
    Number, // 42, 1.5, .5, 1e3, 1.5e-3, 0x1F, 1_000
    Placeholder, // $1
    Operator, // + - * / < > = ~ ! @ # % ^ & | ` ? and their runs (<=, ->>, ...), also a lone ':'
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Semicolon,
    Dot,
    Cast, // ::
};

/// One token of a statement: where it is in the text. Comments and whitespace are not tokens.
struct SqlToken
{
    SqlTokenType type = SqlTokenType::Word;
    qsizetype begin = 0;
    qsizetype end = 0;
    /// The text ran out inside this token (an unterminated quote, quoted identifier, dollar quote
    /// or block comment): it runs to the end.
    bool unterminated = false;
};

/// Splits `sql` into tokens, skipping whitespace, `--` comments and nested `/* */` comments.
/// Standard-conforming strings: a backslash is an escape only in E'...'. Any text gives tokens,
/// never a crash; an unterminated construct runs to the end and is flagged.
QList<SqlToken> tokenizeSql(QStringView sql);

/// The value of a String or DollarString token: quotes removed, '' undoubled, E'' escapes
/// (\n \t \r \b \f \\ \' \ooo \xhh \uXXXX \UXXXXXXXX) decoded.
QString sqlStringValue(QStringView sql, const SqlToken &token);

/// A quoted identifier's name: quotes removed, "" undoubled (U&"..." escapes are kept as written).
QString sqlIdentifierValue(QStringView sql, const SqlToken &token);

/// `value` as an SQL string literal: 'it''s'.
QString sqlQuoted(QStringView value);

/// Whether `c` may continue an unquoted identifier (letters, digits, _, $, non-ASCII).
inline bool isSqlIdentifierChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
        || u == u'_' || u == u'$' || u >= 0x80;
}

} // namespace CacheScope
