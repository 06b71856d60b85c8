#pragma once

#include "core/workload/tracereader.h"

#include <QByteArrayView>
#include <QString>

namespace CacheScope {

/// Decides a trace's format when the user did not say (TraceFormat::Auto). The name decides
/// when its extension is unambiguous (.txt .lirs .csv .vscsi .monitor, ".oracleGeneral"
/// anywhere in the name), after stripping .gz/.xz/.zst; otherwise (.trace, .bin, anything else) the
/// content does. Every content rule needs positive evidence, so an unknown blob is reported, never
/// guessed: the caller then asks for --format.
class TraceFormatDetector
{
public:
    /// Decoded bytes looked at for the content rules.
    static constexpr qsizetype sampleSize = qsizetype(1) << 16;

    /// The format the name implies, or Auto.
    static TraceFormat fromName(const QString &path);
    /// The format the first decoded bytes imply, or Auto when they fit none or several.
    /// `whole`: the sample is the entire data; `size`: the decoded size, or -1 if unknown.
    static TraceFormat fromContent(QByteArrayView sample, bool whole, qint64 size);

    /// Text whose lines are all decimal keys, blank, or "*" (one key at least).
    static bool looksLikeTxt(QByteArrayView sample, bool whole);
    /// Redis MONITOR output: every complete line (after an optional "OK") has its shape
    /// (timestamp, [db client], quoted command), one line at least.
    static bool looksLikeRedisMonitor(QByteArrayView sample, bool whole);
    /// At least 8 records whose version bytes all say v1 (or all v2).
    static bool looksLikeVscsi(QByteArrayView sample, qint64 size);
    /// At least 8 records with size > 0, non-decreasing times and a next-access index that is
    /// -1, INT64_MAX or after the record.
    static bool looksLikeOracleGeneral(QByteArrayView sample, qint64 size);
    /// At least 16 big-endian words that repeat as cache keys do (some values recur, none
    /// dominates, as zero padding or a header would) and are not plainly little-endian.
    static bool looksLikeU32Be(QByteArrayView sample, qint64 size);
};

} // namespace CacheScope
