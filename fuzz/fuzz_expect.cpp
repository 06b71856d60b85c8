// --expect's threshold lists (run, simulate): fields, comparisons, numbers, percentages.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::expectations(data, size);
}
