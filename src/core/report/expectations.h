#pragma once

#include "core/error.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace CacheScope {

/// One threshold of `--expect` ("hit_ratio>=0.8"): a field of the command's JSON summary (dotted
/// for nested objects: "latency_us.hit.p99"), a comparison and a number.
struct Expectation
{
    enum class Op { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

    QString text; // as written, trimmed ("hit_ratio>=0.8")
    QStringList path; // {"latency_us", "hit", "p99"}
    Op op = Op::GreaterEqual;
    double value = 0; // "80%" is 0.8
    int column = 1; // 1-based, in the whole --expect text

    /// "hit_ratio >= 0.8"
    QString describe() const;
    bool holds(double measured) const;
};

/// Parses `--expect`'s list: expectations separated by commas, each FIELD OP NUMBER with OP one
/// of >= <= == != > < and NUMBER a decimal, optionally with a % (a ratio: "80%" is 0.8).
/// Field names are letters, digits, '_' and '-' in dot-separated parts. Errors name the option,
/// the text and the column ("column 10: expected a comparison (>=, <=, ==, !=, >, <) after
/// 'hit_ratio'").
Result<QList<Expectation>> parseExpectations(const QString &text);

/// Each expectation's field must be a number (or null) in `shape`, an example of the summary the
/// command prints (before the run, so that a misspelt field costs no run). The error names the
/// field, and the fields there are.
Result<void> checkExpectationFields(
    const QList<Expectation> &expectations, const QJsonObject &shape);

struct ExpectationResult
{
    Expectation expectation;
    std::optional<double> measured; // none when the summary has no value (null: no reads)
    bool met = false;
};

/// Evaluates every expectation against a summary; a missing or null value is not met.
QList<ExpectationResult> evaluateExpectations(
    const QList<Expectation> &expectations, const QJsonObject &summary);

/// "expectation failed: hit_ratio >= 0.8: measured 0.274" (or "measured nothing").
QString describeResult(const ExpectationResult &result);

/// The results as a JSON array of {"expect", "measured", "met"} (measured null when missing).
QJsonArray expectationResultsJson(const QList<ExpectationResult> &results);

} // namespace CacheScope
