#pragma once

#include "core/monitor/rediscapture.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace CacheScope::Cli {

/// What `monitor --capture` adds to an interval object (cumulative since the capture began):
/// "capture" {state, commands, reads, writes, malformed, ...}, "prefixes" [{prefix, reads,
/// writes, keys, keys_estimated, share, hit_ratio (the own-policy shadow's, with --shadows)}],
/// "top_keys" [{key, reads, error}], and with --shadows "shadows" [{policy, hit_ratio}] (ranked,
/// as run --shadows) and "readouts" {measured_hit_ratio, capacity_keys, capacity_estimated,
/// own_policy {...}, allkeys_lfu, samples_10, double_memory, best {...}}.
void addCaptureJson(QJsonObject &o, const RedisCaptureSnapshot &capture, bool shadows,
    std::optional<double> measuredHitRatio);

/// The same, compact, for the table output: one line per interval; at the end the prefix and
/// top-key tables and the shadow ranking.
QString captureText(const RedisCaptureSnapshot &capture, bool shadows,
    std::optional<double> measuredHitRatio, bool final);

} // namespace CacheScope::Cli
