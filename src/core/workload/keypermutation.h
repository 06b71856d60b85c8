#pragma once

#include <QtGlobal>

#include <array>

namespace CacheScope {

/// A seeded bijection of [0, n): a four-round Feistel network over the smallest power-of-two
/// domain that holds n, walked in cycles until the value falls back into [0, n) (Black &
/// Rogaway, "Ciphers with arbitrary finite domains", CT-RSA 2002). Generators map popularity
/// ranks through it, so hot keys are scattered over the key space instead of being 1, 2, 3...
/// yet stay distinct. At most 2n domain values means under two rounds of walking on average.
class KeyPermutation
{
public:
    KeyPermutation(quint64 n, quint64 seed);

    /// The image of x < n.
    quint64 map(quint64 x) const
    {
        if (m_n <= 1)
            return 0;
        do
            x = encrypt(x);
        while (x >= m_n);
        return x;
    }
    quint64 size() const { return m_n; }

private:
    quint64 encrypt(quint64 x) const;

    quint64 m_n;
    int m_lowBits = 1;
    quint64 m_lowMask = 1;
    quint64 m_highMask = 1;
    std::array<quint64, 4> m_roundKeys {};
};

} // namespace CacheScope
