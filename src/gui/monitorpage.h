#pragma once

#include "core/db/connectionsettings.h"
#include "core/error.h"
#include "core/monitor/monitorinterval.h"
#include "core/monitor/monitorsample.h"
#include "core/monitor/redissource.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <array>
#include <memory>

class QComboBox;
class QTabWidget;
class QTableView;

namespace Ui {
class MonitorPage;
}

namespace CacheScope {

class HistoryWriter;
class KeyCapturePanel;
class LiveChart;
class MonitorCountersModel;
class MonitorRowsModel;
class MonitorSession;

/// The Monitor tab: watch a Redis, memcached or PostgreSQL's buffer cache the user already
/// runs. Connection fields (the password only in its field, never saved), Connect and
/// Disconnect; a MonitorSession polls on its own thread, so the GUI thread never waits for the
/// server. Shows the server's version and eviction settings, five live charts over a sliding
/// window (hit ratio, operations, evictions and expiries, memory against the limit with keys,
/// round-trip latency), markers where the counters reset, the connection was lost or came back,
/// the counters table and, per source, memcached's evictions per slab class or PostgreSQL's
/// busiest tables, or a Redis's key capture (KeyCapturePanel: per-prefix, top-key and what-if
/// tables). A hidden page collects points without drawing. With a HistoryWriter, each session
/// is recorded in the run history (kind "monitor") from a successful Connect to Disconnect.
class MonitorPage : public QWidget
{
    Q_OBJECT

public:
    enum class Source { Redis, Memcached, Postgres };
    enum class State { Idle, Connecting, Monitoring, Reconnecting, Stopping };
    enum ChartId { HitRatio, Operations, Evictions, Memory, Latency, ChartCount };
    /// The tabs of the tables beside the charts; each source shows its own.
    enum TableTab {
        CountersTab,
        SlabsTab,
        TablesTab,
        CaptureWhatIfTab,
        CapturePrefixTab,
        CaptureTopKeysTab
    };
    /// Points per series: 5 minutes at the 10 Hz polling maximum.
    static constexpr qsizetype windowPoints = 3000;

    explicit MonitorPage(QWidget *parent = nullptr);
    ~MonitorPage() override;

    Source source() const;
    void setSource(Source source);
    void setHost(const QString &host);
    void setPort(int port);
    void setRedisDatabase(int database);
    void setPassword(const QString &password);
    /// The current source's user: a Redis ACL user, a PostgreSQL role.
    void setUser(const QString &user);
    void setIntervalMs(int ms);
    /// PostgreSQL's connection fields (host, port, database, user, password).
    void setPostgresSettings(const ConnectionSettings &settings);

    /// Starts watching with the fields' settings; false (and errorOccurred()) when they cannot
    /// work. Any monitor in progress is stopped first.
    bool connectToServer();
    /// Stops polling; the charts keep what they show.
    void disconnectFromServer();
    State state() const { return m_state; }
    /// Connected or reconnecting: a session is polling or about to.
    bool isActive() const;

    LiveChart *chart(int id) const { return m_charts[std::size_t(id)]; }
    MonitorCountersModel *countersModel() const { return m_counters; }
    MonitorRowsModel *slabModel() const { return m_slabs; }
    MonitorRowsModel *tablesModel() const { return m_tables; }
    /// Key capture through MONITOR with its prefix, top-key and what-if tables (Redis only).
    KeyCapturePanel *keyCapture() const { return m_capture; }
    QString serverInfoText() const;
    QString statusText() const;
    /// Intervals received since the last Connect.
    int intervalCount() const { return m_intervals; }
    /// Draw the charts at most this often (0: at every interval).
    void setMinRenderIntervalMs(int ms);
    /// Record each session in the run history through `writer` (null: not recorded): begun
    /// when it connects, a point per interval (kept one a second), its totals at Disconnect.
    void setHistoryWriter(HistoryWriter *writer);
    /// Ends the session's record with its totals so far (the window closing); nothing when
    /// none is being recorded.
    void finishRecording();

signals:
    /// An error for the app's log and message banner; the app carries on.
    void errorOccurred(const QString &context, const CacheScope::Error &error);
    void messageLogged(const QString &message);
    void stateChanged(CacheScope::MonitorPage::State state);
    /// After each interval has reached the charts and tables.
    void intervalShown(const CacheScope::MonitorInterval &record);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void setUpCharts();
    void updateSourceFields();
    void setState(State state);
    void onConnected(const MonitorServerInfo &info);
    void onInterval(const MonitorInterval &record);
    void onMarker(qint64 tMs, const QString &label);
    void onStopped();
    void clearCharts();
    void scheduleRender();
    void renderCharts();
    QString sourceName() const;

    std::unique_ptr<Ui::MonitorPage> m_ui;
    std::array<LiveChart *, ChartCount> m_charts {};
    QComboBox *m_spanCombo = nullptr;
    QTabWidget *m_tableTabs = nullptr;
    QTableView *m_countersView = nullptr;
    MonitorCountersModel *m_counters = nullptr;
    MonitorRowsModel *m_slabs = nullptr;
    MonitorRowsModel *m_tables = nullptr;
    MonitorSession *m_session = nullptr; // the one polling; owned (a child)
    KeyCapturePanel *m_capture = nullptr;
    RedisSettings m_redisSettings; // of the session, when it watches a Redis
    Source m_fieldsSource = Source::Redis; // whose user the user field shows
    std::array<QString, 3> m_users; // each source's user field, by Source
    int m_postgresPort = 5432; // CACHESCOPE_PG_PORT when set, as the app's PostgreSQL runs
    QString m_sessionSource; // "redis", "memcached", "postgres" of the session
    int m_sessionIntervalMs = 0;
    QPointer<HistoryWriter> m_historyWriter;
    quint64 m_recordTicket = 0; // the session's record in the run history; 0: none
    QElapsedTimer m_recordClock; // since the record began
    State m_state = State::Idle;
    int m_intervals = 0;
    double m_latest = 0;
    bool m_dirty = false;
    int m_minRenderIntervalMs = 200;
    QTimer m_renderTimer;
};

} // namespace CacheScope
