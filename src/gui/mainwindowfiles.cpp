// MainWindow's files: the File menu (configuration JSON, time series CSV, PNG images) and the
// settings the window keeps between sessions (QSettings). The run itself is in mainwindow.cpp.

#include "mainwindow.h"

#include "ui_mainwindow.h"

#include "chartpanel.h"
#include "databasepanel.h"
#include "livechart.h"
#include "livemrcchart.h"
#include "logmodel.h"
#include "monitorpage.h"
#include "runpanel.h"
#include "queuedcontinuation.h"
#include "runspage.h"
#include "templatesview.h"
#include "tracereplaywidget.h"
#include "whatifview.h"

#include "core/history/sessionrecorder.h"
#include "core/querylog/logfeed.h"
#include "core/querylog/workingset.h"
#include "core/report/shadowreport.h"
#include "core/session/configjson.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSettings>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

Result<void> savePng(const QPixmap &pixmap, const QString &path)
{
    if (pixmap.isNull())
        return Error { u"nothing to save: the window is not shown"_s, path, 0, {}, {} };
    if (!pixmap.save(path, "PNG"))
        return Error { u"cannot write the PNG file"_s, path, 0, {}, {} };
    return {};
}

} // namespace

void MainWindow::setUpFileActions()
{
    connect(m_ui->actionSaveConfig, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save configuration"), u"cachescope-config.json"_s, tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = saveConfig(path); !r)
            reportError(tr("Cannot save the configuration"), r.error());
        else
            logInfo(tr("Configuration saved to %1").arg(path));
    });
    connect(m_ui->actionOpenConfig, &QAction::triggered, this, [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Open configuration"), {}, tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = loadConfig(path); !r)
            reportError(tr("Cannot load the configuration"), r.error());
    });
    connect(m_ui->actionExportCsv, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export time series"), u"cachescope-timeseries.csv"_s, tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = exportTimeSeries(path); !r)
            reportError(tr("Cannot export the time series"), r.error());
        else
            logInfo(tr("Time series (%n rows) exported to %1", nullptr, int(history().size()))
                        .arg(path));
    });
    connect(m_ui->actionSaveWindowPng, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save window as PNG"), u"cachescope.png"_s, tr("PNG images (*.png)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = saveWindowImage(path); !r)
            reportError(tr("Cannot save the window image"), r.error());
        else
            logInfo(tr("Window saved to %1").arg(path));
    });
    // Every chart: File > Save chart as PNG and its own context menu.
    const auto addSaveAction = [this](int id, QWidget *chart, const QString &title) {
        QString file = title.toLower();
        file.replace(u' ', u'-').remove(u':');
        auto *action = new QAction(tr("Save “%1” as PNG…").arg(title), this);
        connect(action, &QAction::triggered, this, [this, id, file] {
            const QString path = QFileDialog::getSaveFileName(this, tr("Save chart as PNG"),
                u"cachescope-"_s + file + u".png"_s, tr("PNG images (*.png)"));
            if (path.isEmpty())
                return;
            if (Result<void> r = saveChartImage(id, path); !r)
                reportError(tr("Cannot save the chart"), r.error());
            else
                logInfo(tr("Chart saved to %1").arg(path));
        });
        m_ui->menuExportChart->addAction(action);
        chart->addAction(action);
        chart->setContextMenuPolicy(Qt::ActionsContextMenu);
    };
    for (int id = 0; id < ChartPanel::ChartCount; ++id)
        addSaveAction(id, chartPanel()->chart(id), chartPanel()->chart(id)->title());
    addSaveAction(
        WhatIfComparisonChart, whatIfView()->comparisonChart(), tr("What-if: hit ratio by policy"));
    addSaveAction(WhatIfCurveChart, whatIfView()->mrcChart(), tr("What-if: LRU miss-ratio curve"));
    auto *exportWhatIfAction = new QAction(tr("Export &what-if as CSV…"), this);
    exportWhatIfAction->setObjectName(u"actionExportWhatIf"_s);
    exportWhatIfAction->setToolTip(
        tr("The shadow policies' ranking and the LRU miss-ratio curve of the What-if page"));
    connect(exportWhatIfAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export what-if"), u"cachescope-whatif.csv"_s, tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (Result<void> r = exportWhatIf(path); !r)
            reportError(tr("Cannot export the what-if"), r.error());
        else
            logInfo(tr("What-if (ranking and LRU curve) exported to %1").arg(path));
    });
    m_ui->menuFile->insertAction(m_ui->actionSaveWindowPng, exportWhatIfAction);
}

void MainWindow::setUpTemplates()
{
    m_templatesView = new TemplatesView(this);
    m_templatesView->setObjectName(u"templatesView"_s);
    const int tab = m_ui->chartTabs->addTab(m_templatesView, tr("&Templates"));
    m_ui->chartTabs->setTabToolTip(tab,
        tr("A replayed query log's statement templates: how the cache serves each, and which are "
           "worth caching"));
    connect(m_ui->chartTabs, &QTabWidget::currentChanged, this, [this] { refreshTemplates(true); });
    connect(m_templatesView, &TemplatesView::exported, this,
        [this](const QString &path) { logInfo(tr("Templates exported to %1").arg(path)); });
    connect(m_templatesView, &TemplatesView::exportFailed, this, [this](const QString &message) {
        reportError(tr("Export failed"), Error { message, {}, 0, {}, {} });
    });
}

void MainWindow::showTemplatesPage()
{
    m_ui->tabs->setCurrentWidget(m_ui->liveTab);
    m_ui->chartTabs->setCurrentWidget(m_templatesView);
}

void MainWindow::estimateTemplateCapacity()
{
    const quint64 generation = ++m_capacityGeneration;
    const QueryLogFeed *feed = engine()->queryLogFeed();
    if (!feed || feed->error())
        return;
    QSet<quint64> ids;
    double bytes = 0;
    double results = 0;
    for (const TemplateRow &r : m_templatesView->model()->rows()) {
        if (r.recommendationRank > 0) {
            ids.insert(r.id);
            bytes += r.resultBytesMean * double(r.distinctParameters);
            results += double(r.distinctParameters);
        }
    }
    if (ids.isEmpty())
        return;
    m_templatesView->setCapacityNote(tr("Their working set: reading the log again…"));
    const double meanBytes = results > 0 ? bytes / results : 0;
    thenQueued(
        QtConcurrent::run([log = feed->spec(), ids] { return workingSetCapacity(log, ids); }), this,
        [this, generation, meanBytes](const Result<WorkingSetCapacity> &r) {
            if (generation != m_capacityGeneration)
                return; // a newer run
            if (!r) {
                m_templatesView->setCapacityNote(
                    tr("Their working set is not known: %1").arg(r.error().toString()));
                return;
            }
            const WorkingSetCapacity &w = r.value();
            const QLocale locale;
            m_templatesView->setCapacityNote(
                tr("Their working set: an LRU cache of %L1 entries (about %2) serves %3 of their "
                   "reads, %4 of the %5 they can reach (the exact LRU curve of their %L6 reads).")
                    .arg(w.entries)
                    .arg(locale.formattedDataSize(qint64(double(w.entries) * meanBytes)))
                    .arg(locale.toString(w.hitRatio * 100.0, 'f', 1) + u"%"_s)
                    .arg(locale.toString(
                             w.maxHitRatio > 0 ? w.hitRatio / w.maxHitRatio * 100.0 : 0.0, 'f', 0)
                        + u"%"_s)
                    .arg(locale.toString(w.maxHitRatio * 100.0, 'f', 1) + u"%"_s)
                    .arg(w.requests));
        });
}

void MainWindow::refreshTemplates(bool force)
{
    const QueryLogFeed *feed = engine()->queryLogFeed();
    if (!feed) {
        if (force)
            m_templatesView->clear();
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!force && (!m_templatesView->isVisible() || now - m_templatesRefreshedMs < 1000))
        return;
    m_templatesRefreshedMs = now;
    const std::optional<MetricsSnapshot> &last = m_session->lastSnapshot();
    const double elapsedS = last ? double(last->elapsedMs) / 1000.0 : 0.0;
    m_templatesView->setRows(feed->templates().rows(elapsedS), feed->statementsRead());
}

void MainWindow::setUpHistory()
{
    auto *reportAction = new QAction(tr("Export &report…"), this);
    reportAction->setObjectName(u"actionExportReport"_s);
    m_ui->menuFile->insertAction(m_ui->actionSaveWindowPng, reportAction);
    if (m_options.historyPath.isEmpty()) { // not recorded (tests, --no-history): no Runs tab
        reportAction->setEnabled(false);
        reportAction->setToolTip(tr("Runs are not recorded (--no-history)"));
        return;
    }
    reportAction->setToolTip(tr("One HTML file about a run (the runs selected in the Runs tab, "
                                "else the last run): configuration, summary, charts, what-if"));
    connect(reportAction, &QAction::triggered, this, [this] {
        QList<qint64> ids = m_runsPage->selectedIds();
        if (ids.isEmpty() || ids.size() > 2) {
            ids.clear();
            if (m_lastRecordedRun > 0)
                ids << m_lastRecordedRun;
            else if (!m_runsPage->model()->runs().isEmpty())
                ids << m_runsPage->model()->runs().first().id;
        }
        if (ids.isEmpty()) {
            logInfo(tr("No run recorded yet: start one, then export its report"));
            return;
        }
        const QString path = QFileDialog::getSaveFileName(this, tr("Export report"),
            u"cachescope-run-%1.html"_s.arg(ids.first()), tr("HTML (*.html)"));
        if (!path.isEmpty())
            m_runsPage->exportReport(ids, path);
    });
    m_historyWriter = new HistoryWriter(m_options.historyPath, this);
    m_recorder = new SessionRecorder(m_session, m_historyWriter, this);
    traceReplay()->setHistoryWriter(m_historyWriter);
    monitorPage()->setHistoryWriter(m_historyWriter);
    m_runsPage = new RunsPage(m_options.historyPath, this);
    m_ui->tabs->addTab(m_runsPage, tr("R&uns"));
    connect(m_historyWriter, &HistoryWriter::recorded, this,
        [this](quint64, qint64 id, const QString &kind) {
            m_lastRecordedRun = id;
            const QString what = kind == u"replay"_s ? tr("Trace replay")
                : kind == u"monitor"_s               ? tr("Monitoring session")
                                                     : tr("Run");
            logInfo(tr("%1 recorded as run %2 in %3 (Runs tab; cachescope-cli runs show %2)")
                        .arg(what)
                        .arg(id)
                        .arg(m_historyWriter->historyPath()));
            m_runsPage->refresh();
        });
    connect(m_historyWriter, &HistoryWriter::failed, this, [this](const Error &e) {
        m_log->add(LogModel::Level::Error, tr("Run history: %1").arg(e.toString()));
    });
    connect(m_runsPage, &RunsPage::errorOccurred, this, &MainWindow::reportError);
    connect(m_runsPage, &RunsPage::reportExported, this,
        [this](const QString &path) { logInfo(tr("Report written to %1").arg(path)); });
}

void MainWindow::showRunsTab()
{
    if (m_runsPage)
        m_ui->tabs->setCurrentWidget(m_runsPage);
}

Result<void> MainWindow::saveConfig(const QString &path) const
{
    return saveRunConfig(panelConfig(), path);
}

Result<void> MainWindow::loadConfig(const QString &path)
{
    Result<RunConfig> config = loadRunConfig(path, panelConfig());
    if (!config)
        return config.error();
    RunConfig c = config.value();
    c.database.password = databasePanel()->settings().password; // never in the file
    if (m_session->isLive()) {
        RunConfig live = c;
        const RunConfig &now = engine()->config();
        if (!(live.database == now.database) || live.customSql != now.customSql)
            logInfo(tr("The database and custom SQL of %1 apply at the next start").arg(path));
        live.database = now.database;
        live.customSql = now.customSql;
        live.cache.shardCount = now.cache.shardCount;
        if (Result<void> r = m_session->applyConfig(live); !r)
            return r;
        setPanelConfig(live);
    } else {
        setPanelConfig(c);
    }
    logInfo(tr("Configuration loaded from %1").arg(path));
    return {};
}

Result<void> MainWindow::exportTimeSeries(const QString &path) const
{
    return history().writeCsv(path);
}

Result<void> MainWindow::saveChartImage(int chartId, const QString &path) const
{
    if (chartId == WhatIfComparisonChart || chartId == WhatIfCurveChart) {
        whatIfView()->renderNow(); // a page never shown, or paced, has not drawn its latest
        QWidget *chart = chartId == WhatIfComparisonChart
            ? static_cast<QWidget *>(whatIfView()->comparisonChart())
            : static_cast<QWidget *>(whatIfView()->mrcChart());
        return savePng(chart->grab(), path);
    }
    if (chartId < 0 || chartId >= ChartPanel::ChartCount)
        return Error { u"no such chart"_s, path, 0, u"chart"_s, QString::number(chartId) };
    return savePng(chartPanel()->chart(chartId)->grab(), path);
}

Result<void> MainWindow::exportWhatIf(const QString &path) const
{
    const std::optional<ShadowSnapshot> &shadows = whatIfView()->shadowSnapshot();
    if (!shadows)
        return Error { u"nothing to export yet: start a run with shadow policies (Cache panel, "
                       "Shadows) and the What-if page fills in"_s,
            path, 0, {}, {} };
    const std::optional<MetricsSnapshot> &last = m_session->lastSnapshot();
    const QString csv = shadowSnapshotCsv(*shadows, engine()->config().cache.policy,
        last ? last->totalHitRatio() : std::nullopt, last ? last->hitRatio() : std::nullopt);
    QSaveFile file(path);
    const QByteArray bytes = csv.toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error { u"cannot write the file: "_s + file.errorString(), path, 0, {}, {} };
    return {};
}

Result<void> MainWindow::saveWindowImage(const QString &path) { return savePng(grab(), path); }

void MainWindow::updateRecentTracesMenu(const QStringList &paths)
{
    m_ui->menuRecentTraces->clear();
    for (const QString &path : paths) {
        m_ui->menuRecentTraces
            ->addAction(QFileInfo(path).fileName(), this,
                [this, path] {
                    showTraceTab();
                    traceReplay()->setTracePath(path);
                })
            ->setToolTip(path);
    }
    m_ui->menuRecentTraces->setEnabled(!paths.isEmpty());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_ui->mainSplitter->restoreState(settings.value(u"window/mainSplitter"_s).toByteArray());
    m_ui->chartSplitter->restoreState(settings.value(u"window/chartSplitter"_s).toByteArray());
    const QByteArray json = settings.value(u"run/config"_s).toByteArray();
    if (!json.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(json);
        if (doc.isObject()) {
            Result<RunConfig> c
                = runConfigFromJson(doc.object(), defaultConfig(), tr("saved settings"));
            if (c)
                setPanelConfig(c.value());
            else
                reportError(tr("The saved configuration was ignored"), c.error());
        }
    }
    const QString scenario = settings.value(u"run/scenario"_s).toString();
    if (!scenario.isEmpty())
        runPanel()->setCurrentScenario(scenario);
    const double span = settings.value(u"charts/span"_s, 60.0).toDouble();
    chartPanel()->setViewSpan(span);
    if (settings.value(u"whatif/ratio"_s).toString() == u"interval"_s)
        whatIfView()->setRatioKind(WhatIfView::RatioKind::Interval);
    const QStringList recent = settings.value(u"trace/recent"_s).toStringList();
    traceReplay()->setRecentTraces(recent);
    updateRecentTracesMenu(recent);
    if (settings.contains(u"trace/policies"_s))
        traceReplay()->setSelectedPolicies(settings.value(u"trace/policies"_s).toStringList());
    if (settings.contains(u"trace/capacities"_s))
        traceReplay()->setCapacities(settings.value(u"trace/capacities"_s).toString());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/mainSplitter"_s, m_ui->mainSplitter->saveState());
    settings.setValue(u"window/chartSplitter"_s, m_ui->chartSplitter->saveState());
    settings.setValue(u"run/config"_s,
        QJsonDocument(runConfigToJson(panelConfig())).toJson(QJsonDocument::Compact));
    settings.setValue(u"run/scenario"_s, runPanel()->currentScenarioId());
    settings.setValue(u"charts/span"_s, chartPanel()->viewSpan());
    settings.setValue(u"whatif/ratio"_s,
        whatIfView()->ratioKind() == WhatIfView::RatioKind::Interval ? u"interval"_s
                                                                     : u"cumulative"_s);
    settings.setValue(u"trace/recent"_s, traceReplay()->recentTraces());
    settings.setValue(u"trace/policies"_s, traceReplay()->selectedPolicies());
    settings.setValue(u"trace/capacities"_s, traceReplay()->capacities());
}

} // namespace CacheScope
