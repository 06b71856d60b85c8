#pragma once

// Private to src/core/engine: QueryEngine's run as the engine keeps it, and the texts of its
// configChanged() descriptions, shared by queryengine.cpp (lifecycle, readings) and
// queryenginelive.cpp (the live setters).

#include "core/engine/engineworker.h"
#include "core/engine/queryengine.h"

#include <QString>

namespace CacheScope {

struct QueryEngine::Run final : Detail::EngineRun
{
    using EngineRun::EngineRun;
    qint64 startedNs = 0; // when the workers were launched; 0 before
    qint64 stoppedNs = 0; // when stop() was called; 0 while running
    qint64 pausedNs = 0; // when pause() was called last
};

namespace Detail {

inline QString onOff(bool on) { return on ? QStringLiteral("on") : QStringLiteral("off"); }

inline QString engineNumber(double value) { return QString::number(value, 'g', 10); }

inline QString loadDescription(const RunConfig &config)
{
    if (config.loadModel == LoadModel::OpenLoop)
        return QStringLiteral("open loop at %1 requests/s").arg(engineNumber(config.targetRate));
    return QStringLiteral("closed loop, think time %1 ms").arg(config.thinkTimeMs);
}

} // namespace Detail

} // namespace CacheScope
