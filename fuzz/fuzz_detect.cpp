// Format detection (content and name rules, --format parsing) and a whole --format auto read.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::detect(data, size);
}
