#pragma once

#include "core/db/connectionsettings.h"

#include <QWidget>

#include <memory>

namespace Ui {
class DatabasePanel;
}

namespace CacheScope {

/// Where the run's queries go: the SQLite demo file (default) or a PostgreSQL server, the
/// connection mode and the simulated network delay. Not live: the fields are locked while a
/// run is active. The Test button only asks (testRequested()); the owner runs the check off
/// the GUI thread and reports with setTestResult().
class DatabasePanel : public QWidget
{
    Q_OBJECT

public:
    explicit DatabasePanel(QWidget *parent = nullptr);
    ~DatabasePanel() override;

    ConnectionSettings settings() const;
    void setSettings(const ConnectionSettings &settings);
    /// The SQLite file the "Demo" button goes back to (the app's demo database).
    void setDefaultSqlitePath(const QString &path);
    QString defaultSqlitePath() const { return m_defaultPath; }

    void setRunActive(bool active);
    void setTestRunning();
    void setTestResult(bool ok, const QString &message);
    QString statusText() const;

signals:
    void testRequested();
    void changed();

private:
    void showPage(int index);

    std::unique_ptr<Ui::DatabasePanel> m_ui;
    QString m_defaultPath;
};

} // namespace CacheScope
