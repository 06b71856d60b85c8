#include "cliutil.h"
#include "commands.h"

#include "core/engine/replayplan.h"
#include "core/metrics/missratiocurve.h"
#include "core/policy/policyregistry.h"
#include "core/report/table.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {
namespace {

struct Curve
{
    QString policy;
    QString method; // exact, shards or replay
    std::vector<MrcPoint> points;
    double rate = 1; // shards: the final sampling rate
    qint64 sampledKeys = 0; // shards
};

void addMrcOptions(QCommandLineParser &p)
{
    p.setApplicationDescription(
        u"Miss-ratio curves: the miss ratio of each policy against the cache capacity over a\n"
        "trace or a synthetic workload. LRU's comes from stack distances in one pass (exact) or\n"
        "from a SHARDS sample; other policies are replayed at each capacity in parallel."_s);
    p.addHelpOption();
    addStreamOptions(p);
    addRedisOptions(p);
    p.addOptions({
        { u"policy"_s,
            u"Policies, comma-separated, or 'all' (default lru). Ids: "_s + policyIdList() + u'.',
            u"ID[,ID...]"_s },
        { u"method"_s, u"LRU's curve: exact (default, one pass) or shards (sampled)."_s,
            u"exact|shards"_s },
        { u"rate"_s, u"SHARDS: fixed sampling rate in (0, 1] (default 0.01)."_s, u"R"_s },
        { u"sample-size"_s, u"SHARDS: fixed sample size in keys instead of a fixed rate."_s,
            u"N"_s },
        { u"points"_s, u"Capacities evenly spaced up to the unique objects/bytes (default 20)."_s,
            u"N"_s },
        { u"spacing"_s, u"--points spacing: linear (default) or log."_s, u"linear|log"_s },
        { u"capacity"_s,
            u"Capacities instead of --points, as in simulate: objects, bytes with K/M/G (byte mode), or a percentage of the unique objects/bytes."_s,
            u"C[,C...]"_s },
        { u"size-unit"_s, u"Capacity counts objects (default) or bytes."_s, u"objects|bytes"_s },
        { u"threads"_s, u"Replays in parallel (default: one per core)."_s, u"N"_s },
        { u"output"_s,
            u"table (default), csv or json (an object, or an array of them for several policies)."_s,
            u"FORMAT"_s },
    });
}

QJsonObject curveJson(const Curve &c, const Stream &stream, SizeUnit unit)
{
    QJsonArray points;
    for (const MrcPoint &pt : c.points)
        points.append(
            QJsonObject { { u"capacity"_s, pt.capacity }, { u"miss_ratio"_s, pt.missRatio } });
    QJsonObject o {
        { u"policy"_s, c.policy },
        { u"method"_s, c.method },
        { u"size_unit"_s, unit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s },
        { u"trace"_s, stream.name },
        { u"requests"_s, qint64(stream.requests.size()) },
        { u"unique_objects"_s, qint64(stream.uniqueObjects) },
        { u"unique_bytes"_s, qint64(stream.uniqueBytes) },
        { u"points"_s, points },
    };
    if (c.method == u"shards"_s) {
        o.insert(u"rate"_s, c.rate);
        o.insert(u"sampled_keys"_s, c.sampledKeys);
    }
    return o;
}

} // namespace

int mrcCommand(const QStringList &args)
{
    QCommandLineParser p;
    addMrcOptions(p);
    if (const std::optional<int> done
        = parseCommand(p, args, u"mrc"_s, u"(--trace FILE | --workload KIND) [options]"_s))
        return *done;
    if (p.isSet(u"trace"_s) == p.isSet(u"workload"_s))
        return fail(
            u"give exactly one of --trace FILE or --workload KIND (see cachescope-cli mrc --help)"_s);
    if (p.isSet(u"rate"_s) && p.isSet(u"sample-size"_s))
        return fail(u"give at most one of --rate and --sample-size"_s);
    if (p.isSet(u"points"_s) && p.isSet(u"capacity"_s))
        return fail(u"give at most one of --points and --capacity"_s);

    const auto unitName
        = choiceOption(p, u"size-unit"_s, u"objects"_s, { u"objects"_s, u"bytes"_s });
    const auto output
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"csv"_s, u"json"_s });
    const auto method = choiceOption(p, u"method"_s, u"exact"_s, { u"exact"_s, u"shards"_s });
    const auto spacing = choiceOption(p, u"spacing"_s, u"linear"_s, { u"linear"_s, u"log"_s });
    for (const auto *r : { &unitName, &output, &method, &spacing })
        if (!*r)
            return fail(r->error());
    const auto threads = integerOption(p, u"threads"_s, 0, 1, 1024);
    const auto points = integerOption(p, u"points"_s, 20, 1, 100000);
    const auto sampleSize = integerOption(p, u"sample-size"_s, 0, 1);
    for (const auto *r : { &threads, &points, &sampleSize })
        if (!*r)
            return fail(r->error());
    const auto rate = realOption(p, u"rate"_s, 0.01, 0, 1);
    if (!rate)
        return fail(rate.error());
    const SizeUnit unit = unitName.value() == u"bytes"_s ? SizeUnit::Bytes : SizeUnit::Objects;
    ShardsConfig shardsConfig { rate.value(), sampleSize.value(), unit };
    if (sampleSize.value() > 0)
        shardsConfig.rate = 1.0; // the fixed-size variant starts by sampling every key
    if (const Result<void> valid = shardsConfig.validate(); !valid)
        return fail(valid.error());
    ReplaySpec spec;
    spec.policies = (p.isSet(u"policy"_s) ? p.value(u"policy"_s) : u"lru"_s).split(u',');
    // Without --capacity the --points capacities replace these (setCapacities() below).
    spec.capacities = p.isSet(u"capacity"_s) ? p.value(u"capacity"_s) : u"100%"_s;
    spec.sizeUnit = unit;
    spec.allowAllPolicies = true;
    spec.capacityOrder = CapacityOrder::Ascending;
    Result<ReplayPlan> plan = ReplayPlan::create(spec);
    if (!plan)
        return fail(plan.error());

    Result<Stream> stream = loadStream(p, unit);
    if (!stream)
        return fail(stream.error());
    if (stream->requests.empty())
        return fail(stream->name + u": contains no requests"_s);

    if (p.isSet(u"capacity"_s)) {
        if (const Result<void> resolved = plan->resolve(stream.value()); !resolved)
            return fail(resolved.error());
    } else {
        const quint64 unique
            = unit == SizeUnit::Bytes ? stream->uniqueBytes : stream->uniqueObjects;
        plan->setCapacities(
            curveCapacities(qint64(unique), int(points.value()), spacing.value() == u"log"_s));
    }
    const std::vector<qint64> &capacities = plan->capacities();

    std::vector<Curve> curves;
    QStringList replayed; // every policy but lru, whose curve comes from stack distances
    for (const QString &id : plan->policies()) {
        if (id == u"lru"_s) {
            Curve c { id, method.value(), {} };
            if (method.value() == u"shards"_s) {
                ShardsEstimator shards(shardsConfig);
                shards.accessBatch(stream->requests);
                c.points = shards.curve().points(capacities);
                c.rate = shards.rate();
                c.sampledKeys = qint64(shards.sampledKeys());
            } else {
                c.points = exactLruCurve(stream->requests, unit).points(capacities);
            }
            curves.push_back(std::move(c));
            continue;
        }
        curves.push_back({ id, u"replay"_s, {} });
        replayed << id;
    }
    if (!replayed.isEmpty()) {
        Result<SimulationOptions> options = simulationOptions(p, stream.value(), replayed);
        if (!options)
            return fail(options.error());
        options->threads = int(threads.value());
        if (plan->needsFuture(replayed))
            stream->annotateNextAccess(); // opt: the lower bound needs the future
        const Result<std::vector<SimulationResult>> results = plan->run(
            stream.value(), options.value(), plan->jobs(JobOrder::PolicyMajor, replayed));
        if (!results)
            return fail(results.error(), exitRuntime);
        for (const SimulationResult &r : results.value()) {
            for (Curve &c : curves)
                if (c.policy == r.policy && c.method == u"replay"_s)
                    c.points.push_back({ r.capacity, r.stats.missRatio() });
        }
    }

    if (output.value() == u"json"_s) {
        if (curves.size() == 1) {
            out() << QJsonDocument(curveJson(curves.front(), stream.value(), unit))
                         .toJson(QJsonDocument::Indented);
        } else {
            QJsonArray arr;
            for (const Curve &c : curves)
                arr.append(curveJson(c, stream.value(), unit));
            out() << QJsonDocument(arr).toJson(QJsonDocument::Indented);
        }
        return 0;
    }
    Table table({ u"policy"_s, u"method"_s, u"capacity"_s, u"miss_ratio"_s });
    table.setTextColumn(0);
    table.setTextColumn(1);
    for (const Curve &c : curves)
        for (const MrcPoint &pt : c.points)
            table.addRow(
                { c.policy, c.method, QString::number(pt.capacity), formatRatio(pt.missRatio) });
    if (output.value() == u"csv"_s) {
        out() << table.toCsv();
        return 0;
    }
    out() << stream->name << u" ("_s << stream->format << u"): "_s << stream->requests.size()
          << u" requests, "_s << stream->uniqueObjects << u" unique objects"_s;
    if (unit == SizeUnit::Bytes)
        out() << u", "_s << stream->uniqueBytes << u" unique bytes"_s;
    for (const Curve &c : curves)
        if (c.method == u"shards"_s)
            out() << u"; SHARDS rate "_s << QString::number(c.rate, 'g', 4) << u", "_s
                  << c.sampledKeys << u" sampled keys"_s;
    out() << u"\n\n"_s << table.toText();
    return 0;
}

} // namespace CacheScope::Cli
