#include "cliutil.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

int fail(const Error &error, int status) { return fail(error.toString(), status); }

int fail(const QString &message, int status)
{
    QTextStream err(stderr);
    err << "cachescope-cli: " << message << Qt::endl;
    return status;
}

void note(const QString &message)
{
    QTextStream err(stderr);
    err << "cachescope-cli: note: " << message << Qt::endl;
}

bool reportExpectations(const QList<ExpectationResult> &results, const QString &context)
{
    QTextStream err(stderr);
    bool all = true;
    for (const ExpectationResult &r : results) {
        err << "cachescope-cli: " << context << describeResult(r) << Qt::endl;
        all = all && r.met;
    }
    return all;
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

bool parseOrFail(
    QCommandLineParser &parser, const QStringList &args, const QString &command, bool positional)
{
    QStringList full = args;
    full.prepend(u"cachescope-cli "_s + command);
    if (!parser.parse(full)) {
        fail(parser.errorText() + u" (see cachescope-cli "_s + command + u" --help)"_s);
        return false;
    }
    if (!positional && !parser.positionalArguments().isEmpty()) {
        fail(u"unexpected argument '"_s + parser.positionalArguments().constFirst()
            + u"' (see cachescope-cli "_s + command + u" --help)"_s);
        return false;
    }
    return true;
}

std::optional<int> parseCommand(QCommandLineParser &parser, const QStringList &args,
    const QString &command, const QString &synopsis, bool positional)
{
    if (!parseOrFail(parser, args, command, positional))
        return exitUsage;
    if (parser.isSet(u"help"_s)) {
        printHelp(parser, command, synopsis);
        return 0;
    }
    return std::nullopt;
}

void printHelp(const QCommandLineParser &parser, const QString &command, const QString &synopsis)
{
    QString text = parser.helpText();
    const qsizetype eol = text.indexOf(u'\n');
    text.replace(0, eol,
        u"Usage: cachescope-cli "_s + command + u' '
            + (synopsis.isEmpty() ? u"[options]"_s : synopsis));
    out() << text;
}

Result<qint64> runIdArgument(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        return Error { u"a run id is a positive number (see `cachescope-cli runs list`)"_s, {}, 0,
            u"ID"_s, text };
    return id;
}

Result<qint64> integerOption(
    const QCommandLineParser &parser, const QString &name, qint64 fallback, qint64 min, qint64 max)
{
    if (!parser.isSet(name))
        return fallback;
    const QString text = parser.value(name).trimmed();
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    const QString option = u"--"_s + name;
    if (!ok)
        return Error { u"is not an integer"_s, {}, 0, option, text };
    if (v < min)
        return Error { u"must be at least "_s + QString::number(min), {}, 0, option, text };
    if (v > max)
        return Error { u"must be at most "_s + QString::number(max), {}, 0, option, text };
    return v;
}

Result<double> realOption(
    const QCommandLineParser &parser, const QString &name, double fallback, double min, double max)
{
    if (!parser.isSet(name))
        return fallback;
    const QString text = parser.value(name).trimmed();
    bool ok = false;
    const double v = text.toDouble(&ok);
    const QString option = u"--"_s + name;
    if (!ok || !std::isfinite(v))
        return Error { u"is not a number"_s, {}, 0, option, text };
    if (v < min || v > max)
        return Error { u"must be between "_s + QString::number(min) + u" and "_s
                + QString::number(max),
            {}, 0, option, text };
    return v;
}

Result<QString> choiceOption(const QCommandLineParser &parser, const QString &name,
    const QString &fallback, const QStringList &allowed)
{
    const QString v = parser.isSet(name) ? parser.value(name).trimmed() : fallback;
    if (!allowed.contains(v))
        return Error { u"must be one of: "_s + allowed.join(u", "_s), {}, 0, u"--"_s + name, v };
    return v;
}

Result<qint64> parseDurationMs(const QString &text)
{
    static const QRegularExpression re(u"^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?\\s*$"_s);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return Error { u"is not a duration (e.g. 10s, 500ms, 2m)"_s, {}, 0, u"--duration"_s, text };
    const double v = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    const double ms = unit == u"ms"_s ? v
        : unit == u"m"_s              ? v * 60000
        : unit == u"h"_s              ? v * 3600000
                                      : v * 1000;
    if (ms < 1)
        return Error { u"must be at least 1ms"_s, {}, 0, u"--duration"_s, text };
    return qint64(ms);
}

void printJsonLine(const QJsonObject &object)
{
    out() << QJsonDocument(object).toJson(QJsonDocument::Compact) << u'\n';
    out().flush();
}

QString fixedWidthRow(const QStringList &cells, const QList<int> &widths)
{
    QString row;
    for (qsizetype i = 0; i < cells.size(); ++i)
        row += u' ' + cells[i].rightJustified(i < widths.size() ? widths[i] - 1 : 0);
    return row;
}

/// A marker line: a configuration change or a scenario step at `tMs` on the run's timeline.
void printMarker(const QString &format, qint64 tMs, const QString &label)
{
    if (format == u"json"_s) {
        printJsonLine(QJsonObject { { u"marker"_s, label }, { u"t_ms"_s, tMs } });
    } else if (format == u"table"_s) {
        out() << u"  --- "_s << QString::number(double(tMs) / 1000.0, 'f', 1) << u" s: "_s << label
              << u'\n';
    } // csv: the rows stay a table; the --csv file's config_change column has the changes
    out().flush();
}

namespace {
std::atomic<bool> g_interrupted { false };
void onInterrupt(int) { g_interrupted.store(true); }
} // namespace

void catchInterrupts()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

bool interrupted() { return g_interrupted.load(); }

Result<std::pair<QString, int>> parseAddress(
    const QString &option, const QString &text, int defaultPort)
{
    const QString t = text.trimmed();
    QString host = t;
    QString port;
    if (t.startsWith(u'[')) {
        const qsizetype close = t.indexOf(u']');
        if (close < 0)
            return Error { u"is not HOST:PORT ('[' without ']')"_s, {}, 0, option, text };
        host = t.mid(1, close - 1);
        const QString rest = t.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(u':'))
            return Error { u"is not HOST:PORT"_s, {}, 0, option, text };
        port = rest.mid(1);
    } else if (t.count(u':') == 1) {
        host = t.section(u':', 0, 0);
        port = t.section(u':', 1);
    }
    if (host.isEmpty())
        return Error { u"names no host (HOST:PORT, e.g. 127.0.0.1:6379)"_s, {}, 0, option, text };
    int p = defaultPort;
    if (!port.isNull()) {
        bool ok = false;
        p = port.toInt(&ok);
        if (!ok || p < 1 || p > 65535)
            return Error { u"has no valid port (1 to 65535)"_s, {}, 0, option, text };
    }
    return std::pair { host, p };
}

} // namespace CacheScope::Cli
