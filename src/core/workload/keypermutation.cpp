#include "core/workload/keypermutation.h"

#include "core/workload/request.h"

#include <bit>

namespace CacheScope {

KeyPermutation::KeyPermutation(quint64 n, quint64 seed)
    : m_n(n)
{
    const int bits = n <= 4 ? 2 : 64 - std::countl_zero(n - 1);
    m_lowBits = bits / 2;
    const int highBits = bits - m_lowBits;
    m_lowMask = (quint64(1) << m_lowBits) - 1;
    m_highMask = highBits == 64 ? ~quint64(0) : (quint64(1) << highBits) - 1;
    quint64 k = seed ^ 0x6a09e667f3bcc909ULL;
    for (quint64 &key : m_roundKeys) {
        k += 0x9e3779b97f4a7c15ULL;
        key = mixKey(k);
    }
}

quint64 KeyPermutation::encrypt(quint64 x) const
{
    // Each round xors one half with a keyed hash of the other, so it undoes itself: a bijection
    // whatever the halves' widths.
    quint64 low = x & m_lowMask;
    quint64 high = x >> m_lowBits;
    high ^= mixKey(low ^ m_roundKeys[0]) & m_highMask;
    low ^= mixKey(high ^ m_roundKeys[1]) & m_lowMask;
    high ^= mixKey(low ^ m_roundKeys[2]) & m_highMask;
    low ^= mixKey(high ^ m_roundKeys[3]) & m_lowMask;
    return (high << m_lowBits) | low;
}

} // namespace CacheScope
