#include "core/engine/runconfig.h"

#include "core/db/cachekey.h"
#include "core/db/sqltemplate.h"
#include "core/policy/policyregistry.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

Error fieldError(const QString &field, const QString &value, const QString &message)
{
    return Error { message, {}, 0, field, value };
}

QString number(double value) { return QString::number(value, 'g', 10); }

} // namespace

Result<void> validateThreads(int threads)
{
    if (threads < 1 || threads > maxWorkerThreads)
        return fieldError(u"threads"_s, QString::number(threads),
            u"must be between 1 and %1"_s.arg(maxWorkerThreads));
    return {};
}

Result<void> validateIoThreads(int threads)
{
    if (threads < 1 || threads > maxIoThreads)
        return fieldError(u"io-threads"_s, QString::number(threads),
            u"must be between 1 and %1"_s.arg(maxIoThreads));
    return {};
}

Result<void> validateInFlight(int inFlight)
{
    if (inFlight < 1 || inFlight > maxInFlight)
        return fieldError(u"in-flight"_s, QString::number(inFlight),
            u"must be between 1 and %1"_s.arg(maxInFlight));
    return {};
}

Result<void> validateIoModel(IoModel io, const ConnectionSettings &database, bool queryLog)
{
    if (io == IoModel::Threads)
        return {};
    if (database.driver != DatabaseDriver::Postgres)
        return fieldError(u"io"_s, u"pipeline"_s,
            u"needs PostgreSQL: SQLite has no pipeline mode (use --io threads)"_s);
    if (database.connectionMode != ConnectionMode::PerThread)
        return fieldError(u"io"_s, u"pipeline"_s,
            u"keeps one connection per event loop; --connection per-query applies to --io "
            u"threads only"_s);
    if (queryLog)
        return fieldError(u"io"_s, u"pipeline"_s,
            u"cannot replay a query log (its sessions run in order on the thread model)"_s);
    return {};
}

QString ioModelName(IoModel io) { return io == IoModel::Pipeline ? u"pipeline"_s : u"threads"_s; }

Result<IoModel> parseIoModel(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == "threads"_L1)
        return IoModel::Threads;
    if (t == "pipeline"_L1 || t == "async"_L1)
        return IoModel::Pipeline;
    return fieldError(u"io"_s, text, u"must be threads or pipeline"_s);
}

Result<void> validateWriteRatio(double ratio)
{
    if (!(ratio >= 0.0 && ratio <= 1.0))
        return fieldError(u"write-ratio"_s, number(ratio), u"must be between 0 and 1"_s);
    return {};
}

Result<void> validateTargetRate(double requestsPerSecond)
{
    if (!(requestsPerSecond > 0.0 && std::isfinite(requestsPerSecond)))
        return fieldError(u"rate"_s, number(requestsPerSecond),
            u"must be a positive number of requests per second"_s);
    return {};
}

Result<void> validateThinkTime(int thinkTimeMs)
{
    if (thinkTimeMs < 0)
        return fieldError(u"think-time-ms"_s, QString::number(thinkTimeMs),
            u"must be 0 or a positive number of milliseconds"_s);
    return {};
}

Result<void> validateQueryMix(const QueryMix &mix)
{
    const QString text = describeQueryMix(mix);
    for (const double weight : { mix.point, mix.range, mix.aggregate }) {
        if (!(weight >= 0.0 && std::isfinite(weight)))
            return fieldError(u"query"_s, text, u"weights must be finite numbers >= 0"_s);
    }
    if (mix.point + mix.range + mix.aggregate <= 0.0)
        return fieldError(u"query"_s, text,
            u"has no template: give point, range or aggregate a positive weight"_s);
    return {};
}

Result<void> validateCustomSql(const QString &sql)
{
    const Result<SqlTemplate> custom = SqlTemplate::custom(sql);
    if (!custom)
        return custom.error();
    if (custom->isWrite())
        return fieldError(u"sql"_s, sql,
            u"is a write statement; give a read template (writes come from the write ratio)"_s);
    return {};
}

Result<void> validateCachePolicy(const QString &policy)
{
    if (ResultCache::policyIds().contains(policy))
        return {};
    if (const PolicyInfo *info = findPolicy(policy); info && info->needsFuture)
        return fieldError(u"policy"_s, policy,
            u"needs the future of the trace, so it can only be simulated offline"_s);
    return fieldError(u"policy"_s, policy,
        u"is not a policy the live cache can run; valid ids: "_s
            + ResultCache::policyIds().join(u", "_s));
}

Result<void> validateCacheCapacity(qint64 capacity, SizeUnit unit)
{
    if (capacity <= 0)
        return fieldError(u"capacity"_s, QString::number(capacity),
            u"must be a positive number of "_s
                + (unit == SizeUnit::Bytes ? u"bytes"_s : u"entries"_s));
    return {};
}

Result<void> validateTtl(qint64 ttlMs)
{
    if (ttlMs < 0)
        return fieldError(u"ttl-ms"_s, QString::number(ttlMs),
            u"must be 0 (no expiry) or a positive number of milliseconds"_s);
    return {};
}

Result<void> validateLiveWorkload(const WorkloadSpec &workload)
{
    if (workload.keys > quint64(cacheKeyParameterMask))
        return fieldError(u"--keys"_s, QString::number(workload.keys),
            u"must be at most %1 (the key is packed into 56 bits of a cache key)"_s.arg(
                cacheKeyParameterMask));
    if (Result<std::unique_ptr<KeyGenerator>> generator = createGenerator(workload); !generator)
        return generator.error();
    return {};
}

QString describeQueryMix(const QueryMix &mix)
{
    return u"point %1, range %2, aggregate %3"_s.arg(
        number(mix.point), number(mix.range), number(mix.aggregate));
}

QString describeWorkload(const WorkloadSpec &workload)
{
    QString out = workload.kind + u" over "_s + QString::number(workload.keys) + u" keys"_s;
    const QString kind = workload.kind.toLower();
    if (kind == "zipf"_L1 || kind == "shifting"_L1)
        out += u", alpha "_s + number(workload.alpha);
    if (kind == "hotspot"_L1)
        out += u", %1% of the keys take %2% of the requests"_s.arg(
            number(workload.hotKeyFraction * 100), number(workload.hotRequestFraction * 100));
    if (kind == "shifting"_L1)
        out += u", shifting every "_s + QString::number(workload.shiftEvery);
    return out;
}

QString describeCapacity(qint64 capacity, SizeUnit unit)
{
    return unit == SizeUnit::Bytes ? QString::number(capacity) + u" bytes"_s
                                   : QString::number(capacity);
}

Result<void> RunConfig::validate() const
{
    if (Result<void> valid = database.validate(); !valid)
        return valid;
    if (Result<void> valid = validateThreads(threads); !valid)
        return valid;
    if (Result<void> valid = validateWriteRatio(writeRatio); !valid)
        return valid;
    if (Result<void> valid = validateIoThreads(ioThreads); !valid)
        return valid;
    if (Result<void> valid = validateInFlight(inFlight); !valid)
        return valid;
    if (Result<void> valid = validateIoModel(io, database, queryLog.isSet()); !valid)
        return valid;
    if (l2.isSet()) {
        if (Result<RedisAddress> address = parseRedisUrl(l2.url); !address)
            return address.error();
        if (io != IoModel::Threads)
            return fieldError(u"l2"_s, l2.url,
                u"works with --io threads for now (the pipeline has no second tier yet)"_s);
        if (queryLog.isSet())
            return fieldError(u"l2"_s, l2.url, u"does not apply to a query-log replay"_s);
        if (l2.ttlMs < 0)
            return fieldError(u"l2-ttl-ms"_s, QString::number(l2.ttlMs),
                u"must be 0 (no expiry) or a positive number of milliseconds"_s);
    } else if (l2.invalidation != L2Invalidation::None) {
        return fieldError(u"invalidation"_s, invalidationName(l2.invalidation),
            u"needs a Redis second tier (--l2 redis://HOST:PORT): instances learn of each "
            "other's writes through it"_s);
    }
    if (instance < 0 || instance >= maxFleetInstances)
        return fieldError(u"instance"_s, QString::number(instance),
            u"must be from 0 to %1"_s.arg(maxFleetInstances - 1));
    if (!staleBoard.isEmpty() && queryLog.isSet())
        return fieldError(u"stale-board"_s, staleBoard, u"does not apply to a query-log replay"_s);
    if (loadModel == LoadModel::OpenLoop) {
        if (Result<void> valid = validateTargetRate(targetRate); !valid)
            return valid;
    }
    if (Result<void> valid = validateThinkTime(thinkTimeMs); !valid)
        return valid;
    if (!customSql.isEmpty()) {
        if (Result<void> valid = validateCustomSql(customSql); !valid)
            return valid;
    } else if (Result<void> valid = validateQueryMix(mix); !valid) {
        return valid;
    }
    if (Result<void> valid = validateCachePolicy(cache.policy); !valid)
        return valid;
    if (Result<void> valid = validateCacheCapacity(cache.capacity, cache.sizeUnit); !valid)
        return valid;
    if (Result<void> valid = validateTtl(cache.ttlMs); !valid)
        return valid;
    if (cache.shardCount < 0)
        return fieldError(u"shards"_s, QString::number(cache.shardCount),
            u"must be 0 (automatic) or a positive number"_s);
    if (queryLog.isSet() && (!std::isfinite(queryLog.speed) || queryLog.speed < 0))
        return fieldError(u"speed"_s, QString::number(queryLog.speed),
            u"must be a positive factor (1 = the log's own pace) or 0 (as fast as possible)"_s);
    return validateLiveWorkload(workload);
}

QString describeL2(const L2Settings &l2)
{
    if (!l2.isSet())
        return u"off"_s;
    QStringList details;
    if (l2.only)
        details << u"no L1"_s;
    if (l2.ttlMs > 0)
        details << u"TTL %1 ms"_s.arg(l2.ttlMs);
    details << u"invalidation "_s + invalidationName(l2.invalidation);
    return l2.url + u" ("_s + details.join(u", "_s) + u')';
}

} // namespace CacheScope
