#pragma once

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
/// compares policies at this cache's capacity).
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

signals:
    void changed();

private:
    std::unique_ptr<Ui::CachePanel> m_ui;
    ResultCacheConfig m_hidden; // seed round-trips
};

} // namespace CacheScope
