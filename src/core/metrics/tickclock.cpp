#include "core/metrics/tickclock.h"

#include <QFile>

namespace CacheScope {

TickClock::Calibration TickClock::calibrate() noexcept
{
    Calibration c;
#ifdef CACHESCOPE_HAVE_TSC
    QFile source(
        QStringLiteral("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
    if (!source.open(QIODevice::ReadOnly) || source.readAll().trimmed() != "tsc")
        return c;
    using namespace std::chrono;
    const auto t0 = steady_clock::now();
    const quint64 tsc0 = __rdtsc();
    auto t1 = t0;
    while (t1 - t0 < milliseconds(5))
        t1 = steady_clock::now();
    const quint64 tsc1 = __rdtsc();
    if (tsc1 <= tsc0)
        return c;
    c.useTsc = true;
    c.nsPerTick = double(duration_cast<nanoseconds>(t1 - t0).count()) / double(tsc1 - tsc0);
#endif
    return c;
}

} // namespace CacheScope
