#pragma once

#include "core/whatif/shadowsnapshot.h"

#include <QJsonObject>
#include <QString>

namespace CacheScope {

/// "1", "1/2", ..., "1/4096" for a power-of-two sampling rate; "0.0123" otherwise.
QString formatSamplingRate(double rate);

/// The shadows of a run as `cachescope-cli run --output json` prints them in its final object:
/// {"sampling_rate", "effective_rate", "offered", "sampled", "dropped", "rate_changes",
///  "capacity", "unit", "policies": [{"policy", "hit_ratio", "interval_hit_ratio", "requests",
///  "hits", "capacity"}...] (ranked), "lru_curve": [{"capacity", "miss_ratio"}...],
///  "hit_ratio_now", "hit_ratio_at_2x"}. Ratios without requests are null.
QJsonObject shadowSnapshotJson(const ShadowSnapshot &snapshot);

/// The ranking as an aligned text table under a line with the sampling, then the line
/// "at 2× capacity: hit ratio X% (now Y%)".
QString shadowSnapshotText(const ShadowSnapshot &snapshot);

} // namespace CacheScope
