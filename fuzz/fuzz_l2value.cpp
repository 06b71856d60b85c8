// Values of the Redis second tier (decodeCachedResult, then encode and decode again).
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::l2Value(data, size);
}
