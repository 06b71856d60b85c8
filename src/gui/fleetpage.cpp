#include "fleetpage.h"

#include "ui_fleetpage.h"

#include "livechart.h"
#include "messagebanner.h"

#include "core/db/demodatabase.h"
#include "core/fleet/fleetrunner.h"
#include "core/monitor/localredis.h"
#include "core/session/configjson.h"
#include "core/session/queuedcontinuation.h"
#include "core/session/runsession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QTableView>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

/// What a running fleet owns besides its processes; destroyed on a pool thread (the private
/// redis-server's shutdown waits for it).
struct FleetPage::Parts
{
    std::unique_ptr<LocalRedisServer> server; // null when the user gave a URL
};

namespace {

constexpr double minViewSeconds = 30; // the charts show at least this much time
constexpr double maxViewSeconds = 120; // and then slide

} // namespace

FleetPage::FleetPage(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::FleetPage>())
{
    m_ui->setupUi(this);
    m_stepConfig.cache.policy = u"lru"_s; // the form's L1: an LRU, as most app-local caches
    const QStringList modeTips = { tr("None: an instance's copy lives until its TTL or eviction"),
        tr("Pub/sub: a writer publishes the keys it changed; every instance drops them"),
        tr("CLIENT TRACKING: Redis itself reports every change of a key") };
    for (int i = 0; i < 3; ++i) {
        m_ui->invalidationCombo->addItem(invalidationName(L2Invalidation(i)), i);
        m_ui->invalidationCombo->setItemData(i, modeTips.at(i), Qt::ToolTipRole);
    }
    m_ui->redisCombo->addItem(tr("private redis-server"));
    m_ui->redisCombo->addItem(tr("a URL"));
    m_ui->redisUrlEdit->setEnabled(false);
    connect(m_ui->redisCombo, &QComboBox::currentIndexChanged, this,
        [this] { m_ui->redisUrlEdit->setEnabled(m_ui->redisCombo->currentIndex() == 1); });
    m_ui->instanceCombo->addItem(tr("Total"), totalView);
    m_ui->instanceCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setUpCharts();
    m_ui->fleetSplitter->setStretchFactor(1, 1);
    m_ui->fleetSplitter->setSizes({ 300, 1100 });
    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(200);
    connect(&m_renderTimer, &QTimer::timeout, this, &FleetPage::renderCharts);
    connect(m_ui->fleetStartButton, &QPushButton::clicked, this, [this] {
        m_steps.clear(); // the form's settings: a loaded scenario's steps do not apply
        start();
    });
    connect(m_ui->fleetStopButton, &QPushButton::clicked, this, &FleetPage::stop);
    connect(m_ui->instanceCombo, &QComboBox::currentIndexChanged, this,
        [this] { selectInstance(m_ui->instanceCombo->currentData().toInt()); });
    connect(m_ui->invalidationCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_state == State::Running)
            setInvalidation(L2Invalidation(index));
    });
    setState(State::Idle);
}

FleetPage::~FleetPage()
{
    delete m_runner; // kills what is left of the children
    m_runner = nullptr;
    // m_parts' destructor shuts the private redis-server down (at most a few seconds).
}

MessageBanner *FleetPage::banner() const { return m_ui->fleetMessageBanner; }

void FleetPage::setUpCharts()
{
    auto *grid = new QGridLayout(m_ui->fleetChartArea);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(3);
    const QList<LiveChart::Spec> specs = fleetChartSpecs();
    for (int i = 0; i < ChartCount; ++i) {
        m_charts[std::size_t(i)] = new LiveChart(specs.at(i), m_ui->fleetChartArea);
        grid->addWidget(m_charts[std::size_t(i)], i / 2, i % 2);
    }
    m_instances = new FleetInstancesModel(this);
    m_table = new QTableView(m_ui->fleetChartArea);
    m_table->setObjectName(u"fleetInstancesView"_s);
    m_table->setModel(m_instances);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 2);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(
        FleetInstancesModel::StateColumn, QHeaderView::Stretch);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    grid->addWidget(m_table, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
}

void FleetPage::setDemoDatabase(const QString &path, double rowsScale)
{
    m_demoPath = path;
    m_demoRowsScale = rowsScale;
}

void FleetPage::setMinRenderIntervalMs(int ms) { m_renderTimer.setInterval(ms); }

QString FleetPage::findCli(QStringList *searched)
{
    const QDir app(QCoreApplication::applicationDirPath());
    const QStringList candidates = { app.filePath(u"cachescope-cli"_s),
        app.filePath(u"../cli/cachescope-cli"_s), app.filePath(u"../src/cli/cachescope-cli"_s) };
    for (const QString &c : candidates) {
        const QFileInfo info(c);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    if (searched) {
        for (const QString &c : candidates)
            *searched << QDir::cleanPath(c);
    }
    return {};
}

FleetPage::Settings FleetPage::settings() const
{
    Settings s;
    s.instances = m_ui->instancesSpin->value();
    s.threads = m_ui->fleetThreadsSpin->value();
    s.keys = m_ui->fleetKeysSpin->value();
    s.alpha = m_ui->fleetAlphaSpin->value();
    s.writeRatio = m_ui->writeRatioSpin->value() / 100.0;
    s.capacity = m_ui->fleetCapacitySpin->value();
    s.l2TtlMs = m_ui->fleetL2TtlSpin->value();
    s.invalidation = L2Invalidation(m_ui->invalidationCombo->currentIndex());
    if (m_ui->redisCombo->currentIndex() == 1)
        s.redisUrl = m_ui->redisUrlEdit->text().trimmed();
    s.durationMs = qint64(m_ui->durationSpin->value()) * 1000;
    return s;
}

void FleetPage::setSettings(const Settings &s)
{
    const QSignalBlocker block(m_ui->invalidationCombo); // not a live change
    m_ui->instancesSpin->setValue(s.instances);
    m_ui->fleetThreadsSpin->setValue(s.threads);
    m_ui->fleetKeysSpin->setValue(int(std::min<qint64>(s.keys, m_ui->fleetKeysSpin->maximum())));
    m_ui->fleetAlphaSpin->setValue(s.alpha);
    m_ui->writeRatioSpin->setValue(s.writeRatio * 100.0);
    m_ui->fleetCapacitySpin->setValue(
        int(std::min<qint64>(s.capacity, m_ui->fleetCapacitySpin->maximum())));
    m_ui->fleetL2TtlSpin->setValue(
        int(std::min<qint64>(s.l2TtlMs, m_ui->fleetL2TtlSpin->maximum())));
    m_ui->invalidationCombo->setCurrentIndex(int(s.invalidation));
    m_ui->redisCombo->setCurrentIndex(s.redisUrl.isEmpty() ? 0 : 1);
    m_ui->redisUrlEdit->setText(s.redisUrl);
    m_ui->durationSpin->setValue(int(s.durationMs / 1000));
}

bool FleetPage::loadScenario(const Scenario &scenario)
{
    const QString source = u":/scenarios/"_s + scenario.id + u".json"_s;
    RunConfig base = defaultRunConfig(m_demoPath);
    base.cache.capacity = 1000;
    Result<RunConfig> config = runConfigFromJson(scenario.config, base, source);
    if (!config) {
        reportError(tr("A scenario preset is broken"), config.error());
        return false;
    }
    const RunConfig &c = config.value();
    Settings s;
    s.instances = std::clamp(scenario.fleetInstances, 1, m_ui->instancesSpin->maximum());
    s.threads = c.threads;
    s.keys = qint64(c.workload.keys);
    s.alpha = c.workload.alpha;
    s.writeRatio = c.writeRatio;
    s.capacity = c.cache.capacity;
    s.l2TtlMs = c.l2.ttlMs;
    s.invalidation = c.l2.invalidation;
    s.redisUrl = c.l2.url;
    s.durationMs = 0;
    setSettings(s);
    m_steps = scenario.steps;
    m_stepConfig = c;
    emit messageLogged(
        tr("Fleet scenario “%1” loaded. Look for: %2").arg(scenario.title, scenario.lookFor));
    return true;
}

bool FleetPage::startScenario(const Scenario &scenario)
{
    if (m_state != State::Idle)
        stop();
    if (!loadScenario(scenario))
        return false;
    if (m_state != State::Idle) { // stopping: start once every child has ended
        connect(
            this, &FleetPage::stateChanged, this,
            [this](State s) {
                if (s == State::Idle)
                    start();
            },
            Qt::SingleShotConnection);
        return true;
    }
    return start();
}

bool FleetPage::start()
{
    if (m_state != State::Idle)
        return false;
    const Settings s = settings();
    if (!s.redisUrl.isEmpty()) {
        if (Result<RedisAddress> url = parseRedisUrl(s.redisUrl); !url) {
            reportError(tr("The fleet cannot start"), url.error());
            return false;
        }
    }
    QStringList searched;
    const QString program = m_program.isEmpty() ? findCli(&searched) : m_program;
    if (program.isEmpty()) {
        reportError(tr("The fleet cannot start"),
            Error { tr("cachescope-cli was not found (it runs each instance); searched: %1")
                        .arg(searched.join(u", "_s)),
                {}, 0, {}, {} });
        return false;
    }
    m_program = program;
    setState(State::Starting);
    const quint64 generation = ++m_generation;
    emit messageLogged(s.redisUrl.isEmpty()
            ? tr("Fleet: preparing the demo database and starting a private redis-server…")
            : tr("Fleet: preparing the demo database…"));
    ConnectionSettings db = defaultDemoSettings();
    if (!m_demoPath.isEmpty())
        db.database = m_demoPath;
    const double scale = m_demoRowsScale;
    const bool privateRedis = s.redisUrl.isEmpty();
    QFuture<Result<std::shared_ptr<Parts>>> task = QtConcurrent::run(
        [db, scale, privateRedis]() -> Result<std::shared_ptr<Parts>> {
            if (const Result<DemoDatabaseInfo> ready = ensureDemoDatabase(db, scale); !ready)
                return ready.error();
            auto parts = std::make_shared<Parts>();
            if (privateRedis) {
                LocalRedisServer::Options options;
                options.maxmemory = u"256mb"_s; // the fleet's values fit: no evictions
                Result<std::unique_ptr<LocalRedisServer>> server = LocalRedisServer::start(options);
                if (!server)
                    return server.error();
                parts->server = std::move(server.value());
            }
            return parts;
        });
    thenQueued(task, this, [this, generation](const Result<std::shared_ptr<Parts>> &r) {
        if (generation != m_generation) { // stopped meanwhile: let it go, off this thread
            if (r)
                (void)QtConcurrent::run([parts = r.value()]() mutable { parts.reset(); });
            return;
        }
        if (!r) {
            setState(State::Idle);
            reportError(tr("The fleet cannot start"), r.error());
            return;
        }
        launch(r.value());
    });
    return true;
}

QStringList FleetPage::childArguments(const Settings &s, const QString &redisUrl) const
{
    QStringList args = { u"run"_s, u"--database"_s,
        m_demoPath.isEmpty() ? defaultDemoDatabasePath() : m_demoPath, u"--threads"_s,
        QString::number(s.threads), u"--keys"_s, QString::number(s.keys), u"--alpha"_s,
        QString::number(s.alpha), u"--write-ratio"_s, QString::number(s.writeRatio), u"--policy"_s,
        m_stepConfig.cache.policy, u"--capacity"_s, QString::number(s.capacity), u"--l2"_s,
        redisUrl, u"--l2-ttl-ms"_s, QString::number(s.l2TtlMs), u"--invalidation"_s,
        invalidationName(s.invalidation), u"--interval-ms"_s, QString::number(m_intervalMs) };
    // run's default is 10 s; "until stopped" is 500 hours (its timer's limit is 596).
    args << u"--duration"_s
         << (s.durationMs > 0 ? QString::number(s.durationMs) + u"ms"_s : u"500h"_s);
    args << u"--output"_s << u"json"_s << u"--latency-buckets"_s << u"--no-history"_s;
    return args;
}

void FleetPage::launch(const std::shared_ptr<Parts> &parts)
{
    m_parts = parts;
    const Settings s = settings();
    const QString url = m_parts->server
        ? u"redis://%1:%2"_s.arg(m_parts->server->host()).arg(m_parts->server->port())
        : s.redisUrl;
    m_redisUrl = url;
    FleetRunner::Options options;
    options.program = m_program;
    options.arguments = childArguments(s, url);
    options.instances = s.instances;
    options.intervalMs = m_intervalMs;
    options.staleBoard = true;
    options.control = true;
    m_runner = new FleetRunner(options, this);
    connect(m_runner, &FleetRunner::intervalTotal, this,
        [this](int, const QJsonObject &total) { onTotal(total); });
    connect(m_runner, &FleetRunner::instanceLine, this, &FleetPage::onInstanceLine);
    connect(m_runner, &FleetRunner::instanceFailed, this, [this](int index, const QString &m) {
        m_instances->setFailed(index, m);
        reportError(tr("Fleet instance %1 failed").arg(index), Error { m, {}, 0, {}, {} });
    });
    connect(m_runner, &FleetRunner::finished, this, &FleetPage::onFinished);

    m_history.reset(s.instances);
    m_instances->reset(s.instances);
    for (LiveChart *c : m_charts)
        c->clear();
    m_markers.clear();
    m_totals = 0;
    m_lastTotal = {};
    m_lastT = 0;
    m_nextStep = 0;
    m_liveInvalidation = s.invalidation;
    {
        const QSignalBlocker block(m_ui->instanceCombo);
        m_ui->instanceCombo->clear();
        m_ui->instanceCombo->addItem(tr("Total"), totalView);
        for (int i = 0; i < s.instances; ++i)
            m_ui->instanceCombo->addItem(tr("Instance %1").arg(i), i);
        m_selected = totalView;
    }
    if (Result<void> started = m_runner->start(); !started) {
        reportError(tr("The fleet cannot start"), started.error());
        m_runner->deleteLater();
        m_runner = nullptr;
        releaseParts();
        setState(State::Idle);
        return;
    }
    for (int i = 0; i < s.instances; ++i) {
        if (const qint64 pid = m_runner->processId(i); pid > 0)
            m_instances->setRunning(i, pid);
    }
    setState(State::Running);
    emit messageLogged(tr("Fleet: %1 instances of %2 on %3 (L1 %4 entries, invalidation %5)")
                           .arg(s.instances)
                           .arg(m_program, url)
                           .arg(s.capacity)
                           .arg(invalidationName(s.invalidation)));
}

void FleetPage::stop()
{
    if (m_state == State::Starting) {
        ++m_generation; // the start in flight is dropped when it lands
        setState(State::Idle);
        return;
    }
    if (m_state != State::Running || !m_runner)
        return;
    setState(State::Stopping);
    m_runner->stop();
}

void FleetPage::onFinished()
{
    if (!m_runner)
        return;
    for (int i = 0; i < m_instances->rowCount(); ++i) {
        if (!m_runner->failedInstances().contains(i))
            m_instances->setExited(i, tr("exited 0"));
    }
    m_runner->deleteLater();
    m_runner = nullptr;
    releaseParts();
    setState(State::Idle);
    emit messageLogged(tr("Fleet: every instance has ended"));
}

void FleetPage::releaseParts()
{
    if (!m_parts)
        return;
    (void)QtConcurrent::run([parts = std::move(m_parts)]() mutable { parts.reset(); });
    m_parts.reset();
}

void FleetPage::setState(State state)
{
    const bool changed = state != m_state;
    m_state = state;
    const bool idle = state == State::Idle;
    m_ui->fleetStartButton->setEnabled(idle);
    m_ui->fleetStopButton->setEnabled(state == State::Starting || state == State::Running);
    for (QWidget *w :
        std::initializer_list<QWidget *> { m_ui->instancesSpin, m_ui->fleetThreadsSpin,
            m_ui->fleetKeysSpin, m_ui->fleetAlphaSpin, m_ui->writeRatioSpin,
            m_ui->fleetCapacitySpin, m_ui->fleetL2TtlSpin, m_ui->redisCombo, m_ui->durationSpin })
        w->setEnabled(idle);
    m_ui->redisUrlEdit->setEnabled(idle && m_ui->redisCombo->currentIndex() == 1);
    m_ui->invalidationCombo->setEnabled(idle || state == State::Running);
    switch (state) {
    case State::Idle:
        m_ui->fleetStatusLabel->setText(m_totals > 0 ? tr("Stopped.") : tr("Idle."));
        break;
    case State::Starting:
        m_ui->fleetStatusLabel->setText(tr("Starting…"));
        break;
    case State::Running:
        m_ui->fleetStatusLabel->setText(tr("Running. Invalidation can be changed live."));
        break;
    case State::Stopping:
        m_ui->fleetStatusLabel->setText(tr("Stopping: every instance prints its final line…"));
        break;
    }
    if (changed)
        emit stateChanged(state);
}

void FleetPage::onTotal(const QJsonObject &total)
{
    ++m_totals;
    m_lastTotal = total;
    const FleetPoint p = FleetPoint::fromLine(total, m_intervalMs / 1000.0);
    m_lastT = std::max(m_lastT, p.t);
    m_history.add(totalView, p);
    if (m_selected == totalView)
        showPoint(p);
    applyDueSteps(p.t);
}

void FleetPage::onInstanceLine(int index, const QJsonObject &line)
{
    if (line.contains(u"marker"_s) || !line.contains(u"t_ms"_s))
        return;
    m_instances->addLine(index, line);
    if (line[u"final"_s].toBool())
        return;
    const FleetPoint p = FleetPoint::fromLine(line, m_intervalMs / 1000.0);
    m_history.add(index, p);
    if (m_selected == index)
        showPoint(p);
}

void FleetPage::showPoint(const FleetPoint &p)
{
    const auto put = [&](ChartId chart, int series, std::optional<double> value) {
        if (value)
            m_charts[chart]->append(series, p.t, *value);
    };
    put(Throughput, 0, p.requestsPerSecond);
    put(Throughput, 1, p.dbQueriesPerSecond);
    const auto percent = [](std::optional<double> share) {
        return share ? std::optional<double>(*share * 100.0) : std::nullopt;
    };
    put(HitRatio, 0, percent(p.l1Share));
    put(HitRatio, 1, percent(p.l2Share));
    put(HitRatio, 2, percent(p.hitRatio));
    put(Staleness, 0, p.staleReadsPerSecond);
    put(Staleness, 1, p.stalenessP99Ms);
    scheduleRender();
}

void FleetPage::selectInstance(int instance)
{
    if (instance < totalView || instance >= m_history.instances())
        instance = totalView;
    if (m_ui->instanceCombo->currentData().toInt() != instance) {
        const QSignalBlocker block(m_ui->instanceCombo);
        m_ui->instanceCombo->setCurrentIndex(m_ui->instanceCombo->findData(instance));
    }
    if (instance == m_selected)
        return;
    m_selected = instance;
    refillCharts();
}

void FleetPage::refillCharts()
{
    for (LiveChart *c : m_charts)
        c->clear();
    const TimeSeries<FleetPoint> &points = m_history.points(m_selected);
    for (qsizetype i = 0; i < points.size(); ++i)
        showPoint(points.at(i));
    for (const auto &[t, label] : std::as_const(m_markers)) {
        for (LiveChart *c : m_charts)
            c->addMarker(t, label);
    }
    m_dirty = true;
    renderCharts();
}

void FleetPage::scheduleRender()
{
    m_dirty = true;
    if (!m_renderTimer.isActive())
        m_renderTimer.start();
}

void FleetPage::renderCharts()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    const TimeSeries<FleetPoint> &points = m_history.points(m_selected);
    const double last = points.isEmpty() ? m_lastT : points.last().t;
    const double end = std::max(last, minViewSeconds);
    const double start = std::max(0.0, end - maxViewSeconds);
    for (LiveChart *c : m_charts)
        c->render(start, end);
}

void FleetPage::setInvalidation(L2Invalidation mode)
{
    if (m_ui->invalidationCombo->currentIndex() != int(mode)) {
        const QSignalBlocker block(m_ui->invalidationCombo);
        m_ui->invalidationCombo->setCurrentIndex(int(mode));
    }
    if (m_state != State::Running || mode == m_liveInvalidation)
        return;
    const QString label = tr("invalidation %1 → %2")
                              .arg(invalidationName(m_liveInvalidation), invalidationName(mode));
    m_liveInvalidation = mode;
    sendChange(QJsonObject { { u"invalidation"_s, invalidationName(mode) } }, label);
}

void FleetPage::applyDueSteps(double t)
{
    while (m_nextStep < m_steps.size() && double(m_steps.at(m_nextStep).atMs) / 1000.0 <= t) {
        const ScenarioStep &step = m_steps.at(m_nextStep++);
        Result<RunConfig> next = runConfigFromJson(step.set, m_stepConfig, u"scenario step"_s);
        if (!next) {
            reportError(tr("A scenario step is broken"), next.error());
            continue;
        }
        const QJsonObject change = controlChange(m_stepConfig, next.value());
        m_stepConfig = next.value();
        Settings s = settings();
        s.writeRatio = m_stepConfig.writeRatio;
        s.l2TtlMs = m_stepConfig.l2.ttlMs;
        s.threads = m_stepConfig.threads;
        s.capacity = m_stepConfig.cache.capacity;
        s.invalidation = m_stepConfig.l2.invalidation;
        setSettings(s);
        m_liveInvalidation = s.invalidation;
        sendChange(change, step.note);
    }
}

void FleetPage::sendChange(const QJsonObject &change, const QString &label)
{
    if (!change.isEmpty() && m_runner)
        m_runner->control(change);
    addMarker(label);
    emit messageLogged(tr("Fleet: %1").arg(label));
}

void FleetPage::addMarker(const QString &label)
{
    m_markers.append({ m_lastT, label });
    if (m_markers.size() > LiveChart::maxMarkers)
        m_markers.removeFirst();
    for (LiveChart *c : m_charts)
        c->addMarker(m_lastT, label);
    scheduleRender();
}

void FleetPage::reportError(const QString &context, const Error &error)
{
    banner()->showMessage(MessageBanner::Kind::Error, context + u": "_s + error.toString());
    emit errorOccurred(context, error);
}

} // namespace CacheScope
