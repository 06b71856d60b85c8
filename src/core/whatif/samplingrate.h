#pragma once

#include "core/sizeunit.h"

#include <QtGlobal>

#include <functional>
#include <optional>

namespace CacheScope {

struct ShadowConfig;

/// The what-if shadows' sampling rate, a power of two 2^-k, and how it follows the load: judged
/// over windows of 100 ms of wall time, it falls when a ring overflowed or the consumer's CPU
/// time exceeded its budget (a share of the process's CPU time), by the factor needed (at least
/// half, at most 1/8 per window), and doubles after a second of using under a quarter of the
/// budget with no drop. It never falls below ShadowConfig::minRate, nor, in object mode and
/// against the budget only, so low that a shadow holds fewer than minShadowEntries entries.
/// What a change means for the shadows (a new epoch, resizing) is the ShadowSet's business.
/// The consumer's: one thread at a time.
class SamplingRateController
{
public:
    explicit SamplingRateController(const ShadowConfig &config);

    /// The rate is 2^-exponent().
    int exponent() const { return m_exponent; }
    double rate() const;
    /// Producers sample a key when its 53-bit hash is below this.
    quint64 threshold() const;

    /// The lowest rate's exponent for a live cache of `capacity` in `unit`: minRate's, raised
    /// so that a shadow in object mode keeps at least minShadowEntries entries.
    int exponentCap(qint64 capacity, SizeUnit unit) const;
    /// Sets the rate to 2^-k; the headroom count starts over.
    void setExponent(int k);

    /// At the end of a window (else nothing), judges it from the running totals of dropped and
    /// sampled keys; returns the exponent the rate should move to, if it should.
    std::optional<int> judge(quint64 dropped, quint64 sampled, qint64 capacity, SizeUnit unit);

    /// The clocks (ShadowConfig's for tests, else the steady, thread and process CPU clocks).
    qint64 wallNs() const;
    qint64 cpuNs() const;
    qint64 processNs() const;

private:
    double m_cpuBudget;
    qint64 m_minShadowEntries;
    bool m_adaptive;
    std::function<qint64()> m_wallClockNs;
    std::function<qint64()> m_cpuClockNs;
    std::function<qint64()> m_processCpuClockNs;

    int m_exponent;
    int m_maxExponent; // minRate's
    qint64 m_windowWallNs = 0; // 0: no window yet
    qint64 m_windowCpuNs = 0;
    qint64 m_windowProcessNs = 0;
    quint64 m_windowDropped = 0;
    quint64 m_windowSampled = 0;
    int m_headroomWindows = 0;
};

} // namespace CacheScope
