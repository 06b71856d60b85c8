#include "cliutil.h"
#include "commands.h"

#include "core/cache/cachebenchmark.h"
#include "core/cache/resultcache.h"
#include "core/report/table.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

int benchCacheCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"In-process get-or-put benchmark of the ResultCache with no database (after Caffeine's\n"
        "GetPutBenchmark): threads walk a pre-drawn zipf key stream; a read that misses puts a\n"
        "small value. Prints operations per second and the hit ratio."_s);
    p.addHelpOption();
    p.addOptions({
        { u"policy"_s,
            u"Cache policy: "_s + ResultCache::policyIds().join(u", "_s)
                + u", or std-lru (a std::mutex around std::unordered_map + std::list, the baseline). Default qcache."_s,
            u"ID"_s },
        { u"threads"_s, u"Worker threads (default 2)."_s, u"N"_s },
        { u"seconds"_s, u"Measured duration (default 5)."_s, u"S"_s },
        { u"capacity"_s, u"Cache capacity in entries (default 10000)."_s, u"N"_s },
        { u"keys"_s, u"Key space (default 1000000)."_s, u"N"_s },
        { u"alpha"_s, u"Zipf exponent (default 0.99; 0 is uniform)."_s, u"A"_s },
        { u"read-ratio"_s, u"Share of reads; the rest are puts (default 1.0)."_s, u"R"_s },
        { u"shards"_s, u"Shard count (default: from the thread count)."_s, u"N"_s },
        { u"metrics"_s, u"Time every operation and record it as the live engine does."_s },
        { u"output"_s, u"table (default) or json."_s, u"FORMAT"_s },
    });
    if (const std::optional<int> done = parseCommand(p, args, u"bench-cache"_s))
        return *done;
    BenchCacheConfig config;
    const auto threads = integerOption(p, u"threads"_s, config.threads, 1, 256);
    const auto capacity = integerOption(p, u"capacity"_s, config.capacity, 1);
    const auto keys = integerOption(p, u"keys"_s, qint64(config.keys), 1);
    const auto shards = integerOption(p, u"shards"_s, 0, 1, 1024);
    const auto seconds = realOption(p, u"seconds"_s, config.seconds, 0.01, 86400);
    const auto alpha = realOption(p, u"alpha"_s, config.alpha, 0, 10);
    const auto readRatio = realOption(p, u"read-ratio"_s, config.readRatio, 0, 1);
    const auto output = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"json"_s });
    for (const auto *r : { &threads, &capacity, &keys, &shards })
        if (!*r)
            return fail(r->error());
    for (const auto *r : { &seconds, &alpha, &readRatio })
        if (!*r)
            return fail(r->error());
    if (!output)
        return fail(output.error());
    config.policy = p.isSet(u"policy"_s) ? p.value(u"policy"_s).trimmed() : config.policy;
    config.threads = int(threads.value());
    config.capacity = capacity.value();
    config.keys = quint64(keys.value());
    config.shardCount = int(shards.value());
    config.seconds = seconds.value();
    config.alpha = alpha.value();
    config.readRatio = readRatio.value();
    config.recordMetrics = p.isSet(u"metrics"_s);

    const Result<BenchCacheResult> r = runCacheBenchmark(config);
    if (!r)
        return fail(r.error());
    const BenchCacheResult &b = r.value();
    if (output.value() == u"json"_s) {
        QJsonObject o { { u"policy"_s, b.policy }, { u"threads"_s, b.threads },
            { u"seconds"_s, b.seconds }, { u"ops"_s, qint64(b.ops) },
            { u"ops_per_second"_s, b.opsPerSecond },
            { u"hit_ratio"_s, b.hitRatio ? QJsonValue(*b.hitRatio) : QJsonValue() } };
        if (config.recordMetrics) {
            o[u"p50_hit_ns"_s] = b.p50HitNs;
            o[u"p99_hit_ns"_s] = b.p99HitNs;
        }
        out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << u'\n';
        return 0;
    }
    Table t(
        { u"policy"_s, u"threads"_s, u"seconds"_s, u"ops"_s, u"ops_per_second"_s, u"hit_ratio"_s });
    t.setTextColumn(0);
    t.addRow({ b.policy, QString::number(b.threads), QString::number(b.seconds, 'f', 2),
        QString::number(b.ops), formatRate(b.opsPerSecond),
        b.hitRatio ? formatRatio(*b.hitRatio) : u"n/a"_s });
    out() << t.toText();
    return 0;
}

} // namespace CacheScope::Cli
