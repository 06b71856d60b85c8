#pragma once

#include "core/engine/capacity.h"
#include "core/engine/simulationrunner.h"
#include "core/error.h"
#include "core/workload/tracereader.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

namespace CacheScope {

/// A request stream read once (a trace, or a synthetic workload) that every (policy, capacity)
/// job of a replay shares.
struct ReplayStream
{
    QString name; // trace path, or a description of the synthetic workload
    QString format; // trace format name, or "synthetic"
    std::vector<Request> requests;
    quint64 uniqueObjects = 0;
    quint64 uniqueBytes = 0; // sum of each object's size at its first request
    bool nextAccessAnnotated = false;
    /// The requests carry times (some request's `time` is not 0): Redis's clocks read them.
    bool timed = false;
    /// What the reader skipped or assumed ("12 writes not replayed"), one line each.
    QStringList notes;

    /// Fills Request::nextAccess once (one backward pass) for policies that need the future.
    void annotateNextAccess();
};

/// Reads a whole trace once (loadTrace()); a trace without requests is an Error naming the file.
/// `cancel` and `progress` as in loadTrace().
Result<ReplayStream> readReplayTrace(const QString &path, const TraceOptions &options = {},
    const std::atomic<bool> *cancel = nullptr,
    const std::function<void(qint64, qint64)> &progress = {});

/// The order of a replay's capacities: as the user wrote them (duplicates after resolution
/// dropped), or ascending.
enum class CapacityOrder { AsGiven, Ascending };
/// The order of the jobs: every policy at the first capacity, then at the next (capacity-major),
/// or every capacity of the first policy, then of the next (policy-major).
enum class JobOrder { CapacityMajor, PolicyMajor };

/// What a replay was asked for, as the front end got it.
struct ReplaySpec
{
    /// Registry ids, deduplicated in order; {"all"} for every policy when allowAllPolicies.
    QStringList policies;
    /// A list in the capacity grammar (capacity.h): "1%,10%,4096".
    QString capacities = QStringLiteral("10%");
    SizeUnit sizeUnit = SizeUnit::Objects;
    /// How the front end calls its options, for error messages ("--policy", "capacities").
    QString policyOption = QStringLiteral("--policy");
    QString capacityOption = QStringLiteral("--capacity");
    bool allowAllPolicies = false;
    CapacityOrder capacityOrder = CapacityOrder::AsGiven;
};

/// The (policy, capacity) jobs of a trace replay, shared by `simulate`, `mrc` and the Trace
/// replay tab. create() checks everything that can be checked before the trace is read
/// (policies known, capacities parse); resolve() turns percentages into capacities once the
/// stream's unique objects/bytes are known; jobs() lists the pairs for runSimulations().
class ReplayPlan
{
public:
    static Result<ReplayPlan> create(const ReplaySpec &spec);

    /// Resolves every capacity against the stream (floor of the percentage of its unique
    /// objects, or unique bytes in byte mode), drops the duplicates ("1%" and "26" may be one
    /// capacity: simulated once) and orders them. An Error naming the capacity option when a
    /// percentage comes to 0.
    Result<void> resolve(quint64 uniqueObjects, quint64 uniqueBytes);
    Result<void> resolve(const ReplayStream &stream)
    {
        return resolve(stream.uniqueObjects, stream.uniqueBytes);
    }
    /// Uses these capacities instead of the spec's (mrc --points), deduplicated and ordered.
    void setCapacities(const std::vector<qint64> &capacities);

    const QStringList &policies() const { return m_policies; }
    SizeUnit sizeUnit() const { return m_sizeUnit; }
    const std::vector<CapacitySpec> &capacitySpecs() const { return m_specs; }
    /// The resolved capacities; empty before resolve() or setCapacities().
    const std::vector<qint64> &capacities() const { return m_capacities; }
    /// Some policy needs the future of the stream (opt): annotate it before running.
    bool needsFuture() const;
    bool needsFuture(const QStringList &policies) const;

    /// Every (policy, capacity) pair, or only those of `policies` (a subset, in the plan's
    /// policy order) when not empty.
    std::vector<SimulationJob> jobs(
        JobOrder order = JobOrder::CapacityMajor, const QStringList &policies = {}) const;

    /// Runs jobs() (or `jobs` when given) over the stream with runSimulations(): the plan's size
    /// unit, the stream's annotation. The stream must be annotated if needsFuture().
    Result<std::vector<SimulationResult>> run(const ReplayStream &stream, SimulationOptions options,
        const std::vector<SimulationJob> &jobs) const;
    Result<std::vector<SimulationResult>> run(
        const ReplayStream &stream, const SimulationOptions &options) const
    {
        return run(stream, options, jobs());
    }

private:
    QStringList m_policies;
    SizeUnit m_sizeUnit = SizeUnit::Objects;
    QString m_capacityOption;
    CapacityOrder m_order = CapacityOrder::AsGiven;
    std::vector<CapacitySpec> m_specs;
    std::vector<qint64> m_capacities;
};

/// Checks policy ids against the registry and drops repeats (order kept); with allowAll, a list
/// that is just "all" is every policy. The error names `option` and lists the valid ids.
Result<QStringList> resolvePolicies(const QStringList &ids,
    const QString &option = QStringLiteral("--policy"), bool allowAll = true);

} // namespace CacheScope
