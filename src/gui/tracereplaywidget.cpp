#include "tracereplaywidget.h"

#include "ui_tracereplaywidget.h"

#include "missratiochart.h"
#include "traceresultsmodel.h"

#include "core/history/historywriter.h"
#include "core/history/runstarts.h"
#include "core/policy/policyregistry.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QSortFilterProxyModel>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

TraceReplayWidget::TraceReplayWidget(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::TraceReplayWidget>())
{
    m_ui->setupUi(this);
    m_replayer = new TraceReplayer(this);
    m_model = new TraceResultsModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(TraceResultsModel::SortRole);
    m_ui->resultsView->setModel(m_proxy);
    m_ui->resultsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->resultsView->horizontalHeader()->setStretchLastSection(true);
    m_ui->resultsView->sortByColumn(-1, Qt::AscendingOrder);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->resultSplitter->setStretchFactor(0, 3);
    m_ui->resultSplitter->setStretchFactor(1, 2);
    m_ui->resultSplitter->setSizes({ 520, 340 });
    m_ui->resultsView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);

    for (const QString &name : traceFormatNames())
        m_ui->formatCombo->addItem(name == u"auto"_s ? tr("detect (auto)") : name, name);
    for (const PolicyInfo &p : policyRegistry()) {
        auto *item = new QListWidgetItem(p.displayName, m_ui->policyList);
        item->setData(Qt::UserRole, p.id);
        item->setToolTip(p.summary);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    setSelectedPolicies(
        { u"lru"_s, u"fifo"_s, u"arc"_s, u"sieve"_s, u"s3fifo"_s, u"wtinylfu"_s, u"opt"_s });

    connect(
        m_ui->formatCombo, &QComboBox::currentIndexChanged, this, &TraceReplayWidget::updateCsvRow);
    connect(m_ui->browseButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open trace"), tracePath(),
            tr("Traces (*.trace *.txt *.csv *.bin *.gz *.xz *.zst *.oracleGeneral *.vscsi);;All "
               "files (*)"));
        if (!path.isEmpty())
            setTracePath(path);
    });
    connect(m_ui->allButton, &QPushButton::clicked, this, [this] {
        QStringList all;
        for (const PolicyInfo &p : policyRegistry())
            all << p.id;
        setSelectedPolicies(all);
    });
    connect(m_ui->noneButton, &QPushButton::clicked, this, [this] { setSelectedPolicies({}); });
    connect(m_ui->runButton, &QPushButton::clicked, this, [this] { startReplay(); });
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &TraceReplayWidget::cancelReplay);

    connect(m_replayer, &TraceReplayer::progressChanged, this,
        [this](TraceReplayer::Phase phase, double fraction) {
            m_ui->progressBar->setFormat(
                phase == TraceReplayer::Phase::Reading ? tr("reading %p%") : tr("simulating %p%"));
            m_ui->progressBar->setValue(int(fraction * 100));
        });
    connect(m_replayer, &TraceReplayer::finished, this, [this](const TraceReplayOutcome &o) {
        setRunning(false);
        m_ui->progressBar->setFormat(tr("done"));
        m_ui->progressBar->setValue(100);
        m_model->setResults(o.results);
        // Byte miss ratios only differ from miss ratios when objects have sizes.
        m_ui->resultsView->setColumnHidden(
            TraceResultsModel::ByteMissRatioColumn, o.sizeUnit == SizeUnit::Objects);
        m_ui->resultsView->sortByColumn(-1, Qt::AscendingOrder);
        chart()->setResults(o.results, o.lruCurve);
        const QLocale locale;
        const QString summary
            = tr("%1 (%2): %3 requests, %4 unique objects; %5 pairs simulated in "
                 "%6 s%7.")
                  .arg(QFileInfo(o.path).fileName(), o.format, locale.toString(o.requests),
                      locale.toString(qulonglong(o.uniqueObjects)),
                      QString::number(o.results.size()))
                  .arg(o.simulateSeconds, 0, 'f', 2)
                  .arg(o.traceReused ? tr(" (trace already in memory)")
                                     : tr(", read in %1 s").arg(o.readSeconds, 0, 'f', 2));
        m_ui->summaryLabel->setText(summary);
        emit messageLogged(tr("Trace replay: %1").arg(summary));
        record(o);
    });
    connect(m_replayer, &TraceReplayer::failed, this, [this](const Error &e) {
        setRunning(false);
        m_ui->progressBar->setFormat(tr("failed"));
        m_ui->summaryLabel->setText(tr("Failed: %1").arg(e.toString()));
        emit errorOccurred(e);
    });
    connect(m_replayer, &TraceReplayer::cancelled, this, [this] {
        setRunning(false);
        m_ui->progressBar->setFormat(tr("cancelled"));
        m_ui->progressBar->setValue(0);
        m_ui->summaryLabel->setText(tr("Cancelled; the previous results are kept."));
        emit messageLogged(tr("Trace replay cancelled"));
    });
    updateCsvRow();
}

TraceReplayWidget::~TraceReplayWidget() = default;

MissRatioChart *TraceReplayWidget::chart() const { return m_ui->chartView; }

QString TraceReplayWidget::summaryText() const { return m_ui->summaryLabel->text(); }

QString TraceReplayWidget::tracePath() const { return m_ui->traceCombo->currentText().trimmed(); }

void TraceReplayWidget::setTracePath(const QString &path)
{
    m_ui->traceCombo->setCurrentText(path);
}

void TraceReplayWidget::setRecentTraces(const QStringList &paths)
{
    const QString current = tracePath();
    m_recent = paths.mid(0, maxRecentTraces);
    m_ui->traceCombo->clear();
    m_ui->traceCombo->addItems(m_recent);
    m_ui->traceCombo->setCurrentText(
        current.isEmpty() && !m_recent.isEmpty() ? m_recent.first() : current);
}

void TraceReplayWidget::addRecent(const QString &path)
{
    QStringList recent = m_recent;
    recent.removeAll(path);
    recent.prepend(path);
    setRecentTraces(recent);
    setTracePath(path);
    emit recentTracesChanged(m_recent);
}

QStringList TraceReplayWidget::selectedPolicies() const
{
    QStringList ids;
    for (int i = 0; i < m_ui->policyList->count(); ++i) {
        const QListWidgetItem *item = m_ui->policyList->item(i);
        if (item->checkState() == Qt::Checked)
            ids << item->data(Qt::UserRole).toString();
    }
    return ids;
}

void TraceReplayWidget::setSelectedPolicies(const QStringList &ids)
{
    for (int i = 0; i < m_ui->policyList->count(); ++i) {
        QListWidgetItem *item = m_ui->policyList->item(i);
        item->setCheckState(
            ids.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
}

QString TraceReplayWidget::capacities() const { return m_ui->capacitiesEdit->text().trimmed(); }

void TraceReplayWidget::setCapacities(const QString &text) { m_ui->capacitiesEdit->setText(text); }

void TraceReplayWidget::updateCsvRow()
{
    const bool csv = m_ui->formatCombo->currentData().toString() == u"csv"_s;
    m_ui->traceForm->setRowVisible(m_ui->csvLayout, csv);
}

TraceReplayRequest TraceReplayWidget::request() const
{
    TraceReplayRequest r;
    r.path = tracePath();
    const Result<TraceFormat> format
        = parseTraceFormat(m_ui->formatCombo->currentData().toString());
    r.options.format = format ? format.value() : TraceFormat::Auto;
    r.options.csv.keyColumn = m_ui->keyColumnSpin->value();
    r.options.csv.sizeColumn = m_ui->sizeColumnSpin->value();
    r.options.csv.header = m_ui->headerCheck->isChecked();
    r.policies = selectedPolicies();
    r.capacities = capacities();
    r.sizeUnit = m_ui->unitCombo->currentIndex() == 1 ? SizeUnit::Bytes : SizeUnit::Objects;
    return r;
}

bool TraceReplayWidget::startReplay()
{
    const TraceReplayRequest r = request();
    const Result<void> started = m_replayer->start(r);
    if (!started) {
        m_ui->summaryLabel->setText(tr("Cannot start: %1").arg(started.error().toString()));
        emit errorOccurred(started.error());
        return false;
    }
    addRecent(r.path);
    m_started = r;
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_clock.start();
    setRunning(true);
    m_ui->summaryLabel->setText(
        tr("Replaying %1 through %n policies…", nullptr, int(r.policies.size()))
            .arg(QFileInfo(r.path).fileName()));
    emit messageLogged(tr("Trace replay started: %1, policies %2, capacities %3")
                           .arg(r.path, r.policies.join(u", "_s), r.capacities));
    return true;
}

void TraceReplayWidget::record(const TraceReplayOutcome &o)
{
    if (!m_historyWriter)
        return;
    ReplayRecord replay;
    replay.trace = { o.path, o.format, o.requests, o.uniqueObjects, o.uniqueBytes };
    replay.traceOptions = m_started.options;
    for (const SimulationResult &r : o.results) {
        if (!replay.policies.contains(r.policy))
            replay.policies << r.policy;
        if (std::find(
                replay.resolvedCapacities.begin(), replay.resolvedCapacities.end(), r.capacity)
            == replay.resolvedCapacities.end())
            replay.resolvedCapacities.push_back(r.capacity);
    }
    replay.capacities = m_started.capacities;
    replay.sizeUnit = o.sizeUnit;
    replay.options.sizeUnit = o.sizeUnit; // the tab replays with the default seed and settings
    RunStart start = replayRunStart(replay);
    start.startedAt = m_startedAt;
    m_historyWriter->record(start, m_clock.elapsed(), replayJson(replay.trace, o.results));
}

void TraceReplayWidget::cancelReplay() { m_replayer->cancel(); }

bool TraceReplayWidget::isRunning() const { return m_replayer->isRunning(); }

void TraceReplayWidget::setRunning(bool running)
{
    m_ui->runButton->setEnabled(!running);
    m_ui->cancelButton->setEnabled(running);
    if (running) {
        m_ui->progressBar->setValue(0);
        m_ui->progressBar->setFormat(tr("starting"));
    }
}

void TraceReplayWidget::setHistoryWriter(HistoryWriter *writer) { m_historyWriter = writer; }

} // namespace CacheScope
