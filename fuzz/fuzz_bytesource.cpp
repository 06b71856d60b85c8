// Decompression (gzip, xz, zstd by magic bytes) with interleaved peeks and reads.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::byteSource(data, size);
}
