#include "cliutil.h"
#include "commands.h"
#include "historyrecorder.h"

#include "core/engine/replayplan.h"
#include "core/history/runstarts.h"
#include "core/policy/policyregistry.h"
#include "core/report/replayjson.h"
#include "core/report/table.h"
#include "core/workload/generator.h"
#include "core/workload/tracereader.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {
namespace {

void addSimulateOptions(QCommandLineParser &p)
{
    p.setApplicationDescription(
        u"Replays a trace or a synthetic workload through cache policies and reports hits,\n"
        "misses and speed for every (policy, capacity) pair over the same request stream."_s);
    p.addHelpOption();
    addStreamOptions(p);
    p.addOptions({
        { u"policy"_s,
            u"Policies, comma-separated, or 'all' (default all). Ids: "_s + policyIdList() + u'.',
            u"ID[,ID...]"_s },
        { u"capacity"_s,
            u"Capacities, comma-separated: objects, bytes with K/M/G (byte mode), or a percentage of the unique objects/bytes, floor-rounded (default 10%)."_s,
            u"C[,C...]"_s },
        { u"size-unit"_s, u"Capacity counts objects (default) or bytes."_s, u"objects|bytes"_s },
        { u"threads"_s, u"Pairs simulated in parallel (default: one per core)."_s, u"N"_s },
        { u"output"_s, u"table (default), csv or json."_s, u"FORMAT"_s },
        { u"expect"_s,
            u"Thresholds for CI on every result, or one policy's: 'miss_ratio<=0.3',\n"
            "'lru.hit_ratio>=0.6' (fields of a --output json result; 80% = 0.8).\n"
            "Exit 3 when one is not met."_s,
            u"LIST"_s },
    });
    addRedisOptions(p);
    addHistoryOptions(p);
}

} // namespace

void addStreamOptions(QCommandLineParser &p)
{
    p.addOptions({
        { u"trace"_s, u"Trace file to replay (.gz, .xz, .zst read transparently)."_s, u"FILE"_s },
        { u"format"_s,
            u"Trace format: txt, csv, oraclegeneral, vscsi, u32be, redis-monitor, or a query\n"
            "log: pglog-csv, pglog, sql (default: detect)."_s,
            u"F"_s },
        { u"csv-key-col"_s, u"CSV: 1-based column of the key (default 1)."_s, u"N"_s },
        { u"csv-size-col"_s, u"CSV: 1-based column of the object size."_s, u"N"_s },
        { u"csv-time-col"_s, u"CSV: 1-based column of the timestamp."_s, u"N"_s },
        { u"csv-time-unit"_s, u"CSV: unit of the timestamp column, s (default), ms or us."_s,
            u"s|ms|us"_s },
        { u"csv-header"_s, u"CSV: the first line is a header."_s },
        { u"csv-delimiter"_s, u"CSV: field delimiter (default ',')."_s, u"C"_s },
        { u"workload"_s,
            u"Synthetic stream instead of a trace: "_s + workloadKinds().join(u'|') + u'.',
            u"KIND"_s },
        { u"keys"_s, u"Synthetic: number of distinct keys (default 100000)."_s, u"N"_s },
        { u"requests"_s, u"Synthetic: number of requests (default 1000000)."_s, u"N"_s },
        { u"alpha"_s, u"Synthetic zipf/shifting: exponent (default 0.99)."_s, u"A"_s },
        { u"hot-keys"_s, u"Synthetic hotspot: fraction of keys that are hot (default 0.2)."_s,
            u"F"_s },
        { u"hot-requests"_s,
            u"Synthetic hotspot: fraction of requests to hot keys (default 0.8)."_s, u"F"_s },
        { u"shift-every"_s,
            u"Synthetic shifting: requests between hot-set moves (default 100000)."_s, u"N"_s },
        { u"seed"_s, u"Seed for synthetic streams and randomised policies (default 42)."_s,
            u"S"_s },
    });
}

Result<TraceOptions> traceOptions(const QCommandLineParser &p)
{
    TraceOptions options;
    if (p.isSet(u"format"_s)) {
        Result<TraceFormat> f = parseTraceFormat(p.value(u"format"_s));
        if (!f)
            return f.error();
        options.format = f.value();
    }
    const auto key = integerOption(p, u"csv-key-col"_s, 1, 1, 10000);
    const auto size = integerOption(p, u"csv-size-col"_s, 0, 1, 10000);
    const auto time = integerOption(p, u"csv-time-col"_s, 0, 1, 10000);
    for (const auto *r : { &key, &size, &time })
        if (!*r)
            return r->error();
    options.csv.keyColumn = int(key.value());
    options.csv.sizeColumn = int(size.value());
    options.csv.timeColumn = int(time.value());
    options.csv.header = p.isSet(u"csv-header"_s);
    const auto timeUnit = choiceOption(p, u"csv-time-unit"_s, u"s"_s, { u"s"_s, u"ms"_s, u"us"_s });
    if (!timeUnit)
        return timeUnit.error();
    options.csv.timeDivisor = timeUnit.value() == u"s"_s ? 1
        : timeUnit.value() == u"ms"_s                    ? 1000
                                                         : 1000000;
    if (p.isSet(u"csv-delimiter"_s)) {
        QString d = p.value(u"csv-delimiter"_s);
        if (d == u"\\t"_s || d == u"tab"_s)
            d = u"\t"_s;
        if (d.size() != 1)
            return Error { u"must be a single character"_s, {}, 0, u"--csv-delimiter"_s, d };
        options.csv.delimiter = d.front();
    }
    return options;
}

Result<Stream> loadStream(const QCommandLineParser &p, SizeUnit unit)
{
    Stream s;
    if (p.isSet(u"trace"_s)) {
        const Result<TraceOptions> options = traceOptions(p);
        if (!options)
            return options.error();
        Result<Stream> read = readReplayTrace(p.value(u"trace"_s), options.value());
        if (read)
            for (const QString &line : read->notes)
                note(read->name + u": "_s + line);
        return read;
    }
    WorkloadSpec spec;
    spec.kind = p.value(u"workload"_s);
    const auto keys = integerOption(p, u"keys"_s, qint64(spec.keys), 1);
    const auto requests = integerOption(p, u"requests"_s, qint64(spec.requests), 0);
    const auto shift = integerOption(p, u"shift-every"_s, qint64(spec.shiftEvery), 1);
    const auto seed = integerOption(p, u"seed"_s, qint64(spec.seed), 0);
    const auto alpha = realOption(p, u"alpha"_s, spec.alpha, 0, 100);
    const auto hotKeys = realOption(p, u"hot-keys"_s, spec.hotKeyFraction, 0, 1);
    const auto hotRequests = realOption(p, u"hot-requests"_s, spec.hotRequestFraction, 0, 1);
    for (const auto *r : { &keys, &requests, &shift, &seed })
        if (!*r)
            return r->error();
    for (const auto *r : { &alpha, &hotKeys, &hotRequests })
        if (!*r)
            return r->error();
    spec.keys = quint64(keys.value());
    spec.requests = quint64(requests.value());
    spec.shiftEvery = quint64(shift.value());
    spec.seed = quint64(seed.value());
    spec.alpha = alpha.value();
    spec.hotKeyFraction = hotKeys.value();
    spec.hotRequestFraction = hotRequests.value();
    spec.sizedObjects = unit == SizeUnit::Bytes;
    if (spec.requests == 0)
        return Error { u"must be a positive number of requests: the stream must be finite"_s, {}, 0,
            u"--requests"_s, u"0"_s };
    Result<std::vector<Request>> generated = generateRequests(spec);
    if (!generated)
        return generated.error();
    s.requests = std::move(generated).value();
    s.name = spec.kind + u"(keys="_s + QString::number(spec.keys) + u",requests="_s
        + QString::number(spec.requests) + u",seed="_s + QString::number(spec.seed) + u')';
    s.format = u"synthetic"_s;
    countUnique(s.requests, &s.uniqueObjects, &s.uniqueBytes);
    return s;
}

void addRedisOptions(QCommandLineParser &p)
{
    p.addOptions({
        { u"redis-samples"_s,
            u"redis-lru, redis-lfu: keys sampled per eviction, Redis's maxmemory-samples (default 5)."_s,
            u"K"_s },
        { u"lfu-log-factor"_s, u"redis-lfu: Redis's lfu-log-factor (default 10)."_s, u"N"_s },
        { u"lfu-decay-time"_s,
            u"redis-lfu: Redis's lfu-decay-time in minutes, 0 for no decay (default 1)."_s,
            u"M"_s },
        { u"assume-rate"_s,
            u"redis-*: requests per second assumed for Redis's clocks when the trace has no times (default 1000)."_s,
            u"N[/s]"_s },
    });
}

Result<SimulationOptions> simulationOptions(
    const QCommandLineParser &p, const Stream &stream, const QStringList &policies)
{
    SimulationOptions options;
    const auto seed = integerOption(p, u"seed"_s, 42, 0);
    const auto samples = integerOption(p, u"redis-samples"_s, 5, 1, 1 << 20);
    const auto logFactor = integerOption(p, u"lfu-log-factor"_s, 10, 0, 1000000);
    const auto decay = integerOption(p, u"lfu-decay-time"_s, 1, 0, 1000000);
    for (const auto *r : { &seed, &samples, &logFactor, &decay })
        if (!*r)
            return r->error();
    options.seed = quint64(seed.value());
    options.redis.samples = int(samples.value());
    options.redis.lfuLogFactor = int(logFactor.value());
    options.redis.lfuDecayTime = int(decay.value());
    if (p.isSet(u"assume-rate"_s)) {
        QString text = p.value(u"assume-rate"_s).trimmed();
        if (text.endsWith(u"/s"_s))
            text.chop(2);
        bool ok = false;
        const double rate = text.toDouble(&ok);
        if (!ok || !(rate > 0) || rate > 1e12)
            return Error {
                u"must be a positive number of requests per second, e.g. 1000 or 1000/s"_s, {}, 0,
                u"--assume-rate"_s, p.value(u"assume-rate"_s)
            };
        options.redis.assumedRate = rate;
    }
    options.redis.traceTimes = stream.timed;
    const bool anyRedis = std::any_of(policies.begin(), policies.end(),
        [](const QString &id) { return id.startsWith(u"redis-"_s); });
    if (anyRedis && !stream.timed)
        note(stream.name + u" has no request times: Redis's clocks assume "_s
            + QString::number(options.redis.assumedRate)
            + u" requests per second (--assume-rate)"_s);
    return options;
}

namespace {

ReplayTraceInfo traceInfo(const Stream &s)
{
    return { s.name, s.format, qint64(s.requests.size()), s.uniqueObjects, s.uniqueBytes };
}

/// --expect on simulate: an expectation whose first part names a policy of the run applies to
/// that policy's results only (the rest of its path), any other to every result.
struct PolicyExpectation
{
    QString policy; // empty: every result
    Expectation expectation;
};

Result<QList<PolicyExpectation>> parseSimulateExpectations(
    const QString &text, const QStringList &policies)
{
    Result<QList<Expectation>> parsed = parseExpectations(text);
    if (!parsed)
        return parsed.error();
    const QJsonObject shape = simulationResultJson(SimulationResult {});
    QList<PolicyExpectation> list;
    for (Expectation e : parsed.value()) {
        QString policy;
        if (e.path.size() > 1 && policies.contains(e.path.front())) {
            policy = e.path.takeFirst();
        } else if (e.path.size() > 1 && findPolicy(e.path.front())) {
            return Error {
                u"names policy '%1', which this run does not simulate (policies: %2)"_s.arg(
                    e.path.front(), policies.join(u", "_s)),
                {}, 0, u"--expect"_s, e.path.join(u'.')
            };
        }
        if (Result<void> known = checkExpectationFields({ e }, shape); !known)
            return known.error();
        list.append({ policy, e });
    }
    return list;
}

/// Evaluates the expectations on every result they apply to; reports each on stderr. True
/// when all were met.
bool checkSimulateExpectations(
    const QList<PolicyExpectation> &list, const std::vector<SimulationResult> &results)
{
    bool all = true;
    for (const SimulationResult &r : results) {
        QList<Expectation> mine;
        for (const PolicyExpectation &e : list)
            if (e.policy.isEmpty() || e.policy == r.policy)
                mine << e.expectation;
        if (mine.isEmpty())
            continue;
        const QString context = r.policy + u" at "_s + QString::number(r.capacity) + u": "_s;
        all = reportExpectations(evaluateExpectations(mine, simulationResultJson(r)), context)
            && all;
    }
    return all;
}

} // namespace

int simulateCommand(const QStringList &args)
{
    QCommandLineParser p;
    addSimulateOptions(p);
    if (const std::optional<int> done
        = parseCommand(p, args, u"simulate"_s, u"(--trace FILE | --workload KIND) [options]"_s))
        return *done;
    if (p.isSet(u"trace"_s) == p.isSet(u"workload"_s))
        return fail(
            u"give exactly one of --trace FILE or --workload KIND (see cachescope-cli simulate --help)"_s);

    const auto unitName
        = choiceOption(p, u"size-unit"_s, u"objects"_s, { u"objects"_s, u"bytes"_s });
    const auto output
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"csv"_s, u"json"_s });
    const auto threads = integerOption(p, u"threads"_s, 0, 1, 1024);
    for (const auto *r : { &unitName, &output })
        if (!*r)
            return fail(r->error());
    if (!threads)
        return fail(threads.error());
    const SizeUnit unit = unitName.value() == u"bytes"_s ? SizeUnit::Bytes : SizeUnit::Objects;
    ReplaySpec spec;
    spec.policies = (p.isSet(u"policy"_s) ? p.value(u"policy"_s) : u"all"_s).split(u',');
    spec.capacities = p.isSet(u"capacity"_s) ? p.value(u"capacity"_s) : u"10%"_s;
    spec.sizeUnit = unit;
    spec.allowAllPolicies = true;
    Result<ReplayPlan> plan = ReplayPlan::create(spec);
    if (!plan)
        return fail(plan.error());

    Result<std::unique_ptr<HistoryRecorder>> recorder = HistoryRecorder::fromOptions(p);
    if (!recorder)
        return fail(recorder.error());
    HistoryRecorder *history = recorder->get();
    // A replay's time in the history: reading the trace and simulating.
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    QElapsedTimer clock;
    clock.start();

    Result<Stream> stream = loadStream(p, unit);
    if (!stream)
        return fail(stream.error());
    if (stream->requests.empty())
        return fail(stream->name + u": contains no requests"_s);
    if (const Result<void> resolved = plan->resolve(stream.value()); !resolved)
        return fail(resolved.error());
    if (plan->needsFuture())
        stream->annotateNextAccess(); // one backward pass, no second read

    Result<SimulationOptions> options = simulationOptions(p, stream.value(), plan->policies());
    if (!options)
        return fail(options.error());
    QList<PolicyExpectation> expectations;
    if (p.isSet(u"expect"_s)) {
        Result<QList<PolicyExpectation>> parsed
            = parseSimulateExpectations(p.value(u"expect"_s), plan->policies());
        if (!parsed)
            return fail(parsed.error());
        expectations = std::move(parsed.value());
    }
    options->threads = int(threads.value());
    if (history) {
        ReplayRecord replay;
        replay.trace = traceInfo(stream.value());
        if (const Result<TraceOptions> read = traceOptions(p); read)
            replay.traceOptions = read.value(); // read already by loadStream()
        replay.policies = plan->policies();
        replay.capacities = spec.capacities;
        replay.resolvedCapacities = plan->capacities();
        replay.sizeUnit = unit;
        replay.options = options.value();
        RunStart start = replayRunStart(replay);
        start.startedAt = startedAt;
        history->begin(start);
    }
    const Result<std::vector<SimulationResult>> results
        = plan->run(stream.value(), options.value());
    if (!results)
        return fail(results.error(), exitRuntime);
    // What --output json prints is the run's summary in the history.
    const QJsonObject doc = replayJson(traceInfo(stream.value()), results.value());
    if (history)
        history->finish(clock.elapsed(), doc);

    if (output.value() == u"json"_s) {
        out() << QJsonDocument(doc).toJson(QJsonDocument::Indented);
        return checkSimulateExpectations(expectations, results.value()) ? 0 : exitExpectation;
    }
    Table table(
        { u"policy"_s, u"capacity"_s, u"requests"_s, u"hits"_s, u"misses"_s, u"miss_ratio"_s,
            u"byte_miss_ratio"_s, u"evictions"_s, u"seconds"_s, u"requests_per_second"_s });
    table.setTextColumn(0);
    for (const SimulationResult &r : results.value()) {
        const PolicyStats &s = r.stats;
        const bool csv = output.value() == u"csv"_s;
        table.addRow({ r.policy, QString::number(r.capacity), QString::number(s.requests),
            QString::number(s.hits), QString::number(s.misses), formatRatio(s.missRatio()),
            formatRatio(s.byteMissRatio()), QString::number(s.evictions),
            QString::number(r.seconds, 'f', 4),
            csv ? QString::number(r.requestsPerSecond(), 'f', 0)
                : formatRate(r.requestsPerSecond()) });
    }
    if (output.value() == u"csv"_s) {
        out() << table.toCsv();
    } else {
        out() << stream->name << u" ("_s << stream->format << u"): "_s << stream->requests.size()
              << u" requests, "_s << stream->uniqueObjects << u" unique objects"_s;
        if (unit == SizeUnit::Bytes)
            out() << u", "_s << stream->uniqueBytes << u" unique bytes"_s;
        out() << u"\n\n"_s << table.toText();
    }
    out().flush();
    return checkSimulateExpectations(expectations, results.value()) ? 0 : exitExpectation;
}

} // namespace CacheScope::Cli
