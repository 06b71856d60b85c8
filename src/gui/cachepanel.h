#pragma once

#include "core/cache/resultcache.h"

#include <QWidget>

#include <memory>

namespace Ui {
class CachePanel;
}

namespace CacheScope {

/// The result cache: policy (every live-capable registry policy, or none), capacity in
/// entries or bytes, TTL, single-flight and shard count. All but the shard count are live.
class CachePanel : public QWidget
{
    Q_OBJECT

public:
    explicit CachePanel(QWidget *parent = nullptr);
    ~CachePanel() override;

    ResultCacheConfig config() const;
    void setConfig(const ResultCacheConfig &config);
    void setRunActive(bool active);

signals:
    void changed();

private:
    std::unique_ptr<Ui::CachePanel> m_ui;
    ResultCacheConfig m_hidden; // seed round-trips
};

} // namespace CacheScope
