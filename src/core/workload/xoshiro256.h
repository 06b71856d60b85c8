#pragma once

#include "core/workload/request.h"

#include <array>

namespace CacheScope {

/// xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
/// 2018): fast, 256 bits of state, seeded through splitmix64 as its authors advise. Our own so
/// that a seed gives the same stream on every platform and standard library.
class Xoshiro256
{
public:
    explicit Xoshiro256(quint64 seed)
    {
        for (quint64 &s : m_state) {
            seed += 0x9e3779b97f4a7c15ULL; // splitmix64: mixKey is its output function
            s = mixKey(seed);
        }
    }

    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Uniform in [0, 1), 53 random bits.
    double nextDouble() { return double(next() >> 11) * 0x1.0p-53; }

    /// Uniform in [0, n), n > 0, without modulo bias (Lemire, "Fast random integer generation
    /// in an interval", 2019).
    quint64 bounded(quint64 n)
    {
        __extension__ typedef unsigned __int128 Wide;
        Wide m = Wide(next()) * n;
        auto low = quint64(m);
        if (low < n) {
            const quint64 threshold = (0 - n) % n;
            while (low < threshold) {
                m = Wide(next()) * n;
                low = quint64(m);
            }
        }
        return quint64(m >> 64);
    }

private:
    static constexpr quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }

    std::array<quint64, 4> m_state {};
};

} // namespace CacheScope
