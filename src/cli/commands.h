#pragma once

#include "core/engine/replayplan.h"
#include "core/error.h"
#include "core/policy/cachepolicy.h"
#include "core/workload/request.h"

#include <QCommandLineParser>
#include <QStringList>

#include <vector>

namespace CacheScope::Cli {

/// Each sub-command takes its arguments without the command name and returns the exit status.
int simulateCommand(const QStringList &args);
int runCommand(const QStringList &args);
int replayLogCommand(const QStringList &args);
int demoDbCommand(const QStringList &args);
int benchCacheCommand(const QStringList &args);
int mrcCommand(const QStringList &args);
int scenariosCommand(const QStringList &args);
int monitorCommand(const QStringList &args);
int redisLoadCommand(const QStringList &args);
int runsCommand(const QStringList &args);
int reportCommand(const QStringList &args);
int fleetCommand(const QStringList &args);

/// `run`'s options (`replayLog`: replay-log's, with run's own hidden), shared with `fleet`,
/// which forwards them to its children.
void addRunOptions(QCommandLineParser &parser, bool replayLog);

/// A request stream loaded from --trace or generated from --workload (simulate, mrc).
using Stream = ReplayStream;

/// --trace, --format, --csv-*, --workload and the synthetic options, --seed.
void addStreamOptions(QCommandLineParser &parser);
/// --format and the --csv-* options.
Result<TraceOptions> traceOptions(const QCommandLineParser &parser);
/// Reads the trace or generates the workload the options name (sized objects in byte mode).
/// Prints the reader's notes (lines skipped, writes not replayed) on stderr.
Result<Stream> loadStream(const QCommandLineParser &parser, SizeUnit unit);

/// --redis-samples, --lfu-log-factor, --lfu-decay-time, --assume-rate (simulate, mrc).
void addRedisOptions(QCommandLineParser &parser);
/// The Redis model's settings from those options and --seed; when one of `policies` is a
/// redis-* policy and the stream has no times, says on stderr which request rate it assumes.
Result<SimulationOptions> simulationOptions(
    const QCommandLineParser &parser, const Stream &stream, const QStringList &policies);

} // namespace CacheScope::Cli
