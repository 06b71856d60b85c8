#pragma once

#include "core/session/scenario.h"

#include <QWidget>

#include <memory>

class QAction;

namespace Ui {
class RunPanel;
}

namespace CacheScope {

/// Start, Pause/Resume, Stop and Reset charts (the main window's actions, with their
/// shortcuts) and the demo scenario picker with its one line of what to look for.
class RunPanel : public QWidget
{
    Q_OBJECT

public:
    explicit RunPanel(QWidget *parent = nullptr);
    ~RunPanel() override;

    void setActions(QAction *start, QAction *pause, QAction *stop, QAction *reset);
    void setScenarios(const QList<Scenario> &scenarios);
    /// Selects a scenario in the picker (by id) and shows what to look for.
    void setCurrentScenario(const QString &id);
    QString currentScenarioId() const;
    QString lookForText() const;

signals:
    /// "Load & Start" was pressed, or a scenario double-clicked.
    void scenarioRequested(const QString &id);

private:
    void showLookFor();

    std::unique_ptr<Ui::RunPanel> m_ui;
    QList<Scenario> m_scenarios;
};

} // namespace CacheScope
