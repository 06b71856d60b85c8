// The CSV reader and its options: 4 bytes of options (columns, header, delimiter), then the file.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::csv(data, size);
}
