#include "runstarts.h"

#include "core/engine/runconfig.h"

#include <QFileInfo>
#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

RunStart replayRunStart(const ReplayRecord &replay)
{
    const bool synthetic = replay.trace.format == u"synthetic"_s;
    const QFileInfo file(replay.trace.name);
    QJsonArray resolved;
    QStringList capacities;
    for (const qint64 c : replay.resolvedCapacities) {
        resolved.append(c);
        capacities << QString::number(c);
    }
    const RedisEvictionOptions &redis = replay.options.redis;
    QJsonObject config {
        { u"trace"_s, synthetic ? replay.trace.name : file.absoluteFilePath() },
        { u"format"_s, replay.trace.format },
        { u"policies"_s, QJsonArray::fromStringList(replay.policies) },
        { u"capacities"_s, replay.capacities },
        { u"resolved_capacities"_s, resolved },
        { u"size_unit"_s, replay.sizeUnit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s },
        { u"options"_s,
            QJsonObject { { u"seed"_s, qint64(replay.options.seed) },
                { u"redis_samples"_s, redis.samples }, { u"lfu_log_factor"_s, redis.lfuLogFactor },
                { u"lfu_decay_time"_s, redis.lfuDecayTime },
                { u"assume_rate"_s, redis.assumedRate } } },
    };
    if (replay.trace.format == u"csv"_s) {
        const CsvOptions &csv = replay.traceOptions.csv;
        config[u"csv"_s] = QJsonObject { { u"key_column"_s, csv.keyColumn },
            { u"size_column"_s, csv.sizeColumn }, { u"time_column"_s, csv.timeColumn },
            { u"time_divisor"_s, qint64(csv.timeDivisor) }, { u"header"_s, csv.header },
            { u"delimiter"_s, QString(csv.delimiter) } };
    }
    RunStart start;
    start.kind = u"replay"_s;
    start.config = config;
    start.policy = replay.policies.join(u',');
    start.capacity = capacities.join(u',')
        + (replay.sizeUnit == SizeUnit::Bytes && !capacities.isEmpty() ? u" bytes"_s : QString());
    start.workload = synthetic ? replay.trace.name : file.fileName();
    return start;
}

RunStart monitorRunStart(const MonitorServerInfo &info, int intervalMs, const QJsonObject &extra)
{
    QJsonObject settings;
    QHash<QString, QString> known;
    for (const auto &[name, value] : info.settings) {
        settings[name] = value;
        // "unknown (CONFIG GET refused)": not a value to list.
        if (!value.isEmpty() && !value.startsWith(u"unknown"_s))
            known.insert(name, value);
    }
    QJsonObject config { { u"source"_s, info.source }, { u"address"_s, info.address },
        { u"interval_ms"_s, intervalMs },
        { u"server"_s,
            QJsonObject { { u"version"_s, info.version }, { u"settings"_s, settings } } } };
    for (auto it = extra.begin(); it != extra.end(); ++it)
        config.insert(it.key(), it.value());

    RunStart start;
    start.kind = u"monitor"_s;
    start.config = config;
    start.policy = known.value(u"maxmemory-policy"_s, info.source);
    if (known.contains(u"maxmemory"_s)) {
        const qint64 bytes = known.value(u"maxmemory"_s).toLongLong();
        start.capacity = bytes > 0 ? describeCapacity(bytes, SizeUnit::Bytes) : u"no limit"_s;
    } else if (known.contains(u"limit_maxbytes"_s)) {
        start.capacity
            = describeCapacity(known.value(u"limit_maxbytes"_s).toLongLong(), SizeUnit::Bytes);
    } else {
        start.capacity = known.value(u"shared_buffers"_s);
    }
    start.workload = info.address;
    return start;
}

QString liveWorkloadDescription(const RunConfig &config)
{
    return config.queryLog.isSet() ? u"query log "_s + QFileInfo(config.queryLog.path).fileName()
                                   : describeWorkload(config.workload);
}

} // namespace CacheScope
