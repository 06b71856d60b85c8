#include "monitorpage.h"

#include "ui_monitorpage.h"

#include "keycapturepanel.h"
#include "livechart.h"
#include "monitorchartspecs.h"
#include "monitormodels.h"

#include "core/history/historywriter.h"
#include "core/history/runstarts.h"
#include "core/monitor/memcachedsource.h"
#include "core/monitor/monitorsession.h"
#include "core/monitor/postgressource.h"
#include "core/monitor/redissource.h"
#include "core/report/monitorjson.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>
#include <map>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr int redisDefaultPort = 6379;
constexpr int memcachedDefaultPort = 11211;
constexpr int postgresDefaultPort = 5432;

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent, const QString &name)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 2);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    view->setSelectionMode(QAbstractItemView::NoSelection);
    view->setFocusPolicy(Qt::NoFocus);
    return view;
}

QString ratioText(qint64 hit, qint64 read)
{
    const qint64 all = hit + read;
    return all == 0 ? u"n/a"_s : formatValue(100.0 * double(hit) / double(all), ValueUnit::Percent);
}

} // namespace

MonitorPage::MonitorPage(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::MonitorPage>())
{
    m_ui->setupUi(this);
    m_ui->sourceCombo->addItem(tr("Redis"), int(Source::Redis));
    m_ui->sourceCombo->addItem(tr("memcached"), int(Source::Memcached));
    m_ui->sourceCombo->addItem(tr("PostgreSQL buffer cache"), int(Source::Postgres));
    if (const Result<ConnectionSettings> pg = postgresSettingsFromEnvironment(); pg) {
        m_ui->pgDatabaseEdit->setText(pg->database);
        m_users[std::size_t(Source::Postgres)] = pg->user;
        m_postgresPort = pg->port;
    }
    setUpCharts();
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->splitter->setSizes({ 300, 1100 });

    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(m_minRenderIntervalMs);
    connect(&m_renderTimer, &QTimer::timeout, this, &MonitorPage::renderCharts);
    connect(m_ui->sourceCombo, &QComboBox::currentIndexChanged, this, [this] {
        const int port = m_ui->portSpin->value();
        if (port == redisDefaultPort || port == memcachedDefaultPort || port == postgresDefaultPort
            || port == m_postgresPort) {
            const Source s = source();
            m_ui->portSpin->setValue(s == Source::Redis ? redisDefaultPort
                    : s == Source::Memcached            ? memcachedDefaultPort
                                                        : m_postgresPort);
        }
        updateSourceFields();
    });
    connect(m_ui->connectButton, &QPushButton::clicked, this, [this] { connectToServer(); });
    connect(
        m_ui->disconnectButton, &QPushButton::clicked, this, &MonitorPage::disconnectFromServer);
    updateSourceFields();
    setState(State::Idle);
}

MonitorPage::~MonitorPage()
{
    finishRecording();
    // The session (a child) stops and joins its thread in its destructor; it reports to this
    // page no more.
    if (m_session)
        m_session->disconnect(this);
}

void MonitorPage::setUpCharts()
{
    auto *layout = new QVBoxLayout(m_ui->chartArea);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 0, 4, 0);
    m_spanCombo = new QComboBox(m_ui->chartArea);
    m_spanCombo->setObjectName(u"monitorSpanCombo"_s);
    for (const int seconds : { 30, 60, 120, 300 })
        m_spanCombo->addItem(
            seconds < 60 ? tr("%1 s").arg(seconds) : tr("%1 min").arg(seconds / 60), seconds);
    m_spanCombo->setCurrentIndex(1);
    m_spanCombo->setToolTip(tr("Time shown at once (the charts hold the last 5 minutes at 10 Hz)"));
    bar->addWidget(new QLabel(tr("Show:"), m_ui->chartArea));
    bar->addWidget(m_spanCombo);
    bar->addStretch(1);
    layout->addLayout(bar);
    connect(m_spanCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_dirty = true;
        renderCharts();
    });

    auto *grid = new QGridLayout;
    grid->setSpacing(3);
    const QList<LiveChart::Spec> specs = monitorChartSpecs();
    Q_ASSERT(specs.size() == ChartCount);
    for (int i = 0; i < ChartCount; ++i) {
        m_charts[std::size_t(i)] = new LiveChart(specs.at(i), m_ui->chartArea);
        grid->addWidget(m_charts[std::size_t(i)], i / 2, i % 2);
    }

    m_counters = new MonitorCountersModel(this);
    m_slabs = new MonitorRowsModel(
        { tr("slab class"), tr("evicted (last interval)"), tr("evicted (whole monitor)") }, this);
    m_tables = new MonitorRowsModel(
        { tr("table"), tr("heap blocks hit"), tr("heap blocks read"), tr("hit ratio") }, this);
    m_tableTabs = new QTabWidget(m_ui->chartArea);
    m_tableTabs->setObjectName(u"monitorTableTabs"_s);
    m_countersView = makeTable(m_counters, m_tableTabs, u"monitorCountersView"_s);
    m_tableTabs->addTab(m_countersView, tr("Counters"));
    m_tableTabs->addTab(makeTable(m_slabs, m_tableTabs, u"slabView"_s), tr("Evictions per slab"));
    m_tableTabs->addTab(makeTable(m_tables, m_tableTabs, u"tablesView"_s), tr("Busiest tables"));
    // A Redis's key capture: its controls under the server's, its tables here.
    m_capture = new KeyCapturePanel(m_ui->controls);
    m_ui->controlsLayout->insertWidget(
        m_ui->controlsLayout->indexOf(m_ui->infoGroup) + 1, m_capture);
    connect(m_capture, &KeyCapturePanel::errorOccurred, this, &MonitorPage::errorOccurred);
    connect(m_capture, &KeyCapturePanel::messageLogged, this, &MonitorPage::messageLogged);
    connect(m_capture, &KeyCapturePanel::capturingChanged, this, [this](bool capturing) {
        if (capturing && m_tableTabs->currentIndex() == 0)
            m_tableTabs->setCurrentIndex(CaptureWhatIfTab);
    });
    QTableView *whatIf = makeTable(m_capture->whatIfModel(), m_tableTabs, u"captureWhatIfView"_s);
    whatIf->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    whatIf->horizontalHeader()->setStretchLastSection(true);
    m_tableTabs->addTab(whatIf, tr("What-if"));
    m_tableTabs->addTab(
        makeTable(m_capture->prefixModel(), m_tableTabs, u"keyPrefixView"_s), tr("Key prefixes"));
    m_tableTabs->addTab(
        makeTable(m_capture->topKeysModel(), m_tableTabs, u"topKeysView"_s), tr("Top keys"));
    m_tableTabs->setMinimumSize(300, 180);
    grid->addWidget(m_tableTabs, 2, 1);
    for (int r = 0; r < 3; ++r)
        grid->setRowStretch(r, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid, 1);
}

MonitorPage::Source MonitorPage::source() const
{
    return Source(m_ui->sourceCombo->currentData().toInt());
}

void MonitorPage::setSource(Source s)
{
    m_ui->sourceCombo->setCurrentIndex(m_ui->sourceCombo->findData(int(s)));
}

void MonitorPage::setHost(const QString &host) { m_ui->hostEdit->setText(host); }

void MonitorPage::setPort(int port) { m_ui->portSpin->setValue(port); }

void MonitorPage::setRedisDatabase(int database) { m_ui->redisDbSpin->setValue(database); }

void MonitorPage::setPassword(const QString &password) { m_ui->passwordEdit->setText(password); }

void MonitorPage::setUser(const QString &user) { m_ui->userEdit->setText(user); }

void MonitorPage::setIntervalMs(int ms) { m_ui->intervalSpin->setValue(ms); }

void MonitorPage::setPostgresSettings(const ConnectionSettings &settings)
{
    setSource(Source::Postgres);
    m_ui->hostEdit->setText(settings.host);
    m_ui->portSpin->setValue(settings.port);
    m_ui->pgDatabaseEdit->setText(settings.database);
    m_ui->userEdit->setText(settings.user);
    m_ui->passwordEdit->setText(settings.password);
}

void MonitorPage::setMinRenderIntervalMs(int ms)
{
    m_minRenderIntervalMs = std::max(0, ms);
    m_renderTimer.setInterval(m_minRenderIntervalMs);
}

QString MonitorPage::sourceName() const
{
    switch (source()) {
    case Source::Redis:
        return u"redis"_s;
    case Source::Memcached:
        return u"memcached"_s;
    case Source::Postgres:
        return u"postgres"_s;
    }
    return {};
}

void MonitorPage::updateSourceFields()
{
    const Source s = source();
    m_ui->redisDbLabel->setVisible(s == Source::Redis);
    m_ui->redisDbSpin->setVisible(s == Source::Redis);
    m_ui->pgDatabaseLabel->setVisible(s == Source::Postgres);
    m_ui->pgDatabaseEdit->setVisible(s == Source::Postgres);
    // The user field is each source's own: a Redis ACL user is not a PostgreSQL role.
    if (s != m_fieldsSource) {
        m_users[std::size_t(m_fieldsSource)] = m_ui->userEdit->text();
        m_ui->userEdit->setText(m_users[std::size_t(s)]);
        m_fieldsSource = s;
    }
    m_ui->userEdit->setPlaceholderText(s == Source::Redis ? tr("default") : tr("the OS user"));
    m_ui->userEdit->setToolTip(s == Source::Redis
            ? tr("A Redis ACL user (AUTH user password); empty: the default user")
            : tr("The PostgreSQL role; empty: the OS user"));
    m_ui->userLabel->setVisible(s != Source::Memcached);
    m_ui->userEdit->setVisible(s != Source::Memcached);
    // memcached's text protocol has no password (SASL is binary-protocol only).
    m_ui->passwordLabel->setVisible(s != Source::Memcached);
    m_ui->passwordEdit->setVisible(s != Source::Memcached);
    m_capture->setVisible(s == Source::Redis);
}

bool MonitorPage::isActive() const
{
    return m_state == State::Connecting || m_state == State::Monitoring
        || m_state == State::Reconnecting;
}

bool MonitorPage::connectToServer()
{
    if (m_session) {
        finishRecording();
        // The old session finishes on its own; it reports to this page no more.
        MonitorSession *old = m_session;
        m_session = nullptr;
        old->disconnect(this);
        connect(old, &MonitorSession::stopped, old, &QObject::deleteLater);
        old->stop();
    }
    const QString host = m_ui->hostEdit->text().trimmed();
    if (host.isEmpty()) {
        emit errorOccurred(tr("Monitor"), monitorError(tr("the host is empty")));
        setState(State::Idle);
        return false;
    }
    std::unique_ptr<MonitorSource> src;
    switch (source()) {
    case Source::Redis: {
        RedisSettings s;
        s.host = host;
        s.port = m_ui->portSpin->value();
        s.database = m_ui->redisDbSpin->value();
        s.user = m_ui->userEdit->text().trimmed();
        s.password = m_ui->passwordEdit->text();
        m_redisSettings = s;
        src = std::make_unique<RedisSource>(s);
        break;
    }
    case Source::Memcached: {
        MemcachedSettings s;
        s.host = host;
        s.port = m_ui->portSpin->value();
        src = std::make_unique<MemcachedSource>(s);
        break;
    }
    case Source::Postgres: {
        ConnectionSettings s;
        s.driver = DatabaseDriver::Postgres;
        s.host = host;
        s.port = m_ui->portSpin->value();
        s.database = m_ui->pgDatabaseEdit->text().trimmed();
        s.user = m_ui->userEdit->text().trimmed();
        s.password = m_ui->passwordEdit->text();
        if (const Result<void> valid = s.validate(); !valid) {
            emit errorOccurred(tr("Monitor"), valid.error());
            setState(State::Idle);
            return false;
        }
        src = std::make_unique<PostgresSource>(s);
        break;
    }
    }
    const QString address = src->address();
    m_sessionSource = sourceName();
    MonitorSession::Options options;
    options.intervalMs = m_ui->intervalSpin->value();
    m_sessionIntervalMs = options.intervalMs;
    m_session = new MonitorSession(std::move(src), options, this);
    connect(m_session, &MonitorSession::connected, this, &MonitorPage::onConnected);
    connect(m_session, &MonitorSession::connectFailed, this, [this](const Error &error) {
        m_ui->statusLabel->setText(tr("Could not connect: %1").arg(error.toString()));
        emit errorOccurred(tr("Monitor: could not connect"), error);
    });
    connect(m_session, &MonitorSession::interval, this, &MonitorPage::onInterval);
    connect(m_session, &MonitorSession::marker, this, &MonitorPage::onMarker);
    connect(m_session, &MonitorSession::stopped, this, &MonitorPage::onStopped);

    clearCharts();
    m_counters->clear();
    m_slabs->clear();
    m_tables->clear();
    m_intervals = 0;
    m_latest = 0;
    m_ui->serverInfoLabel->setText(u"—"_s);
    const bool memcached = m_sessionSource == u"memcached"_s;
    // gets/s, sets/s and the unfetched counts are memcached's own.
    for (const int i : { 1, 2 })
        m_charts[Operations]->setSeriesVisible(i, memcached);
    for (const int i : { 2, 3 })
        m_charts[Evictions]->setSeriesVisible(i, memcached);
    for (int row = 0; row < MonitorCountersModel::RowCount; ++row)
        m_countersView->setRowHidden(row, !MonitorCountersModel::rowApplies(row, m_sessionSource));
    m_tableTabs->setTabVisible(SlabsTab, memcached);
    m_tableTabs->setTabVisible(TablesTab, m_sessionSource == u"postgres"_s);
    for (const int tab : { CaptureWhatIfTab, CapturePrefixTab, CaptureTopKeysTab })
        m_tableTabs->setTabVisible(tab, m_sessionSource == u"redis"_s);
    m_capture->clearServer();

    setState(State::Connecting);
    m_ui->statusLabel->setText(tr("Connecting to %1…").arg(address));
    emit messageLogged(tr("Monitor: connecting to %1 at %2, polling every %3 ms")
                           .arg(m_sessionSource, address)
                           .arg(options.intervalMs));
    m_session->start();
    return true;
}

void MonitorPage::disconnectFromServer()
{
    if (!m_session || m_state == State::Stopping)
        return;
    setState(State::Stopping);
    finishRecording();
    m_session->stop();
}

void MonitorPage::finishRecording()
{
    if (m_recordTicket == 0 || !m_session)
        return;
    const quint64 ticket = std::exchange(m_recordTicket, 0);
    if (m_historyWriter)
        m_historyWriter->finish(ticket, m_recordClock.elapsed(),
            monitorIntervalJson(m_session->total(), m_sessionSource));
}

void MonitorPage::onConnected(const MonitorServerInfo &info)
{
    if (m_state == State::Stopping)
        return; // Disconnect was pressed while it connected
    QStringList lines
        = { u"<b>%1 %2</b> at %3"_s.arg(info.source, info.version.toHtmlEscaped(), info.address) };
    QStringList plain;
    for (const auto &[name, value] : info.settings) {
        lines << u"%1: <b>%2</b>"_s.arg(name.toHtmlEscaped(), value.toHtmlEscaped());
        plain << name + u' ' + value;
    }
    for (const QString &note : info.notes)
        lines << u"<i>%1</i>"_s.arg(note.toHtmlEscaped());
    m_ui->serverInfoLabel->setText(lines.join(u"<br>"_s));
    if (m_sessionSource == u"redis"_s)
        m_capture->setServer(m_redisSettings); // before the state: listeners may start a capture
    if (m_historyWriter && m_recordTicket == 0) {
        // The address and settings, never the password or the user.
        const QJsonObject extra = m_sessionSource == u"redis"_s
            ? QJsonObject { { u"database"_s, m_redisSettings.database } }
            : QJsonObject();
        m_recordTicket = m_historyWriter->begin(monitorRunStart(info, m_sessionIntervalMs, extra));
        m_recordClock.start();
    }
    setState(State::Monitoring);
    emit messageLogged(tr("Monitor: connected to %1 %2 at %3%4")
                           .arg(info.source, info.version, info.address,
                               plain.isEmpty() ? QString() : u": "_s + plain.join(u", "_s)));
    for (const QString &note : info.notes)
        emit messageLogged(tr("Monitor: note: %1").arg(note));
}

void MonitorPage::onInterval(const MonitorInterval &r)
{
    if (!m_session)
        return;
    ++m_intervals;
    const double t = double(r.tMs) / 1000.0;
    m_latest = std::max(m_latest, t);
    LiveChart *hit = m_charts[HitRatio];
    if (const std::optional<double> ratio = r.counts.hitRatio())
        hit->append(0, t, *ratio * 100.0);
    if (r.cumulativeHitRatio)
        hit->append(1, t, *r.cumulativeHitRatio * 100.0);
    LiveChart *ops = m_charts[Operations];
    ops->append(0, t, r.opsPerSecond);
    ops->append(1, t, r.getsPerSecond);
    ops->append(2, t, r.setsPerSecond);
    LiveChart *ev = m_charts[Evictions];
    const double seconds = double(r.intervalMs) / 1000.0;
    ev->append(0, t, r.evictionsPerSecond);
    ev->append(1, t, r.expiredPerSecond);
    ev->append(2, t, seconds > 0 ? double(r.counts.evictedUnfetched) / seconds : 0.0);
    ev->append(3, t, seconds > 0 ? double(r.counts.expiredUnfetched) / seconds : 0.0);
    LiveChart *mem = m_charts[Memory];
    mem->setSeriesVisible(0, r.memoryLimitBytes > 0);
    if (r.memoryLimitBytes > 0)
        mem->append(0, t, double(r.memoryLimitBytes));
    mem->append(1, t, double(r.memoryBytes));
    mem->append(2, t, double(r.keys));
    if (r.latencyCount > 0) {
        LiveChart *lat = m_charts[Latency];
        if (r.latencyP50Ns > 0)
            lat->append(0, t, double(r.latencyP50Ns) / 1000.0);
        if (r.latencyP99Ns > 0)
            lat->append(1, t, double(r.latencyP99Ns) / 1000.0);
    }

    if (m_recordTicket != 0 && m_historyWriter)
        m_historyWriter->point(m_recordTicket, r.tMs, monitorIntervalJson(r, m_sessionSource));
    const MonitorInterval total = m_session->total();
    m_counters->setRecords(r, total);
    if (m_sessionSource == u"redis"_s)
        m_capture->setMeasuredTotals(total.counts.hits, total.counts.misses);
    if (m_sessionSource == u"memcached"_s) {
        std::map<int, quint64> last(r.slabEvictions.begin(), r.slabEvictions.end());
        QList<QStringList> rows;
        for (const auto &[slab, evicted] : total.slabEvictions)
            rows.append(
                { QString::number(slab), QString::number(last[slab]), QString::number(evicted) });
        m_slabs->setRows(rows);
    }
    if (m_sessionSource == u"postgres"_s) {
        QList<QStringList> rows;
        for (const MonitorSample::TableIo &io : r.tables)
            rows.append(
                { io.table, QString::number(io.heapBlocksHit), QString::number(io.heapBlocksRead),
                    ratioText(io.heapBlocksHit, io.heapBlocksRead) });
        m_tables->setRows(rows);
    }
    scheduleRender();
    emit intervalShown(r);
}

void MonitorPage::onMarker(qint64 tMs, const QString &label)
{
    const double t = double(tMs) / 1000.0;
    for (LiveChart *c : m_charts)
        c->addMarker(t, label);
    if (m_state == State::Stopping) {
        scheduleRender();
        return;
    }
    if (label.startsWith(u"connection lost"_s)) {
        setState(State::Reconnecting);
        emit errorOccurred(tr("Monitor"), monitorError(label));
    } else {
        if (label.startsWith(u"reconnected"_s))
            setState(State::Monitoring);
        emit messageLogged(tr("Monitor: %1").arg(label));
    }
    scheduleRender();
}

void MonitorPage::onStopped()
{
    m_capture->clearServer();
    finishRecording();
    if (m_session) {
        m_session->disconnect(this);
        m_session->deleteLater();
        m_session = nullptr;
    }
    const bool failed = m_state == State::Connecting;
    setState(State::Idle);
    if (!failed) {
        m_ui->statusLabel->setText(tr("Disconnected"));
        emit messageLogged(tr("Monitor: stopped"));
    }
}

void MonitorPage::setState(State state)
{
    const bool changed = state != m_state;
    m_state = state;
    const bool idle = state == State::Idle;
    m_ui->connectButton->setEnabled(idle);
    m_ui->disconnectButton->setEnabled(isActive());
    for (QWidget *w : std::initializer_list<QWidget *> { m_ui->sourceCombo, m_ui->hostEdit,
             m_ui->portSpin, m_ui->redisDbSpin, m_ui->pgDatabaseEdit, m_ui->userEdit,
             m_ui->passwordEdit, m_ui->intervalSpin })
        w->setEnabled(idle);
    switch (state) {
    case State::Idle:
    case State::Connecting:
        break; // the caller says why (connecting to..., could not connect, disconnected)
    case State::Monitoring:
        m_ui->statusLabel->setText(tr("Monitoring"));
        break;
    case State::Reconnecting:
        m_ui->statusLabel->setText(tr("Connection lost: reconnecting (backoff up to 5 s)…"));
        break;
    case State::Stopping:
        m_ui->statusLabel->setText(tr("Disconnecting…"));
        break;
    }
    if (changed)
        emit stateChanged(state);
}

QString MonitorPage::serverInfoText() const { return m_ui->serverInfoLabel->text(); }

QString MonitorPage::statusText() const { return m_ui->statusLabel->text(); }

void MonitorPage::clearCharts()
{
    for (LiveChart *c : m_charts)
        c->clear();
    m_dirty = true;
    renderCharts();
}

void MonitorPage::scheduleRender()
{
    m_dirty = true;
    if (!isVisible())
        return; // drawn when shown (showEvent)
    if (m_minRenderIntervalMs == 0)
        renderCharts();
    else if (!m_renderTimer.isActive())
        m_renderTimer.start();
}

void MonitorPage::renderCharts()
{
    // A hidden page (another tab in front, a minimised window) collects without drawing: each
    // render() makes Qt Charts rebuild and stroke every series' path.
    if (!m_dirty || !isVisible() || window()->isMinimized())
        return;
    m_dirty = false;
    const double span = m_spanCombo->currentData().toDouble();
    // The view ends on the next multiple of a sixth of the span, so the time labels stay round.
    const double step = span / 6;
    const double end = std::max(span, std::ceil(m_latest / step - 1e-9) * step);
    for (LiveChart *c : m_charts)
        c->render(end - span, end);
}

void MonitorPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    renderCharts();
}

void MonitorPage::setHistoryWriter(HistoryWriter *writer) { m_historyWriter = writer; }

} // namespace CacheScope
