#pragma once

#include "core/workload/request.h"

namespace CacheScope {

// Cache keys of query results. A cached result is identified by the template that produced it
// and the template's one parameter (the value bound to :key), packed into one 64-bit Key so the
// policies, ResultCache and offline simulation all see plain integers:
//
//     bits 63..56  template id   0 = none (raw keys from traces and generators)
//                                1 point, 2 range, 3 aggregate, 4 write (never cached; named so
//                                its effects can be listed), 16..255 user (custom) templates
//     bits 55..0   parameter     0 .. 2^56 - 1; values outside that range alias (stored mod 2^56)
//
// Example: the point result for customer 42 is 0x0100'0000'0000'002A; the write for customer 42
// invalidates 0x01..2A, 0x02..2A and 0x03..2A (SqlTemplate::affectedKeys()).

constexpr int cacheKeyParameterBits = 56;
constexpr Key cacheKeyParameterMask = (Key(1) << cacheKeyParameterBits) - 1;

/// The cache key of template `templateId` run with `parameter`.
constexpr Key cacheKey(quint8 templateId, qint64 parameter) noexcept
{
    return (Key(templateId) << cacheKeyParameterBits)
        | (static_cast<Key>(parameter) & cacheKeyParameterMask);
}

/// The template id packed in a cache key (0 for a raw key).
constexpr quint8 cacheKeyTemplateId(Key key) noexcept
{
    return static_cast<quint8>(key >> cacheKeyParameterBits);
}

/// The parameter packed in a cache key.
constexpr qint64 cacheKeyParameter(Key key) noexcept
{
    return static_cast<qint64>(key & cacheKeyParameterMask);
}

static_assert(cacheKey(1, 42) == 0x0100'0000'0000'002AULL);
static_assert(cacheKeyTemplateId(cacheKey(3, 7)) == 3 && cacheKeyParameter(cacheKey(3, 7)) == 7);

} // namespace CacheScope
