#include "core/workload/zipfsampler.h"

#include <cmath>

namespace CacheScope {

namespace {

/// log1p(x) / x, continuous at 0.
double helper1(double x)
{
    return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

/// expm1(x) / x, continuous at 0.
double helper2(double x)
{
    return std::abs(x) > 1e-8 ? std::expm1(x) / x
                              : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

} // namespace

ZipfSampler::ZipfSampler(quint64 n, double alpha)
    : m_n(n)
    , m_alpha(alpha)
{
    m_hIntegralX1 = hIntegral(1.5) - 1.0;
    m_hIntegralN = hIntegral(double(n) + 0.5);
    m_s = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
}

quint64 ZipfSampler::sample(Xoshiro256 &rng) const
{
    for (;;) {
        // u is uniform in (hIntegral(1.5) - 1, hIntegral(n + 0.5)].
        const double u = m_hIntegralN + rng.nextDouble() * (m_hIntegralX1 - m_hIntegralN);
        const double x = hIntegralInverse(u);
        const double rounded = std::floor(x + 0.5);
        const quint64 k = !(rounded >= 1.0) ? 1 : rounded >= double(m_n) ? m_n : quint64(rounded);
        // Accept at once in the region where the hat is known to fit, else test exactly.
        if (double(k) - x <= m_s || u >= hIntegral(double(k) + 0.5) - h(double(k)))
            return k;
    }
}

double ZipfSampler::harmonic(quint64 n, double alpha)
{
    double sum = 0;
    for (quint64 k = n; k >= 1; --k) // smallest terms first for accuracy
        sum += std::pow(double(k), -alpha);
    return sum;
}

double ZipfSampler::h(double x) const { return std::exp(-m_alpha * std::log(x)); }

/// The integral of h from 1 to x, continued smoothly through alpha = 1 (where it is log x).
double ZipfSampler::hIntegral(double x) const
{
    const double logX = std::log(x);
    return helper2((1.0 - m_alpha) * logX) * logX;
}

double ZipfSampler::hIntegralInverse(double x) const
{
    double t = x * (1.0 - m_alpha);
    if (t < -1.0)
        t = -1.0; // rounding can push it just past the domain of log1p
    return std::exp(helper1(t) * x);
}

} // namespace CacheScope
