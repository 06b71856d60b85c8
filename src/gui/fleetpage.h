#pragma once

#include "core/cache/redistier.h"
#include "core/engine/runconfig.h"
#include "core/error.h"
#include "core/session/scenario.h"
#include "fleetmodels.h"

#include <QTimer>
#include <QWidget>

#include <array>
#include <memory>

class QTableView;

namespace Ui {
class FleetPage;
}

namespace CacheScope {

class FleetRunner;
class LiveChart;
class MessageBanner;

/// The Fleet tab (issue 13): N real `cachescope-cli run` processes (FleetRunner) against the
/// app's SQLite demo database and one Redis (a private redis-server started for the fleet, or a
/// URL), each with a small L1 in front of the shared L2. Charts show the fleet's total per
/// interval (requests/s, the share of reads each tier served, stale reads/s and their age) or,
/// through the instance selector, one instance's own lines (kept in a bounded ring per
/// instance, so switching shows its history at once); a table has one row per instance. The
/// invalidation mode is live: a change goes to every child's control channel
/// (FleetRunner::control) and is a marker on the charts. A fleet scenario ("fleet" in its file)
/// loads here and its steps go through the same channel.
///
/// Nothing waits on the GUI thread: the demo database and the private redis-server are made
/// ready on a pool thread, the children's lines arrive through the event loop. Errors (no
/// cachescope-cli, no redis-server, an instance failing) show in the page's banner and the
/// app carries on.
class FleetPage : public QWidget
{
    Q_OBJECT

public:
    enum class State { Idle, Starting, Running, Stopping };
    Q_ENUM(State)
    enum ChartId { Throughput, HitRatio, Staleness, ChartCount };
    static constexpr int totalView = FleetHistory::total;

    /// What the form holds.
    struct Settings
    {
        int instances = 4;
        int threads = 2;
        qint64 keys = 100000;
        double alpha = 0.99;
        double writeRatio = 0;
        qint64 capacity = 1000; // L1 entries per instance
        qint64 l2TtlMs = 0;
        L2Invalidation invalidation = L2Invalidation::None;
        QString redisUrl; // empty: a private redis-server
        qint64 durationMs = 0; // 0: until stopped
    };

    explicit FleetPage(QWidget *parent = nullptr);
    ~FleetPage() override;

    /// The SQLite demo database the children use, created (off the GUI thread) when missing.
    void setDemoDatabase(const QString &path, double rowsScale);
    /// The cachescope-cli to start; empty (the default): findCli().
    void setProgram(const QString &program) { m_program = program; }
    /// Children's --interval-ms (default 1000).
    void setIntervalMs(int ms) { m_intervalMs = ms; }
    void setMinRenderIntervalMs(int ms);

    /// cachescope-cli next to this executable (the installed layout) or in the build tree
    /// (src/cli/ beside src/gui/ or tests/); empty when none, `searched` then lists the paths.
    static QString findCli(QStringList *searched = nullptr);

    Settings settings() const;
    void setSettings(const Settings &settings);
    /// A fleet scenario's settings into the form (its config over the defaults) and its steps
    /// for the next start; false and an error in the banner if it does not parse.
    bool loadScenario(const Scenario &scenario);
    bool startScenario(const Scenario &scenario);

    /// Starts the fleet with the form's settings; false (and the banner) when it cannot.
    bool start();
    void stop();
    State state() const { return m_state; }
    /// The live invalidation change (as choosing it in the form while running).
    void setInvalidation(L2Invalidation mode);

    /// The charts' source: totalView or an instance.
    int selectedInstance() const { return m_selected; }
    void selectInstance(int instance);

    LiveChart *chart(int id) const { return m_charts[std::size_t(id)]; }
    FleetInstancesModel *instancesModel() const { return m_instances; }
    const FleetHistory &history() const { return m_history; }
    MessageBanner *banner() const;
    /// The running fleet; null when idle.
    FleetRunner *runner() const { return m_runner; }
    /// Interval totals received in this fleet.
    int totalCount() const { return m_totals; }
    /// The latest total line.
    QJsonObject lastTotal() const { return m_lastTotal; }
    /// The Redis the running fleet shares (the private server's URL); empty when idle.
    QString redisUrl() const { return m_runner ? m_redisUrl : QString(); }

signals:
    void stateChanged(CacheScope::FleetPage::State state);
    void errorOccurred(const QString &context, const CacheScope::Error &error);
    void messageLogged(const QString &message);

private:
    struct Parts;
    void setUpCharts();
    void setState(State state);
    void launch(const std::shared_ptr<Parts> &parts);
    QStringList childArguments(const Settings &s, const QString &redisUrl) const;
    void onTotal(const QJsonObject &total);
    void onInstanceLine(int index, const QJsonObject &line);
    void onFinished();
    void releaseParts();
    void applyDueSteps(double t);
    void sendChange(const QJsonObject &change, const QString &label);
    void addMarker(const QString &label);
    void showPoint(const FleetPoint &point);
    void refillCharts();
    void scheduleRender();
    void renderCharts();
    void reportError(const QString &context, const Error &error);

    std::unique_ptr<Ui::FleetPage> m_ui;
    std::array<LiveChart *, ChartCount> m_charts {};
    QTableView *m_table = nullptr;
    FleetInstancesModel *m_instances = nullptr;
    FleetHistory m_history;
    FleetRunner *m_runner = nullptr; // a child while a fleet runs
    std::shared_ptr<Parts> m_parts; // the private redis-server of the running fleet
    State m_state = State::Idle;
    quint64 m_generation = 0; // a start in flight for an older generation is dropped
    QString m_program;
    QString m_demoPath;
    double m_demoRowsScale = 1.0;
    int m_intervalMs = 1000;
    int m_selected = totalView;
    int m_totals = 0;
    QJsonObject m_lastTotal;
    QString m_redisUrl;
    double m_lastT = 0; // the fleet's timeline, seconds
    QList<std::pair<double, QString>> m_markers; // replayed when the selection changes
    L2Invalidation m_liveInvalidation = L2Invalidation::None; // what the children run with
    // A loaded scenario: its steps for the next start, and the configuration they apply to.
    QList<ScenarioStep> m_steps;
    RunConfig m_stepConfig;
    int m_nextStep = 0;
    QTimer m_renderTimer;
    bool m_dirty = false;
};

} // namespace CacheScope
