// Redis INFO replies: sections, name:value fields, keyspace lines, the monitor sample.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::redisInfo(data, size);
}
