// Any content of any format, gzip/xz/zstd-compressed and repeated up to 2 MiB (buffer edges).
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::packed(data, size);
}
