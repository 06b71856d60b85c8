#pragma once

#include <QtGlobal>

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define CACHESCOPE_HAVE_TSC 1
#endif

namespace CacheScope {

/// Timestamps for per-request latency, cheap enough to take twice per cache hit.
///
/// A hit in the result cache costs about 70 ns; two steady_clock reads (vDSO clock_gettime)
/// added 35 ns to it, the time-stamp counter adds under 10. The TSC is used only where the
/// kernel itself keeps time with it (clocksource "tsc": invariant and synchronised across
/// cores), and is scaled to nanoseconds by a one-off 5 ms calibration against steady_clock;
/// anywhere else ticks are steady_clock nanoseconds.
class TickClock
{
public:
    using Ticks = quint64;

    static Ticks now() noexcept
    {
#ifdef CACHESCOPE_HAVE_TSC
        if (calibration().useTsc)
            return __rdtsc();
#endif
        return Ticks(std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch())
                         .count());
    }
    /// Nanoseconds between two now() readings (0 if end is before start).
    static qint64 elapsedNs(Ticks start, Ticks end) noexcept
    {
        return end > start ? qint64(double(end - start) * calibration().nsPerTick) : 0;
    }
    /// Whether the time-stamp counter is in use (false: steady_clock).
    static bool usesTsc() noexcept { return calibration().useTsc; }

private:
    struct Calibration
    {
        bool useTsc = false;
        double nsPerTick = 1.0;
    };
    static const Calibration &calibration() noexcept
    {
        static const Calibration c = calibrate(); // thread-safe once
        return c;
    }
    static Calibration calibrate() noexcept;
};

} // namespace CacheScope
