#include "appoptions.h"

#include "runspage.h"

#include "core/history/runhistory.h"

#include "mainwindow.h"
#include "cachepanel.h"
#include "databasepanel.h"
#include "monitorpage.h"
#include "responsivenessprobe.h"
#include "tracereplaywidget.h"
#include "workloadpanel.h"

#include "core/db/demodatabase.h"
#include "core/session/scenario.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

Error optionError(const QString &option, const QString &value, const QString &message)
{
    Error e;
    e.message = message;
    e.field = u"--"_s + option;
    e.value = value;
    return e;
}

} // namespace

Result<AppOptions> parseAppOptions(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QApplication::translate(
        "main", "CacheScope: see, live, what a cache in front of your database does."));
    p.addHelpOption();
    p.addVersionOption();
    p.addOptions({
        { u"scenario"_s,
            QApplication::translate(
                "main", "Load a demo scenario (id or title; see --list-scenarios)."),
            u"NAME"_s },
        { u"start"_s,
            QApplication::translate(
                "main", "Start the run (or, with --trace, the replay) at once.") },
        { u"view"_s,
            QApplication::translate("main",
                "Show this page at start: metrics (the live charts), what-if (the shadow "
                "policies beside them), trace, monitor or runs."),
            u"PAGE"_s },
        { u"screenshot"_s,
            QApplication::translate("main", "Save the window as PNG after --screenshot-delay-ms."),
            u"FILE.png"_s },
        { u"screenshot-delay-ms"_s,
            QApplication::translate("main", "Delay before the screenshot (default 8000)."),
            u"N"_s },
        { u"quit-after-ms"_s,
            QApplication::translate(
                "main", "Quit after N ms (default with --screenshot: once it is saved)."),
            u"N"_s },
        { u"demo-db"_s,
            QApplication::translate(
                "main", "SQLite demo database to use and create (default: the app data location)."),
            u"PATH"_s },
        { u"demo-rows-scale"_s,
            QApplication::translate(
                "main", "Rows scale of a demo database created on Start (default 1: 1 M orders)."),
            u"X"_s },
        { u"trace"_s, QApplication::translate("main", "Open the trace replay tab on FILE."),
            u"FILE"_s },
        { u"config"_s,
            QApplication::translate("main",
                "Load a configuration file at start (as File > Load configuration), e.g. one "
                "on your PostgreSQL; a scenario keeps its database."),
            u"FILE.json"_s },
        { u"password-env"_s,
            QApplication::translate("main",
                "Take the PostgreSQL password from environment variable VAR (it is never "
                "saved)."),
            u"VAR"_s },
        { u"l2-password-env"_s,
            QApplication::translate("main",
                "Take the Redis second tier's password (Cache panel, Tiers) from environment "
                "variable VAR (it is never shown or saved)."),
            u"VAR"_s },
        { u"query-log"_s,
            QApplication::translate("main",
                "Replay a PostgreSQL query log (or .sql file) in the live run instead of drawing "
                "keys; 'example' is the bundled demo shop log."),
            u"FILE"_s },
        { u"query-log-speed"_s,
            QApplication::translate(
                "main", "Replay the query log at its own pace times X (0: as fast as possible)."),
            u"X"_s },
        { u"trace-policies"_s,
            QApplication::translate("main", "Policies of the trace replay, comma-separated ids."),
            u"IDS"_s },
        { u"trace-capacities"_s,
            QApplication::translate(
                "main", "Capacities of the trace replay (e.g. 1%,5%,10% or 100,1000)."),
            u"LIST"_s },
        { u"probe"_s,
            QApplication::translate("main",
                "Measure the GUI thread's event-loop delay (a zero-timer probe every 20 ms) "
                "and resident memory; write them as JSON to FILE at exit."),
            u"FILE.json"_s },
        { u"monitor"_s,
            QApplication::translate("main",
                "Connect the Monitor tab at start to redis:HOST:PORT or memcached:HOST:PORT "
                "(no password)."),
            u"KIND:HOST:PORT"_s },
        { u"monitor-interval-ms"_s,
            QApplication::translate("main", "Poll interval of --monitor, 100 to 10000."), u"N"_s },
        { u"history"_s,
            QApplication::translate("main",
                "Record runs in this run history (default: history.sqlite in the app data "
                "location, shared with cachescope-cli runs)."),
            u"FILE"_s },
        { u"no-history"_s, QApplication::translate("main", "Do not record runs.") },
        { u"compare-runs"_s,
            QApplication::translate("main", "Open the Runs tab comparing two recorded runs."),
            u"A,B"_s },
        { u"no-settings"_s,
            QApplication::translate("main", "Neither read nor save settings (scripted runs).") },
        { u"list-scenarios"_s,
            QApplication::translate("main", "Print the demo scenarios and exit.") },
    });
    AppOptions o;
    if (!p.parse(arguments))
        return optionError({}, {}, p.errorText());
    QTextStream out(stdout);
    if (p.isSet(u"help"_s) || p.isSet(u"help-all"_s)) {
        out << p.helpText();
        o.helpShown = true;
        return o;
    }
    if (p.isSet(u"version"_s)) {
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion()
            << '\n';
        o.helpShown = true;
        return o;
    }
    if (!p.positionalArguments().isEmpty())
        return optionError({}, p.positionalArguments().first(), u"unexpected argument"_s);
    auto integer = [&p](const QString &name, int &value) -> Result<void> {
        if (!p.isSet(name))
            return {};
        bool ok = false;
        const int v = p.value(name).toInt(&ok);
        if (!ok || v < 0)
            return optionError(
                name, p.value(name), u"is not a non-negative integer of milliseconds"_s);
        value = v;
        return {};
    };
    if (Result<void> r = integer(u"screenshot-delay-ms"_s, o.screenshotDelayMs); !r)
        return r.error();
    if (Result<void> r = integer(u"quit-after-ms"_s, o.quitAfterMs); !r)
        return r.error();
    if (p.isSet(u"demo-rows-scale"_s)) {
        bool ok = false;
        o.demoRowsScale = p.value(u"demo-rows-scale"_s).toDouble(&ok);
        if (!ok || !(o.demoRowsScale > 0) || o.demoRowsScale > maxDemoRowsScale)
            return optionError(u"demo-rows-scale"_s, p.value(u"demo-rows-scale"_s),
                u"is not a rows scale in (0, %1]"_s.arg(maxDemoRowsScale));
    }
    o.scenario = p.value(u"scenario"_s);
    o.start = p.isSet(u"start"_s);
    o.screenshot = p.value(u"screenshot"_s);
    if (p.isSet(u"screenshot"_s) && o.screenshot.isEmpty())
        return optionError(u"screenshot"_s, {}, u"needs a file name"_s);
    o.demoDatabase = p.value(u"demo-db"_s);
    o.trace = p.value(u"trace"_s);
    o.config = p.value(u"config"_s);
    if (!o.config.isEmpty() && !QFileInfo::exists(o.config))
        return optionError(u"config"_s, o.config, u"no such file"_s);
    o.passwordEnv = p.value(u"password-env"_s);
    if (p.isSet(u"password-env"_s) && !qEnvironmentVariableIsSet(qPrintable(o.passwordEnv)))
        return optionError(u"password-env"_s, o.passwordEnv, u"is not set in the environment"_s);
    o.l2PasswordEnv = p.value(u"l2-password-env"_s);
    if (p.isSet(u"l2-password-env"_s) && !qEnvironmentVariableIsSet(qPrintable(o.l2PasswordEnv)))
        return optionError(
            u"l2-password-env"_s, o.l2PasswordEnv, u"is not set in the environment"_s);
    o.queryLog = p.value(u"query-log"_s);
    if (o.queryLog == u"example"_s)
        o.queryLog = exampleQueryLogPath();
    else if (!o.queryLog.isEmpty() && !QFileInfo::exists(o.queryLog))
        return optionError(u"query-log"_s, o.queryLog, u"no such file"_s);
    if (p.isSet(u"query-log-speed"_s)) {
        bool ok = false;
        o.queryLogSpeed = p.value(u"query-log-speed"_s).toDouble(&ok);
        if (!ok || o.queryLogSpeed < 0 || o.queryLogSpeed > 1000)
            return optionError(u"query-log-speed"_s, p.value(u"query-log-speed"_s),
                u"is not a speed factor from 0 (as fast as possible) to 1000"_s);
    }
    o.tracePolicies = p.value(u"trace-policies"_s);
    o.traceCapacities = p.value(u"trace-capacities"_s);
    o.useSettings = !p.isSet(u"no-settings"_s);
    if (p.isSet(u"no-history"_s) && p.isSet(u"history"_s))
        return optionError(u"--no-history"_s, {}, u"records nothing: drop --history"_s);
    if (!p.isSet(u"no-history"_s))
        o.history = p.isSet(u"history"_s) ? p.value(u"history"_s) : RunHistory::defaultPath();
    o.probeReport = p.value(u"probe"_s);
    o.listScenarios = p.isSet(u"list-scenarios"_s);
    o.view = p.value(u"view"_s);
    if (!o.view.isEmpty()
        && !QStringList(
            { u"metrics"_s, u"what-if"_s, u"templates"_s, u"trace"_s, u"monitor"_s, u"runs"_s })
                .contains(o.view))
        return optionError(u"view"_s, o.view,
            u"is not a page; pages: metrics, what-if, templates, trace, monitor, runs"_s);
    if (p.isSet(u"compare-runs"_s)) {
        const QStringList ids = p.value(u"compare-runs"_s).split(u',');
        bool okA = false;
        bool okB = false;
        if (ids.size() == 2) {
            o.compareRuns
                = { ids[0].trimmed().toLongLong(&okA), ids[1].trimmed().toLongLong(&okB) };
        }
        if (!okA || !okB)
            return optionError(u"compare-runs"_s, p.value(u"compare-runs"_s),
                u"is not two run ids, e.g. 3,7 (see cachescope-cli runs list)"_s);
    }
    if (p.isSet(u"monitor"_s)) {
        const QString m = p.value(u"monitor"_s);
        const QStringList parts = m.split(u':');
        bool ok = false;
        const int port = parts.size() == 3 ? parts[2].toInt(&ok) : 0;
        if (parts.size() != 3 || !QStringList({ u"redis"_s, u"memcached"_s }).contains(parts[0])
            || parts[1].isEmpty() || !ok || port < 1 || port > 65535)
            return optionError(u"monitor"_s, m,
                u"is not redis:HOST:PORT or memcached:HOST:PORT (e.g. redis:127.0.0.1:6379)"_s);
        o.monitorSource = parts[0];
        o.monitorHost = parts[1];
        o.monitorPort = port;
    }
    if (p.isSet(u"monitor-interval-ms"_s)) {
        bool ok = false;
        o.monitorIntervalMs = p.value(u"monitor-interval-ms"_s).toInt(&ok);
        if (!ok || o.monitorIntervalMs < 100 || o.monitorIntervalMs > 10000)
            return optionError(u"monitor-interval-ms"_s, p.value(u"monitor-interval-ms"_s),
                u"is not an interval of 100 to 10000 ms"_s);
    }
    if (!o.scenario.isEmpty() && !o.trace.isEmpty())
        return optionError(u"trace"_s, o.trace, u"cannot be combined with --scenario"_s);
    if (!o.scenario.isEmpty() && o.scenario != watchRedisScenario) {
        const QList<Scenario> scenarios = loadBuiltInScenarios();
        if (!findScenario(scenarios, o.scenario)) {
            QStringList ids;
            for (const Scenario &s : scenarios)
                ids << s.id;
            ids << watchRedisScenario.toString();
            return optionError(
                u"scenario"_s, o.scenario, u"is not a scenario; scenarios: "_s + ids.join(u", "_s));
        }
    }
    return o;
}

void runAppOptions(MainWindow &window, const AppOptions &o)
{
    if (!o.probeReport.isEmpty()) {
        auto *probe = new ResponsivenessProbe(20, &window);
        probe->start();
        auto write = [probe, path = o.probeReport] {
            QSaveFile file(path);
            if (file.open(QIODevice::WriteOnly)) {
                file.write(QJsonDocument(probe->report()).toJson());
                file.commit();
            }
        };
        // Written every minute too, so a run killed before its end still leaves its figures.
        auto *checkpoint = new QTimer(probe);
        checkpoint->setInterval(60000);
        QObject::connect(checkpoint, &QTimer::timeout, probe, write);
        checkpoint->start();
        QObject::connect(
            qApp, &QCoreApplication::aboutToQuit, probe, [probe, write, path = o.probeReport] {
                probe->stop();
                write();
                const QJsonObject report = probe->report();
                QTextStream(stderr)
                    << "cachescope: event-loop delay p50 " << probe->delayQuantileMs(0.5)
                    << " ms, p99 " << probe->delayQuantileMs(0.99) << " ms, max "
                    << probe->maxDelayMs() << " ms over " << probe->sampleCount()
                    << " probes; resident memory " << report.value(u"rss_first_mb"_s).toDouble()
                    << " MB -> " << report.value(u"rss_last_mb"_s).toDouble() << " MB (" << path
                    << ")" << Qt::endl;
            });
    }
    if (!o.config.isEmpty()) {
        if (Result<void> loaded = window.loadConfig(o.config); !loaded)
            window.reportError(
                QApplication::translate("main", "Configuration not loaded"), loaded.error());
    }
    if (!o.passwordEnv.isEmpty()) {
        ConnectionSettings db = window.databasePanel()->settings();
        db.password = qEnvironmentVariable(qPrintable(o.passwordEnv));
        window.databasePanel()->setSettings(db);
    }
    if (!o.l2PasswordEnv.isEmpty())
        window.cachePanel()->setL2Password(qEnvironmentVariable(qPrintable(o.l2PasswordEnv)));
    if (!o.trace.isEmpty()) {
        TraceReplayWidget *trace = window.traceReplay();
        window.showTraceTab();
        trace->setTracePath(o.trace);
        if (!o.tracePolicies.isEmpty())
            trace->setSelectedPolicies(o.tracePolicies.split(u',', Qt::SkipEmptyParts));
        if (!o.traceCapacities.isEmpty())
            trace->setCapacities(o.traceCapacities);
        if (o.start)
            trace->startReplay();
    } else if (!o.scenario.isEmpty()) {
        if (!o.queryLog.isEmpty()) // the scenario's configuration first, the log over it
            window.loadScenario(o.scenario);
        if (!o.queryLog.isEmpty())
            window.workloadPanel()->setLogPath(o.queryLog, o.queryLogSpeed);
        if (o.start)
            window.startScenario(o.scenario);
        else
            window.loadScenario(o.scenario);
    } else {
        if (!o.queryLog.isEmpty())
            window.workloadPanel()->setLogPath(o.queryLog, o.queryLogSpeed);
        if (o.start)
            window.startRun();
    }

    if (!o.monitorSource.isEmpty()) {
        MonitorPage *monitor = window.monitorPage();
        monitor->setSource(o.monitorSource == u"redis"_s ? MonitorPage::Source::Redis
                                                         : MonitorPage::Source::Memcached);
        monitor->setHost(o.monitorHost);
        monitor->setPort(o.monitorPort);
        if (o.monitorIntervalMs > 0)
            monitor->setIntervalMs(o.monitorIntervalMs);
        window.showMonitorTab();
        monitor->connectToServer();
    }

    if (o.view == u"what-if"_s)
        window.showWhatIfPage();
    else if (o.view == u"templates"_s)
        window.showTemplatesPage();
    else if (o.view == u"trace"_s)
        window.showTraceTab();
    else if (o.view == u"monitor"_s)
        window.showMonitorTab();
    else if (o.view == u"runs"_s)
        window.showRunsTab();
    if (o.compareRuns && window.runsPage()) {
        window.showRunsTab();
        window.runsPage()->compare(o.compareRuns->first, o.compareRuns->second);
    }

    if (!o.screenshot.isEmpty()) {
        QTimer::singleShot(o.screenshotDelayMs, &window, [&window, o] {
            const Result<void> saved = window.saveWindowImage(o.screenshot);
            QTextStream err(stderr);
            if (saved)
                err << "cachescope: screenshot saved to " << o.screenshot << Qt::endl;
            else
                err << "cachescope: " << saved.error().toString() << Qt::endl;
            if (o.quitAfterMs < 0)
                QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    if (o.quitAfterMs >= 0)
        QTimer::singleShot(o.quitAfterMs, &window, [&window] { window.close(); });
}

} // namespace CacheScope
