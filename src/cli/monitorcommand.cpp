#include "capturereport.h"
#include "cliutil.h"
#include "commands.h"
#include "dboptions.h"
#include "historyrecorder.h"

#include "core/history/runstarts.h"
#include "core/monitor/memcachedsource.h"
#include "core/monitor/monitorsession.h"
#include "core/monitor/postgressource.h"
#include "core/monitor/rediscapture.h"
#include "core/monitor/redissource.h"
#include "core/report/monitorjson.h"
#include "core/report/table.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {
namespace {

void addMonitorOptions(QCommandLineParser &p)
{
    p.setApplicationDescription(
        u"Watches a Redis, memcached or PostgreSQL's buffer cache you already run: polls its\n"
        "statistics every interval and prints one line per interval (hits, misses, hit ratio,\n"
        "operations, evictions, expired keys, memory against its limit, keys, clients, round-trip\n"
        "latency) and a summary at the end. Runs until --duration or Ctrl-C."_s);
    p.addHelpOption();
    p.addOptions({
        { u"redis"_s, u"Watch the Redis at HOST:PORT (port default 6379)."_s, u"HOST:PORT"_s },
        { u"memcached"_s, u"Watch the memcached at HOST:PORT (port default 11211)."_s,
            u"HOST:PORT"_s },
        { u"postgres"_s,
            u"Watch PostgreSQL's shared buffers for one database (blks_hit/blks_read of "
            "pg_stat_database; the busiest tables of pg_statio_user_tables)."_s },
        { u"host"_s, u"--postgres: host (default $CACHESCOPE_PG_HOST or 127.0.0.1)."_s, u"H"_s },
        { u"port"_s, u"--postgres: port (default $CACHESCOPE_PG_PORT or 5432)."_s, u"P"_s },
        { u"database"_s, u"--postgres: database (default $CACHESCOPE_PG_DB or cachescope)."_s,
            u"NAME"_s },
        { u"user"_s,
            u"--postgres: user (default $CACHESCOPE_PG_USER); --redis: the ACL user to log in "
            "as (AUTH user password)."_s,
            u"U"_s },
        { u"db"_s, u"Redis database whose keys are counted (default 0)."_s, u"N"_s },
        { u"password-env"_s,
            u"Name of the environment variable holding the password (never written "
            "anywhere; --postgres: default CACHESCOPE_PG_PASSWORD)."_s,
            u"VAR"_s },
        { u"duration"_s, u"How long to watch: 10s, 500ms, 2m (default: until Ctrl-C)."_s, u"T"_s },
        { u"interval-ms"_s, u"Poll interval, 100 to 10000 (default 1000)."_s, u"N"_s },
        { u"output"_s, u"table (default), csv or json (one object per line)."_s, u"FORMAT"_s },
        { u"capture"_s,
            u"--redis: capture the key stream with MONITOR (costly: Redis documents about half "
            "its throughput while a MONITOR client is attached) and report reads, writes and "
            "keys per key prefix and the top keys."_s },
        { u"capture-limit"_s, u"--capture: stop capturing after N commands (default: none)."_s,
            u"N"_s },
        { u"prefix-depth"_s, u"--capture: key segments (split on ':') in a prefix (default 1)."_s,
            u"D"_s },
        { u"shadows"_s,
            u"--capture: replay the captured reads through shadow policies at the Redis's "
            "capacity in keys: its own policy beside its measured hit ratio, allkeys-lfu, "
            "maxmemory-samples 10, 2x maxmemory and every registry policy."_s },
        { u"capacity-keys"_s,
            u"--shadows: the capacity in keys (default: the keys Redis holds at maxmemory, or "
            "estimated from used_memory and maxmemory)."_s,
            u"N"_s },
        { u"record"_s,
            u"--capture: write the raw MONITOR lines to FILE (trace format redis-monitor, for "
            "simulate --trace and mrc --trace)."_s,
            u"FILE"_s },
    });
    addHistoryOptions(p);
}

/// Prints interval lines and the summary in the chosen format.
class Reporter
{
public:
    Reporter(QString format, QString source, const RedisCapture *capture, bool shadows)
        : m_format(std::move(format))
        , m_source(std::move(source))
        , m_memcached(m_source == u"memcached"_s)
        , m_capture(capture)
        , m_shadows(shadows)
    {
    }

    void printServer(const MonitorServerInfo &info) const
    {
        QStringList settings;
        QJsonObject json;
        for (const auto &[name, value] : info.settings) {
            settings << name + u' ' + value;
            json[name] = value;
        }
        for (const QString &note : info.notes)
            QTextStream(stderr) << "cachescope-cli: note: " << note << Qt::endl;
        if (m_format == u"json"_s) {
            printJsonLine({ { u"source"_s, info.source }, { u"address"_s, info.address },
                { u"version"_s, info.version }, { u"settings"_s, json },
                { u"notes"_s, QJsonArray::fromStringList(info.notes) } });
            return;
        }
        const QString line = info.source + u' ' + info.version + u" at "_s + info.address
            + (settings.isEmpty() ? QString() : u": "_s + settings.join(u", "_s));
        if (m_format == u"table"_s)
            out() << line << u'\n';
        else
            QTextStream(stderr) << line << Qt::endl; // csv: stdout keeps to rows
        out().flush();
    }

    void print(const MonitorInterval &r)
    {
        if (m_format == u"json"_s) {
            printJsonLine(json(r));
            return;
        }
        const std::optional<double> ratio = r.counts.hitRatio();
        auto us = [](qint64 ns) { return QString::number(double(ns) / 1000.0, 'f', 1); };
        const bool csv = m_format == u"csv"_s;
        auto rate = [csv](double v) { return csv ? QString::number(v, 'f', 1) : formatRate(v); };
        QStringList cells = {
            r.final ? u"total"_s : QString::number(double(r.tMs) / 1000.0, 'f', 1),
            rate(r.opsPerSecond),
            ratio ? QString::number(*ratio * 100.0, 'f', 1) : u"n/a"_s,
            QString::number(r.counts.hits),
            QString::number(r.counts.misses),
            rate(r.evictionsPerSecond),
            rate(r.expiredPerSecond),
            QString::number(r.memoryBytes),
            QString::number(r.memoryLimitBytes),
            QString::number(r.keys),
            QString::number(r.clients),
            us(r.latencyP50Ns),
            us(r.latencyP99Ns),
        };
        QStringList headers = { u"t_s"_s, u"ops/s"_s, u"hit%"_s, u"hits"_s, u"misses"_s,
            u"evict/s"_s, u"expired/s"_s, u"mem_bytes"_s, u"limit_bytes"_s, u"keys"_s, u"clients"_s,
            u"rtt_p50_us"_s, u"rtt_p99_us"_s };
        QList<int> widths = { 7, 9, 6, 9, 9, 9, 10, 11, 12, 9, 8, 11, 11 };
        if (m_memcached) {
            cells << rate(r.getsPerSecond) << rate(r.setsPerSecond)
                  << QString::number(r.counts.evictedUnfetched)
                  << QString::number(r.counts.expiredUnfetched);
            headers << u"gets/s"_s << u"sets/s"_s << u"evicted_unfetched"_s
                    << u"expired_unfetched"_s;
            widths << 9 << 9 << 18 << 18;
        }
        if (csv) {
            if (!m_headerDone)
                out() << headers.join(u',') << u'\n';
            m_headerDone = true;
            out() << cells.join(u',') << u'\n';
            out().flush();
            return;
        }
        if (!m_headerDone || r.final)
            out() << fixedWidthRow(headers, widths) << u'\n';
        m_headerDone = true;
        out() << fixedWidthRow(cells, widths) << u'\n';
        if (m_capture)
            out() << captureText(m_capture->snapshot(), m_shadows, measured(r), r.final);
        if (r.final && !r.tables.isEmpty()) {
            Table tables({ u"table"_s, u"heap_blks_hit"_s, u"heap_blks_read"_s, u"hit%"_s });
            tables.setTextColumn(0);
            for (const MonitorSample::TableIo &t : r.tables) {
                const qint64 all = t.heapBlocksHit + t.heapBlocksRead;
                tables.addRow({ t.table, QString::number(t.heapBlocksHit),
                    QString::number(t.heapBlocksRead),
                    all == 0
                        ? u"n/a"_s
                        : QString::number(100.0 * double(t.heapBlocksHit) / double(all), 'f', 1) });
            }
            out() << u"\nbusiest tables (since the statistics were reset):\n"_s << tables.toText();
        }
        if (r.final && !r.slabEvictions.empty()) {
            Table slabs({ u"slab_class"_s, u"evictions"_s });
            for (const auto &[slab, evicted] : r.slabEvictions)
                slabs.addRow({ QString::number(slab), QString::number(evicted) });
            out() << u"\nevictions per slab class:\n"_s << slabs.toText();
        }
        out().flush();
    }

    /// The record as --output json prints it (with the key capture's tables).
    QJsonObject json(const MonitorInterval &r) const
    {
        QJsonObject o = monitorIntervalJson(r, m_source);
        if (m_capture)
            addCaptureJson(o, m_capture->snapshot(), m_shadows, measured(r));
        return o;
    }

private:
    /// The Redis's own hit ratio beside the shadows: since the monitor began.
    static std::optional<double> measured(const MonitorInterval &r)
    {
        return r.final ? r.counts.hitRatio() : r.cumulativeHitRatio;
    }

    QString m_format;
    QString m_source;
    bool m_memcached;
    const RedisCapture *m_capture; // nullptr without --capture
    bool m_shadows;
    bool m_headerDone = false;
};

} // namespace

int monitorCommand(const QStringList &args)
{
    QCommandLineParser p;
    addMonitorOptions(p);
    if (const auto done = parseCommand(p, args, u"monitor"_s,
            u"--redis HOST:PORT | --memcached HOST:PORT | --postgres [options]"_s))
        return *done;
    const bool redis = p.isSet(u"redis"_s);
    const bool memcached = p.isSet(u"memcached"_s);
    const bool postgres = p.isSet(u"postgres"_s);
    if (int(redis) + int(memcached) + int(postgres) != 1)
        return fail(u"give one of --redis HOST:PORT, --memcached HOST:PORT or --postgres"_s
            + u" (see cachescope-cli monitor --help)"_s);
    const QString sourceOption = redis ? u"redis"_s : u"memcached"_s;
    Result<std::pair<QString, int>> address = std::pair { QString(), 0 };
    if (!postgres) {
        address = parseAddress(u"--"_s + sourceOption, p.value(sourceOption), redis ? 6379 : 11211);
        if (!address)
            return fail(address.error());
    }
    const auto db = integerOption(p, u"db"_s, 0, 0, 1000000);
    const auto interval = integerOption(p, u"interval-ms"_s, 1000, 100, 10000);
    const auto output
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"csv"_s, u"json"_s });
    for (const auto *r : { &db, &interval })
        if (!*r)
            return fail(r->error());
    if (!output)
        return fail(output.error());
    std::optional<qint64> durationMs;
    if (p.isSet(u"duration"_s)) {
        const Result<qint64> d = parseDurationMs(p.value(u"duration"_s));
        if (!d)
            return fail(d.error());
        durationMs = d.value();
    }
    const QStringList redisOnly = { u"db"_s, u"capture"_s, u"shadows"_s };
    const QStringList postgresOnly = { u"host"_s, u"port"_s, u"database"_s };
    const QStringList both = { u"password-env"_s, u"user"_s };
    for (const QString &name : redisOnly + postgresOnly + both) {
        const bool applies = both.contains(name) ? !memcached
            : redisOnly.contains(name)           ? redis
                                                 : postgres;
        if (p.isSet(name) && !applies)
            return fail(Error { u"applies to "_s
                    + (both.contains(name)             ? u"--redis and --postgres"_s
                            : redisOnly.contains(name) ? u"--redis"_s
                                                       : u"--postgres"_s)
                    + u" only"_s
                    + (name == u"capture"_s || name == u"shadows"_s
                            ? u" (key capture uses Redis's MONITOR)"_s
                            : QString()),
                {}, 0, u"--"_s + name, p.value(name) });
    }
    const bool capture = p.isSet(u"capture"_s);
    const bool shadows = p.isSet(u"shadows"_s);
    for (const QString &name :
        { u"capture-limit"_s, u"prefix-depth"_s, u"shadows"_s, u"record"_s, u"capacity-keys"_s }) {
        if (p.isSet(name) && !capture)
            return fail(Error { u"needs --capture (it works on the captured key stream)"_s, {}, 0,
                u"--"_s + name, p.value(name) });
    }
    if (p.isSet(u"capacity-keys"_s) && !shadows)
        return fail(Error {
            u"needs --shadows"_s, {}, 0, u"--capacity-keys"_s, p.value(u"capacity-keys"_s) });
    const auto captureLimit = integerOption(p, u"capture-limit"_s, 0, 1, qint64(1) << 40);
    const auto prefixDepth = integerOption(p, u"prefix-depth"_s, 1, 1, 16);
    const auto capacityKeys = integerOption(p, u"capacity-keys"_s, 0, 1, qint64(1) << 40);
    for (const auto *r : { &captureLimit, &prefixDepth, &capacityKeys })
        if (!*r)
            return fail(r->error());
    if (p.isSet(u"record"_s) && p.value(u"record"_s).isEmpty())
        return fail(Error { u"needs a file name"_s, {}, 0, u"--record"_s, {} });
    ConnectionSettings pgSettings;
    pgSettings.driver = DatabaseDriver::Postgres;
    if (postgres) {
        if (Result<void> read = readPostgresOptions(p, pgSettings); !read)
            return fail(read.error());
    }
    QString password;
    if (redis && p.isSet(u"password-env"_s)) {
        const QString var = p.value(u"password-env"_s);
        if (var.isEmpty() || !qEnvironmentVariableIsSet(var.toLocal8Bit().constData()))
            return fail(Error { u"names an environment variable that is not set"_s, {}, 0,
                u"--password-env"_s, var });
        password = qEnvironmentVariable(var.toLocal8Bit().constData());
    }

    Result<std::unique_ptr<HistoryRecorder>> recorder = HistoryRecorder::fromOptions(p);
    if (!recorder)
        return fail(recorder.error());
    HistoryRecorder *history = recorder->get();

    std::unique_ptr<MonitorSource> source;
    RedisSettings redisSettings;
    if (redis) {
        RedisSettings s;
        s.host = address->first;
        s.port = address->second;
        s.database = int(db.value());
        s.user = p.value(u"user"_s);
        s.password = password;
        redisSettings = s;
        source = std::make_unique<RedisSource>(s);
    } else if (memcached) {
        MemcachedSettings s;
        s.host = address->first;
        s.port = address->second;
        source = std::make_unique<MemcachedSource>(s);
    } else {
        source = std::make_unique<PostgresSource>(pgSettings);
    }
    const QString kind = source->kind();
    MonitorSession::Options options;
    options.intervalMs = int(interval.value());
    MonitorSession session(std::move(source), options);
    std::unique_ptr<RedisCapture> keyCapture;
    if (capture) {
        RedisCaptureOptions c;
        c.server = redisSettings;
        c.maxCommands = captureLimit.value();
        c.prefixDepth = int(prefixDepth.value());
        c.shadows = shadows;
        c.capacityKeys = capacityKeys.value();
        c.recordPath = p.value(u"record"_s);
        keyCapture = std::make_unique<RedisCapture>(c);
    }
    Reporter reporter(output.value(), kind, keyCapture.get(), shadows);

    int status = 0;
    bool finishing = false;
    std::optional<Error> lostError; // set while the connection is down
    qint64 lostAtMs = 0;
    QElapsedTimer recording; // since the record began (connected)
    QTimer deadline;
    deadline.setSingleShot(true);
    QTimer signalPoll;
    signalPoll.setInterval(50);
    auto finish = [&] {
        if (finishing)
            return;
        finishing = true;
        session.stop();
        if (keyCapture)
            keyCapture->stop(); // its last publication goes into the summary
        reporter.print(session.total());
        if (history && recording.isValid())
            history->finish(recording.elapsed(), reporter.json(session.total()));
        if (lostError) {
            status = fail(u"the connection was lost at "_s
                    + QString::number(double(lostAtMs) / 1000.0, 'f', 1)
                    + u" s and did not come back: "_s + lostError->toString(),
                exitRuntime);
        }
        QCoreApplication::exit(status);
    };
    QObject::connect(
        &session, &MonitorSession::connected, &session, [&](const MonitorServerInfo &info) {
            reporter.printServer(info);
            if (history) {
                // The address and the server's settings: never a password or a user.
                history->begin(monitorRunStart(info, options.intervalMs,
                    redis ? QJsonObject { { u"database"_s, redisSettings.database } }
                          : QJsonObject()));
                recording.start();
            }
            if (durationMs)
                deadline.start(int(std::min<qint64>(*durationMs, std::numeric_limits<int>::max())));
        });
    QObject::connect(&session, &MonitorSession::connectFailed, &session, [&](const Error &e) {
        QString message = e.toString();
        if (redis && message.contains(u"NOAUTH"_s) && password.isEmpty())
            message += u"; give the name of a variable holding it with --password-env VAR"_s;
        status = fail(message, exitRuntime);
        finishing = true;
        QCoreApplication::exit(status);
    });
    QObject::connect(&session, &MonitorSession::interval, &session, [&](const MonitorInterval &r) {
        if (!finishing) {
            lostError.reset();
            reporter.print(r);
            if (history)
                history->point(r.tMs, monitorIntervalJson(r, kind));
        }
    });
    QObject::connect(
        &session, &MonitorSession::marker, &session, [&](qint64 tMs, const QString &label) {
            if (finishing)
                return;
            if (label.startsWith(u"connection lost"_s)) {
                lostError = monitorError(label);
                lostAtMs = tMs;
                QTextStream(stderr) << "cachescope-cli: " << label << Qt::endl;
            } else if (label.startsWith(u"reconnected"_s)) {
                lostError.reset();
            }
            printMarker(output.value(), tMs, label);
        });
    QObject::connect(&deadline, &QTimer::timeout, &session, finish);
    bool captureEnded = false;
    bool captureNotesDone = false;
    QObject::connect(&signalPoll, &QTimer::timeout, &session, [&] {
        if (interrupted())
            finish();
        if (!keyCapture || captureEnded || finishing)
            return;
        const RedisCaptureSnapshot c = keyCapture->snapshot();
        if (!captureNotesDone && c.state != RedisCaptureSnapshot::State::Connecting) {
            captureNotesDone = true;
            for (const QString &note : c.notes)
                QTextStream(stderr) << "cachescope-cli: note: " << note << Qt::endl;
        }
        if (c.state == RedisCaptureSnapshot::State::Failed) {
            captureEnded = true;
            status = fail(u"key capture failed: "_s + c.error->toString(), exitRuntime);
            finishing = true;
            session.stop();
            QCoreApplication::exit(status);
        } else if (c.state == RedisCaptureSnapshot::State::Finished) {
            captureEnded = true;
            QTextStream(stderr) << "cachescope-cli: key capture finished (" << c.stopReason
                                << "); the monitor goes on" << Qt::endl;
        }
    });

    catchInterrupts();
    signalPoll.start();
    if (keyCapture) {
        QTextStream(stderr)
            << "cachescope-cli: warning: key capture attaches a MONITOR client, which costs the "
               "Redis about half its throughput (Redis's own figure) while it runs; bound it with "
               "--capture-limit or --duration"
            << Qt::endl;
        if (const Result<void> started = keyCapture->start(); !started)
            return fail(started.error(), exitRuntime);
    }
    session.start();
    const int loop = QCoreApplication::exec();
    return finishing ? status : loop;
}

} // namespace CacheScope::Cli
