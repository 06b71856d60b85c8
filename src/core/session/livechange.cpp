#include "core/session/livechange.h"

#include "core/engine/capacity.h"
#include "core/engine/runconfig.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

QString shown(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    const QByteArray json
        = QJsonDocument(QJsonObject { { u"v"_s, v } }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(5, json.size() - 6)); // {"v":...} without the wrapper
}

Error fieldError(const QString &field, const QJsonValue &v, const QString &message)
{
    return Error { message, {}, 0, field, shown(v) };
}

/// A whole number: a JSON number without a fraction, or a string of digits.
std::optional<qint64> wholeNumber(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (std::isfinite(d) && std::abs(d) < 9.0e15 && d == std::floor(d))
            return qint64(d);
        return std::nullopt;
    }
    if (!v.isString())
        return std::nullopt;
    bool ok = false;
    const qint64 n = v.toString().toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

} // namespace

Result<LiveChange> parseLiveChange(QByteArrayView line)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (!doc.isObject())
        return Error { u"is not a JSON object ("_s
                + (parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                : u"another JSON value"_s)
                + u')',
            {}, 0, u"line"_s,
            QString::fromUtf8(line.first(std::min<qsizetype>(line.size(), 80)).toByteArray()) };
    LiveChange change;
    const QJsonObject object = doc.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (key == u"invalidation"_s) {
            const Result<L2Invalidation> mode = parseInvalidation(v.toString());
            if (!mode)
                return fieldError(key, v, mode.error().message);
            change.invalidation = *mode;
        } else if (key == u"l2_ttl_ms"_s) {
            const std::optional<qint64> ttl = wholeNumber(v);
            if (!ttl || *ttl < 0)
                return fieldError(key, v, u"must be 0 or a positive number of milliseconds"_s);
            change.l2TtlMs = *ttl;
        } else if (key == u"write_ratio"_s) {
            if (!v.isDouble() || !validateWriteRatio(v.toDouble()))
                return fieldError(key, v, u"must be a number from 0 to 1"_s);
            change.writeRatio = v.toDouble();
        } else if (key == u"threads"_s) {
            const std::optional<qint64> threads = wholeNumber(v);
            if (!threads || *threads < 1 || *threads > maxWorkerThreads)
                return fieldError(
                    key, v, u"must be a whole number from 1 to %1"_s.arg(maxWorkerThreads));
            change.threads = int(*threads);
        } else if (key == u"capacity"_s) {
            const std::optional<qint64> count = v.isDouble() ? wholeNumber(v) : std::nullopt;
            const QString text = count ? QString::number(*count) : v.toString();
            Result<std::pair<qint64, SizeUnit>> capacity = parseCacheCapacity(text, key);
            if (!capacity)
                return fieldError(key, v, capacity.error().message);
            change.capacity = *capacity;
        } else if (key == u"policy"_s) {
            if (!v.isString() || v.toString().trimmed().isEmpty())
                return fieldError(key, v, u"must be a policy id, e.g. \"lru\""_s);
            change.policy = v.toString().trimmed();
        } else if (key == u"stop"_s) {
            if (!v.isBool())
                return fieldError(key, v, u"must be true or false"_s);
            change.stop = v.toBool();
        } else {
            return fieldError(key, v,
                u"is not a live setting (invalidation, write_ratio, l2_ttl_ms, threads, "
                "capacity, policy, stop)"_s);
        }
    }
    return change;
}

} // namespace CacheScope
