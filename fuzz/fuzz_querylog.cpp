// Query logs: PostgreSQL csvlog, stderr logs and .sql files, each format and name rule.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::queryLog(data, size);
}
