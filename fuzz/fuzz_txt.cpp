// The txt reader (one decimal key per line) on any bytes, compressed or not.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::traceAs(CacheScope::TraceFormat::Txt, data, size);
}
