// memcached stats replies: STAT lines, END and error lines, the monitor sample.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::memcachedStats(data, size);
}
