#include "core/workload/generator.h"

#include "core/workload/hotspotgenerator.h"
#include "core/workload/scangenerator.h"
#include "core/workload/traceerror.h"
#include "core/workload/uniformgenerator.h"
#include "core/workload/zipfgenerator.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

Result<void> validate(const WorkloadSpec &spec, const QString &kind)
{
    if (!workloadKinds().contains(kind)) {
        return optionError(u"--workload"_s, spec.kind,
            u"is not a workload; use "_s + workloadKinds().join(u", "_s));
    }
    if (spec.keys == 0)
        return optionError(u"--keys"_s, u"0"_s, u"must be at least 1"_s);
    if ((kind == u"zipf"_s || kind == u"shifting"_s)
        && !(spec.alpha >= 0 && std::isfinite(spec.alpha))) {
        return optionError(
            u"--alpha"_s, QString::number(spec.alpha), u"must be a finite number >= 0"_s);
    }
    if (kind == u"hotspot"_s) {
        if (!(spec.hotKeyFraction > 0 && spec.hotKeyFraction <= 1))
            return optionError(
                u"--hot-keys"_s, QString::number(spec.hotKeyFraction), u"must be in (0, 1]"_s);
        if (!(spec.hotRequestFraction > 0 && spec.hotRequestFraction <= 1))
            return optionError(u"--hot-requests"_s, QString::number(spec.hotRequestFraction),
                u"must be in (0, 1]"_s);
    }
    if (kind == u"shifting"_s && spec.shiftEvery == 0)
        return optionError(u"--shift-every"_s, u"0"_s, u"must be at least 1"_s);
    if (spec.sizedObjects) {
        if (spec.minObjectSize == 0)
            return optionError(u"--min-size"_s, u"0"_s, u"must be at least 1"_s);
        if (spec.minObjectSize > spec.maxObjectSize)
            return optionError(u"--min-size"_s, QString::number(spec.minObjectSize),
                u"must not be larger than --max-size ("_s + QString::number(spec.maxObjectSize)
                    + u')');
    }
    return {};
}

} // namespace

QStringList workloadKinds()
{
    return { u"uniform"_s, u"zipf"_s, u"hotspot"_s, u"scan"_s, u"shifting"_s };
}

quint32 KeyGenerator::sizeOf(Key key) const
{
    if (!m_spec.sizedObjects)
        return 1;
    // Log-uniform: as many objects between 64 B and 128 B as between 8 KiB and 16 KiB.
    const double u = double(mixKey(key ^ m_spec.seed) >> 11) * 0x1.0p-53;
    const double low = std::log(double(m_spec.minObjectSize));
    const double high = std::log(double(m_spec.maxObjectSize) + 1.0);
    const double size = std::floor(std::exp(low + u * (high - low)));
    return std::clamp(
        quint32(std::min(size, 4294967295.0)), m_spec.minObjectSize, m_spec.maxObjectSize);
}

Result<std::unique_ptr<KeyGenerator>> createGenerator(const WorkloadSpec &spec)
{
    const QString kind = spec.kind.toLower();
    if (const Result<void> valid = validate(spec, kind); !valid)
        return valid.error();
    std::unique_ptr<KeyGenerator> generator;
    if (kind == u"uniform"_s)
        generator = std::make_unique<UniformGenerator>(spec);
    else if (kind == u"zipf"_s)
        generator = std::make_unique<ZipfGenerator>(spec, 0);
    else if (kind == u"shifting"_s)
        generator = std::make_unique<ZipfGenerator>(spec, spec.shiftEvery);
    else if (kind == u"hotspot"_s)
        generator = std::make_unique<HotspotGenerator>(spec);
    else
        generator = std::make_unique<ScanGenerator>(spec);
    return generator;
}

Result<std::vector<Request>> generateRequests(const WorkloadSpec &spec)
{
    if (spec.requests == 0)
        return optionError(u"--requests"_s, u"0"_s, u"must be at least 1"_s);
    Result<std::unique_ptr<KeyGenerator>> created = createGenerator(spec);
    if (!created)
        return created.error();
    KeyGenerator &generator = **created;
    std::vector<Request> requests;
    requests.reserve(std::size_t(spec.requests));
    for (quint64 i = 0; i < spec.requests; ++i)
        requests.push_back(generator.nextRequest());
    return requests;
}

} // namespace CacheScope
