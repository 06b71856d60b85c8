#include "core/whatif/samplingrate.h"

#include "core/metrics/lrucurvesampler.h"
#include "core/whatif/shadowset.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace CacheScope {

namespace {

constexpr qint64 adaptWindowNs = 100'000'000; // the rate is judged over 100 ms of wall time
constexpr double idleCores = 0.005; // a consumer under 0.5% of a core is never over budget
// Below this many sampled requests in a window the consumer's time is its fixed overhead (its
// wake-ups, the publications), which a lower rate would not reduce: the rate does not fall then,
// and may rise. 1000 per 100 ms costs about 1% of a core.
constexpr quint64 fewKeysPerWindow = 1000;
constexpr int raiseAfterWindows = 10; // a second of headroom before the rate doubles
constexpr int maxStepsPerWindow = 3; // the rate falls at most to 1/8 of itself per window

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 cpuClockNs(clockid_t clock)
{
    timespec ts {};
    if (clock_gettime(clock, &ts) == 0)
        return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    return -1;
}

/// CPU time of the calling thread: what the consumer costs, sleeps excluded.
qint64 threadCpuNs()
{
    const qint64 ns = cpuClockNs(CLOCK_THREAD_CPUTIME_ID);
    return ns >= 0 ? ns : steadyNs(); // no thread clock: wall time overestimates, never hides
}

/// CPU time of the whole process: the workers' and the consumer's.
qint64 processCpuNs()
{
    const qint64 ns = cpuClockNs(CLOCK_PROCESS_CPUTIME_ID);
    return ns >= 0 ? ns : steadyNs();
}

/// The exponent k of the largest power-of-two rate 2^-k not above `rate`.
int rateExponent(double rate)
{
    int k = 0;
    while (k < 52 && std::ldexp(1.0, -k) > rate * (1 + 1e-12))
        ++k;
    return k;
}

} // namespace

SamplingRateController::SamplingRateController(const ShadowConfig &config)
    : m_cpuBudget(config.cpuBudget)
    , m_minShadowEntries(config.minShadowEntries)
    , m_adaptive(config.adaptive)
    , m_wallClockNs(config.wallClockNs)
    , m_cpuClockNs(config.cpuClockNs)
    , m_processCpuClockNs(config.processCpuClockNs)
    , m_exponent(rateExponent(config.initialRate))
    , m_maxExponent(std::max(m_exponent, rateExponent(config.minRate)))
{
    m_exponent = std::min(m_exponent, exponentCap(config.capacity, config.sizeUnit));
}

double SamplingRateController::rate() const { return std::ldexp(1.0, -m_exponent); }

quint64 SamplingRateController::threshold() const { return shardsHashSpace >> m_exponent; }

int SamplingRateController::exponentCap(qint64 capacity, SizeUnit unit) const
{
    int cap = m_maxExponent;
    if (m_minShadowEntries > 0 && unit == SizeUnit::Objects) {
        int k = 0;
        while (k < cap && (capacity >> (k + 1)) >= m_minShadowEntries)
            ++k;
        cap = k;
    }
    return cap;
}

void SamplingRateController::setExponent(int k)
{
    m_exponent = k;
    m_headroomWindows = 0;
}

std::optional<int> SamplingRateController::judge(
    quint64 dropped, quint64 sampled, qint64 capacity, SizeUnit unit)
{
    const qint64 wall = wallNs();
    if (m_windowWallNs != 0 && wall - m_windowWallNs < adaptWindowNs)
        return std::nullopt; // the CPU clocks are system calls: read once a window
    const qint64 cpu = cpuNs();
    const qint64 process = processNs();
    if (m_windowWallNs == 0) {
        m_windowWallNs = wall;
        m_windowCpuNs = cpu;
        m_windowProcessNs = process;
        m_windowDropped = dropped;
        m_windowSampled = sampled;
        return std::nullopt;
    }
    const qint64 elapsed = wall - m_windowWallNs;
    // The budget is a share of what the whole process used in the window, so it holds
    // however much of the machine the run gets (a loaded machine gives the workers less,
    // and the consumer's allowance falls with them); an idle floor keeps a paused run from
    // driving the rate down.
    const double used = double(cpu - m_windowCpuNs);
    const double allowed
        = std::max(m_cpuBudget * double(process - m_windowProcessNs), idleCores * double(elapsed));
    const bool dropping = dropped > m_windowDropped;
    const quint64 sampledInWindow = sampled - m_windowSampled;
    const bool fewKeys = sampledInWindow < fewKeysPerWindow;
    m_windowWallNs = wall;
    m_windowCpuNs = cpu;
    m_windowProcessNs = process;
    m_windowDropped = dropped;
    m_windowSampled = sampled;
    if (!m_adaptive)
        return std::nullopt;
    const bool overBudget = used > allowed && !fewKeys;
    // The entry floor holds against the CPU budget (accuracy first: a small cache's shadows
    // cost little), not against overflowing rings, which would lose keys at random.
    const int cap = dropping ? m_maxExponent : exponentCap(capacity, unit);
    if ((dropping || overBudget) && m_exponent < cap) {
        // Fall towards the rate that fits the budget (cost is about proportional to the
        // rate), so a start at rate 1 under millions of requests/s settles in a few windows
        // instead of one epoch per halving; at most 1/8 per window, as one window (the
        // first, while the workers warm up) can overstate the cost.
        int steps = 1;
        if (overBudget)
            steps = std::clamp(int(std::ceil(std::log2(used / allowed))), 1, maxStepsPerWindow);
        return std::min(cap, m_exponent + steps);
    }
    // Headroom: well under budget, or so few keys that twice as many still count as few.
    const bool veryFewKeys = sampledInWindow < fewKeysPerWindow / 4;
    if (!dropping && (used < allowed / 4 || veryFewKeys) && m_exponent > 0) {
        if (++m_headroomWindows >= raiseAfterWindows)
            return m_exponent - 1;
        return std::nullopt;
    }
    m_headroomWindows = 0;
    return std::nullopt;
}

qint64 SamplingRateController::wallNs() const
{
    return m_wallClockNs ? m_wallClockNs() : steadyNs();
}

qint64 SamplingRateController::cpuNs() const
{
    return m_cpuClockNs ? m_cpuClockNs() : threadCpuNs();
}

qint64 SamplingRateController::processNs() const
{
    return m_processCpuClockNs ? m_processCpuClockNs() : processCpuNs();
}

} // namespace CacheScope
