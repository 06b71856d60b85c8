#pragma once

#include "core/error.h"
#include "core/report/expectations.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QTextStream>

#include <optional>
#include <utility>

namespace CacheScope::Cli {

/// Exit statuses: 2 for bad usage, option values or input data; 1 for failures while running.
constexpr int exitUsage = 2;
constexpr int exitRuntime = 1;
/// --expect: the command ran, and a threshold was not met.
constexpr int exitExpectation = 3;

/// "cachescope-cli: <message>" on stderr; returns `status`.
int fail(const Error &error, int status = exitUsage);
int fail(const QString &message, int status = exitUsage);

QTextStream &out();
/// "cachescope-cli: note: <message>" on stderr: an assumption or a skipped input, not an error.
void note(const QString &message);

/// --expect's results on stderr, one line each ("cachescope-cli: expectation failed: hit_ratio
/// >= 0.8: measured 0.274", met ones too), `context` before each ("lru at 100: "). True when
/// every one was met.
bool reportExpectations(const QList<ExpectationResult> &results, const QString &context = {});

/// Parses `args` (without the sub-command name); on an unknown option or a missing value
/// prints the parser's message and the command's --help hint. Returns false then.
/// Positional arguments are refused unless `positional` (the command checks them itself).
bool parseOrFail(QCommandLineParser &parser, const QStringList &args, const QString &command,
    bool positional = false);

/// parseOrFail(), then --help (printHelp()): returns the status the command ends with there
/// (exitUsage on bad usage, 0 after the help), or nothing when it goes on.
std::optional<int> parseCommand(QCommandLineParser &parser, const QStringList &args,
    const QString &command, const QString &synopsis = {}, bool positional = false);

/// Prints the command's --help with a usage line naming the command ("cachescope-cli run
/// [options]"), whatever the binary's path.
void printHelp(
    const QCommandLineParser &parser, const QString &command, const QString &synopsis = {});

/// A run id given on the command line (runs, report): a positive number.
Result<qint64> runIdArgument(const QString &text);

Result<qint64> integerOption(const QCommandLineParser &parser, const QString &name, qint64 fallback,
    qint64 min, qint64 max = std::numeric_limits<qint64>::max());
Result<double> realOption(
    const QCommandLineParser &parser, const QString &name, double fallback, double min, double max);
/// --duration's grammar: "10s", "500ms", "2m", "1h" (seconds without a unit); at least 1 ms.
Result<qint64> parseDurationMs(const QString &text);
/// One compact JSON object and a newline on stdout, flushed (`--output json` lines).
void printJsonLine(const QJsonObject &object);
/// vmstat style: each cell right-aligned in its column's width (a space before each), so lines
/// printed over time line up.
QString fixedWidthRow(const QStringList &cells, const QList<int> &widths);
/// A marker line: a change on a run's or a monitor's timeline at `tMs`, as json
/// (`{"marker": label, "t_ms": tMs}`) or table (`  --- 20.0 s: label`); csv keeps to rows.
void printMarker(const QString &format, qint64 tMs, const QString &label);
/// One of `allowed`; the error lists them.
Result<QString> choiceOption(const QCommandLineParser &parser, const QString &name,
    const QString &fallback, const QStringList &allowed);

/// Ctrl-C and SIGTERM set a flag instead of ending the process (the commands that run until
/// then stop cleanly and print their summary); interrupted() reads it.
void catchInterrupts();
bool interrupted();

/// HOST:PORT, HOST (`defaultPort`) or [IPv6]:PORT, for `option` (its errors name it).
Result<std::pair<QString, int>> parseAddress(
    const QString &option, const QString &text, int defaultPort);

} // namespace CacheScope::Cli
