// `cachescope-cli fleet`: N `run` processes of this same executable against one database (and
// one Redis, with --l2), their lines read by FleetRunner, one total per interval and a summary.
#include "cliutil.h"
#include "commands.h"
#include "dboptions.h"

#include "core/db/demodatabase.h"
#include "core/fleet/fleetrunner.h"
#include "core/report/expectations.h"
#include "core/report/runjson.h"
#include "core/report/table.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {
namespace {

/// run's options the fleet reads or sets itself, never forwarded as given.
const QStringList ownOptions = { u"instances"_s, u"output"_s, u"expect"_s, u"latency-buckets"_s };
/// Options with a value among ownOptions (the others are flags).
const QStringList ownValueOptions = { u"instances"_s, u"output"_s, u"expect"_s };

/// `args` without the fleet's own options ("--name value" and "--name=value").
QStringList forwardedArguments(const QStringList &args)
{
    QStringList forwarded;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--"_s) { // the rest is positional: run refuses it, and says so
            forwarded << args.mid(i);
            break;
        }
        const QString name = a.startsWith(u"--"_s) ? a.mid(2).section(u'=', 0, 0) : QString();
        if (!ownOptions.contains(name)) {
            forwarded << a;
            continue;
        }
        if (ownValueOptions.contains(name) && !a.contains(u'='))
            ++i; // its value
    }
    return forwarded;
}

/// Whether `run` knows `--name VALUE` (an option another change may add).
bool runKnows(const QString &name)
{
    QCommandLineParser probe;
    addRunOptions(probe, false);
    return probe.parse({ u"cachescope-cli"_s, u"--"_s + name, u"x"_s });
}

QString micros(const QJsonObject &line, const QString &kind, const QString &percentile)
{
    const QJsonObject l = line[u"latency_us"_s].toObject()[kind].toObject();
    if (l.isEmpty() || l[u"count"_s].toInteger() == 0)
        return u"-"_s;
    return QString::number(l[percentile].toDouble(), 'f', 1);
}

QString integer(const QJsonObject &line, const QString &key)
{
    return QString::number(line[key].toInteger());
}

/// The fleet's table: one row per interval total, then one per instance and the total.
class FleetTable
{
public:
    FleetTable(int instances, bool l2)
        : m_instances(instances)
        , m_l2(l2)
    {
    }

    void interval(const QJsonObject &total)
    {
        if (!m_headerDone)
            out() << fixedWidthRow(headers(u"t_s"_s), widths()) << u'\n';
        m_headerDone = true;
        out() << fixedWidthRow(
            cells(QString::number(total[u"t_ms"_s].toDouble() / 1000.0, 'f', 1), total), widths())
              << u'\n';
        out().flush();
    }

    void summary(const FleetRunner &runner, const QJsonObject &total)
    {
        out() << u'\n' << fixedWidthRow(headers(u"instance"_s), widths()) << u'\n';
        for (int i = 0; i < m_instances; ++i) {
            const std::optional<QJsonObject> final = runner.finalLine(i);
            if (final)
                out() << fixedWidthRow(cells(QString::number(i), *final), widths()) << u'\n';
            else
                out() << fixedWidthRow({ QString::number(i), u"(no final line)"_s }, { 9, 20 })
                      << u'\n';
        }
        out() << fixedWidthRow(cells(u"total"_s, total), widths()) << u'\n';
        out().flush();
    }

private:
    QStringList headers(const QString &first) const
    {
        QStringList h = { first, u"inst"_s, u"req/s"_s, u"hit%"_s, u"hits"_s, u"misses"_s,
            u"writes"_s, u"evict"_s, u"entries"_s, u"hit_p50_us"_s, u"hit_p99_us"_s,
            u"miss_p50_us"_s, u"miss_p99_us"_s, u"errors"_s };
        if (m_l2)
            h << u"l2_hits"_s << u"db_queries"_s << u"l2_errors"_s << u"stale%"_s
              << u"stale_p99_ms"_s;
        return h;
    }

    QList<int> widths() const
    {
        QList<int> w = { 9, 6, 9, 6, 10, 9, 8, 9, 9, 11, 11, 12, 12, 7 };
        if (m_l2)
            w << 10 << 11 << 10 << 7 << 13;
        return w;
    }

    QStringList cells(const QString &first, const QJsonObject &line) const
    {
        const QJsonValue ratio = line[u"hit_ratio"_s];
        const QString reporting = line.contains(u"instances_reporting"_s)
            ? u"%1/%2"_s.arg(line[u"instances_reporting"_s].toInteger()).arg(m_instances)
            : u"1"_s;
        QStringList c = { first, reporting, formatRate(line[u"requests_per_second"_s].toDouble()),
            ratio.isDouble() ? QString::number(ratio.toDouble() * 100.0, 'f', 1) : u"n/a"_s,
            integer(line, u"hits"_s), integer(line, u"misses"_s), integer(line, u"writes"_s),
            integer(line, u"evictions"_s), integer(line, u"entries"_s),
            micros(line, u"hit"_s, u"p50"_s), micros(line, u"hit"_s, u"p99"_s),
            micros(line, u"miss"_s, u"p50"_s), micros(line, u"miss"_s, u"p99"_s),
            integer(line, u"errors"_s) };
        if (m_l2) {
            const QJsonValue share = line[u"stale_share"_s];
            c << integer(line, u"l2_hits"_s) << integer(line, u"db_queries"_s)
              << integer(line, u"l2_errors"_s)
              << (share.isDouble() ? QString::number(share.toDouble() * 100.0, 'f', 2) : u"-"_s)
              << (line.contains(u"staleness_ms"_s)
                         ? QString::number(line[u"staleness_ms"_s][u"p99"_s].toDouble(), 'f', 2)
                         : u"-"_s);
        }
        return c;
    }

    int m_instances;
    bool m_l2;
    bool m_headerDone = false;
};

/// A line as printed with --output json: the instance (or "total") added, buckets left out.
QJsonObject printed(QJsonObject line, const QJsonValue &instance)
{
    line.remove(u"latency_buckets"_s);
    line[u"instance"_s] = instance;
    return line;
}

} // namespace

int fleetCommand(const QStringList &args)
{
    QCommandLineParser p;
    addRunOptions(p, false);
    p.setApplicationDescription(
        u"Runs N `cachescope-cli run` processes at once, each with the run options given\n"
        "(forwarded unchanged), against one database and, with --l2, one Redis: a fleet of\n"
        "application instances. Prints one line per interval with the total of the\n"
        "instances that reported it, and a summary with one row per instance and the total.\n"
        "--output json prints every instance's lines with \"instance\": i and a total line\n"
        "per interval with \"instance\": \"total\"; --expect applies to the total's final\n"
        "line. Exit 0 when every instance ran clean, 1 when one failed, 3 when --expect\n"
        "was not met. Instances do not record the run history unless --name or --history\n"
        "is given."_s);
    p.addOption({ u"instances"_s,
        u"Instances (processes) to run, 1..%1 (default 2)."_s.arg(FleetRunner::maxInstances),
        u"N"_s });
    if (const std::optional<int> done = parseCommand(p, args, u"fleet"_s))
        return *done;

    const Result<qint64> instances
        = integerOption(p, u"instances"_s, 2, 1, FleetRunner::maxInstances);
    if (!instances)
        return fail(instances.error());
    const Result<QString> output
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"csv"_s, u"json"_s });
    if (!output)
        return fail(output.error());
    if (output.value() == u"csv"_s)
        return fail(Error { u"is not available for a fleet (table or json; each instance's "
                            "json lines carry everything csv would)"_s,
            {}, 0, u"--output"_s, output.value() });
    for (const QString &name : { u"csv"_s, u"save-config"_s }) {
        if (p.isSet(name))
            return fail(Error { u"does not apply to a fleet: every instance would write the "
                                "same file"_s,
                {}, 0, u"--"_s + name, p.value(name) });
    }
    const Result<qint64> interval = integerOption(p, u"interval-ms"_s, 1000, 10, 3600000);
    if (!interval)
        return fail(interval.error());
    if (p.isSet(u"duration"_s)) {
        if (const Result<qint64> d = parseDurationMs(p.value(u"duration"_s)); !d)
            return fail(d.error());
    }
    const bool l2 = p.isSet(u"l2"_s);
    QList<Expectation> expectations;
    if (p.isSet(u"expect"_s)) {
        Result<QList<Expectation>> parsed = parseExpectations(p.value(u"expect"_s));
        if (!parsed)
            return fail(parsed.error());
        RunLine shape {};
        shape.final = true;
        shape.io = p.isSet(u"io"_s) ? p.value(u"io"_s) : u"threads"_s;
        shape.l2 = l2;
        QJsonObject fields = runLineJson(shape, p.value(u"driver"_s) == u"postgres"_s);
        fields[u"instances_reporting"_s] = 0;
        if (Result<void> known = checkExpectationFields(*parsed, fields); !known)
            return fail(known.error());
        expectations = std::move(parsed.value());
    }

    // The default SQLite demo is made once here: N children creating one file would race.
    const Result<ConnectionSettings> db = databaseSettings(p, false);
    if (!db)
        return fail(db.error());
    if (db->driver == DatabaseDriver::Sqlite && !p.isSet(u"database"_s) && !p.isSet(u"config"_s)
        && db->database == defaultDemoDatabasePath()) {
        if (const Result<DemoDatabaseInfo> ensured = ensureDemoDatabase(db.value()); !ensured)
            return fail(ensured.error(), exitRuntime);
    }

    FleetRunner::Options options;
    options.program = QCoreApplication::applicationFilePath();
    options.arguments = QStringList { u"run"_s } + forwardedArguments(args)
        + QStringList { u"--output"_s, u"json"_s, u"--latency-buckets"_s };
    if (!p.isSet(u"name"_s) && !p.isSet(u"history"_s) && !p.isSet(u"no-history"_s))
        options.arguments << u"--no-history"_s;
    options.instances = int(instances.value());
    options.intervalMs = interval.value();
    options.staleBoard = runKnows(u"stale-board"_s) && !p.isSet(u"stale-board"_s);
    FleetRunner runner(options);

    const bool json = output.value() == u"json"_s;
    FleetTable table(options.instances, l2);
    int status = 0;
    QObject::connect(
        &runner, &FleetRunner::instanceLine, &runner, [&](int index, const QJsonObject &line) {
            if (json)
                printJsonLine(printed(line, index));
            else if (index == 0 && line.contains(u"marker"_s)) // a scenario's steps: once
                printMarker(
                    output.value(), line[u"t_ms"_s].toInteger(), line[u"marker"_s].toString());
        });
    QObject::connect(
        &runner, &FleetRunner::instanceStderr, &runner, [](int index, const QString &line) {
            QTextStream(stderr) << "[instance " << index << "] " << line << Qt::endl;
        });
    QObject::connect(
        &runner, &FleetRunner::intervalTotal, &runner, [&](int, const QJsonObject &total) {
            if (json)
                printJsonLine(printed(total, u"total"_s));
            else
                table.interval(total);
        });
    QObject::connect(&runner, &FleetRunner::instanceFailed, &runner,
        [&](int, const QString &message) { status = fail(message, exitRuntime); });
    QObject::connect(&runner, &FleetRunner::finalTotal, &runner, [&](const QJsonObject &total) {
        QList<ExpectationResult> met;
        if (!expectations.isEmpty())
            met = evaluateExpectations(expectations, total);
        if (json) {
            QJsonObject line = printed(total, u"total"_s);
            if (!met.isEmpty())
                line[u"expectations"_s] = expectationResultsJson(met);
            printJsonLine(line);
        } else {
            table.summary(runner, total);
        }
        if (!met.isEmpty() && !reportExpectations(met, u"total: "_s) && status == 0)
            status = exitExpectation;
    });
    QObject::connect(&runner, &FleetRunner::finished, &runner, [] { QCoreApplication::quit(); });

    catchInterrupts();
    QTimer signalPoll; // Ctrl-C, SIGTERM: every child stops and prints its final line
    signalPoll.setInterval(50);
    bool stopping = false;
    QObject::connect(&signalPoll, &QTimer::timeout, &runner, [&] {
        if (interrupted() && !stopping) {
            stopping = true;
            runner.stop();
        }
    });
    if (Result<void> started = runner.start(); !started)
        return fail(started.error(), exitRuntime);
    signalPoll.start();
    QCoreApplication::exec();
    return status;
}

} // namespace CacheScope::Cli
