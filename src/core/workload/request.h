#pragma once

#include "core/key.h"

#include <QtGlobal>

#include <cstdint>

namespace CacheScope {

/// One cache request as the policies see it: 24 bytes so a 5 M-request trace is 120 MB.
/// Every request is a get (libCacheSim's convention); a miss inserts the object.
struct Request
{
    Key key = 0;
    /// 0-based index of the next request for the same key, -1 if none. Filled by
    /// SimulationRunner::annotateNextAccess() for policies that need the future (opt).
    qint64 nextAccess = -1;
    quint32 size = 1; // bytes, or 1 in object mode
    quint32 time
        = 0; // seconds since the first request of the trace, saturated; not used by policies
};

static_assert(sizeof(Request) == 24);

} // namespace CacheScope
