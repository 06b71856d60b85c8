#pragma once

#include "core/workload/xoshiro256.h"

namespace CacheScope {

/// Zipf ranks 1..n with P(k) proportional to 1/k^alpha, alpha >= 0, in O(1) per draw and O(1)
/// memory whatever n: rejection-inversion (Hörmann & Derflinger, "Rejection-inversion to
/// generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996), as
/// Apache Commons RNG implements it. Fewer than 1.1 tries per draw on average.
class ZipfSampler
{
public:
    ZipfSampler(quint64 n, double alpha);

    quint64 sample(Xoshiro256 &rng) const;

    /// The generalised harmonic number H(n, alpha) = sum 1/k^alpha: P(1) = 1/H.
    static double harmonic(quint64 n, double alpha);

private:
    double h(double x) const;
    double hIntegral(double x) const;
    double hIntegralInverse(double x) const;

    quint64 m_n;
    double m_alpha;
    double m_hIntegralX1;
    double m_hIntegralN;
    double m_s;
};

} // namespace CacheScope
