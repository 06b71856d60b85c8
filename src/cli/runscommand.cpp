// `cachescope-cli runs list|show|compare|export|rename|delete`: the run history (RunHistory).
#include "cliutil.h"
#include "commands.h"
#include "historyrecorder.h"

#include "core/report/table.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {
namespace {

const QString synopsis = u"list|show ID|compare A B|export ID --csv FILE|--json FILE|"
                         "rename ID NAME|delete ID [options]"_s;

QJsonValue optionalJson(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonObject recordJson(const RunRecord &r)
{
    return { { u"id"_s, r.id }, { u"name"_s, r.name }, { u"kind"_s, r.kind },
        { u"started_at"_s, r.startedAt.toString(Qt::ISODateWithMs) },
        { u"duration_ms"_s, r.durationMs }, { u"machine"_s, r.machine },
        { u"complete"_s, r.complete }, { u"notes"_s, r.notes }, { u"policy"_s, r.policy },
        { u"capacity"_s, r.capacity }, { u"workload"_s, r.workload }, { u"requests"_s, r.requests },
        { u"hit_ratio"_s, optionalJson(r.hitRatio) }, { u"p99_us"_s, optionalJson(r.p99Us) } };
}

QString percent(const std::optional<double> &ratio)
{
    return ratio ? QString::number(*ratio * 100.0, 'f', 1) : u"n/a"_s;
}

QString when(const RunRecord &r)
{
    return r.startedAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

int list(RunHistory &h, const QString &format, const QString &kind)
{
    Result<QList<RunRecord>> runs = h.list();
    if (!runs)
        return fail(runs.error(), exitRuntime);
    if (!kind.isEmpty())
        runs->removeIf([&](const RunRecord &r) { return r.kind != kind; });
    if (format == u"json"_s) {
        QJsonArray a;
        for (const RunRecord &r : runs.value())
            a.append(recordJson(r));
        out() << QJsonDocument(a).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    Table t({ u"id"_s, u"name"_s, u"started"_s, u"kind"_s, u"policy"_s, u"capacity"_s,
        u"workload"_s, u"requests"_s, u"hit%"_s, u"p99_us"_s, u"state"_s });
    for (const int c : { 1, 2, 3, 4, 5, 6, 10 })
        t.setTextColumn(c);
    for (const RunRecord &r : runs.value())
        t.addRow({ QString::number(r.id), r.name.isEmpty() ? u"-"_s : r.name, when(r), r.kind,
            r.policy, r.capacity, r.workload, QString::number(r.requests), percent(r.hitRatio),
            r.p99Us ? QString::number(*r.p99Us, 'f', 1) : u"n/a"_s,
            r.complete ? u"complete"_s : u"incomplete"_s });
    out() << t.toText();
    if (runs->isEmpty() && kind.isEmpty())
        out() << "(no runs recorded yet in " << h.path() << ")\n";
    else if (runs->isEmpty())
        out() << "(no " << kind << " runs recorded yet in " << h.path() << ")\n";
    return 0;
}

int show(RunHistory &h, qint64 id, const QString &format)
{
    const Result<RunRecord> r = h.run(id);
    if (!r)
        return fail(r.error(), exitRuntime);
    if (format == u"json"_s) {
        QJsonObject o = recordJson(*r);
        o[u"config"_s] = r->config;
        o[u"summary"_s] = r->summary;
        o[u"points"_s] = r->pointCount;
        out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    out() << "run " << r->id << (r->name.isEmpty() ? QString() : u" \""_s + r->name + u'"') << ": "
          << r->kind << ", started " << when(*r) << ", "
          << QString::number(double(r->durationMs) / 1000.0, 'f', 1) << " s on " << r->machine
          << (r->complete ? "" : " (incomplete: it did not end with a summary)") << '\n';
    out() << "  " << r->policy << " at " << r->capacity << ", " << r->workload << '\n';
    out() << "  " << r->requests << " requests, hit ratio " << percent(r->hitRatio) << "%, p99 "
          << (r->p99Us ? QString::number(*r->p99Us, 'f', 1) + u" us"_s : u"n/a"_s) << ", "
          << r->pointCount << " points in its time series\n";
    if (!r->notes.isEmpty())
        out() << "  notes: " << r->notes << '\n';
    if (const QJsonArray results = r->summary.value(u"results"_s).toArray(); !results.isEmpty()) {
        // A replay: each policy at each capacity, as simulate printed them.
        Table t({ u"policy"_s, u"capacity"_s, u"requests"_s, u"hits"_s, u"hit%"_s, u"miss_ratio"_s,
            u"evictions"_s });
        t.setTextColumn(0);
        for (const auto &v : results) {
            const QJsonObject o = v.toObject();
            t.addRow({ o.value(u"policy"_s).toString(),
                QString::number(o.value(u"capacity"_s).toInteger()),
                QString::number(o.value(u"requests"_s).toInteger()),
                QString::number(o.value(u"hits"_s).toInteger()),
                percent(summaryValue(o, u"hit_ratio"_s)),
                QString::number(o.value(u"miss_ratio"_s).toDouble(), 'f', 4),
                QString::number(o.value(u"evictions"_s).toInteger()) });
        }
        out() << "results:\n" << t.toText();
    }
    out() << "configuration:\n" << QJsonDocument(r->config).toJson(QJsonDocument::Indented);
    return 0;
}

int compare(RunHistory &h, qint64 idA, qint64 idB, const QString &format)
{
    const Result<RunRecord> a = h.run(idA);
    if (!a)
        return fail(a.error(), exitRuntime);
    const Result<RunRecord> b = h.run(idB);
    if (!b)
        return fail(b.error(), exitRuntime);
    const QList<ConfigChange> changes = diffConfigs(a->config, b->config);
    QJsonArray changesJson;
    for (const ConfigChange &c : changes)
        changesJson.append(
            QJsonObject { { u"field"_s, c.field }, { u"a"_s, c.a }, { u"b"_s, c.b } });
    QJsonArray metricsJson;
    Table t({ u"metric"_s, u"run "_s + QString::number(idA), u"run "_s + QString::number(idB),
        u"difference"_s, u"percent"_s });
    t.setTextColumn(0);
    for (const MetricComparison &m : compareSummaries(a->summary, b->summary)) {
        QJsonObject o { { u"metric"_s, m.path }, { u"a"_s, optionalJson(m.a) },
            { u"b"_s, optionalJson(m.b) } };
        if (const std::optional<double> d = m.difference())
            o[u"difference"_s] = *d;
        if (const std::optional<double> pc = m.percent())
            o[u"percent"_s] = *pc;
        metricsJson.append(o);
        t.addRow({ m.label, m.formatValue(m.a), m.formatValue(m.b), m.formatDifference(),
            m.formatPercent() });
    }
    if (format == u"json"_s) {
        out() << QJsonDocument(
            QJsonObject { { u"a"_s, recordJson(*a) }, { u"b"_s, recordJson(*b) },
                { u"config_changes"_s, changesJson }, { u"metrics"_s, metricsJson } })
                     .toJson(QJsonDocument::Compact)
              << '\n';
        return 0;
    }
    out() << "run " << idA << " (" << when(*a) << ") against run " << idB << " (" << when(*b)
          << ")\n";
    if (changes.isEmpty()) {
        out() << "configuration: the same\n";
    } else {
        out() << "configuration changes:\n";
        for (const ConfigChange &c : changes)
            out() << "  " << c.field << ": " << c.a << " -> " << c.b << '\n';
    }
    out() << '\n' << t.toText();
    return 0;
}

Result<void> writeText(const QString &path, const QByteArray &bytes)
{
    if (path == u"-"_s) {
        out() << QString::fromUtf8(bytes);
        out().flush();
        return {};
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error { u"cannot write the export: "_s + file.errorString(), path, 0, {}, {} };
    return {};
}

int exportRun(RunHistory &h, qint64 id, const QCommandLineParser &p)
{
    if (p.isSet(u"csv"_s) == p.isSet(u"json"_s))
        return fail(u"runs export needs --csv FILE or --json FILE (- for standard output)"_s);
    const Result<RunRecord> r = h.run(id);
    if (!r)
        return fail(r.error(), exitRuntime);
    const Result<QList<std::pair<qint64, QJsonObject>>> points = h.points(id);
    if (!points)
        return fail(points.error(), exitRuntime);
    QByteArray bytes;
    if (p.isSet(u"json"_s)) {
        QJsonObject o = recordJson(*r);
        o[u"config"_s] = r->config;
        o[u"summary"_s] = r->summary;
        QJsonArray a;
        for (const auto &[tMs, point] : points.value()) {
            QJsonObject pt = point;
            pt[u"t_ms"_s] = tMs;
            a.append(pt);
        }
        o[u"points"_s] = a;
        bytes = QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        // A monitor's points are its interval records (monitor --output json), a live run's
        // the interval lines of run --output json; a replay has none.
        const QStringList columns = r->kind == u"monitor"_s
            ? QStringList { u"t_ms"_s, u"interval_ms"_s, u"hits"_s, u"misses"_s, u"hit_ratio"_s,
                  u"operations"_s, u"ops_per_second"_s, u"evictions"_s, u"expired"_s,
                  u"memory_bytes"_s, u"memory_limit_bytes"_s, u"keys"_s, u"clients"_s,
                  u"latency_us.p50"_s, u"latency_us.p99"_s }
            : QStringList { u"t_ms"_s, u"requests"_s, u"hits"_s, u"misses"_s, u"writes"_s,
                  u"hit_ratio"_s, u"requests_per_second"_s, u"evictions"_s, u"errors"_s,
                  u"entries"_s, u"latency_us.hit.p50"_s, u"latency_us.hit.p99"_s,
                  u"latency_us.miss.p50"_s, u"latency_us.miss.p99"_s,
                  u"database_buffer_hit_ratio"_s };
        QStringList lines { columns.join(u',') };
        for (const auto &[tMs, point] : points.value()) {
            QStringList cells { QString::number(tMs) };
            for (const QString &c : columns.mid(1)) {
                const std::optional<double> v = summaryValue(point, c);
                cells << (v ? QString::number(*v, 'g', 12) : QString());
            }
            lines << cells.join(u',');
        }
        bytes = (lines.join(u'\n') + u'\n').toUtf8();
    }
    const Result<void> written
        = writeText(p.value(p.isSet(u"csv"_s) ? u"csv"_s : u"json"_s), bytes);
    if (!written)
        return fail(written.error(), exitRuntime);
    return 0;
}

} // namespace

int runsCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"The run history: every `run`, `simulate` (kind replay) and `monitor` is recorded\n"
        "(configuration, time series one point a second, summary) unless --no-history, and\n"
        "so are the app's runs, trace replays and monitoring sessions. list shows them newest\n"
        "first (--kind live|replay|monitor: one kind); show one; compare two (configuration\n"
        "changes, summaries side by side with differences); export one's time series; rename\n"
        "or delete one."_s);
    p.addHelpOption();
    p.addOptions({
        historyFileOption(),
        { u"kind"_s, u"list: only runs of this kind: live, replay or monitor."_s, u"KIND"_s },
        { u"output"_s, u"table (default) or json."_s, u"FORMAT"_s },
        { u"csv"_s, u"export: the time series as CSV to FILE (- for standard output)."_s,
            u"FILE"_s },
        { u"json"_s, u"export: the run with its points as JSON to FILE (- for standard output)."_s,
            u"FILE"_s },
    });
    p.addPositionalArgument(u"action"_s, u"list, show, compare, export, rename or delete"_s);
    // parseCommand() refuses positional arguments; here they are the action and its ids.
    if (!p.parse(QStringList { u"cachescope-cli runs"_s } + args))
        return fail(p.errorText() + u" (see cachescope-cli runs --help)"_s);
    if (p.isSet(u"help"_s)) {
        printHelp(p, u"runs"_s, synopsis);
        return 0;
    }
    const Result<QString> format
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"json"_s });
    if (!format)
        return fail(format.error());
    QString kind;
    if (p.isSet(u"kind"_s)) {
        const Result<QString> chosen
            = choiceOption(p, u"kind"_s, {}, { u"live"_s, u"replay"_s, u"monitor"_s });
        if (!chosen)
            return fail(chosen.error());
        kind = chosen.value();
    }
    QStringList pos = p.positionalArguments();
    const QString action = pos.isEmpty() ? u"list"_s : pos.takeFirst();
    const QHash<QString, int> arity { { u"list"_s, 0 }, { u"show"_s, 1 }, { u"compare"_s, 2 },
        { u"export"_s, 1 }, { u"rename"_s, 2 }, { u"delete"_s, 1 } };
    if (!arity.contains(action))
        return fail(u"unknown runs action '"_s + action
            + u"'; actions: list, show ID, compare A B, export ID, rename ID NAME, delete ID"_s);
    if (pos.size() != arity.value(action))
        return fail(u"runs "_s + action + u" takes "_s + QString::number(arity.value(action))
            + u" argument(s), got "_s + QString::number(pos.size())
            + u" (usage: cachescope-cli runs "_s + synopsis + u')');
    if (!kind.isEmpty() && action != u"list"_s)
        return fail(Error { u"applies to runs list only"_s, {}, 0, u"--kind"_s, kind });
    QList<qint64> ids;
    for (qsizetype i = 0; i < pos.size(); ++i) {
        if (action == u"rename"_s && i == 1)
            break;
        const Result<qint64> id = runIdArgument(pos.at(i));
        if (!id)
            return fail(id.error());
        ids << id.value();
    }

    // Reading never creates the file: no history yet is an empty list, or "no such run".
    const QString path = historyPath(p);
    Result<std::unique_ptr<RunHistory>> opened = RunHistory::open(path, QFile::exists(path));
    if (!opened) {
        if (!QFile::exists(path) && action == u"list"_s) {
            if (format.value() == u"json"_s)
                out() << "[]\n";
            else
                out() << "(no runs recorded yet in " << path << ")\n";
            return 0;
        }
        return fail(opened.error(), exitRuntime);
    }
    RunHistory &h = *opened.value();
    if (action == u"list"_s)
        return list(h, format.value(), kind);
    if (action == u"show"_s)
        return show(h, ids.at(0), format.value());
    if (action == u"compare"_s)
        return compare(h, ids.at(0), ids.at(1), format.value());
    if (action == u"export"_s)
        return exportRun(h, ids.at(0), p);
    if (action == u"rename"_s) {
        if (const Result<void> r = h.rename(ids.at(0), pos.at(1)); !r)
            return fail(r.error(), exitRuntime);
        return 0;
    }
    if (const Result<void> r = h.remove(ids.at(0)); !r)
        return fail(r.error(), exitRuntime);
    return 0;
}

} // namespace CacheScope::Cli
