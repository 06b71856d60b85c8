// The redis-monitor reader (Redis MONITOR output lines) on any bytes, compressed or not, and
// the detector's line rule.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::redisMonitor(data, size);
}
