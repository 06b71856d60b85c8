#include "core/querylog/sqllexer.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

bool isDigit(QChar c) { return c.unicode() >= u'0' && c.unicode() <= u'9'; }

bool isIdentifierStart(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || u == u'_' || u >= 0x80;
}

bool isOperatorChar(QChar c)
{
    switch (c.unicode()) {
    case u'+':
    case u'-':
    case u'*':
    case u'/':
    case u'<':
    case u'>':
    case u'=':
    case u'~':
    case u'!':
    case u'@':
    case u'#':
    case u'%':
    case u'^':
    case u'&':
    case u'|':
    case u'`':
    case u'?':
        return true;
    default:
        return false;
    }
}

int hexDigit(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

/// From just after an opening quote `q`, past the closing one (a doubled quote is part of the
/// text; with `backslashes`, so is a backslash-escaped character). Sets `unterminated` at the end.
qsizetype skipQuoted(QStringView s, qsizetype i, QChar q, bool backslashes, bool &unterminated)
{
    const qsizetype n = s.size();
    while (i < n) {
        const QChar c = s[i];
        if (backslashes && c == u'\\') {
            i += 2;
            continue;
        }
        if (c == q) {
            if (i + 1 < n && s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        ++i;
    }
    unterminated = true;
    return n;
}

/// The length of a dollar-quote tag ($$ or $tag$) starting at i, or 0 if there is none.
qsizetype dollarTagLength(QStringView s, qsizetype i)
{
    const qsizetype n = s.size();
    if (i + 1 >= n || s[i] != u'$')
        return 0;
    qsizetype j = i + 1;
    if (s[j] == u'$')
        return 2;
    if (!isIdentifierStart(s[j]))
        return 0;
    while (j < n && isSqlIdentifierChar(s[j]) && s[j] != u'$')
        ++j;
    if (j < n && s[j] == u'$')
        return j + 1 - i;
    return 0;
}

} // namespace

QList<SqlToken> tokenizeSql(QStringView s)
{
    QList<SqlToken> tokens;
    // Rarely needs to grow: statements have fewer tokens than a third of their characters.
    tokens.reserve(s.size() / 3 + 4);
    const qsizetype n = s.size();
    qsizetype i = 0;
    auto add = [&](SqlTokenType type, qsizetype begin, qsizetype end, bool unterminated = false) {
        tokens.append(SqlToken { type, begin, end, unterminated });
    };
    while (i < n) {
        const QChar c = s[i];
        const char16_t u = c.unicode();
        if (c.isSpace()) {
            ++i;
            continue;
        }
        // Comments.
        if (u == u'-' && i + 1 < n && s[i + 1] == u'-') {
            while (i < n && s[i] != u'\n')
                ++i;
            continue;
        }
        if (u == u'/' && i + 1 < n && s[i + 1] == u'*') {
            int depth = 1;
            i += 2;
            while (i < n && depth > 0) {
                if (s[i] == u'/' && i + 1 < n && s[i + 1] == u'*') {
                    ++depth;
                    i += 2;
                } else if (s[i] == u'*' && i + 1 < n && s[i + 1] == u'/') {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            }
            continue;
        }
        const qsizetype begin = i;
        bool unterminated = false;
        // Strings with a prefix: E'', B'', X'', N'', U&''; U&"" identifiers.
        if ((u == u'e' || u == u'E' || u == u'b' || u == u'B' || u == u'x' || u == u'X' || u == u'n'
                || u == u'N')
            && i + 1 < n && s[i + 1] == u'\'') {
            const bool escapes = u == u'e' || u == u'E';
            i = skipQuoted(s, i + 2, u'\'', escapes, unterminated);
            add(SqlTokenType::String, begin, i, unterminated);
            continue;
        }
        if ((u == u'u' || u == u'U') && i + 2 < n && s[i + 1] == u'&'
            && (s[i + 2] == u'\'' || s[i + 2] == u'"')) {
            const QChar q = s[i + 2];
            i = skipQuoted(s, i + 3, q, false, unterminated);
            add(q == u'\'' ? SqlTokenType::String : SqlTokenType::QuotedIdentifier, begin, i,
                unterminated);
            continue;
        }
        if (u == u'\'') {
            i = skipQuoted(s, i + 1, c, false, unterminated);
            add(SqlTokenType::String, begin, i, unterminated);
            continue;
        }
        if (u == u'"') {
            i = skipQuoted(s, i + 1, c, false, unterminated);
            add(SqlTokenType::QuotedIdentifier, begin, i, unterminated);
            continue;
        }
        if (u == u'$') {
            if (i + 1 < n && isDigit(s[i + 1])) {
                i += 1;
                while (i < n && isDigit(s[i]))
                    ++i;
                add(SqlTokenType::Placeholder, begin, i);
                continue;
            }
            const qsizetype tag = dollarTagLength(s, i);
            if (tag > 0) {
                const QStringView tagText = s.mid(i, tag);
                const qsizetype close = s.indexOf(tagText, i + tag);
                if (close < 0) {
                    i = n;
                    unterminated = true;
                } else {
                    i = close + tag;
                }
                add(SqlTokenType::DollarString, begin, i, unterminated);
                continue;
            }
            ++i;
            add(SqlTokenType::Operator, begin, i);
            continue;
        }
        if (isDigit(c) || (u == u'.' && i + 1 < n && isDigit(s[i + 1]))) {
            if (u == u'0' && i + 2 < n && (s[i + 1] == u'x' || s[i + 1] == u'X')
                && hexDigit(s[i + 2]) >= 0) {
                i += 2;
                while (i < n && (hexDigit(s[i]) >= 0 || s[i] == u'_'))
                    ++i;
            } else {
                while (i < n && (isDigit(s[i]) || s[i] == u'_'))
                    ++i;
                // A fraction, but not the ".." of a range or a "1.x" field access.
                if (i < n && s[i] == u'.' && !(i + 1 < n && s[i + 1] == u'.')) {
                    ++i;
                    while (i < n && (isDigit(s[i]) || s[i] == u'_'))
                        ++i;
                }
                if (i < n && (s[i] == u'e' || s[i] == u'E')) {
                    qsizetype j = i + 1;
                    if (j < n && (s[j] == u'+' || s[j] == u'-'))
                        ++j;
                    if (j < n && isDigit(s[j])) {
                        i = j;
                        while (i < n && isDigit(s[i]))
                            ++i;
                    }
                }
            }
            add(SqlTokenType::Number, begin, i);
            continue;
        }
        if (isIdentifierStart(c)) {
            while (i < n && isSqlIdentifierChar(s[i]))
                ++i;
            add(SqlTokenType::Word, begin, i);
            continue;
        }
        switch (u) {
        case u'(':
            add(SqlTokenType::LeftParen, i, i + 1);
            ++i;
            continue;
        case u')':
            add(SqlTokenType::RightParen, i, i + 1);
            ++i;
            continue;
        case u'[':
            add(SqlTokenType::LeftBracket, i, i + 1);
            ++i;
            continue;
        case u']':
            add(SqlTokenType::RightBracket, i, i + 1);
            ++i;
            continue;
        case u',':
            add(SqlTokenType::Comma, i, i + 1);
            ++i;
            continue;
        case u';':
            add(SqlTokenType::Semicolon, i, i + 1);
            ++i;
            continue;
        case u'.':
            add(SqlTokenType::Dot, i, i + 1);
            ++i;
            continue;
        case u':':
            if (i + 1 < n && s[i + 1] == u':') {
                add(SqlTokenType::Cast, i, i + 2);
                i += 2;
            } else {
                add(SqlTokenType::Operator, i, i + 1);
                ++i;
            }
            continue;
        default:
            break;
        }
        if (isOperatorChar(c)) {
            // PostgreSQL's rule: a run of operator characters, cut before a comment start; a
            // multi-character operator ends in + or - only if it holds one of ~ ! @ # % ^ & | ` ?.
            qsizetype j = i;
            while (j < n && isOperatorChar(s[j])) {
                if (j > i && j + 1 < n
                    && ((s[j] == u'-' && s[j + 1] == u'-') || (s[j] == u'/' && s[j + 1] == u'*')))
                    break;
                ++j;
            }
            bool special = false;
            for (qsizetype k = i; k < j; ++k) {
                const char16_t o = s[k].unicode();
                if (o == u'~' || o == u'!' || o == u'@' || o == u'#' || o == u'%' || o == u'^'
                    || o == u'&' || o == u'|' || o == u'`' || o == u'?')
                    special = true;
            }
            while (!special && j - i > 1 && (s[j - 1] == u'+' || s[j - 1] == u'-'))
                --j;
            add(SqlTokenType::Operator, i, j);
            i = j;
            continue;
        }
        // Anything else (a stray backslash, control characters): one operator-like token.
        ++i;
        add(SqlTokenType::Operator, begin, i);
    }
    return tokens;
}

QString sqlStringValue(QStringView s, const SqlToken &token)
{
    QStringView text = s.mid(token.begin, token.end - token.begin);
    if (token.type == SqlTokenType::DollarString) {
        const qsizetype tag = dollarTagLength(text, 0);
        if (tag == 0 || text.size() < tag)
            return text.toString();
        text = text.mid(tag);
        if (!token.unterminated && text.size() >= tag)
            text.chop(tag);
        return text.toString();
    }
    bool escapes = false;
    if (!text.isEmpty() && text[0] != u'\'') {
        escapes = text[0] == u'e' || text[0] == u'E';
        const qsizetype quote = text.indexOf(u'\'');
        if (quote < 0)
            return text.toString();
        text = text.mid(quote);
    }
    if (text.isEmpty())
        return {};
    text = text.mid(1);
    if (!token.unterminated && !text.isEmpty())
        text.chop(1);
    QString out;
    out.reserve(text.size());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (c == u'\'' && i + 1 < n && text[i + 1] == u'\'') {
            out += c;
            ++i;
            continue;
        }
        if (!escapes || c != u'\\' || i + 1 >= n) {
            out += c;
            continue;
        }
        const QChar e = text[++i];
        switch (e.unicode()) {
        case u'n':
            out += u'\n';
            break;
        case u't':
            out += u'\t';
            break;
        case u'r':
            out += u'\r';
            break;
        case u'b':
            out += u'\b';
            break;
        case u'f':
            out += u'\f';
            break;
        case u'x': {
            int v = 0;
            int digits = 0;
            while (digits < 2 && i + 1 < n && hexDigit(text[i + 1]) >= 0) {
                v = v * 16 + hexDigit(text[++i]);
                ++digits;
            }
            if (digits == 0)
                out += e;
            else
                out += QChar(char16_t(v));
            break;
        }
        case u'u':
        case u'U': {
            const int want = e == u'u' ? 4 : 8;
            if (i + want < n) {
                char32_t v = 0;
                bool ok = true;
                for (int k = 1; k <= want; ++k) {
                    const int d = hexDigit(text[i + k]);
                    ok = ok && d >= 0;
                    v = v * 16 + char32_t(d < 0 ? 0 : d);
                }
                if (ok && v <= 0x10ffff) {
                    out += QString::fromUcs4(&v, 1);
                    i += want;
                    break;
                }
            }
            out += e;
            break;
        }
        default:
            if (e.unicode() >= u'0' && e.unicode() <= u'7') {
                int v = e.unicode() - u'0';
                for (int k = 0; k < 2 && i + 1 < n && text[i + 1].unicode() >= u'0'
                     && text[i + 1].unicode() <= u'7';
                     ++k)
                    v = v * 8 + (text[++i].unicode() - u'0');
                out += QChar(char16_t(v));
            } else {
                out += e; // \\, \' and any other escaped character as it is
            }
            break;
        }
    }
    return out;
}

QString sqlIdentifierValue(QStringView s, const SqlToken &token)
{
    QStringView text = s.mid(token.begin, token.end - token.begin);
    if (text.startsWith(u'"')) {
        text = text.mid(1);
        if (!token.unterminated && !text.isEmpty())
            text.chop(1);
        QString out = text.toString();
        out.replace(u"\"\""_s, u"\""_s);
        return out;
    }
    return text.toString();
}

QString sqlQuoted(QStringView value)
{
    QString out;
    out.reserve(value.size() + 2);
    out += u'\'';
    for (const QChar c : value) {
        if (c == u'\'')
            out += u'\'';
        out += c;
    }
    out += u'\'';
    return out;
}

} // namespace CacheScope
