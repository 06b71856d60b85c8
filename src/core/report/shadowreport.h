#pragma once

#include "core/whatif/shadowsnapshot.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace CacheScope {

/// "1", "1/2", ..., "1/4096" for a power-of-two sampling rate; "0.0123" otherwise.
QString formatSamplingRate(double rate);

/// The shadows of a run as `cachescope-cli run --output json` prints them in its final object:
/// {"sampling_rate", "effective_rate", "offered", "sampled", "dropped", "rate_changes",
///  "capacity", "unit", "policies": [{"policy", "hit_ratio", "interval_hit_ratio", "requests",
///  "hits", "capacity"}...] (ranked), "lru_curve": [{"capacity", "miss_ratio"}...],
///  "hit_ratio_now", "hit_ratio_at_2x"}. Ratios without requests are null.
QJsonObject shadowSnapshotJson(const ShadowSnapshot &snapshot);

/// The What-if page as CSV, one table in long form: the header
/// `kind,policy,capacity,hit_ratio,interval_hit_ratio,requests,hits,miss_ratio`, a `real` row
/// for the live cache (its policy, capacity and hit ratios when given), a `ranking` row per
/// shadow policy (ranked), and a `lru_curve` row per point of the LRU miss-ratio curve
/// (capacity, miss_ratio). Ratios without requests are empty cells.
QString shadowSnapshotCsv(const ShadowSnapshot &snapshot, const QString &realPolicy = {},
    std::optional<double> realHitRatio = {}, std::optional<double> realIntervalHitRatio = {});

/// The ranking as an aligned text table under a line with the sampling, then the line
/// "at 2× capacity: hit ratio X% (now Y%)".
QString shadowSnapshotText(const ShadowSnapshot &snapshot);

} // namespace CacheScope
