#pragma once

#include "core/error.h"
#include "core/workload/request.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace CacheScope {

/// A synthetic key stream: what to draw and how many.
struct WorkloadSpec
{
    QString kind = QStringLiteral("zipf"); // uniform, zipf, hotspot, scan, shifting
    quint64 keys = 100000; // key space: keys are 1..keys before scrambling
    quint64 requests = 1000000; // length of a finite stream (simulate); 0 = unbounded
    double alpha = 0.99; // zipf and shifting exponent
    double hotKeyFraction = 0.2; // hotspot: this fraction of the keys ...
    double hotRequestFraction = 0.8; // ... takes this fraction of the requests
    quint64 shiftEvery = 100000; // shifting: the hot set moves every N requests
    quint64 seed = 42;
    /// Independent draw streams over one key space (the live engine gives each worker its own):
    /// stream s > 0 draws its own random sequence, seeded by drawSeed(), while the key
    /// permutation, the hot set and the shifting offsets stay those of `seed`, so all streams
    /// share one popularity ranking. Stream 0 is the plain stream of `seed`.
    quint64 stream = 0;
    /// Byte mode: every key gets a deterministic size in [minObjectSize, maxObjectSize],
    /// log-uniform; object mode: size 1.
    bool sizedObjects = false;
    quint32 minObjectSize = 64;
    quint32 maxObjectSize = 16384;
};

/// The seed of a generator's random draws: `seed` for stream 0, else mixed from seed and stream.
inline quint64 drawSeed(const WorkloadSpec &spec)
{
    return spec.stream == 0 ? spec.seed : mixKey(spec.seed ^ mixKey(spec.stream));
}

/// Names of the synthetic generators, for --help and validation.
QStringList workloadKinds();

/// Draws keys one at a time; seeded and reproducible. Not thread-safe: one per thread
/// (give each worker its own seed).
class KeyGenerator
{
public:
    virtual ~KeyGenerator() = default;
    virtual Key next() = 0;
    /// The size of an object under this spec (1 unless sizedObjects).
    quint32 sizeOf(Key key) const;
    Request nextRequest()
    {
        const Key k = next();
        return Request { k, -1, sizeOf(k), 0 };
    }
    const WorkloadSpec &spec() const { return m_spec; }

protected:
    explicit KeyGenerator(const WorkloadSpec &spec)
        : m_spec(spec)
    {
    }
    WorkloadSpec m_spec;
};

/// Validates the spec (kind, keys > 0, alpha >= 0, fractions in (0, 1], ...) and creates it.
/// Errors name the field (--keys, --alpha, ...) and the value.
Result<std::unique_ptr<KeyGenerator>> createGenerator(const WorkloadSpec &spec);

/// spec.requests requests from a fresh generator (spec.requests must be > 0).
Result<std::vector<Request>> generateRequests(const WorkloadSpec &spec);

} // namespace CacheScope
