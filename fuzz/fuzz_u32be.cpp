// The u32be reader (big-endian 32-bit keys) on any bytes, compressed or not.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::traceAs(CacheScope::TraceFormat::U32Be, data, size);
}
