#pragma once

#include "core/error.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QLocale>
#include <QString>

#include <memory>
#include <optional>

namespace CacheScope {

/// One recorded run as the history lists it (the configuration, summary and points are read
/// with it by RunHistory::run()).
struct RunRecord
{
    qint64 id = 0;
    QString name;
    QString kind; // "live", "replay", "monitor"
    QDateTime startedAt; // UTC
    qint64 durationMs = 0;
    QString machine; // host name, CPU count
    bool complete = false; // false: still running, or the process ended before the summary
    QString notes;
    // For the list, from the configuration and the summary.
    QString policy;
    QString capacity;
    QString workload;
    qint64 requests = 0;
    std::optional<double> hitRatio;
    std::optional<double> p99Us; // of hits and misses together: the slower one's p99

    QJsonObject config; // no password, ever
    QJsonObject summary; // the final object of `run --output json`
    qint64 pointCount = 0;
};

/// What a run starts with.
struct RunStart
{
    QString name;
    QString kind = QStringLiteral("live");
    QJsonObject config;
    QString policy;
    QString capacity;
    QString workload;
    /// When it started (a replay recorded once done); null: now.
    QDateTime startedAt;
};

/// The runs CacheScope remembers: one SQLite database (WAL, foreign keys, a schema version in
/// `user_version`), by default `<AppDataLocation>/history.sqlite`, shared by the app and the CLI.
///
/// A run is a row written when it starts (incomplete), its time series one point a second
/// (points: the interval objects of `run --output json`), and the summary when it ends; each
/// write is its own transaction, so a process that dies mid-run leaves a run marked incomplete
/// and a database that opens, never a corrupt one. finish() keeps the newest `keep` runs.
///
/// Like every QSqlDatabase connection, an instance is used only by the thread that opened it.
class RunHistory
{
public:
    static constexpr int schemaVersion = 1;
    static constexpr int defaultKeep = 200;
    static constexpr qint64 pointSpacingMs = 1000;

    /// `<AppDataLocation>/history.sqlite` (CACHESCOPE_HISTORY overrides it).
    static QString defaultPath();
    /// Opens (creating the file and its directory when `create`) and checks the schema. Errors
    /// name the file: not a SQLite database, written by a newer CacheScope, cannot be created.
    static Result<std::unique_ptr<RunHistory>> open(const QString &path, bool create = true);
    ~RunHistory();
    RunHistory(const RunHistory &) = delete;
    RunHistory &operator=(const RunHistory &) = delete;

    QString path() const { return m_path; }

    /// A new incomplete run, started now; its id.
    Result<qint64> begin(const RunStart &start);
    /// A point of the run's time series at `tMs`: kept when it is the first in its second
    /// (pointSpacingMs) of the run's timeline; false when skipped.
    Result<bool> addPoint(qint64 id, qint64 tMs, const QJsonObject &point);
    /// The run's summary and duration; it is complete. Then only the newest `keep` runs stay.
    /// The list's figures come from the summary: requests ("requests", else a monitor's
    /// "operations"), hit ratio ("hit_ratio", else a replay's best result's), p99 (the slower
    /// of hits' and misses', else a monitor's round-trip p99).
    Result<void> finish(
        qint64 id, qint64 durationMs, const QJsonObject &summary, int keep = defaultKeep);

    /// Newest first, without configuration, summary or points.
    Result<QList<RunRecord>> list() const;
    /// One run with its configuration and summary; an error naming the id when there is none.
    Result<RunRecord> run(qint64 id) const;
    /// Its points, oldest first.
    Result<QList<std::pair<qint64, QJsonObject>>> points(qint64 id) const;
    Result<void> rename(qint64 id, const QString &name);
    Result<void> setNotes(qint64 id, const QString &notes);
    Result<void> remove(qint64 id);
    /// Deletes all but the newest `keep` runs; how many went.
    Result<int> prune(int keep);

private:
    RunHistory(QString path, QString connection);
    Result<void> exec(const QString &sql) const;
    Error error(const QString &what, const QString &detail = {}) const;
    Error noSuchRun(qint64 id) const;
    Result<void> requireRun(qint64 id) const;
    /// One text column ("name", "notes") of a run.
    Result<void> setText(qint64 id, const QString &column, const QString &value);

    QString m_path;
    QString m_connection;
    QHash<qint64, qint64> m_lastPointMs; // run id -> the last point kept
};

/// The flat differences between two configurations: ("cache.capacity", "100", "10000"), ...
struct ConfigChange
{
    QString field;
    QString a;
    QString b;
};
QList<ConfigChange> diffConfigs(const QJsonObject &a, const QJsonObject &b);
/// A configuration's fields flattened to dotted paths, in order: ("cache.capacity", "100").
QList<std::pair<QString, QString>> flattenConfig(const QJsonObject &config);

/// One measure of two runs' summaries side by side: ratios differ in points (difference is
/// b - a as a ratio), the rest in percent of a.
struct MetricComparison
{
    QString path; // dotted, in the summary: "hit_ratio", "latency_us.hit.p99"
    QString label; // "hit ratio", "hit p99 (us)"
    bool ratio = false;
    std::optional<double> a;
    std::optional<double> b;
    std::optional<double> difference() const
    {
        return a && b ? std::optional(*b - *a) : std::nullopt;
    }
    std::optional<double> percent() const
    {
        return a && b && *a != 0 ? std::optional((*b - *a) / *a * 100.0) : std::nullopt;
    }
    /// A value of this measure as the CLI, the Runs tab and the report show it: "78.6%" for a
    /// ratio, "12345" or "1.234" otherwise (group separators as `locale` has them), "n/a".
    QString formatValue(const std::optional<double> &v, const QLocale &locale = QLocale::c()) const;
    /// "+1.2 points" for a ratio, "+300" otherwise; "-" when a side is missing.
    QString formatDifference(const QLocale &locale = QLocale::c()) const;
    /// "+12.5%"; "-" when undefined.
    QString formatPercent() const;
};
/// requests, requests/s, hit ratio, evictions, errors, hit and miss p50/p99, the database's
/// buffer hit ratio; a monitor's operations, ops/s, expired keys, memory, keys and round-trip
/// p99: those either summary has. Replays (summaries with "results") add each policy's hit
/// ratio and evictions, matched by policy when each policy ran at one capacity in both, else
/// by policy and capacity (path "results.lru.hit_ratio", "results.lru@1000.hit_ratio").
QList<MetricComparison> compareSummaries(const QJsonObject &a, const QJsonObject &b);
/// A number of a summary by its dotted path; none when absent or not a number.
std::optional<double> summaryValue(const QJsonObject &summary, const QString &path);

} // namespace CacheScope
