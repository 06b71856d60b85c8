#include "cliutil.h"
#include "historyrecorder.h"
#include "replaylog.h"
#include "runcontrol.h"
#include "runreporter.h"
#include "commands.h"
#include "dboptions.h"

#include "core/cache/resultcache.h"
#include "core/db/demodatabase.h"
#include "core/engine/capacity.h"
#include "core/engine/queryengine.h"
#include "core/fleet/fleetlines.h"
#include "core/history/runstarts.h"
#include "core/querylog/logfeed.h"
#include "core/report/runjson.h"
#include "core/report/shadowreport.h"
#include "core/report/table.h"
#include "core/session/configjson.h"
#include "core/session/runsession.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

namespace {

/// `run`'s options that replay-log refuses.
QStringList runOnlyOptions()
{
    return { u"workload"_s, u"keys"_s, u"alpha"_s, u"hot-keys"_s, u"hot-requests"_s,
        u"shift-every"_s, u"seed"_s, u"query"_s, u"sql"_s, u"write-ratio"_s, u"rate"_s,
        u"think-ms"_s, u"scenario"_s, u"config"_s, u"save-config"_s, u"io"_s, u"io-threads"_s,
        u"in-flight"_s, u"l2"_s, u"l2-password-env"_s, u"l2-ttl-ms"_s, u"l2-only"_s,
        u"invalidation"_s, u"stale-board"_s, u"control"_s };
}

/// The database options: any of them given replaces a configuration file's database.
bool hasDatabaseOptions(const QCommandLineParser &p)
{
    for (const QString &name : { u"driver"_s, u"database"_s, u"host"_s, u"port"_s, u"user"_s,
             u"password-env"_s, u"connection"_s, u"pg-protocol"_s, u"db-delay-ms"_s }) {
        if (p.isSet(name))
            return true;
    }
    return false;
}

/// --scenario: a built-in scenario's id or title, or a scenario file (*.json, the presets'
/// format: resources/scenarios).
Result<Scenario> findScenarioOption(const QString &name)
{
    if (name.endsWith(u".json"_s, Qt::CaseInsensitive)) {
        QFile file(name);
        if (!file.open(QIODevice::ReadOnly))
            return Error { file.errorString(), name, 0, u"--scenario"_s, name };
        return parseScenario(file.readAll(), name);
    }
    QList<Error> errors;
    const QList<Scenario> scenarios = loadBuiltInScenarios(&errors);
    if (const Scenario *found = findScenario(scenarios, name))
        return *found;
    Error e = unknownScenarioError(scenarios, name);
    e.field = u"--scenario"_s;
    return e;
}

} // namespace

namespace {

/// `run`, or `replay-log` (`replayLog`): one live loop, the workload drawn or the log's.
int liveCommand(const QStringList &args, bool replayLog)
{
    QCommandLineParser p;
    addRunOptions(p, replayLog);
    if (const std::optional<int> done = replayLog
            ? parseCommand(p, args, u"replay-log"_s, u"FILE [options]"_s, true)
            : parseCommand(p, args, u"run"_s))
        return *done;
    std::optional<QueryLogReplay> logSpec;
    if (replayLog) {
        for (const QString &name : runOnlyOptions()) {
            if (p.isSet(name))
                return fail(Error { u"does not apply to replay-log: the log is the workload"_s, {},
                    0, u"--"_s + name, p.value(name) });
        }
        Result<QueryLogReplay> spec = replayLogSpec(p);
        if (!spec)
            return fail(spec.error());
        logSpec = spec.value();
    }
    Result<ConnectionSettings> db = databaseSettings(p, false);
    if (!db)
        return fail(db.error());

    const auto threads = integerOption(p, u"threads"_s, 4, 1, 256);
    const auto ttl = integerOption(p, u"ttl-ms"_s, 0, 0);
    const auto shards = integerOption(p, u"shards"_s, 0, 1, 1024);
    const auto keys = integerOption(p, u"keys"_s, 100000, 1);
    const auto shift = integerOption(p, u"shift-every"_s, 100000, 1);
    const auto seed = integerOption(p, u"seed"_s, 42, 0);
    const auto think = integerOption(p, u"think-ms"_s, 0, 0, 60000);
    const auto interval = integerOption(p, u"interval-ms"_s, 1000, 10, 3600000);
    const auto ioThreads = integerOption(p, u"io-threads"_s, 1, 1, maxIoThreads);
    const auto inFlight = integerOption(p, u"in-flight"_s, 64, 1, maxInFlight);
    const auto alpha = realOption(p, u"alpha"_s, 0.99, 0, 100);
    const auto hotKeys = realOption(p, u"hot-keys"_s, 0.2, 0, 1);
    const auto hotRequests = realOption(p, u"hot-requests"_s, 0.8, 0, 1);
    const auto writeRatio = realOption(p, u"write-ratio"_s, 0, 0, 1);
    const auto rate = realOption(p, u"rate"_s, 0, 0.001, 1e9);
    const auto output
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"csv"_s, u"json"_s });
    const auto query = choiceOption(
        p, u"query"_s, u"point"_s, { u"point"_s, u"range"_s, u"aggregate"_s, u"mix"_s });
    for (const auto *r :
        { &threads, &ttl, &shards, &keys, &shift, &seed, &think, &interval, &ioThreads, &inFlight })
        if (!*r)
            return fail(r->error());
    for (const auto *r : { &alpha, &hotKeys, &hotRequests, &writeRatio, &rate })
        if (!*r)
            return fail(r->error());
    for (const auto *r : { &output, &query })
        if (!*r)
            return fail(r->error());
    if (p.isSet(u"duration"_s)) {
        if (const Result<qint64> d = parseDurationMs(p.value(u"duration"_s)); !d)
            return fail(d.error());
    }
    if (p.isSet(u"sql"_s) && p.isSet(u"query"_s))
        return fail(u"give --query or --sql, not both"_s);
    if (p.isSet(u"scenario"_s) && p.isSet(u"config"_s))
        return fail(u"give --scenario or --config, not both"_s);

    // What the run starts from: the defaults, a configuration file, or a scenario's preset
    // (over the defaults, on the database the options name); the options given override it.
    RunConfig config = defaultRunConfig(db->database);
    config.database = db.value();
    std::optional<Scenario> scenario;
    if (p.isSet(u"scenario"_s)) {
        const Result<Scenario> found = findScenarioOption(p.value(u"scenario"_s).trimmed());
        if (!found)
            return fail(found.error());
        scenario = found.value();
        Result<RunConfig> preset = scenarioRunConfig(*scenario, config, db.value());
        if (!preset)
            return fail(preset.error());
        config = preset.value();
        if (p.isSet(u"connection"_s))
            config.database.connectionMode = db->connectionMode;
        if (p.isSet(u"db-delay-ms"_s))
            config.database.simulatedDelayMs = db->simulatedDelayMs;
    } else if (p.isSet(u"config"_s)) {
        Result<RunConfig> loaded = loadRunConfig(p.value(u"config"_s), config);
        if (!loaded)
            return fail(loaded.error());
        config = loaded.value();
        if (hasDatabaseOptions(p))
            config.database = db.value();
        else
            config.database.password = db->password; // never in the file
    }
    config.workload.requests = 0;

    if (p.isSet(u"threads"_s))
        config.threads = int(threads.value());
    if (p.isSet(u"io"_s)) {
        const Result<IoModel> io = parseIoModel(p.value(u"io"_s));
        if (!io)
            return fail(io.error());
        config.io = io.value();
    }
    if (p.isSet(u"io-threads"_s))
        config.ioThreads = int(ioThreads.value());
    if (p.isSet(u"l2"_s))
        config.l2.url = p.value(u"l2"_s).trimmed();
    if ((p.isSet(u"l2-password-env"_s) || p.isSet(u"l2-ttl-ms"_s) || p.isSet(u"l2-only"_s))
        && !config.l2.isSet())
        return fail(Error { u"needs --l2 redis://HOST:PORT"_s, {}, 0,
            p.isSet(u"l2-only"_s)
                ? u"--l2-only"_s
                : (p.isSet(u"l2-ttl-ms"_s) ? u"--l2-ttl-ms"_s : u"--l2-password-env"_s),
            {} });
    if (p.isSet(u"l2-password-env"_s)) {
        const QString var = p.value(u"l2-password-env"_s);
        if (!qEnvironmentVariableIsSet(qPrintable(var)))
            return fail(
                Error { u"is not set in the environment"_s, {}, 0, u"--l2-password-env"_s, var });
        config.l2.password = qEnvironmentVariable(qPrintable(var));
    }
    if (p.isSet(u"l2-ttl-ms"_s)) {
        const auto l2Ttl = integerOption(p, u"l2-ttl-ms"_s, 0, 0);
        if (!l2Ttl)
            return fail(l2Ttl.error());
        config.l2.ttlMs = l2Ttl.value();
    }
    if (p.isSet(u"l2-only"_s)) {
        config.l2.only = true;
        config.cache.policy = u"none"_s; // no L1
    }
    if (p.isSet(u"invalidation"_s)) {
        const Result<L2Invalidation> mode = parseInvalidation(p.value(u"invalidation"_s).trimmed());
        if (!mode)
            return fail(mode.error());
        config.l2.invalidation = *mode;
    }
    if (p.isSet(u"stale-board"_s))
        config.staleBoard = p.value(u"stale-board"_s);
    if (p.isSet(u"instance"_s)) {
        const auto instance = integerOption(p, u"instance"_s, 0, 0, maxFleetInstances - 1);
        if (!instance)
            return fail(instance.error());
        config.instance = int(instance.value());
    }
    if (p.isSet(u"control"_s) && p.value(u"control"_s) != u"stdin"_s)
        return fail(Error {
            u"the only control channel is stdin"_s, {}, 0, u"--control"_s, p.value(u"control"_s) });
    if (p.isSet(u"in-flight"_s))
        config.inFlight = int(inFlight.value());
    if (p.isSet(u"policy"_s))
        config.cache.policy = p.value(u"policy"_s).trimmed();
    if (p.isSet(u"capacity"_s)) {
        const auto cap = parseCacheCapacity(p.value(u"capacity"_s));
        if (!cap)
            return fail(cap.error());
        config.cache.capacity = cap->first;
        config.cache.sizeUnit = cap->second;
    }
    if (p.isSet(u"ttl-ms"_s))
        config.cache.ttlMs = ttl.value();
    if (p.isSet(u"single-flight"_s))
        config.cache.singleFlight = true;
    if (p.isSet(u"shards"_s))
        config.cache.shardCount = int(shards.value());
    if (p.isSet(u"workload"_s))
        config.workload.kind = p.value(u"workload"_s).trimmed();
    if (p.isSet(u"keys"_s))
        config.workload.keys = quint64(keys.value());
    if (p.isSet(u"alpha"_s))
        config.workload.alpha = alpha.value();
    if (p.isSet(u"hot-keys"_s))
        config.workload.hotKeyFraction = hotKeys.value();
    if (p.isSet(u"hot-requests"_s))
        config.workload.hotRequestFraction = hotRequests.value();
    if (p.isSet(u"shift-every"_s))
        config.workload.shiftEvery = quint64(shift.value());
    if (p.isSet(u"seed"_s))
        config.workload.seed = quint64(seed.value());
    if (p.isSet(u"sql"_s)) {
        config.customSql = p.value(u"sql"_s);
    } else if (p.isSet(u"query"_s)) {
        config.customSql.clear();
        if (query.value() == u"mix"_s)
            config.mix = { 0.6, 0.3, 0.1 };
        else
            config.mix = { query.value() == u"point"_s ? 1.0 : 0.0,
                query.value() == u"range"_s ? 1.0 : 0.0,
                query.value() == u"aggregate"_s ? 1.0 : 0.0 };
    }
    if (p.isSet(u"write-ratio"_s))
        config.writeRatio = writeRatio.value();
    if (p.isSet(u"shadows"_s))
        config.shadows = true;
    if (p.isSet(u"think-ms"_s)) {
        config.loadModel = LoadModel::ClosedLoop;
        config.thinkTimeMs = int(think.value());
    }
    if (p.isSet(u"rate"_s)) {
        config.loadModel = LoadModel::OpenLoop;
        config.targetRate = rate.value();
    }
    if (logSpec)
        config.queryLog = *logSpec;
    if (Result<void> v = config.validate(); !v)
        return fail(v.error());
    const bool onPostgres = config.database.driver == DatabaseDriver::Postgres;
    // --expect: parsed and its fields checked against the final line's shape before the run.
    QList<Expectation> expectations;
    if (p.isSet(u"expect"_s)) {
        Result<QList<Expectation>> parsed = parseExpectations(p.value(u"expect"_s));
        if (!parsed)
            return fail(parsed.error());
        RunLine shape {};
        shape.final = true;
        shape.io = ioModelName(config.io);
        shape.l2 = config.l2.isSet();
        if (config.shadows)
            shape.shadows = ShadowSnapshot {};
        if (Result<void> known = checkExpectationFields(*parsed, runLineJson(shape, onPostgres));
            !known)
            return fail(known.error());
        expectations = std::move(parsed.value());
    }

    qint64 durationMs = replayLog ? 0 : 10000; // 0: until the log ends
    if (p.isSet(u"duration"_s))
        durationMs = parseDurationMs(p.value(u"duration"_s)).value();
    else if (scenario && !scenario->steps.isEmpty())
        durationMs = scenario->steps.last().atMs + 10000; // the last step, then 10 s of it
    if (p.isSet(u"save-config"_s)) {
        if (Result<void> saved = saveRunConfig(config, p.value(u"save-config"_s)); !saved)
            return fail(saved.error());
    }

    // The default SQLite demo is created on first use, as the app does (off this thread, by
    // the session, before it starts the engine).
    const bool demo = config.database.driver == DatabaseDriver::Sqlite && !p.isSet(u"database"_s)
        && config.database.database == defaultDemoDatabasePath();
    if (demo) {
        const Result<std::optional<DemoDatabaseInfo>> info = readDemoDatabaseInfo(config.database);
        if (info && !info.value()) {
            QTextStream(stderr) << "creating the SQLite demo database at "
                                << config.database.database
                                << " (first run; `cachescope-cli demo-db` re-creates it)"
                                << Qt::endl;
        }
        if (!config.customSql.isEmpty()) { // the session prepares demo runs only
            if (const Result<DemoDatabaseInfo> ensured = ensureDemoDatabase(config.database);
                !ensured)
                return fail(ensured.error(), exitRuntime);
        }
    }

    Result<std::unique_ptr<HistoryRecorder>> recorder = HistoryRecorder::fromOptions(p);
    if (!recorder)
        return fail(recorder.error());
    HistoryRecorder *history = recorder->get();

    RunSession::Options options;
    options.prepareDemoDatabase = demo;
    options.tickIntervalMs = int(interval.value());
    // One history row per interval, for --csv (bounded: a day of 1 s intervals and more).
    options.historyCapacity = p.isSet(u"csv"_s)
        ? qsizetype(std::clamp<qint64>(
            (durationMs ? durationMs : 86'400'000) / interval.value() + 16, 16, 100000))
        : 16;
    RunSession session(options);
    QueryEngine &engine = *session.engine();
    RunReporter reporter(output.value(), onPostgres);
    int status = 0;
    bool finished = false;
    bool starting = true; // inside session.start(): a refusal there is a usage error
    bool stopRequested = false;
    bool startFailed = false;
    QTimer deadline;
    deadline.setSingleShot(true);
    deadline.setInterval(int(std::min<qint64>(durationMs, std::numeric_limits<int>::max())));
    QTimer signalPoll; // SIGINT/SIGTERM: stop cleanly and print the summary
    signalPoll.setInterval(50);
    std::unique_ptr<StdinControl> control;

    auto latencyBuckets = [&] {
        return p.isSet(u"latency-buckets"_s) ? QJsonObject { { u"latency_buckets"_s,
                   latencyBucketsJson(session.totalReading(), engine.config().l2.isSet()) } }
                                             : QJsonObject {};
    };
    auto finish = [&](int code) {
        status = code;
        finished = true;
        if (!starting)
            QCoreApplication::exit(code);
    };
    QObject::connect(
        &session, &RunSession::tick, &session, [&](double t, const MetricsSnapshot &s) {
            if (stopRequested) // the partial interval at the end goes to the summary only
                return;
            RunLine line = intervalLine(qRound64(t * 1000.0), s);
            line.io = ioModelName(engine.config().io);
            line.l2 = engine.config().l2.isSet();
            reporter.print(line, std::nullopt, latencyBuckets());
            if (history)
                history->point(line.tMs, runLineJson(line, onPostgres));
        });
    QObject::connect(&session, &RunSession::marker, &session, [&](double t, const QString &label) {
        printMarker(output.value(), qRound64(t * 1000.0), label);
    });
    auto stop = [&] {
        stopRequested = true;
        session.stop();
    };
    QObject::connect(&deadline, &QTimer::timeout, &session, stop);
    QObject::connect(&engine, &QueryEngine::queryLogFinished, &session, [&] {
        if (!stopRequested)
            stop();
    });
    QObject::connect(&signalPoll, &QTimer::timeout, &session, [&] {
        if (interrupted() && !stopRequested)
            stop();
    });
    if (p.isSet(u"control"_s)) {
        control = std::make_unique<StdinControl>(engine);
        QObject::connect(control.get(), &StdinControl::stopRequested, &session, [&] {
            if (!stopRequested)
                stop();
        });
    }
    QObject::connect(&session, &RunSession::started, &session, [&](bool continued) {
        if (continued)
            return;
        if (durationMs > 0)
            deadline.start();
        if (history) {
            RunStart start;
            start.config = runConfigToJson(config);
            if (scenario)
                start.config[u"scenario"_s] = scenario->id;
            start.policy = config.cache.policy;
            start.capacity = describeCapacity(config.cache.capacity, config.cache.sizeUnit);
            start.workload = liveWorkloadDescription(config);
            history->begin(start);
        }
    });
    QObject::connect(
        &session, &RunSession::failed, &session, [&](RunSession::Failure failure, const Error &e) {
            switch (failure) {
            case RunSession::Failure::StartFailed:
            case RunSession::Failure::DatabaseNotReady:
                startFailed = true;
                fail(e, starting ? exitUsage : exitRuntime);
                status = starting ? exitUsage : exitRuntime;
                break;
            case RunSession::Failure::DatabaseError: { // or the Redis second tier's
                const bool tier = e.field.startsWith(u"l2"_s) || e.field == u"invalidation"_s;
                QTextStream(stderr)
                    << "cachescope-cli: " << (tier ? "second tier error: " : "database error: ")
                    << e.toString() << Qt::endl;
                break;
            }
            case RunSession::Failure::QueryLogBroken: // reported with the summary
                break;
            case RunSession::Failure::StepBroken:
            case RunSession::Failure::StepRefused:
                QTextStream(stderr)
                    << "cachescope-cli: scenario step: " << e.toString() << Qt::endl;
                break;
            }
        });
    QObject::connect(&session, &RunSession::finished, &session, [&] {
        if (startFailed) {
            finish(status);
            return;
        }
        const MetricsSnapshot whole = makeSnapshot({}, session.totalReading());
        RunLine final = summaryLine(whole);
        final.io = ioModelName(engine.config().io);
        final.l2 = engine.config().l2.isSet();
        final.shadows = engine.shadowSnapshot(); // the last publication, after every worker left
        if (session.lastSnapshot())
            final.databaseBuffer = session.lastSnapshot()->databaseBufferHitRatioCumulative;
        QList<ExpectationResult> met;
        if (!expectations.isEmpty())
            met = evaluateExpectations(expectations, runLineJson(final, onPostgres));
        const QueryLogFeed *feed = engine.queryLogFeed();
        std::vector<TemplateRow> templates;
        std::optional<RecommendedCapacity> capacity;
        if (feed) {
            templates = feed->templates().rows(double(whole.elapsedMs) / 1000.0);
            if (!feed->error())
                capacity = recommendedCapacity(feed->spec(), templates);
        }
        if (feed && output.value() == u"json"_s) {
            QJsonObject o = runLineJson(final, onPostgres);
            if (!met.isEmpty())
                o[u"expectations"_s] = expectationResultsJson(met);
            o[u"statements"_s] = double(feed->statementsRead());
            o[u"templates"_s] = templateRowsJson(templates);
            if (capacity)
                o[u"recommended_capacity"_s] = recommendedCapacityJson(*capacity);
            printJsonLine(o);
        } else {
            reporter.print(final,
                expectations.isEmpty() ? std::nullopt
                                       : std::optional<QJsonArray>(expectationResultsJson(met)),
                latencyBuckets());
            if (feed && output.value() == u"table"_s)
                out() << u'\n' << templateTableText(templates, feed->statementsRead(), capacity);
        }
        if (history) {
            QJsonObject summary = runLineJson(final, onPostgres);
            if (!met.isEmpty())
                summary[u"expectations"_s] = expectationResultsJson(met);
            history->finish(whole.elapsedMs, summary);
        }
        int code = 0;
        if (!met.isEmpty() && !reportExpectations(met))
            code = exitExpectation;
        if (feed) {
            for (const QString &line : feed->notes())
                note(line);
            if (Result<void> written = writeTemplates(p, templates); !written)
                code = fail(written.error(), exitRuntime);
            if (const std::optional<Error> broken = feed->error()) {
                // Bad input stops the replay where it is; what ran is reported above.
                fail(*broken, exitUsage);
                finish(exitUsage);
                return;
            }
            if (whole.total.errors > 0)
                note(QString::number(whole.total.errors)
                    + u" statements failed on replay; each template's count and first message are "
                      "in its row"_s);
        } else if (whole.total.errors > 0) {
            fail(u"the run ended with "_s + QString::number(whole.total.errors)
                    + u" database errors"_s,
                exitRuntime);
            code = exitRuntime;
        }
        if (!feed && whole.total.l2Errors > 0) {
            fail(u"the run ended with "_s + QString::number(whole.total.l2Errors)
                    + u" errors of its Redis second tier at "_s + engine.config().l2.url
                    + u" (requests went to the database meanwhile)"_s,
                exitRuntime);
            code = exitRuntime;
        }
        if (p.isSet(u"csv"_s)) {
            if (Result<void> written = session.history().writeCsv(p.value(u"csv"_s)); !written)
                code = fail(written.error(), exitRuntime);
        }
        finish(code);
    });

    catchInterrupts();
    signalPoll.start();
    if (scenario)
        session.startScenario(*scenario, config);
    else
        session.start(config);
    starting = false;
    if (finished)
        return status;
    const int loop = QCoreApplication::exec();
    return finished ? status : loop;
}

} // namespace

int runCommand(const QStringList &args) { return liveCommand(args, false); }

int replayLogCommand(const QStringList &args) { return liveCommand(args, true); }

} // namespace CacheScope::Cli
