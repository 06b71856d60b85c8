// Replay speed of every policy against a plain std::unordered_map + std::list LRU (the loop
// libCacheSim's LRU runs at about half the speed of), on the same in-memory requests, in one
// run. Prints requests/s per policy and the ratio to the plain LRU, plus metadata bytes per
// cached object.
#include "core/engine/simulationrunner.h"
#include "core/policy/policyregistry.h"
#include "core/workload/generator.h"
#include "core/workload/tracereader.h"
#include "plainlru.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <cstdio>
#include <map>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Workload
{
    std::string name;
    std::vector<Request> requests;
    qint64 capacity;
};

std::vector<Workload> &workloads()
{
    static std::vector<Workload> w;
    return w;
}

void plainLru(benchmark::State &state, const Workload *w)
{
    quint64 misses = 0;
    for (auto _ : state) {
        Bench::PlainLru lru(std::size_t(w->capacity));
        for (const Request &r : w->requests)
            misses += !lru.access(r.key);
        benchmark::DoNotOptimize(misses);
    }
    state.SetItemsProcessed(qint64(state.iterations()) * qint64(w->requests.size()));
    state.counters["miss_ratio"] = double(misses) / double(state.iterations() * w->requests.size());
}

void policy(benchmark::State &state, const Workload *w, QString id)
{
    double missRatio = 0;
    double bytesPerObject = 0;
    for (auto _ : state) {
        auto p = createPolicy(id, { w->capacity, SizeUnit::Objects, 42 });
        p.value()->accessBatch(w->requests); // the CLI's path: one virtual call per batch
        missRatio = p.value()->stats().missRatio();
        bytesPerObject = double(p.value()->memoryBytes()) / double(p.value()->entryCount());
        benchmark::DoNotOptimize(missRatio);
    }
    state.SetItemsProcessed(qint64(state.iterations()) * qint64(w->requests.size()));
    state.counters["miss_ratio"] = missRatio;
    state.counters["bytes_per_object"] = bytesPerObject;
}

/// Collects requests/s per benchmark name to print ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter
{
public:
    void ReportRuns(const std::vector<Run> &runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &r : runs) {
            auto it = r.counters.find("items_per_second");
            if (it != r.counters.end())
                rates[r.benchmark_name()] = it->second.value;
        }
    }
    std::map<std::string, double> rates;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);

    WorkloadSpec zipf;
    zipf.kind = u"zipf"_s;
    zipf.keys = 1'000'000;
    zipf.requests = 5'000'000;
    zipf.alpha = 0.99;
    workloads().push_back({ "zipf0.99_5M", generateRequests(zipf).value(), 27'000 });
    for (const char *t : { "lirs_multi1.trace", "cache2k_web07.trace" }) {
        auto trace
            = loadTrace(QStringLiteral(CACHESCOPE_TEST_DATA) + u'/' + QString::fromLatin1(t));
        // 10% of the unique objects, a reference.csv capacity.
        const qint64 cap = qint64(trace->uniqueObjects / 10);
        workloads().push_back({ t, std::move(trace->requests), cap });
    }
    for (Workload &w : workloads())
        annotateNextAccess(w.requests);

    for (const Workload &w : workloads()) {
        benchmark::RegisterBenchmark((w.name + "/plain_lru").c_str(), plainLru, &w)
            ->Unit(benchmark::kMillisecond);
        for (const PolicyInfo &info : policyRegistry())
            benchmark::RegisterBenchmark(
                (w.name + "/" + info.id.toStdString()).c_str(), policy, &w, info.id)
                ->Unit(benchmark::kMillisecond);
    }
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);

    std::printf(
        "\nrequests/s relative to the plain std::unordered_map + std::list LRU, same run:\n");
    for (const Workload &w : workloads()) {
        const double base = reporter.rates[w.name + "/plain_lru"];
        if (base <= 0)
            continue;
        std::printf("%-22s plain_lru %7.2f M/s\n", w.name.c_str(), base / 1e6);
        for (const PolicyInfo &info : policyRegistry()) {
            const double rate = reporter.rates[w.name + "/" + info.id.toStdString()];
            if (rate > 0)
                std::printf("%-22s %-9s %7.2f M/s  x%.2f\n", "", info.id.toStdString().c_str(),
                    rate / 1e6, rate / base);
        }
    }
    benchmark::Shutdown();
    return 0;
}
