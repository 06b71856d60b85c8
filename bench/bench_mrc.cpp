// Miss-ratio curve speed (issue #6): SHARDS at rate 0.01 and the exact one-pass LRU curve
// against the obvious alternative, 20 LRU replays (one per capacity), on the same in-memory
// zipf stream, in one run. Prints each method's time and the speed-up over the replays.
#include "core/metrics/missratiocurve.h"
#include "core/policy/policyregistry.h"
#include "core/workload/generator.h"
#include "core/workload/tracereader.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <cmath>
#include <cstdio>
#include <map>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

std::vector<Request> g_requests;
std::vector<qint64> g_capacities; // 20, evenly spaced up to the unique keys

void replay20(benchmark::State &state)
{
    for (auto _ : state) {
        std::vector<MrcPoint> points;
        for (const qint64 c : g_capacities) {
            auto lru = createPolicy(u"lru", { c, SizeUnit::Objects, 42 });
            lru.value()->accessBatch(g_requests);
            points.push_back({ c, lru.value()->stats().missRatio() });
        }
        benchmark::DoNotOptimize(points.data());
    }
    state.SetItemsProcessed(qint64(state.iterations()) * qint64(g_requests.size()));
}

void exactCurve(benchmark::State &state)
{
    for (auto _ : state) {
        const std::vector<MrcPoint> points = exactLruCurve(g_requests).points(g_capacities);
        benchmark::DoNotOptimize(points.data());
    }
    state.SetItemsProcessed(qint64(state.iterations()) * qint64(g_requests.size()));
}

void shards(benchmark::State &state, double rate, qint64 sampleSize)
{
    const MissRatioCurve exact = exactLruCurve(g_requests);
    double mae = 0;
    for (auto _ : state) {
        ShardsEstimator estimator({ rate, sampleSize, SizeUnit::Objects });
        estimator.accessBatch(g_requests);
        const std::vector<MrcPoint> points = estimator.curve().points(g_capacities);
        benchmark::DoNotOptimize(points.data());
        mae = 0;
        for (const MrcPoint &p : points)
            mae += std::abs(p.missRatio - exact.missRatio(p.capacity));
        mae /= double(points.size());
    }
    state.SetItemsProcessed(qint64(state.iterations()) * qint64(g_requests.size()));
    state.counters["mae"] = mae;
}

/// Collects seconds per iteration per benchmark name to print ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter
{
public:
    void ReportRuns(const std::vector<Run> &runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &r : runs)
            seconds[r.benchmark_name()]
                = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit);
    }
    std::map<std::string, double> seconds;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);

    WorkloadSpec spec;
    spec.kind = u"zipf"_s;
    spec.keys = 200'000;
    spec.requests = 2'000'000;
    spec.alpha = 0.99;
    g_requests = generateRequests(spec).value();
    quint64 unique = 0;
    quint64 bytes = 0;
    countUnique(g_requests, &unique, &bytes);
    g_capacities = curveCapacities(qint64(unique), 20);

    benchmark::RegisterBenchmark("zipf0.99_2M/replay_lru_x20", replay20)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("zipf0.99_2M/exact_curve", exactCurve)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("zipf0.99_2M/shards_rate0.01", shards, 0.01, qint64(0))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("zipf0.99_2M/shards_size8192", shards, 1.0, qint64(8192))
        ->Unit(benchmark::kMillisecond);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);

    const double base = reporter.seconds["zipf0.99_2M/replay_lru_x20"];
    if (base > 0) {
        std::printf("\nspeed-up over 20 LRU replays (%.0f ms), same run:\n", base * 1e3);
        for (const char *name : { "exact_curve", "shards_rate0.01", "shards_size8192" }) {
            const double s = reporter.seconds[std::string("zipf0.99_2M/") + name];
            if (s > 0)
                std::printf("  %-16s %9.1f ms  x%.1f\n", name, s * 1e3, base / s);
        }
    }
    benchmark::Shutdown();
    return 0;
}
