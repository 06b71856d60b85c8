#include "runpanel.h"

#include "ui_runpanel.h"

#include <QAction>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

RunPanel::RunPanel(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::RunPanel>())
{
    m_ui->setupUi(this);
    connect(m_ui->scenarioCombo, &QComboBox::currentIndexChanged, this, &RunPanel::showLookFor);
    connect(m_ui->scenarioButton, &QPushButton::clicked, this, [this] {
        if (!currentScenarioId().isEmpty())
            emit scenarioRequested(currentScenarioId());
    });
}

RunPanel::~RunPanel() = default;

void RunPanel::setActions(QAction *start, QAction *pause, QAction *stop, QAction *reset)
{
    m_ui->startButton->setDefaultAction(start);
    m_ui->pauseButton->setDefaultAction(pause);
    m_ui->stopButton->setDefaultAction(stop);
    m_ui->resetButton->setDefaultAction(reset);
}

void RunPanel::setScenarios(const QList<Scenario> &scenarios)
{
    m_scenarios = scenarios;
    const QSignalBlocker block(m_ui->scenarioCombo);
    m_ui->scenarioCombo->clear();
    for (const Scenario &s : scenarios) {
        m_ui->scenarioCombo->addItem(s.title, s.id);
        m_ui->scenarioCombo->setItemData(
            m_ui->scenarioCombo->count() - 1, s.lookFor, Qt::ToolTipRole);
    }
    showLookFor();
}

void RunPanel::setCurrentScenario(const QString &id)
{
    const int index = m_ui->scenarioCombo->findData(id);
    if (index >= 0)
        m_ui->scenarioCombo->setCurrentIndex(index);
    showLookFor();
}

QString RunPanel::currentScenarioId() const
{
    return m_ui->scenarioCombo->currentData().toString();
}

QString RunPanel::lookForText() const { return m_ui->lookForLabel->text(); }

void RunPanel::showLookFor()
{
    const QString id = currentScenarioId();
    for (const Scenario &s : std::as_const(m_scenarios)) {
        if (s.id == id) {
            m_ui->lookForLabel->setText(tr("<b>Look for:</b> %1").arg(s.lookFor.toHtmlEscaped()));
            return;
        }
    }
    m_ui->lookForLabel->clear();
}

} // namespace CacheScope
