#include "cachepanel.h"

#include "ui_cachepanel.h"

#include "core/policy/policyregistry.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

enum UnitIndex { Entries, Bytes, KiB, MiB };
constexpr qint64 unitFactor[] = { 1, 1, 1024, 1024 * 1024 };
enum TierIndex { TierOff, TierRedis };

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

    const std::pair<L2Invalidation, QString> invalidations[] = {
        { L2Invalidation::None,
            tr("Other instances' writes are not heard of: an L1 copy lives until its TTL or "
               "eviction (stale reads grow with the TTL)") },
        { L2Invalidation::PubSub,
            tr("A write publishes the keys it changed; every instance subscribes and drops its "
               "L1 copies") },
        { L2Invalidation::Tracking,
            tr("Redis's client-side caching (CLIENT TRACKING, broadcast mode): Redis itself "
               "reports every change of a key") },
    };
    for (const auto &[mode, tip] : invalidations) {
        m_ui->l2InvalidationCombo->addItem(invalidationName(mode), int(mode));
        m_ui->l2InvalidationCombo->setItemData(
            m_ui->l2InvalidationCombo->count() - 1, tip, Qt::ToolTipRole);
    }
    m_ui->l2TtlSpin->setKeyboardTracking(false);
    connect(m_ui->l2Combo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index == TierRedis && m_ui->l2UrlEdit->text().trimmed().isEmpty())
            m_ui->l2UrlEdit->setText(m_ui->l2UrlEdit->placeholderText());
        m_l2UrlShown = m_ui->l2UrlEdit->text();
        emit changed();
    });
    // Applied once typed (Enter or leaving the field), never at every keystroke; an address
    // typed while the tier is off turns it on, an emptied field turns it off.
    connect(m_ui->l2UrlEdit, &QLineEdit::editingFinished, this, [this] {
        if (m_ui->l2UrlEdit->text() == m_l2UrlShown)
            return;
        m_l2UrlShown = m_ui->l2UrlEdit->text();
        const int tier = m_l2UrlShown.trimmed().isEmpty() ? TierOff : TierRedis;
        if (tier != m_ui->l2Combo->currentIndex())
            m_ui->l2Combo->setCurrentIndex(tier); // emits changed()
        else if (tier == TierRedis)
            emit changed();
    });
    connect(m_ui->l2TtlSpin, &QSpinBox::valueChanged, this, &CachePanel::changed);
    connect(m_ui->l2InvalidationCombo, &QComboBox::currentIndexChanged, this, &CachePanel::changed);
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

L2Settings CachePanel::l2Settings() const
{
    L2Settings l2 = m_hiddenL2;
    const bool on = m_ui->l2Combo->currentIndex() == TierRedis;
    l2.url = on ? m_ui->l2UrlEdit->text().trimmed() : QString();
    l2.ttlMs = m_ui->l2TtlSpin->value();
    // Without a second tier there is nothing to hear invalidations through.
    l2.invalidation = on ? L2Invalidation(m_ui->l2InvalidationCombo->currentData().toInt())
                         : L2Invalidation::None;
    return l2;
}

void CachePanel::setL2Settings(const L2Settings &l2)
{
    const QSignalBlocker blockers[]
        = { QSignalBlocker(m_ui->l2Combo), QSignalBlocker(m_ui->l2UrlEdit),
              QSignalBlocker(m_ui->l2TtlSpin), QSignalBlocker(m_ui->l2InvalidationCombo) };
    const QString password = m_hiddenL2.password;
    m_hiddenL2 = l2;
    if (l2.password.isEmpty())
        m_hiddenL2.password = password;
    m_ui->l2Combo->setCurrentIndex(l2.isSet() ? TierRedis : TierOff);
    if (l2.isSet())
        m_ui->l2UrlEdit->setText(l2.url);
    m_l2UrlShown = m_ui->l2UrlEdit->text();
    m_ui->l2TtlSpin->setValue(int(std::clamp<qint64>(l2.ttlMs, 0, m_ui->l2TtlSpin->maximum())));
    if (l2.isSet()) // off: the box keeps the mode chosen for the next time it is on
        m_ui->l2InvalidationCombo->setCurrentIndex(
            m_ui->l2InvalidationCombo->findData(int(l2.invalidation)));
}

void CachePanel::setL2Password(const QString &password) { m_hiddenL2.password = password; }

void CachePanel::setRunActive(bool active) { m_ui->shardsSpin->setEnabled(!active); }

} // namespace CacheScope
