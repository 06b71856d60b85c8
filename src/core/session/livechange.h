#pragma once

#include "core/cache/redistier.h"
#include "core/error.h"
#include "core/sizeunit.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <utility>

namespace CacheScope {

/// One live change to a running run, as `run --control stdin` reads it (one JSON object per
/// line, from `fleet`, the app's Fleet page or a script): every field optional.
struct LiveChange
{
    std::optional<L2Invalidation> invalidation; // "invalidation": "none" | "pubsub" | "tracking"
    std::optional<double> writeRatio; // "write_ratio": 0..1
    std::optional<qint64> l2TtlMs; // "l2_ttl_ms": 0 (none) or more
    std::optional<int> threads; // "threads": 1..256
    std::optional<std::pair<qint64, SizeUnit>> capacity; // "capacity": "1000", "64MB" or 1000
    std::optional<QString> policy; // "policy": a live policy id (checked when applied)
    bool stop = false; // "stop": true
};

/// Parses one control line. Outside input: any bytes give a LiveChange or an Error naming the
/// field and its value (a line that is not a JSON object: field "line"); unknown fields are
/// errors, so a typo is not silently ignored. Values are range-checked as the engine's setters
/// check them; the policy id is left to the engine.
Result<LiveChange> parseLiveChange(QByteArrayView line);

} // namespace CacheScope
