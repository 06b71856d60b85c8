#include "cliutil.h"
#include "commands.h"

#include "buildinfo/buildinfo.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

namespace {

const char *const usage = R"(Usage: cachescope-cli COMMAND [options]

CacheScope's headless workbench: the same engine as the desktop app, for scripts, CI and
benchmarks.

Commands:
  simulate     Replay a trace or a synthetic workload through cache policies (offline).
  run          Run a live workload against a database through the result cache.
  fleet        Run N `run` processes at once (one database, one Redis) and print their total.
  replay-log   Replay a PostgreSQL query log through the result cache: which queries to cache.
  demo-db      Create or re-create the demo database (SQLite by default, or PostgreSQL).
  bench-cache  Benchmark the result cache alone (get-or-put, no database).
  mrc          Miss-ratio curves: miss ratio against capacity (exact LRU, SHARDS, replay).
  scenarios    List the demo scenarios that `run --scenario ID` plays.
  monitor      Watch a Redis, memcached or PostgreSQL's buffer cache: hit ratio, evictions, memory.
  redis-load   Drive a Redis with cache-aside GETs and SETs (keys with prefixes), to watch it.
  runs         The run history: list, show, compare, export, rename or delete recorded runs.
  report       A recorded run (or two compared) as one self-contained HTML file.

Options:
  -h, --help     Print this help and exit.
  -v, --version  Print the version and git revision and exit.

Run 'cachescope-cli COMMAND --help' for the options of a command.
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"cachescope"_s);
    QCoreApplication::setOrganizationName(u"CacheScope"_s);
    QCoreApplication::setApplicationVersion(BuildInfo::versionText());

    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty())
        return Cli::fail(QString::fromUtf8(usage).trimmed().prepend(u"no command given\n\n"_s));
    const QString command = args.takeFirst();
    if (command == u"--help"_s || command == u"-h"_s || command == u"help"_s) {
        Cli::out() << QString::fromUtf8(usage);
        return 0;
    }
    if (command == u"--version"_s || command == u"-v"_s) {
        Cli::out() << u"cachescope-cli "_s << QCoreApplication::applicationVersion() << u'\n';
        return 0;
    }
    if (command == u"simulate"_s)
        return Cli::simulateCommand(args);
    if (command == u"run"_s)
        return Cli::runCommand(args);
    if (command == u"fleet"_s)
        return Cli::fleetCommand(args);
    if (command == u"replay-log"_s)
        return Cli::replayLogCommand(args);
    if (command == u"demo-db"_s)
        return Cli::demoDbCommand(args);
    if (command == u"bench-cache"_s)
        return Cli::benchCacheCommand(args);
    if (command == u"mrc"_s)
        return Cli::mrcCommand(args);
    if (command == u"scenarios"_s)
        return Cli::scenariosCommand(args);
    if (command == u"monitor"_s)
        return Cli::monitorCommand(args);
    if (command == u"redis-load"_s)
        return Cli::redisLoadCommand(args);
    if (command == u"runs"_s)
        return Cli::runsCommand(args);
    if (command == u"report"_s)
        return Cli::reportCommand(args);
    return Cli::fail(u"unknown command '"_s + command
        + u"'; commands: simulate, run, fleet, replay-log, demo-db, bench-cache, mrc, scenarios, monitor, redis-load, runs, report (see cachescope-cli --help)"_s);
}
