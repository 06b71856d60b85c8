// The options of `run` and `replay-log` (and, forwarded, `fleet`).
#include "commands.h"
#include "dboptions.h"
#include "historyrecorder.h"
#include "replaylog.h"

#include "core/cache/resultcache.h"
#include "core/engine/runconfig.h"
#include "core/workload/generator.h"

#include <QCommandLineParser>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

void addRunOptions(QCommandLineParser &p, bool replayLog)
{
    if (replayLog) {
        p.setApplicationDescription(replayLogDescription());
        p.addPositionalArgument(u"FILE"_s,
            u"A PostgreSQL log (csvlog or stderr) or a .sql file; .gz, .xz, .zst too."_s);
    } else {
        p.setApplicationDescription(
            u"Runs a live workload against a real database through the result cache and prints\n"
            "one line per interval (like vmstat) and a final summary. Without connection options\n"
            "it uses the SQLite demo database, created on first use."_s);
    }
    p.addHelpOption();
    addDatabaseOptions(p);
    p.addOptions({
        { u"threads"_s,
            replayLog ? u"Worker threads, each with its own connection; every session of the log\n"
                        "runs on one of them, in order (default 4)."_s
                      : u"Worker threads (default 4)."_s,
            u"N"_s },
        { u"policy"_s,
            u"Cache policy: "_s + ResultCache::policyIds().join(u", "_s)
                + u" (default qcache; none = no cache)."_s,
            u"ID"_s },
        { u"capacity"_s, u"Cache capacity: entries (N) or bytes (NKB, NMB, NGB). Default 10000."_s,
            u"N|NKB|NMB"_s },
        { u"ttl-ms"_s, u"Expire entries this long after they were written (default 0: never)."_s,
            u"N"_s },
        { u"single-flight"_s, u"Concurrent misses on one key wait for one query."_s },
        { u"shards"_s, u"Cache shards (default: from the thread count)."_s, u"N"_s },
        { u"duration"_s,
            replayLog ? u"Stop after this long: 10s, 500ms, 2m (default: at the log's end)."_s
                      : u"How long to run: 10s, 500ms, 2m (default 10s)."_s,
            u"T"_s },
        { u"interval-ms"_s, u"Report interval (default 1000)."_s, u"N"_s },
        { u"output"_s,
            replayLog ? u"table (default), csv or json (one object per line; the final one has\n"
                        "a `templates` array)."_s
                      : u"table (default), csv or json (one object per line)."_s,
            u"FORMAT"_s },
        { u"shadows"_s,
            u"Shadow policies: every policy beside the run on sampled keys; prints\n"
            "their ranking and the LRU hit ratio at 2x capacity (table and json)."_s },
        { u"csv"_s,
            u"Write the run's time series (one row per interval, the app's Export time\n"
            "series columns) to FILE at the end."_s,
            u"FILE"_s },
        { u"expect"_s,
            u"Thresholds on the final summary for CI, e.g. 'hit_ratio>=0.8,\n"
            "latency_us.hit.p99<=5,errors==0' (fields of the --output json final line,\n"
            "dotted for nested ones; 80% = 0.8). Exit 3 when one is not met."_s,
            u"LIST"_s },
    });
    if (replayLog)
        addReplayLogOptions(p);
    // replay-log knows them, hidden, only to say they do not apply (the log is the workload).
    for (QCommandLineOption option :
        std::initializer_list<QCommandLineOption> {
            { u"workload"_s,
                u"Key distribution: "_s + workloadKinds().join(u'|') + u" (default zipf)."_s,
                u"KIND"_s },
            { u"keys"_s, u"Keys drawn from 1..N (default 100000, the demo's customers)."_s,
                u"N"_s },
            { u"alpha"_s, u"zipf/shifting exponent (default 0.99)."_s, u"A"_s },
            { u"hot-keys"_s, u"hotspot: fraction of keys that are hot (default 0.2)."_s, u"F"_s },
            { u"hot-requests"_s, u"hotspot: fraction of requests to hot keys (default 0.8)."_s,
                u"F"_s },
            { u"shift-every"_s, u"shifting: requests between hot-set moves (default 100000)."_s,
                u"N"_s },
            { u"seed"_s, u"Seed of the key streams (default 42)."_s, u"S"_s },
            { u"query"_s,
                u"point, range, aggregate, or mix (60% point, 30% range, 10% aggregate). Default point."_s,
                u"Q"_s },
            { u"sql"_s, u"Your own read template with :key placeholders (instead of --query)."_s,
                u"SQL"_s },
            { u"write-ratio"_s,
                u"Share of requests that UPDATE a customer and invalidate its results (default 0)."_s,
                u"R"_s },
            { u"rate"_s, u"Open loop: target requests/s over all workers (default: closed loop)."_s,
                u"RPS"_s },
            { u"think-ms"_s, u"Closed loop: pause between a worker's requests (default 0)."_s,
                u"N"_s },
            { u"scenario"_s,
                u"Play a demo scenario (id or title; see `cachescope-cli scenarios`) or a\n"
                "scenario file (*.json, as in resources/scenarios): its configuration, then\n"
                "its timed steps, each printed as a marker. Default duration: 10 s after\n"
                "the last step."_s,
                u"ID|FILE.json"_s },
            { u"config"_s,
                u"Start from a configuration file (File > Save configuration in the app);\n"
                "options given beside it override it."_s,
                u"FILE.json"_s },
            { u"save-config"_s, u"Write the run's configuration as such a file before it starts."_s,
                u"FILE.json"_s },
            { u"l2"_s,
                u"Redis as a shared second tier behind the result cache: an L1 miss asks\n"
                "Redis, an L2 miss queries the database and fills both."_s,
                u"redis://HOST:PORT[/DB]"_s },
            { u"l2-password-env"_s,
                u"The second tier's password, from this environment variable."_s, u"VAR"_s },
            { u"l2-ttl-ms"_s,
                u"Expire what the run stores in Redis after N ms (default 0: never)."_s, u"N"_s },
            { u"l2-only"_s,
                u"No in-process cache: every read asks the second tier (for comparison)."_s },
            { u"invalidation"_s,
                u"How instances sharing the second tier learn of each other's writes:\n"
                "none (default), pubsub (writers publish the keys they delete) or tracking\n"
                "(Redis client-side caching, broadcast mode)."_s,
                u"MODE"_s },
            { u"control"_s,
                u"stdin: take live changes as JSON lines on standard input, e.g.\n"
                "{\"invalidation\": \"pubsub\"} or {\"write_ratio\": 0.2} (fleet uses it)."_s,
                u"stdin"_s },
            { u"stale-board"_s,
                u"A version board file shared with other runs on this machine (the fleet\n"
                "passes one), so their writes count this run's cached copies as stale."_s,
                u"FILE"_s },
            { u"io"_s,
                u"I/O model: threads (default: a worker per connection, each waiting for\n"
                "its answer) or pipeline (PostgreSQL only: event-loop threads, each with one\n"
                "connection in libpq pipeline mode carrying many requests at once)."_s,
                u"MODEL"_s },
            { u"io-threads"_s, u"pipeline: event-loop threads, a connection each (default 1)."_s,
                u"N"_s },
            { u"in-flight"_s,
                u"pipeline: logical clients, i.e. requests outstanding at most, over all\n"
                "event loops (default 64)."_s,
                u"D"_s },
        }) {
        if (replayLog)
            option.setFlags(QCommandLineOption::HiddenFromHelp);
        p.addOption(option);
    }
    addHistoryOptions(p);
    // `fleet` starts its children with it: each json line carries its latency histograms'
    // cumulative bucket counts, so the fleet's total percentiles are exact.
    QCommandLineOption buckets(u"latency-buckets"_s,
        u"With --output json: add each latency histogram's cumulative bucket counts."_s);
    buckets.setFlags(QCommandLineOption::HiddenFromHelp);
    p.addOption(buckets);
    // `fleet` numbers its children: each draws its own key streams over the same hot set.
    QCommandLineOption instance(u"instance"_s,
        u"This run's index in a fleet (0..63): its workers draw their own streams."_s, u"N"_s);
    instance.setFlags(QCommandLineOption::HiddenFromHelp);
    p.addOption(instance);
}

} // namespace CacheScope::Cli
