#pragma once

#include "core/cache/redistier.h"
#include "core/cache/resultcache.h"
#include "core/db/connectionsettings.h"
#include "core/error.h"
#include "core/querylog/replayspec.h"
#include "core/workload/generator.h"

#include <QMetaType>
#include <QString>

namespace CacheScope {

/// Closed loop: N workers send requests back to back (plus optional think time).
/// Open loop: requests are scheduled at a target rate and latency is measured from each
/// request's intended start, so a stalled database shows up as queueing instead of being hidden.
enum class LoadModel { ClosedLoop, OpenLoop };

/// How requests reach the database. Threads: a worker per connection, each waiting for its
/// query's answer (QThreadPool, RunConfig::threads). Pipeline: a few event-loop threads
/// (ioThreads), each with one PostgreSQL connection in libpq's pipeline mode carrying up to its
/// share of inFlight requests at once without waiting for each answer; PostgreSQL only.
enum class IoModel { Threads, Pipeline };

/// Relative weights of the built-in read templates (normalised; all 0 is an error).
struct QueryMix
{
    double point = 1.0;
    double range = 0.0;
    double aggregate = 0.0;
    friend bool operator==(const QueryMix &, const QueryMix &) = default;
};

/// Everything a live run needs, as a value. The engine copies it; live setters change parts.
struct RunConfig
{
    ConnectionSettings database;
    /// Key distribution for template parameters (keys 1..workload.keys; `requests` is ignored:
    /// a live run is unbounded and ends with stop() or a duration).
    WorkloadSpec workload;
    QueryMix mix;
    /// Non-empty: the user's read template with :key placeholders replaces the mix. Writes
    /// (writeRatio) still run the demo write template, which must then exist in the database;
    /// a write of key k invalidates the custom result of k, not results that read other rows.
    QString customSql;
    double writeRatio = 0.0; // share of requests that run the write template (invalidating)
    int threads = 4; // worker count, 1..256 (the thread I/O model)
    IoModel io = IoModel::Threads;
    int ioThreads = 1; // pipeline: event-loop threads, each with its own connection
    int inFlight = 64; // pipeline: logical clients (requests outstanding at most) over all loops
    LoadModel loadModel = LoadModel::ClosedLoop;
    double targetRate = 0.0; // requests/s over all workers, open loop only (> 0 there)
    int thinkTimeMs = 0; // closed loop: pause between a worker's requests
    ResultCacheConfig cache; // policy "none" runs without a cache (the baseline)
    /// Shadow policies: every live-capable policy, fed the run's sampled keys (ShadowSet).
    bool shadows = false;
    /// Set: the workers replay this query log's statements (each session on one worker, in
    /// order) instead of drawing keys; workload, mix, write ratio and load model do not apply.
    QueryLogReplay queryLog;
    /// Set: Redis as the shared second tier behind the result cache (thread I/O model).
    L2Settings l2;
    /// A version board file shared with other instances (VersionBoard::open; a fleet passes
    /// one to each of its runs), so their writes make this run's cached copies count as stale.
    /// Empty: a board of this run's own.
    QString staleBoard;
    /// A fleet instance's index (0..maxFleetInstances-1): its drawers use streams of their
    /// own, so the instances of a fleet draw different keys from one hot set.
    int instance = 0;

    /// Rejects impossible values (threads < 1, write ratio outside [0,1], rate <= 0 in open
    /// loop, capacity <= 0, unknown policy, bad database settings) naming field and value.
    Result<void> validate() const;
};

/// The most workers a run may have.
inline constexpr int maxWorkerThreads = 256;
/// The most instances of a fleet (RunConfig::instance).
inline constexpr int maxFleetInstances = 64;
/// Drawer `index` (a worker or an event loop) of fleet instance `instance`: its key stream.
inline constexpr int drawerStream(int instance, int index)
{
    return instance * (maxWorkerThreads + 64) + index;
}
/// The most event-loop threads and requests in flight of the pipeline I/O model.
inline constexpr int maxIoThreads = 64;
inline constexpr int maxInFlight = 100'000;

// The checks validate() makes, one per setting, shared with QueryEngine's live setters so a
// value is judged the same way before and during a run. Errors name the field and the value.
Result<void> validateThreads(int threads);
Result<void> validateIoThreads(int threads);
Result<void> validateInFlight(int inFlight);
/// The pipeline I/O model's conditions: PostgreSQL, a connection per loop (per-thread mode),
/// keys drawn (not a query-log replay).
Result<void> validateIoModel(IoModel io, const ConnectionSettings &database, bool queryLog);
/// "threads" / "pipeline", as the CLI spells them.
QString ioModelName(IoModel io);
/// Parses "threads" or "pipeline" (also "async"); field "io" in the error.
Result<IoModel> parseIoModel(const QString &text);
Result<void> validateWriteRatio(double ratio);
Result<void> validateTargetRate(double requestsPerSecond);
Result<void> validateThinkTime(int thinkTimeMs);
Result<void> validateQueryMix(const QueryMix &mix);
/// A read template with :key placeholders; a write statement is refused.
Result<void> validateCustomSql(const QString &sql);
/// A live-capable registry id, "qcache" or "none"; `opt` is refused (it needs the future).
Result<void> validateCachePolicy(const QString &policy);
Result<void> validateCacheCapacity(qint64 capacity, SizeUnit unit);
Result<void> validateTtl(qint64 ttlMs);
/// The generator's own checks, plus keys that fit the 56-bit parameter of a cache key.
Result<void> validateLiveWorkload(const WorkloadSpec &workload);

/// Short texts for configChanged() and logs: "point 1, range 0, aggregate 0",
/// "zipf over 1000 keys, alpha 0.99", "1000" (entries) or "65536 bytes".
QString describeQueryMix(const QueryMix &mix);
QString describeWorkload(const WorkloadSpec &workload);
QString describeCapacity(qint64 capacity, SizeUnit unit);
/// "off", "redis://h:6379 (TTL 5000 ms, invalidation pubsub)".
QString describeL2(const L2Settings &l2);

} // namespace CacheScope

Q_DECLARE_METATYPE(CacheScope::RunConfig)
