#include "cachepanel.h"

#include "ui_cachepanel.h"

#include "core/policy/policyregistry.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

enum UnitIndex { Entries, Bytes, KiB, MiB };
constexpr qint64 unitFactor[] = { 1, 1, 1024, 1024 * 1024 };

} // namespace

CachePanel::CachePanel(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::CachePanel>())
{
    m_ui->setupUi(this);
    for (const QString &id : ResultCache::policyIds()) {
        if (id == u"none"_s) {
            m_ui->policyCombo->addItem(tr("none (no cache: the baseline)"), id);
            continue;
        }
        const PolicyInfo *info = findPolicy(id);
        m_ui->policyCombo->addItem(info ? info->displayName : id, id);
        if (info)
            m_ui->policyCombo->setItemData(
                m_ui->policyCombo->count() - 1, info->summary, Qt::ToolTipRole);
    }
    m_ui->policyCombo->setCurrentIndex(m_ui->policyCombo->findData(u"qcache"_s));
    m_ui->capacitySpin->setKeyboardTracking(false);
    m_ui->ttlSpin->setKeyboardTracking(false);
    m_ui->shardsSpin->setKeyboardTracking(false);
    connect(m_ui->policyCombo, &QComboBox::currentIndexChanged, this, &CachePanel::changed);
    connect(m_ui->unitCombo, &QComboBox::currentIndexChanged, this, &CachePanel::changed);
    connect(m_ui->capacitySpin, &QSpinBox::valueChanged, this, &CachePanel::changed);
    connect(m_ui->ttlSpin, &QSpinBox::valueChanged, this, &CachePanel::changed);
    connect(m_ui->shardsSpin, &QSpinBox::valueChanged, this, &CachePanel::changed);
    connect(m_ui->singleFlightCheck, &QCheckBox::toggled, this, &CachePanel::changed);
    connect(m_ui->shadowsCheck, &QCheckBox::toggled, this, &CachePanel::changed);
}

CachePanel::~CachePanel() = default;

ResultCacheConfig CachePanel::config() const
{
    ResultCacheConfig c = m_hidden;
    c.policy = m_ui->policyCombo->currentData().toString();
    const int unit = m_ui->unitCombo->currentIndex();
    c.sizeUnit = unit == Entries ? SizeUnit::Objects : SizeUnit::Bytes;
    c.capacity = qint64(m_ui->capacitySpin->value()) * unitFactor[unit];
    c.ttlMs = m_ui->ttlSpin->value();
    c.shardCount = m_ui->shardsSpin->value();
    c.singleFlight = m_ui->singleFlightCheck->isChecked();
    return c;
}

void CachePanel::setConfig(const ResultCacheConfig &c)
{
    const QSignalBlocker blockers[]
        = { QSignalBlocker(m_ui->policyCombo), QSignalBlocker(m_ui->unitCombo),
              QSignalBlocker(m_ui->capacitySpin), QSignalBlocker(m_ui->ttlSpin),
              QSignalBlocker(m_ui->shardsSpin), QSignalBlocker(m_ui->singleFlightCheck) };
    m_hidden = c;
    int policy = m_ui->policyCombo->findData(c.policy);
    if (policy < 0) { // an id this build lacks stays selectable, so start() can report it
        m_ui->policyCombo->addItem(c.policy, c.policy);
        policy = m_ui->policyCombo->count() - 1;
    }
    m_ui->policyCombo->setCurrentIndex(policy);
    int unit = Entries;
    if (c.sizeUnit == SizeUnit::Bytes) {
        unit = c.capacity % unitFactor[MiB] == 0 ? MiB
            : c.capacity % unitFactor[KiB] == 0  ? KiB
                                                 : Bytes;
    }
    m_ui->unitCombo->setCurrentIndex(unit);
    m_ui->capacitySpin->setValue(
        int(std::clamp<qint64>(c.capacity / unitFactor[unit], 1, m_ui->capacitySpin->maximum())));
    m_ui->ttlSpin->setValue(int(std::clamp<qint64>(c.ttlMs, 0, m_ui->ttlSpin->maximum())));
    m_ui->shardsSpin->setValue(c.shardCount);
    m_ui->singleFlightCheck->setChecked(c.singleFlight);
}

bool CachePanel::shadowsEnabled() const { return m_ui->shadowsCheck->isChecked(); }

void CachePanel::setShadowsEnabled(bool enabled)
{
    const QSignalBlocker block(m_ui->shadowsCheck);
    m_ui->shadowsCheck->setChecked(enabled);
}

void CachePanel::setRunActive(bool active) { m_ui->shardsSpin->setEnabled(!active); }

} // namespace CacheScope
