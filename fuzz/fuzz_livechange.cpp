// Control lines of `run --control stdin` (parseLiveChange).
#include "fuzzbodies.h"

#ifndef CACHESCOPE_FUZZ_CONFIGJSON
#error "core/session/configjson.h is missing: fuzz/CMakeLists.txt builds this target only with it"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return CacheScope::Fuzz::liveChange(data, size);
}
