#pragma once

#include <QtGlobal>

namespace CacheScope {

using Key = quint64;

/// A 64-bit finaliser (splitmix64 / murmur3 fmix): spreads keys for hashing and scrambling.
constexpr quint64 mixKey(quint64 x) noexcept
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

} // namespace CacheScope
