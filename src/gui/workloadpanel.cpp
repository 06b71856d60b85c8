#include "workloadpanel.h"

#include "ui_workloadpanel.h"

#include "core/querylog/querylogreader.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

QString kindLabel(const QString &kind)
{
    if (kind == u"uniform"_s)
        return QObject::tr("uniform");
    if (kind == u"zipf"_s)
        return QObject::tr("zipf (skewed)");
    if (kind == u"hotspot"_s)
        return QObject::tr("hotspot (hot set)");
    if (kind == u"scan"_s)
        return QObject::tr("scan (sequential loop)");
    if (kind == u"shifting"_s)
        return QObject::tr("shifting hotspot");
    return kind;
}

} // namespace

WorkloadPanel::WorkloadPanel(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::WorkloadPanel>())
{
    m_ui->setupUi(this);
    for (const QString &kind : workloadKinds())
        m_ui->kindCombo->addItem(kindLabel(kind), kind);
    m_ui->kindCombo->setCurrentIndex(m_ui->kindCombo->findData(u"zipf"_s));
    m_ui->ioCombo->addItem(tr("threads (a worker per connection)"), int(IoModel::Threads));
    m_ui->ioCombo->addItem(tr("async pipeline (PostgreSQL)"), int(IoModel::Pipeline));
    connect(m_ui->ioThreadsSpin, &QSpinBox::valueChanged, this, [this](int loops) {
        m_ui->ioThreadsSpin->setSuffix(loops == 1 ? tr(" loop") : tr(" loops"));
    });
    m_ui->ioThreadsSpin->setSuffix(tr(" loop"));
    connect(m_ui->ioCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateVisibleRows();
        emit changed();
    });
    loadExamples();
    for (const QueryLogFormat format : { QueryLogFormat::Auto, QueryLogFormat::PgCsv,
             QueryLogFormat::PgStderr, QueryLogFormat::Sql })
        m_ui->logFormatCombo->addItem(queryLogFormatName(format), int(format));
    auto *logMenu = new QMenu(m_ui->logButton);
    logMenu->addAction(tr("Choose a query log…"), this, &WorkloadPanel::chooseLog);
    logMenu->addAction(tr("Example: the demo shop's log (2 minutes at 2×)"), this,
        [this] { setLogPath(exampleQueryLogPath(), 2.0); });
    logMenu->addSeparator();
    logMenu->addAction(tr("Clear (draw keys)"), this, [this] { setLogPath({}); });
    m_ui->logButton->setMenu(logMenu);
    m_ui->logButton->setPopupMode(QToolButton::InstantPopup);
    connect(m_ui->logEdit, &QLineEdit::editingFinished, this, [this] {
        updateVisibleRows();
        emit changed();
    });
    connect(m_ui->logEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty()) { // the clear button
            updateVisibleRows();
            emit changed();
        }
    });
    connect(m_ui->logFormatCombo, &QComboBox::currentIndexChanged, this, &WorkloadPanel::changed);

    connect(m_ui->kindCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateVisibleRows();
        emit changed();
    });
    for (QSpinBox *spin : { m_ui->keysSpin, m_ui->shiftSpin, m_ui->threadsSpin, m_ui->thinkSpin,
             m_ui->inFlightSpin, m_ui->ioThreadsSpin }) {
        spin->setKeyboardTracking(false);
        connect(spin, &QSpinBox::valueChanged, this, &WorkloadPanel::changed);
    }
    for (QDoubleSpinBox *spin : { m_ui->logSpeedSpin, m_ui->alphaSpin, m_ui->hotKeysSpin,
             m_ui->hotRequestsSpin, m_ui->pointSpin, m_ui->rangeSpin, m_ui->aggregateSpin,
             m_ui->writeSpin, m_ui->rateSpin }) {
        spin->setKeyboardTracking(false);
        connect(spin, &QDoubleSpinBox::valueChanged, this, &WorkloadPanel::changed);
    }
    connect(m_ui->openRadio, &QRadioButton::toggled, this, [this] {
        updateVisibleRows();
        emit changed();
    });
    connect(m_ui->customSqlEdit, &QLineEdit::editingFinished, this, &WorkloadPanel::changed);
    updateVisibleRows();
}

WorkloadPanel::~WorkloadPanel() = default;

void WorkloadPanel::loadExamples()
{
    // resources/sql/custom-templates.sql: "-- name: ..." then the statement on the next line.
    auto *menu = new QMenu(m_ui->examplesButton);
    QFile file(u":/sql/custom-templates.sql"_s);
    if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        QString name;
        const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
        for (const QString &line : lines) {
            if (line.startsWith(u"-- name:"_s)) {
                name = line.mid(8).trimmed();
            } else if (!line.startsWith(u"--"_s) && !line.trimmed().isEmpty() && !name.isEmpty()) {
                const QString sql = line.trimmed();
                QAction *a = menu->addAction(name, this, [this, sql] {
                    m_ui->customSqlEdit->setText(sql);
                    emit changed();
                });
                a->setToolTip(sql);
                name.clear();
            }
        }
    }
    menu->addSeparator();
    menu->addAction(tr("Clear (use the mix)"), this, [this] {
        m_ui->customSqlEdit->clear();
        emit changed();
    });
    m_ui->examplesButton->setMenu(menu);
}

void WorkloadPanel::chooseLog()
{
    const QString start = m_ui->logEdit->text().isEmpty()
        ? QString()
        : QFileInfo(m_ui->logEdit->text()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Replay a query log"), start,
        tr("Query logs (*.csv *.log *.sql *.gz *.xz *.zst);;All files (*)"));
    if (path.isEmpty())
        return;
    m_ui->logEdit->setText(path);
    updateVisibleRows();
    emit changed();
}

QString exampleQueryLogPath() { return u":/sql/demo-shop.log.gz"_s; }

void WorkloadPanel::setLogPath(const QString &path, double speed)
{
    m_ui->logEdit->setText(path);
    if (speed >= 0)
        m_ui->logSpeedSpin->setValue(speed);
    updateVisibleRows();
    emit changed();
}

void WorkloadPanel::updateVisibleRows()
{
    // A log is the workload: the rows that describe drawn keys hide.
    const bool drawn = m_ui->logEdit->text().trimmed().isEmpty();
    m_ui->form->setRowVisible(m_ui->logOptionsLayout, !drawn);
    const QString kind = m_ui->kindCombo->currentData().toString();
    m_ui->form->setRowVisible(m_ui->kindCombo, drawn);
    m_ui->form->setRowVisible(m_ui->keysSpin, drawn);
    m_ui->form->setRowVisible(
        m_ui->alphaSpin, drawn && (kind == u"zipf"_s || kind == u"shifting"_s));
    m_ui->form->setRowVisible(m_ui->hotLayout, drawn && kind == u"hotspot"_s);
    m_ui->form->setRowVisible(m_ui->shiftSpin, drawn && kind == u"shifting"_s);
    m_ui->form->setRowVisible(m_ui->mixLayout, drawn);
    m_ui->form->setRowVisible(m_ui->customSqlLayout, drawn);
    m_ui->form->setRowVisible(m_ui->writeSpin, drawn);
    m_ui->form->setRowVisible(m_ui->loadLayout, drawn);
    // The pipeline draws keys; a log replays on the thread model.
    const bool pipeline
        = drawn && IoModel(m_ui->ioCombo->currentData().toInt()) == IoModel::Pipeline;
    m_ui->form->setRowVisible(m_ui->ioCombo, drawn);
    m_ui->form->setRowVisible(m_ui->threadsSpin, !pipeline);
    m_ui->form->setRowVisible(m_ui->pipelineLayout, pipeline);
    const bool open = m_ui->openRadio->isChecked();
    m_ui->form->setRowVisible(m_ui->thinkSpin, drawn && !open);
    m_ui->form->setRowVisible(m_ui->rateSpin, drawn && open);
}

void WorkloadPanel::applyTo(RunConfig &config) const
{
    WorkloadSpec w = m_hidden;
    w.kind = m_ui->kindCombo->currentData().toString();
    w.keys = quint64(m_ui->keysSpin->value());
    w.alpha = m_ui->alphaSpin->value();
    w.hotKeyFraction = m_ui->hotKeysSpin->value() / 100.0;
    w.hotRequestFraction = m_ui->hotRequestsSpin->value() / 100.0;
    w.shiftEvery = quint64(m_ui->shiftSpin->value());
    w.requests = config.workload.requests;
    config.workload = w;
    config.mix
        = { m_ui->pointSpin->value(), m_ui->rangeSpin->value(), m_ui->aggregateSpin->value() };
    config.customSql = m_ui->customSqlEdit->text().trimmed();
    config.writeRatio = m_ui->writeSpin->value() / 100.0;
    config.threads = m_ui->threadsSpin->value();
    config.io = IoModel(m_ui->ioCombo->currentData().toInt());
    config.ioThreads = m_ui->ioThreadsSpin->value();
    config.inFlight = m_ui->inFlightSpin->value();
    config.loadModel = m_ui->openRadio->isChecked() ? LoadModel::OpenLoop : LoadModel::ClosedLoop;
    config.targetRate = m_ui->rateSpin->value();
    config.thinkTimeMs = m_ui->thinkSpin->value();
    config.queryLog = {};
    config.queryLog.path = m_ui->logEdit->text().trimmed();
    config.queryLog.options.format = QueryLogFormat(m_ui->logFormatCombo->currentData().toInt());
    config.queryLog.speed = m_ui->logSpeedSpin->value();
}

void WorkloadPanel::setConfig(const RunConfig &config)
{
    const QSignalBlocker blockers[] = { QSignalBlocker(m_ui->kindCombo),
        QSignalBlocker(m_ui->keysSpin), QSignalBlocker(m_ui->alphaSpin),
        QSignalBlocker(m_ui->hotKeysSpin), QSignalBlocker(m_ui->hotRequestsSpin),
        QSignalBlocker(m_ui->shiftSpin), QSignalBlocker(m_ui->pointSpin),
        QSignalBlocker(m_ui->rangeSpin), QSignalBlocker(m_ui->aggregateSpin),
        QSignalBlocker(m_ui->customSqlEdit), QSignalBlocker(m_ui->writeSpin),
        QSignalBlocker(m_ui->openRadio), QSignalBlocker(m_ui->closedRadio),
        QSignalBlocker(m_ui->threadsSpin), QSignalBlocker(m_ui->thinkSpin),
        QSignalBlocker(m_ui->rateSpin), QSignalBlocker(m_ui->ioCombo),
        QSignalBlocker(m_ui->ioThreadsSpin), QSignalBlocker(m_ui->inFlightSpin) };
    const WorkloadSpec &w = config.workload;
    m_hidden = w;
    const int kind = m_ui->kindCombo->findData(w.kind);
    if (kind >= 0)
        m_ui->kindCombo->setCurrentIndex(kind);
    m_ui->keysSpin->setValue(int(std::min<quint64>(w.keys, quint64(m_ui->keysSpin->maximum()))));
    m_ui->alphaSpin->setValue(w.alpha);
    m_ui->hotKeysSpin->setValue(w.hotKeyFraction * 100.0);
    m_ui->hotRequestsSpin->setValue(w.hotRequestFraction * 100.0);
    m_ui->shiftSpin->setValue(
        int(std::min<quint64>(w.shiftEvery, quint64(m_ui->shiftSpin->maximum()))));
    m_ui->pointSpin->setValue(config.mix.point);
    m_ui->rangeSpin->setValue(config.mix.range);
    m_ui->aggregateSpin->setValue(config.mix.aggregate);
    m_ui->customSqlEdit->setText(config.customSql);
    m_ui->writeSpin->setValue(config.writeRatio * 100.0);
    const bool open = config.loadModel == LoadModel::OpenLoop;
    m_ui->openRadio->setChecked(open);
    m_ui->closedRadio->setChecked(!open);
    m_ui->threadsSpin->setValue(config.threads);
    m_ui->ioCombo->setCurrentIndex(std::max(0, m_ui->ioCombo->findData(int(config.io))));
    m_ui->ioThreadsSpin->setValue(config.ioThreads);
    m_ui->inFlightSpin->setValue(config.inFlight);
    m_ui->thinkSpin->setValue(config.thinkTimeMs);
    if (config.targetRate > 0)
        m_ui->rateSpin->setValue(config.targetRate);
    {
        const QSignalBlocker log(m_ui->logEdit);
        const QSignalBlocker format(m_ui->logFormatCombo);
        const QSignalBlocker speed(m_ui->logSpeedSpin);
        m_ui->logEdit->setText(config.queryLog.path);
        m_ui->logFormatCombo->setCurrentIndex(
            std::max(0, m_ui->logFormatCombo->findData(int(config.queryLog.options.format))));
        m_ui->logSpeedSpin->setValue(config.queryLog.speed);
    }
    updateVisibleRows();
}

void WorkloadPanel::setRunActive(bool active)
{
    m_ui->customSqlEdit->setEnabled(!active);
    m_ui->examplesButton->setEnabled(!active);
    // A log replays with the sessions spread over the threads it started with.
    const bool log = !m_ui->logEdit->text().trimmed().isEmpty();
    for (QWidget *w : std::initializer_list<QWidget *> {
             m_ui->logEdit, m_ui->logButton, m_ui->logFormatCombo, m_ui->logSpeedSpin })
        w->setEnabled(!active);
    m_ui->threadsSpin->setEnabled(!(active && log));
    // The I/O model and the event loops are fixed for a run; the in-flight count is live.
    m_ui->ioCombo->setEnabled(!active);
    m_ui->ioThreadsSpin->setEnabled(!active);
}

} // namespace CacheScope
