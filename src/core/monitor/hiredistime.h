#pragma once

#include <sys/time.h>

namespace CacheScope {

/// A timeout in milliseconds as the `timeval` hiredis takes (connect and command timeouts).
inline timeval hiredisTimeout(int ms) { return { ms / 1000, suseconds_t(ms % 1000) * 1000 }; }

} // namespace CacheScope
