#pragma once

#include "core/cache/redistier.h"
#include "core/cache/resultcache.h"

#include <QWidget>

#include <memory>

namespace Ui {
class CachePanel;
}

namespace CacheScope {

/// The result cache: policy (every live-capable registry policy, or none), capacity in
/// entries or bytes, TTL, single-flight and shard count (all but the shard count are live),
/// and whether shadow policies run beside the cache (RunConfig's flag, kept here because it
/// compares policies at this cache's capacity). Its Tiers box sets the Redis second tier
/// behind the cache (RunConfig::l2: off or a URL, its TTL and invalidation), live as well.
class CachePanel : public QWidget
{
    Q_OBJECT

public:
    explicit CachePanel(QWidget *parent = nullptr);
    ~CachePanel() override;

    ResultCacheConfig config() const;
    void setConfig(const ResultCacheConfig &config);
    void setRunActive(bool active);
    /// The "What-if: shadow policies" box: every policy shadows the live cache.
    bool shadowsEnabled() const;
    void setShadowsEnabled(bool enabled);
    /// The Tiers box: no URL when the second tier is off. The password is the one given to
    /// setL2Password(), never shown.
    L2Settings l2Settings() const;
    /// Shows `l2`; an empty password keeps the one held (a configuration file has none), and
    /// an empty URL keeps the text of the URL field (the tier is off, the address stays).
    void setL2Settings(const L2Settings &l2);
    /// The second tier's password (from the environment: --l2-password-env); never shown or
    /// saved.
    void setL2Password(const QString &password);

signals:
    void changed();

private:
    std::unique_ptr<Ui::CachePanel> m_ui;
    ResultCacheConfig m_hidden; // seed round-trips
    L2Settings m_hiddenL2; // password, prefix, timeout, "only" round-trip
    QString m_l2UrlShown; // the URL field's text when last applied or set
};

} // namespace CacheScope
