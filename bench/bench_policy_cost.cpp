// One policy's replay of one workload, once, for instruction-level cost under callgrind:
// `bench/policy-cost` runs it for every policy in two builds and compares the counts, which
// (unlike requests/s) do not move with the load of a shared machine.
//
//   bench_policy_cost POLICY|plain_lru zipf|lirs|web07
//   bench_policy_cost --list-policies
//
// Only the call of replayOnce() is meant to be counted
// (`valgrind --tool=callgrind --toggle-collect=cachescope_replay_once`): the same work one
// iteration of bench_policies measures (create the policy, replay the requests in one batch).
#include "core/engine/simulationrunner.h"
#include "core/policy/policyregistry.h"
#include "core/workload/generator.h"
#include "core/workload/tracereader.h"
#include "plainlru.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstring>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

/// The measured call; extern "C" so callgrind's --toggle-collect can name it.
extern "C" __attribute__((noinline)) double cachescope_replay_once(
    const char *policyId, const Request *requests, std::size_t count, qint64 capacity)
{
    const std::span<const Request> span(requests, count);
    if (std::strcmp(policyId, "plain_lru") == 0) {
        Bench::PlainLru lru { std::size_t(capacity) };
        quint64 misses = 0;
        for (const Request &r : span)
            misses += !lru.access(r.key);
        return double(misses) / double(count);
    }
    auto p = createPolicy(QString::fromLatin1(policyId), { capacity, SizeUnit::Objects, 42 });
    if (!p) {
        std::fprintf(stderr, "bench_policy_cost: %s\n", qPrintable(p.error().toString()));
        return -1;
    }
    p.value()->accessBatch(span);
    return p.value()->stats().missRatio();
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 2 && std::strcmp(argv[1], "--list-policies") == 0) {
        for (const PolicyInfo &info : policyRegistry())
            std::printf("%s\n", qPrintable(info.id));
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_policy_cost POLICY|plain_lru zipf|lirs|web07\n");
        return 2;
    }
    const QString workload = QString::fromLatin1(argv[2]);
    std::vector<Request> requests;
    qint64 capacity = 0;
    if (workload == u"zipf") {
        WorkloadSpec zipf; // bench_policies' stream
        zipf.kind = u"zipf"_s;
        zipf.keys = 1'000'000;
        zipf.requests = 5'000'000;
        zipf.alpha = 0.99;
        requests = generateRequests(zipf).value();
        capacity = 27'000;
    } else if (workload == u"lirs" || workload == u"web07") {
        const QString file
            = workload == u"lirs" ? u"lirs_multi1.trace"_s : u"cache2k_web07.trace"_s;
        auto trace = loadTrace(QStringLiteral(CACHESCOPE_TEST_DATA) + u'/' + file);
        if (!trace) {
            std::fprintf(stderr, "bench_policy_cost: %s\n", qPrintable(trace.error().toString()));
            return 1;
        }
        capacity = qint64(trace->uniqueObjects / 10);
        requests = std::move(trace->requests);
    } else {
        std::fprintf(
            stderr, "bench_policy_cost: unknown workload '%s' (zipf, lirs, web07)\n", argv[2]);
        return 2;
    }
    annotateNextAccess(requests);
    const double missRatio
        = cachescope_replay_once(argv[1], requests.data(), requests.size(), capacity);
    if (missRatio < 0)
        return 1;
    std::printf("%s %s miss_ratio %.6f\n", argv[1], argv[2], missRatio);
    return 0;
}
