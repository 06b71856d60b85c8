// The oracleGeneral reader (24-byte little-endian records) on any bytes, compressed or not.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::traceAs(CacheScope::TraceFormat::OracleGeneral, data, size);
}
