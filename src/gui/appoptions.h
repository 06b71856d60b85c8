#pragma once

#include "core/error.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace CacheScope {

class MainWindow;

/// The app's command line, for scripting and documentation screenshots.
struct AppOptions
{
    QString scenario; // --scenario NAME: load it (and start it with --start)
    bool start = false; // --start: start the run (or the trace replay with --trace)
    QString screenshot; // --screenshot FILE.png: save the window after the delay
    int screenshotDelayMs = 8000;
    int quitAfterMs = -1; // --quit-after-ms N; with --screenshot alone: quit once it is saved
    QString config; // --config FILE.json: load a configuration (File > Load configuration)
    QString passwordEnv; // --password-env VAR: the PostgreSQL password, from that variable
    QString l2PasswordEnv; // --l2-password-env VAR: the Redis second tier's password
    QString demoDatabase; // --demo-db PATH: the SQLite demo database to use (and create)
    double demoRowsScale = 1.0;
    QString trace; // --trace FILE: open the trace replay tab on FILE
    QString queryLog; // --query-log FILE|example: the Workload panel's query log
    double queryLogSpeed = -1; // --query-log-speed X; -1: the panel's
    QString tracePolicies; // --trace-policies lru,arc,opt
    QString traceCapacities; // --trace-capacities 1%,5%,10%
    bool useSettings = true; // --no-settings: neither read nor write QSettings
    QString history; // --history FILE, else the default run history; empty: --no-history
    std::optional<std::pair<qint64, qint64>> compareRuns; // --compare-runs A,B
    QString probeReport; // --probe FILE.json: GUI event-loop delay and memory, written at exit
    QString view; // --view metrics|what-if|templates|trace|monitor|runs: the page shown at start
    /// --monitor redis|memcached:HOST:PORT: connect the Monitor tab at start.
    QString monitorSource;
    QString monitorHost;
    int monitorPort = 0;
    int monitorIntervalMs = 0; // --monitor-interval-ms N; 0: the tab's default
    bool listScenarios = false;
    bool helpShown = false; // --help or --version printed: exit 0
};

/// Parses the arguments (argv including the program name). Bad options or values: an Error
/// whose message is printed as "cachescope: ..." with exit status 2.
Result<AppOptions> parseAppOptions(const QStringList &arguments);

/// Applies the scripted options to a shown window: scenario, start, trace, screenshot and
/// quit timers. Errors go to the window's log (and stderr for the screenshot).
void runAppOptions(MainWindow &window, const AppOptions &options);

} // namespace CacheScope
