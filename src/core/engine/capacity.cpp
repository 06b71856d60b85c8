#include "core/engine/capacity.h"

#include <QRegularExpression>

#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

enum class Context { Replay, LiveCache };

Error itemError(const QString &message, const QString &option, const QString &item)
{
    return Error { message, {}, 0, option, item };
}

QString notACapacity(Context context)
{
    return context == Context::Replay
        ? u"is not a number (use an integer, a K/M/G size or a percentage like 1%)"_s
        : u"is not a capacity (entries like 10000, or bytes like 64MB)"_s;
}

/// One item of the grammar (already trimmed). Suffix rules are the caller's: the spec says
/// whether a suffix was written.
Result<CapacitySpec> parseItem(const QString &item, Context context, const QString &option)
{
    CapacitySpec spec;
    spec.text = item;
    if (item.endsWith(u'%')) {
        if (context == Context::LiveCache)
            return itemError(
                notACapacity(context) + u"; a percentage needs a trace"_s, option, item);
        bool ok = false;
        const double p = QStringView(item).chopped(1).trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(p))
            return itemError(u"is not a percentage"_s, option, item);
        if (p <= 0 || p > 100)
            return itemError(u"must be a percentage in (0%, 100%]"_s, option, item);
        spec.isPercent = true;
        spec.percent = p;
        return spec;
    }
    static const QRegularExpression re(
        u"^([+-]?)(\\d+)\\s*([KMG]I?B?)?$"_s, QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(item);
    if (!m.hasMatch())
        return itemError(notACapacity(context), option, item);
    const bool negative = m.captured(1) == u"-"_s;
    const QString digits = m.captured(2);
    // Zero and negative values first: "-99999999999999999999" is negative, not too large.
    const bool zero = std::all_of(digits.begin(), digits.end(), [](QChar c) { return c == u'0'; });
    if (negative || zero)
        return itemError(u"must be greater than 0"_s, option, item);
    bool ok = false;
    const qint64 v = digits.toLongLong(&ok);
    if (!ok)
        return itemError(u"is too large"_s, option, item); // only digits: past 2^63-1
    qint64 multiplier = 1;
    const QString suffix = m.captured(3).toUpper();
    if (!suffix.isEmpty()) {
        spec.hasSizeSuffix = true;
        multiplier = suffix.startsWith(u'K') ? qint64(1) << 10
            : suffix.startsWith(u'M')        ? qint64(1) << 20
                                             : qint64(1) << 30;
    }
    if (v > std::numeric_limits<qint64>::max() / multiplier)
        return itemError(u"is too large"_s, option, item);
    spec.absolute = v * multiplier;
    return spec;
}

} // namespace

Result<std::vector<CapacitySpec>> parseCapacities(
    const QString &text, SizeUnit unit, const QString &option)
{
    std::vector<CapacitySpec> out;
    const QStringList items = text.split(u',');
    for (const QString &raw : items) {
        const QString item = raw.trimmed();
        if (item.isEmpty())
            return itemError(u"has an empty item"_s, option, text);
        Result<CapacitySpec> spec = parseItem(item, Context::Replay, option);
        if (!spec)
            return spec.error();
        if (spec->hasSizeSuffix && unit != SizeUnit::Bytes)
            return itemError(
                u"has a size suffix; suffixes K, M, G need --size-unit bytes"_s, option, item);
        out.push_back(std::move(spec).value());
    }
    return out;
}

Result<qint64> resolveCapacity(const CapacitySpec &spec, quint64 uniqueObjects, quint64 uniqueBytes,
    SizeUnit unit, const QString &option)
{
    if (!spec.isPercent)
        return spec.absolute;
    const quint64 base = unit == SizeUnit::Bytes ? uniqueBytes : uniqueObjects;
    // Floor as libCacheSim and reference.csv do; the epsilon keeps 10% of 2606 at 260 when
    // the double product lands a hair below an integer.
    const double exact = double(base) * spec.percent / 100.0;
    const qint64 cap = qint64(std::floor(exact + 1e-9));
    const QString what = unit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s;
    if (cap <= 0)
        return itemError(u"is 0 "_s + what + u" of a trace with "_s + QString::number(base)
                + u" unique "_s + what + u"; use a larger percentage or an absolute capacity"_s,
            option, spec.text);
    return cap;
}

Result<std::pair<qint64, SizeUnit>> parseCacheCapacity(const QString &text, const QString &option)
{
    const QString item = text.trimmed();
    if (item.isEmpty())
        return itemError(notACapacity(Context::LiveCache), option, text);
    const Result<CapacitySpec> spec = parseItem(item, Context::LiveCache, option);
    if (!spec)
        return spec.error();
    return std::pair { spec->absolute, spec->hasSizeSuffix ? SizeUnit::Bytes : SizeUnit::Objects };
}

} // namespace CacheScope
