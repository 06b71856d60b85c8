// Invalidation messages the second tier's listener reads from Redis (pub/sub and tracking).
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::invalidationMessage(data, size);
}
