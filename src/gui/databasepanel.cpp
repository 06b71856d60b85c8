#include "databasepanel.h"

#include "ui_databasepanel.h"

#include <QFileDialog>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

DatabasePanel::DatabasePanel(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::DatabasePanel>())
{
    m_ui->setupUi(this);
    showPage(0);
    connect(m_ui->driverCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        showPage(index);
        emit changed();
    });
    connect(m_ui->browseButton, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("SQLite database"),
            m_ui->sqlitePathEdit->text(), tr("SQLite databases (*.sqlite *.db);;All files (*)"),
            nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty()) {
            m_ui->sqlitePathEdit->setText(path);
            emit changed();
        }
    });
    connect(m_ui->defaultPathButton, &QToolButton::clicked, this, [this] {
        m_ui->sqlitePathEdit->setText(m_defaultPath);
        emit changed();
    });
    connect(m_ui->testButton, &QPushButton::clicked, this, &DatabasePanel::testRequested);
    for (QLineEdit *edit : { m_ui->sqlitePathEdit, m_ui->hostEdit, m_ui->databaseEdit,
             m_ui->userEdit, m_ui->passwordEdit, m_ui->schemaEdit })
        connect(edit, &QLineEdit::editingFinished, this, &DatabasePanel::changed);
    for (QSpinBox *spin : { m_ui->portSpin, m_ui->delaySpin }) {
        spin->setKeyboardTracking(false);
        connect(spin, &QSpinBox::valueChanged, this, &DatabasePanel::changed);
    }
    connect(m_ui->connectionCombo, &QComboBox::currentIndexChanged, this, &DatabasePanel::changed);
}

DatabasePanel::~DatabasePanel() = default;

void DatabasePanel::showPage(int index)
{
    // A stacked widget is as tall as its tallest page: let the hidden page take no room.
    for (int i = 0; i < m_ui->driverStack->count(); ++i) {
        m_ui->driverStack->widget(i)->setSizePolicy(
            QSizePolicy::Preferred, i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    m_ui->driverStack->setCurrentIndex(index);
    m_ui->driverStack->adjustSize();
}

ConnectionSettings DatabasePanel::settings() const
{
    ConnectionSettings s;
    s.driver = m_ui->driverCombo->currentIndex() == 1 ? DatabaseDriver::Postgres
                                                      : DatabaseDriver::Sqlite;
    if (s.driver == DatabaseDriver::Sqlite) {
        s.database = m_ui->sqlitePathEdit->text().trimmed();
    } else {
        s.database = m_ui->databaseEdit->text().trimmed();
        s.host = m_ui->hostEdit->text().trimmed();
        s.port = m_ui->portSpin->value();
        s.user = m_ui->userEdit->text().trimmed();
        s.password = m_ui->passwordEdit->text();
        s.schema = m_ui->schemaEdit->text().trimmed();
    }
    s.connectionMode = m_ui->connectionCombo->currentIndex() == 1 ? ConnectionMode::PerQuery
                                                                  : ConnectionMode::PerThread;
    s.simulatedDelayMs = m_ui->delaySpin->value();
    return s;
}

void DatabasePanel::setSettings(const ConnectionSettings &s)
{
    const QSignalBlocker blockers[]
        = { QSignalBlocker(m_ui->driverCombo), QSignalBlocker(m_ui->portSpin),
              QSignalBlocker(m_ui->delaySpin), QSignalBlocker(m_ui->connectionCombo) };
    const bool pg = s.driver == DatabaseDriver::Postgres;
    m_ui->driverCombo->setCurrentIndex(pg ? 1 : 0);
    showPage(pg ? 1 : 0);
    if (pg) {
        m_ui->databaseEdit->setText(s.database);
        m_ui->hostEdit->setText(s.host);
        m_ui->portSpin->setValue(s.port);
        m_ui->userEdit->setText(s.user);
        if (!s.password.isEmpty())
            m_ui->passwordEdit->setText(s.password);
        m_ui->schemaEdit->setText(s.schema);
    } else {
        m_ui->sqlitePathEdit->setText(s.database.isEmpty() ? m_defaultPath : s.database);
    }
    m_ui->connectionCombo->setCurrentIndex(s.connectionMode == ConnectionMode::PerQuery ? 1 : 0);
    m_ui->delaySpin->setValue(s.simulatedDelayMs);
}

void DatabasePanel::setDefaultSqlitePath(const QString &path)
{
    const bool wasDefault
        = m_ui->sqlitePathEdit->text().isEmpty() || m_ui->sqlitePathEdit->text() == m_defaultPath;
    m_defaultPath = path;
    m_ui->defaultPathButton->setToolTip(tr("Back to the demo database: %1").arg(path));
    if (wasDefault)
        m_ui->sqlitePathEdit->setText(path);
}

void DatabasePanel::setRunActive(bool active)
{
    // Nothing here can change under a running engine; the Test button stays usable.
    for (QWidget *w : std::initializer_list<QWidget *> {
             m_ui->driverCombo, m_ui->driverStack, m_ui->connectionCombo, m_ui->delaySpin })
        w->setEnabled(!active);
    const QString why = tr("Stop the run to change the database");
    m_ui->driverCombo->setToolTip(active ? why : QString());
}

void DatabasePanel::setTestRunning()
{
    m_ui->testButton->setEnabled(false);
    m_ui->statusLabel->setStyleSheet({});
    m_ui->statusLabel->setText(tr("Connecting…"));
}

void DatabasePanel::setTestResult(bool ok, const QString &message)
{
    m_ui->testButton->setEnabled(true);
    m_ui->statusLabel->setStyleSheet(ok ? u"color: #1b6e1b;"_s : u"color: #b01c1c;"_s);
    m_ui->statusLabel->setText((ok ? tr("OK: ") : tr("Failed: ")) + message);
}

QString DatabasePanel::statusText() const { return m_ui->statusLabel->text(); }

} // namespace CacheScope
