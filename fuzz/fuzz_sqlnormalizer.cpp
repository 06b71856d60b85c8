// The SQL tokenizer, normalizer and classifier, and the log parameter binding, on any text.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::sqlNormalizer(data, size);
}
