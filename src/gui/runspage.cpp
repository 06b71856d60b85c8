#include "runspage.h"

#include "core/report/htmlreport.h"
#include "core/session/queuedcontinuation.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

QString ratioCell(const std::optional<double> &ratio)
{
    return ratio ? QString::number(*ratio * 100.0, 'f', 1) + u'%' : u"n/a"_s;
}

QString runTitle(const RunRecord &r)
{
    return r.name.isEmpty() ? QObject::tr("run %1").arg(r.id)
                            : QObject::tr("run %1 “%2”").arg(r.id).arg(r.name);
}

} // namespace

// ---- RunsModel

RunsModel::RunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RunsModel::setRuns(QList<RunRecord> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

int RunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("id");
    case NameColumn:
        return tr("name");
    case StartedColumn:
        return tr("started");
    case KindColumn:
        return tr("kind");
    case PolicyColumn:
        return tr("policy");
    case CapacityColumn:
        return tr("capacity");
    case WorkloadColumn:
        return tr("workload");
    case RequestsColumn:
        return tr("requests");
    case HitRatioColumn:
        return tr("hit ratio");
    case P99Column:
        return tr("p99 (µs)");
    case StateColumn:
        return tr("state");
    default:
        return {};
    }
}

QVariant RunsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_runs.size())
        return {};
    const RunRecord &r = m_runs.at(index.row());
    if (role == Qt::ToolTipRole && !r.notes.isEmpty())
        return r.notes;
    if (role == Qt::TextAlignmentRole) {
        const bool number = index.column() == IdColumn || index.column() == RequestsColumn
            || index.column() == HitRatioColumn || index.column() == P99Column;
        return QVariant::fromValue(
            Qt::Alignment(number ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn:
        return r.id;
    case NameColumn:
        return r.name;
    case StartedColumn:
        return r.startedAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    case KindColumn:
        return r.kind;
    case PolicyColumn:
        return r.policy;
    case CapacityColumn:
        return r.capacity;
    case WorkloadColumn:
        return r.workload;
    case RequestsColumn:
        return QLocale().toString(r.requests);
    case HitRatioColumn:
        return ratioCell(r.hitRatio);
    case P99Column:
        return r.p99Us ? QLocale().toString(*r.p99Us, 'f', 1) : u"n/a"_s;
    case StateColumn:
        return r.complete ? tr("complete") : tr("incomplete");
    default:
        return {};
    }
}

// ---- RunsPage

struct RunsPage::Comparison
{
    RunRecord a;
    RunRecord b;
    QList<std::pair<qint64, QJsonObject>> pointsA;
    QList<std::pair<qint64, QJsonObject>> pointsB;
};

RunsPage::RunsPage(QString historyPath, QWidget *parent)
    : QWidget(parent)
    , m_path(std::move(historyPath))
    , m_model(new RunsModel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    m_compareButton = new QPushButton(tr("&Compare"), this);
    m_compareButton->setObjectName(u"compareRunsButton"_s);
    m_compareButton->setToolTip(tr("Select two runs (Ctrl+click) to compare them"));
    m_renameButton = new QPushButton(tr("Re&name…"), this);
    m_notesButton = new QPushButton(tr("N&otes…"), this);
    m_deleteButton = new QPushButton(tr("&Delete"), this);
    m_reportButton = new QPushButton(tr("&Export report…"), this);
    m_reportButton->setObjectName(u"exportReportButton"_s);
    m_reportButton->setToolTip(tr("One HTML file about the selected run, or comparing the two "
                                  "selected: configuration, summary, charts, what-if"));
    m_status = new QLabel(this);
    m_status->setObjectName(u"runsStatusLabel"_s);
    for (QPushButton *b : { refreshButton, m_compareButton, m_renameButton, m_notesButton,
             m_deleteButton, m_reportButton })
        bar->addWidget(b);
    bar->addWidget(m_status, 1);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_view = new QTableView(split);
    m_view->setObjectName(u"runsView"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    auto *lower = new QSplitter(Qt::Horizontal, split);
    m_comparison = new QTextBrowser(lower);
    m_comparison->setObjectName(u"runsComparison"_s);
    m_comparison->setPlaceholderText(
        tr("Select two runs and press Compare: what changed between them, their summaries "
           "side by side and any measure of theirs over time."));
    auto *chartBox = new QWidget(lower);
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto *metricRow = new QHBoxLayout;
    m_metric = new QComboBox(chartBox);
    m_metric->setObjectName(u"comparisonMetric"_s);
    for (const ComparisonMetric &m : comparisonMetrics())
        m_metric->addItem(m.label);
    metricRow->addWidget(new QLabel(tr("Overlay:"), chartBox));
    metricRow->addWidget(m_metric);
    metricRow->addStretch(1);
    chartLayout->addLayout(metricRow);
    m_chart = new QChartView(chartBox);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->chart()->setTitle(tr("Hit ratio over time (aligned at start)"));
    m_chart->setMinimumWidth(360);
    chartLayout->addWidget(m_chart, 1);
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        if (m_shown)
            drawComparisonChart(*m_shown);
    });
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setSizes({ 220, 560 });
    lower->setSizes({ 560, 820 });
    layout->addWidget(split, 1);

    connect(refreshButton, &QPushButton::clicked, this, &RunsPage::refresh);
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.size() == 2)
            compare(std::min(ids[0], ids[1]), std::max(ids[0], ids[1]));
    });
    connect(m_renameButton, &QPushButton::clicked, this, [this] {
        const std::optional<RunRecord> run = selectedRun();
        bool ok = false;
        const QString name = run ? QInputDialog::getText(this, tr("Rename run"), tr("Name:"),
                                 QLineEdit::Normal, run->name, &ok)
                                 : QString();
        if (ok)
            renameRun(run->id, name.trimmed());
    });
    connect(m_notesButton, &QPushButton::clicked, this, [this] {
        const std::optional<RunRecord> run = selectedRun();
        bool ok = false;
        const QString notes = run ? QInputDialog::getMultiLineText(
                                  this, tr("Notes"), tr("Notes on this run:"), run->notes, &ok)
                                  : QString();
        if (ok)
            setRunNotes(run->id, notes);
    });
    connect(m_deleteButton, &QPushButton::clicked, this, [this] {
        for (const qint64 id : selectedIds())
            deleteRun(id);
    });
    connect(m_reportButton, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.isEmpty() || ids.size() > 2)
            return;
        const QString name = ids.size() == 1
            ? u"cachescope-run-%1.html"_s.arg(ids[0])
            : u"cachescope-run-%1-vs-%2.html"_s.arg(std::min(ids[0], ids[1]))
                  .arg(std::max(ids[0], ids[1]));
        const QString path
            = QFileDialog::getSaveFileName(this, tr("Export report"), name, tr("HTML (*.html)"));
        if (!path.isEmpty())
            exportReport(ids, path);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &RunsPage::updateButtons);
    updateButtons();
}

RunsPage::~RunsPage() = default;

QList<qint64> RunsPage::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &row : m_view->selectionModel()->selectedRows())
        ids << m_model->runs().at(row.row()).id;
    return ids;
}

std::optional<RunRecord> RunsPage::selectedRun() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return std::nullopt;
    return m_model->runs().at(rows.first().row());
}

void RunsPage::updateButtons()
{
    const qsizetype n = m_view->selectionModel()->selectedRows().size();
    m_compareButton->setEnabled(n == 2);
    m_renameButton->setEnabled(n == 1);
    m_notesButton->setEnabled(n == 1);
    m_deleteButton->setEnabled(n >= 1);
    m_reportButton->setEnabled(n == 1 || n == 2);
}

void RunsPage::exportReport(const QList<qint64> &ids, const QString &path)
{
    if (ids.isEmpty() || ids.size() > 2)
        return;
    // The older run first, as in Compare.
    const qint64 a = ids.size() == 2 ? std::min(ids[0], ids[1]) : ids[0];
    const std::optional<qint64> b
        = ids.size() == 2 ? std::optional(std::max(ids[0], ids[1])) : std::nullopt;
    const QString generator = u"CacheScope "_s + QCoreApplication::applicationVersion();
    withHistory(
        [a, b, path, generator](RunHistory &h) -> Result<QVariant> {
            const Result<QString> html = htmlReportFromHistory(h, a, b, generator);
            if (!html)
                return html.error();
            QSaveFile file(path);
            const QByteArray bytes = html->toUtf8();
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()
                || !file.commit())
                return Error { tr("cannot write the report: %1").arg(file.errorString()), path, 0,
                    {}, {} };
            return QVariant();
        },
        [this, path](const Result<QVariant> &r) {
            if (!r)
                return;
            m_status->setText(tr("Report written to %1").arg(path));
            emit reportExported(path);
        },
        tr("Export report"));
}

void RunsPage::withHistory(const std::function<Result<QVariant>(RunHistory &)> &work,
    const std::function<void(const Result<QVariant> &)> &done, const QString &context)
{
    ++m_busy;
    const QString path = m_path;
    QFuture<Result<QVariant>> task = QtConcurrent::run([path, work]() -> Result<QVariant> {
        // A connection of this pool thread's own, closed before the task ends.
        Result<std::unique_ptr<RunHistory>> h = RunHistory::open(path, QFile::exists(path));
        if (!h)
            return h.error();
        return work(*h.value());
    });
    thenQueued(task, this, [this, done, context](const Result<QVariant> &r) {
        --m_busy;
        if (!r) {
            m_status->setText(tr("%1: %2").arg(context, r.error().toString()));
            emit errorOccurred(context, r.error());
        }
        done(r);
    });
}

void RunsPage::refresh()
{
    if (!QFile::exists(m_path)) {
        m_model->setRuns({});
        m_status->setText(tr("No runs recorded yet (%1)").arg(m_path));
        emit refreshed();
        return;
    }
    const quint64 generation = ++m_generation;
    auto runs = std::make_shared<QList<RunRecord>>();
    withHistory(
        [runs](RunHistory &h) -> Result<QVariant> {
            Result<QList<RunRecord>> list = h.list();
            if (!list)
                return list.error();
            *runs = std::move(list.value());
            return QVariant();
        },
        [this, runs, generation](const Result<QVariant> &r) {
            if (!r || generation != m_generation)
                return;
            m_model->setRuns(*runs);
            m_status->setText(tr("%n run(s) in %1", nullptr, int(runs->size())).arg(m_path));
            updateButtons();
            emit refreshed();
        },
        tr("Runs"));
}

void RunsPage::compare(qint64 a, qint64 b)
{
    auto c = std::make_shared<Comparison>();
    withHistory(
        [a, b, c](RunHistory &h) -> Result<QVariant> {
            for (const auto &[id, run, points] :
                { std::tuple { a, &c->a, &c->pointsA }, std::tuple { b, &c->b, &c->pointsB } }) {
                Result<RunRecord> r = h.run(id);
                if (!r)
                    return r.error();
                *run = std::move(r.value());
                Result<QList<std::pair<qint64, QJsonObject>>> p = h.points(id);
                if (!p)
                    return p.error();
                *points = std::move(p.value());
            }
            return QVariant();
        },
        [this, c](const Result<QVariant> &r) {
            if (r)
                showComparison(*c);
        },
        tr("Compare runs"));
}

void RunsPage::showComparison(const Comparison &c)
{
    QString html = u"<h3>%1 against %2</h3>"_s.arg(
        runTitle(c.a).toHtmlEscaped(), runTitle(c.b).toHtmlEscaped());
    const QList<ConfigChange> changes = diffConfigs(c.a.config, c.b.config);
    if (changes.isEmpty()) {
        html += tr("<p>Configuration: the same.</p>");
    } else {
        html += tr("<p>Configuration changes:</p><ul>");
        for (const ConfigChange &ch : changes)
            html += u"<li><tt>%1</tt>: %2 → %3</li>"_s.arg(
                ch.field.toHtmlEscaped(), ch.a.toHtmlEscaped(), ch.b.toHtmlEscaped());
        html += u"</ul>"_s;
    }
    html += u"<table cellspacing=0 cellpadding=3 border=1><tr><th>%1</th><th>%2</th><th>%3</th>"
            "<th>%4</th><th>%5</th></tr>"_s.arg(tr("measure"), tr("run %1").arg(c.a.id),
                tr("run %1").arg(c.b.id), tr("difference"), tr("percent"));
    for (const MetricComparison &m : compareSummaries(c.a.summary, c.b.summary)) {
        const QLocale locale;
        html += u"<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td>"
                "<td align=right>%4</td><td align=right>%5</td></tr>"_s.arg(m.label,
                    m.formatValue(m.a, locale), m.formatValue(m.b, locale),
                    m.formatDifference(locale), m.formatPercent());
    }
    html += u"</table>"_s;
    if (!c.a.complete || !c.b.complete)
        html += tr("<p><i>An incomplete run has no summary: it ended before it could write "
                   "one.</i></p>");
    m_comparison->setHtml(html);

    m_shown = std::make_shared<Comparison>(c);
    drawComparisonChart(c);
    m_status->setText(tr("Compared run %1 with run %2").arg(c.a.id).arg(c.b.id));
    emit compared();
}

QList<RunsPage::ComparisonMetric> RunsPage::comparisonMetrics()
{
    return {
        { tr("hit ratio per interval (%)"), u"hit_ratio"_s, 100.0 },
        { tr("requests/s"), u"requests_per_second"_s, 1.0 },
        { tr("hit p99 (µs)"), u"latency_us.hit.p99"_s, 1.0 },
        { tr("miss p99 (µs)"), u"latency_us.miss.p99"_s, 1.0 },
        { tr("entries"), u"entries"_s, 1.0 },
        { tr("database buffer hit ratio (%)"), u"database_buffer_hit_ratio"_s, 100.0 },
    };
}

void RunsPage::setComparisonMetric(int index) { m_metric->setCurrentIndex(index); }

void RunsPage::drawComparisonChart(const Comparison &c)
{
    const ComparisonMetric metric
        = comparisonMetrics().value(std::max(0, m_metric->currentIndex()));
    QChart *chart = m_chart->chart();
    chart->setTitle(tr("%1 over time (aligned at start)").arg(metric.label));
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis); // gives the axis back to us: a redraw would leak it
        delete axis;
    }
    auto *time = new QValueAxis;
    time->setTitleText(tr("time since start (s)"));
    time->setLabelFormat(u"%.0f"_s);
    auto *values = new QValueAxis;
    values->setTitleText(metric.label);
    chart->addAxis(time, Qt::AlignBottom);
    chart->addAxis(values, Qt::AlignLeft);
    double end = 1;
    double top = 0;
    for (const auto &[run, points] :
        { std::pair { &c.a, &c.pointsA }, std::pair { &c.b, &c.pointsB } }) {
        auto *series = new QLineSeries;
        series->setName(runTitle(*run));
        for (const auto &[tMs, point] : *points) {
            if (const std::optional<double> v = summaryValue(point, metric.path)) {
                series->append(double(tMs) / 1000.0, *v * metric.scale);
                end = std::max(end, double(tMs) / 1000.0);
                top = std::max(top, *v * metric.scale);
            }
        }
        chart->addSeries(series);
        series->attachAxis(time);
        series->attachAxis(values);
    }
    time->setRange(0, std::ceil(end));
    time->applyNiceNumbers(); // round ticks: 0, 2, 4, 6, 8 rather than fifths of 7
    values->setRange(0, metric.scale == 100.0 ? 100.0 : std::max(1.0, top * 1.05));
    if (metric.scale != 100.0)
        values->applyNiceNumbers();
}

void RunsPage::writeThenRefresh(
    const std::function<Result<void>(RunHistory &)> &write, const QString &context)
{
    withHistory(
        [write](RunHistory &h) -> Result<QVariant> {
            if (Result<void> r = write(h); !r)
                return r.error();
            return QVariant();
        },
        [this](const Result<QVariant> &r) {
            if (r)
                refresh();
        },
        context);
}

void RunsPage::renameRun(qint64 id, const QString &name)
{
    writeThenRefresh([id, name](RunHistory &h) { return h.rename(id, name); }, tr("Rename run"));
}

void RunsPage::setRunNotes(qint64 id, const QString &notes)
{
    writeThenRefresh([id, notes](RunHistory &h) { return h.setNotes(id, notes); }, tr("Run notes"));
}

void RunsPage::deleteRun(qint64 id)
{
    writeThenRefresh([id](RunHistory &h) { return h.remove(id); }, tr("Delete run"));
}

QString RunsPage::comparisonText() const { return m_comparison->toPlainText(); }

QList<QLineSeries *> RunsPage::comparisonSeries() const
{
    QList<QLineSeries *> out;
    for (QAbstractSeries *s : m_chart->chart()->series())
        if (auto *line = qobject_cast<QLineSeries *>(s))
            out << line;
    return out;
}

QString RunsPage::statusText() const { return m_status->text(); }

void RunsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

} // namespace CacheScope
