#pragma once

#include "core/error.h"
#include "core/policy/cachepolicy.h"

#include <QString>

#include <utility>
#include <vector>

namespace CacheScope {

/// The one capacity grammar of the CLI and the app:
///
///     capacity := count [suffix] | percent
///     count    := decimal integer, 1 .. 2^63-1 once the suffix is applied
///     suffix   := K | M | G, then optionally i and/or B (K, KB, KiB, Ki; any case): powers of 1024
///     percent  := decimal number followed by '%', in (0, 100]
///
/// Where it is written decides what it may say: a replay (simulate, mrc, the Trace replay tab)
/// takes a comma-separated list whose items may be percentages of the trace's unique objects
/// (unique bytes in byte mode), and suffixes only in byte mode; a live cache (run) takes one
/// capacity, entries or (with a suffix) bytes, and no percentage since there is no trace.
/// Every error names the option and the offending item: "--capacity: '0' must be greater than 0",
/// "--capacity: '99999999999999999999' is too large".

/// A capacity as the user wrote it: an absolute number, or a percentage of the trace's
/// unique objects (unique bytes in byte mode), resolved once the trace is known.
struct CapacitySpec
{
    QString text; // "1%", "4096", "64M"
    qint64 absolute = 0; // when !isPercent
    double percent = 0; // when isPercent
    bool isPercent = false;
    bool hasSizeSuffix = false; // K/M/G: a number of bytes
};

/// Parses a replay's list "1%,10%,4096" (and K/M/G suffixes, powers of 1024, in byte mode).
/// Errors name the option and the offending item.
Result<std::vector<CapacitySpec>> parseCapacities(
    const QString &text, SizeUnit unit, const QString &option = QStringLiteral("--capacity"));

/// floor(percent × unique / 100) or the absolute value; an Error naming `option` when that is 0.
Result<qint64> resolveCapacity(const CapacitySpec &spec, quint64 uniqueObjects, quint64 uniqueBytes,
    SizeUnit unit, const QString &option = QStringLiteral("--capacity"));

/// Parses a live cache's capacity: "10000" entries, or "64MB" / "512K" / "1GiB" bytes.
/// Returns the capacity and what it counts.
Result<std::pair<qint64, SizeUnit>> parseCacheCapacity(
    const QString &text, const QString &option = QStringLiteral("--capacity"));

} // namespace CacheScope
