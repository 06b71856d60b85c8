// Custom SQL templates: placeholders outside quotes and comments, positional SQL, built-in names.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::sqlTemplate(data, size);
}
