#include "expectations.h"

#include <QJsonArray>
#include <QJsonValue>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

const QString option = u"--expect"_s;

bool isNameChar(QChar c) { return c.isLetterOrNumber() || c == u'_' || c == u'-'; }

QString opText(Expectation::Op op)
{
    switch (op) {
    case Expectation::Op::Less:
        return u"<"_s;
    case Expectation::Op::LessEqual:
        return u"<="_s;
    case Expectation::Op::Greater:
        return u">"_s;
    case Expectation::Op::GreaterEqual:
        return u">="_s;
    case Expectation::Op::Equal:
        return u"=="_s;
    case Expectation::Op::NotEqual:
        return u"!="_s;
    }
    return {};
}

/// What stands at `pos` for an error message: the rest of the item, or "the end".
QString found(const QString &text, qsizetype pos)
{
    if (pos >= text.size())
        return u"the end"_s;
    const qsizetype comma = text.indexOf(u',', pos);
    const QString rest = text.mid(pos, comma < 0 ? -1 : comma - pos).trimmed();
    return u"'"_s + (rest.isEmpty() ? text.mid(pos, 1) : rest.left(24)) + u"'"_s;
}

Error syntaxError(const QString &text, qsizetype pos, const QString &what)
{
    return Error { u"column %1: %2"_s.arg(pos + 1).arg(what), {}, 0, option, text };
}

/// The value at `path` in `object`: the JSON value, undefined when a part is missing.
QJsonValue lookUp(const QJsonObject &object, const QStringList &path)
{
    QJsonValue v = object;
    for (const QString &part : path) {
        if (!v.isObject())
            return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(part);
    }
    return v;
}

/// Every numeric (or null) field of `object`, dotted.
void numericFields(const QJsonObject &object, const QString &prefix, QStringList &out)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString name = prefix + it.key();
        if (it->isObject())
            numericFields(it->toObject(), name + u'.', out);
        else if (it->isDouble() || it->isNull())
            out << name;
    }
}

} // namespace

QString Expectation::describe() const
{
    return path.join(u'.') + u' ' + opText(op) + u' ' + QString::number(value, 'g', 10);
}

bool Expectation::holds(double measured) const
{
    switch (op) {
    case Op::Less:
        return measured < value;
    case Op::LessEqual:
        return measured <= value;
    case Op::Greater:
        return measured > value;
    case Op::GreaterEqual:
        return measured >= value;
    case Op::Equal:
        return measured == value;
    case Op::NotEqual:
        return measured != value;
    }
    return false;
}

Result<QList<Expectation>> parseExpectations(const QString &text)
{
    QList<Expectation> list;
    qsizetype pos = 0;
    const qsizetype n = text.size();
    auto skipSpaces = [&] {
        while (pos < n && text.at(pos).isSpace())
            ++pos;
    };
    for (;;) {
        skipSpaces();
        Expectation e;
        const qsizetype start = pos;
        e.column = int(pos + 1);
        // FIELD: name parts separated by dots.
        for (;;) {
            const qsizetype partStart = pos;
            while (pos < n && isNameChar(text.at(pos)))
                ++pos;
            if (pos == partStart)
                return syntaxError(text, pos,
                    (e.path.isEmpty()
                            ? u"expected a field of the summary (e.g. hit_ratio), found "_s
                            : u"expected a field name after '.', found "_s)
                        + found(text, pos));
            e.path << text.mid(partStart, pos - partStart);
            if (pos < n && text.at(pos) == u'.') {
                ++pos;
                continue;
            }
            break;
        }
        skipSpaces();
        // OP
        const QString two = text.mid(pos, 2);
        const QChar one = pos < n ? text.at(pos) : QChar();
        if (two == u">="_s || two == u"<="_s || two == u"=="_s || two == u"!="_s) {
            e.op = two == u">="_s ? Expectation::Op::GreaterEqual
                : two == u"<="_s  ? Expectation::Op::LessEqual
                : two == u"=="_s  ? Expectation::Op::Equal
                                  : Expectation::Op::NotEqual;
            pos += 2;
        } else if (one == u'>' || one == u'<') {
            e.op = one == u'>' ? Expectation::Op::Greater : Expectation::Op::Less;
            ++pos;
        } else {
            return syntaxError(text, pos,
                u"expected a comparison (>=, <=, ==, !=, >, <) after '%1', found %2"_s.arg(
                    e.path.join(u'.'), found(text, pos)));
        }
        if (pos < n && (text.at(pos) == u'=' || text.at(pos) == u'>' || text.at(pos) == u'<'))
            return syntaxError(text, pos,
                u"expected a number after '%1 %2', found %3"_s.arg(
                    e.path.join(u'.'), opText(e.op), found(text, pos)));
        skipSpaces();
        // NUMBER, optionally a percentage.
        const qsizetype numberStart = pos;
        if (pos < n && (text.at(pos) == u'-' || text.at(pos) == u'+'))
            ++pos;
        qsizetype digits = 0;
        while (pos < n && (text.at(pos).isDigit() || text.at(pos) == u'.')) {
            digits += text.at(pos).isDigit() ? 1 : 0;
            ++pos;
        }
        if (digits > 0 && pos < n && (text.at(pos) == u'e' || text.at(pos) == u'E')) {
            qsizetype p = pos + 1;
            if (p < n && (text.at(p) == u'-' || text.at(p) == u'+'))
                ++p;
            if (p < n && text.at(p).isDigit()) {
                pos = p;
                while (pos < n && text.at(pos).isDigit())
                    ++pos;
            }
        }
        bool ok = false;
        double value = digits > 0 ? text.mid(numberStart, pos - numberStart).toDouble(&ok) : 0;
        if (!ok || !std::isfinite(value))
            return syntaxError(text, numberStart,
                u"expected a number after '%1 %2', found %3"_s.arg(
                    e.path.join(u'.'), opText(e.op), found(text, numberStart)));
        if (pos < n && text.at(pos) == u'%') {
            value /= 100.0;
            ++pos;
        }
        e.value = value;
        e.text = text.mid(start, pos - start).trimmed();
        list << e;
        skipSpaces();
        if (pos >= n)
            return list;
        if (text.at(pos) != u',')
            return syntaxError(text, pos,
                u"expected ',' or the end after '%1', found %2"_s.arg(e.text, found(text, pos)));
        ++pos;
    }
}

Result<void> checkExpectationFields(
    const QList<Expectation> &expectations, const QJsonObject &shape)
{
    for (const Expectation &e : expectations) {
        const QJsonValue v = lookUp(shape, e.path);
        if (v.isDouble() || v.isNull())
            continue;
        QStringList fields;
        numericFields(shape, {}, fields);
        const QString why = v.isUndefined()
            ? u"is not a field of the summary (fields: %1)"_s.arg(fields.join(u", "_s))
            : u"is not a number in the summary (numeric fields: %1)"_s.arg(fields.join(u", "_s));
        return Error { why, {}, 0, option, e.path.join(u'.') };
    }
    return {};
}

QList<ExpectationResult> evaluateExpectations(
    const QList<Expectation> &expectations, const QJsonObject &summary)
{
    QList<ExpectationResult> results;
    for (const Expectation &e : expectations) {
        ExpectationResult r { e, std::nullopt, false };
        if (const QJsonValue v = lookUp(summary, e.path); v.isDouble()) {
            r.measured = v.toDouble();
            r.met = e.holds(*r.measured);
        }
        results << r;
    }
    return results;
}

QString describeResult(const ExpectationResult &result)
{
    return u"expectation %1: %2: measured %3"_s.arg(result.met ? u"met"_s : u"failed"_s,
        result.expectation.describe(),
        result.measured ? QString::number(*result.measured, 'g', 10) : u"nothing (no value)"_s);
}

QJsonArray expectationResultsJson(const QList<ExpectationResult> &results)
{
    QJsonArray a;
    for (const ExpectationResult &r : results)
        a.append(QJsonObject { { u"expect"_s, r.expectation.describe() },
            { u"measured"_s, r.measured ? QJsonValue(*r.measured) : QJsonValue() },
            { u"met"_s, r.met } });
    return a;
}

} // namespace CacheScope
