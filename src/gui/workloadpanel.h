#pragma once

#include "core/engine/runconfig.h"

#include <QWidget>

#include <memory>

namespace Ui {
class WorkloadPanel;
}

namespace CacheScope {

/// The bundled example query log (resources/sql/demo-shop.log.gz: two minutes of a shop's
/// statements on the demo database's tables), as a resource path the log readers open.
QString exampleQueryLogPath();

/// What the workers send: key distribution and its parameters, the template mix or a custom
/// SQL template, the write ratio, and the load model (closed loop with N workers and think
/// time, or open loop at a target rate). Everything but the custom SQL is live. Or a query log to
/// replay instead (RunConfig::queryLog): then the rows of drawn keys hide, and the log, its
/// format and speed, and the threads are fixed while it runs.
class WorkloadPanel : public QWidget
{
    Q_OBJECT

public:
    explicit WorkloadPanel(QWidget *parent = nullptr);
    ~WorkloadPanel() override;

    /// Writes this panel's fields into `config` (workload, mix, customSql, writeRatio,
    /// threads, loadModel, targetRate, thinkTimeMs); other fields are left alone.
    void applyTo(RunConfig &config) const;
    void setConfig(const RunConfig &config);
    void setRunActive(bool active);
    /// Replays this log from the next start (empty: keys are drawn again), at `speed` times its
    /// own pace (0: as fast as possible; negative: the speed set in the panel).
    void setLogPath(const QString &path, double speed = -1);

signals:
    /// The user changed a field (spin boxes report on Enter, focus out or a step).
    void changed();

private:
    void updateVisibleRows();
    void loadExamples();
    void chooseLog();

    std::unique_ptr<Ui::WorkloadPanel> m_ui;
    WorkloadSpec m_hidden; // fields the panel does not show (seed, object sizes) round-trip
};

} // namespace CacheScope
