#include "cliutil.h"
#include "commands.h"

#include "core/monitor/redisload.h"
#include "core/report/table.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {
namespace {

void addRedisLoadOptions(QCommandLineParser &p)
{
    p.setApplicationDescription(
        u"Drives a Redis with CacheScope's own cache-aside load: GET a key, SET it on a miss\n"
        "(as if loaded from the database), on a few connections. Keys are 'user:N' (60% of\n"
        "the GETs, zipf 0.99 over 10 000 ids), 'item:N' (30%, zipf 0.8 over 50 000) and\n"
        "'session:N' (10%, every one new: read once, never again). Give it a Redis with a\n"
        "small maxmemory and watch it with `cachescope-cli monitor` or the app's Monitor tab.\n"
        "Prints GETs/s, the hit ratio it saw, SETs/s and errors per interval."_s);
    p.addHelpOption();
    p.addOptions({
        { u"redis"_s, u"The Redis at HOST:PORT (port default 6379)."_s, u"HOST:PORT"_s },
        { u"db"_s, u"Database number (default 0)."_s, u"N"_s },
        { u"password-env"_s,
            u"Name of the environment variable holding the password (never written anywhere)."_s,
            u"VAR"_s },
        { u"connections"_s, u"Connections, one thread each (default 2)."_s, u"N"_s },
        { u"rate"_s, u"GETs per second over all connections (default 0: as fast as it goes)."_s,
            u"N"_s },
        { u"value-bytes"_s, u"Size of each SET value (default 100)."_s, u"N"_s },
        { u"seed"_s, u"Random seed (default 42)."_s, u"N"_s },
        { u"duration"_s, u"How long: 10s, 500ms, 2m (default: until Ctrl-C)."_s, u"T"_s },
        { u"interval-ms"_s, u"Report interval, 100 to 60000 (default 1000)."_s, u"N"_s },
        { u"output"_s, u"table (default) or json (one object per line)."_s, u"FORMAT"_s },
    });
}

struct Reporter
{
    QString format;
    bool headerDone = false;

    void print(qint64 tMs, const RedisLoad::Counts &d, double seconds, bool final)
    {
        const double gets = seconds > 0 ? double(d.gets) / seconds : 0;
        const double sets = seconds > 0 ? double(d.sets) / seconds : 0;
        const bool any = d.gets > 0;
        const double ratio = any ? double(d.hits) / double(d.gets) : 0;
        if (format == u"json"_s) {
            QJsonObject o { { u"t_ms"_s, tMs }, { u"gets"_s, qint64(d.gets) },
                { u"hits"_s, qint64(d.hits) }, { u"misses"_s, qint64(d.misses) },
                { u"sets"_s, qint64(d.sets) }, { u"errors"_s, qint64(d.errors) },
                { u"hit_ratio"_s, any ? QJsonValue(ratio) : QJsonValue() },
                { u"gets_per_second"_s, gets }, { u"sets_per_second"_s, sets } };
            if (final)
                o[u"final"_s] = true;
            printJsonLine(o);
            return;
        }
        static const QStringList headers = { u"t_s"_s, u"gets/s"_s, u"hit%"_s, u"hits"_s,
            u"misses"_s, u"sets/s"_s, u"errors"_s };
        static const QList<int> widths = { 7, 9, 6, 10, 10, 9, 7 };
        if (!headerDone || final)
            out() << fixedWidthRow(headers, widths) << u'\n';
        headerDone = true;
        out() << fixedWidthRow(
            { final ? u"total"_s : QString::number(double(tMs) / 1000.0, 'f', 1), formatRate(gets),
                any ? QString::number(ratio * 100.0, 'f', 1) : u"n/a"_s, QString::number(d.hits),
                QString::number(d.misses), formatRate(sets), QString::number(d.errors) },
            widths)
              << u'\n';
        out().flush();
    }
};

RedisLoad::Counts minus(const RedisLoad::Counts &a, const RedisLoad::Counts &b)
{
    return { a.gets - b.gets, a.hits - b.hits, a.misses - b.misses, a.sets - b.sets,
        a.errors - b.errors };
}

} // namespace

int redisLoadCommand(const QStringList &args)
{
    QCommandLineParser p;
    addRedisLoadOptions(p);
    if (const std::optional<int> done
        = parseCommand(p, args, u"redis-load"_s, u"--redis HOST:PORT [options]"_s))
        return *done;
    if (!p.isSet(u"redis"_s))
        return fail(u"give --redis HOST:PORT (see cachescope-cli redis-load --help)"_s);
    const Result<std::pair<QString, int>> address
        = parseAddress(u"--redis"_s, p.value(u"redis"_s), 6379);
    if (!address)
        return fail(address.error());
    const auto db = integerOption(p, u"db"_s, 0, 0, 1000000);
    const auto connections = integerOption(p, u"connections"_s, 2, 1, 256);
    const auto valueBytes = integerOption(p, u"value-bytes"_s, 100, 0, 64 * 1024 * 1024);
    const auto seed = integerOption(p, u"seed"_s, 42, 0);
    const auto interval = integerOption(p, u"interval-ms"_s, 1000, 100, 60000);
    const auto rate = realOption(p, u"rate"_s, 0, 0, 1e9);
    const auto output = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"json"_s });
    for (const auto *r : { &db, &connections, &valueBytes, &seed, &interval })
        if (!*r)
            return fail(r->error());
    if (!rate)
        return fail(rate.error());
    if (!output)
        return fail(output.error());
    qint64 durationMs = -1;
    if (p.isSet(u"duration"_s)) {
        const Result<qint64> d = parseDurationMs(p.value(u"duration"_s));
        if (!d)
            return fail(d.error());
        durationMs = d.value();
    }

    RedisLoadConfig config;
    config.server.host = address->first;
    config.server.port = address->second;
    config.server.database = int(db.value());
    if (p.isSet(u"password-env"_s)) {
        const QString var = p.value(u"password-env"_s);
        if (var.isEmpty() || !qEnvironmentVariableIsSet(var.toLocal8Bit().constData()))
            return fail(Error { u"names an environment variable that is not set"_s, {}, 0,
                u"--password-env"_s, var });
        config.server.password = qEnvironmentVariable(var.toLocal8Bit().constData());
    }
    config.connections = int(connections.value());
    config.valueBytes = int(valueBytes.value());
    config.ratePerSecond = rate.value();
    config.seed = quint64(seed.value());
    Result<std::unique_ptr<RedisLoad>> load = RedisLoad::start(config);
    if (!load)
        return fail(load.error(), exitRuntime);

    Reporter reporter { output.value() };
    QElapsedTimer clock;
    clock.start();
    RedisLoad::Counts last;
    qint64 lastMs = 0;
    QString lastError;
    QTimer tick;
    tick.setInterval(int(interval.value()));
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        const RedisLoad::Counts c = (*load)->counts();
        reporter.print(now, minus(c, last), double(now - lastMs) / 1000.0, false);
        const QString error = (*load)->lastError();
        if (!error.isEmpty() && error != lastError)
            QTextStream(stderr) << "cachescope-cli: " << error << Qt::endl;
        lastError = error;
        last = c;
        lastMs = now;
    });
    QTimer stopper;
    stopper.setInterval(50);
    QObject::connect(&stopper, &QTimer::timeout, [&] {
        if (interrupted() || (durationMs >= 0 && clock.elapsed() >= durationMs))
            QCoreApplication::quit();
    });
    catchInterrupts();
    tick.start();
    stopper.start();
    QCoreApplication::exec();
    (*load)->stop();
    const RedisLoad::Counts total = (*load)->counts();
    reporter.print(clock.elapsed(), total, double(clock.elapsed()) / 1000.0, true);
    if (total.gets == 0 && total.errors > 0)
        return fail((*load)->lastError(), exitRuntime);
    return 0;
}

} // namespace CacheScope::Cli
