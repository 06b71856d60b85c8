#include "core/policy/policyregistry.h"

#include "core/policy/arcpolicy.h"
#include "core/policy/clockpolicy.h"
#include "core/policy/fifopolicy.h"
#include "core/policy/lfupolicy.h"
#include "core/policy/lirspolicy.h"
#include "core/policy/lrupolicy.h"
#include "core/policy/optpolicy.h"
#include "core/policy/qcachepolicy.h"
#include "core/policy/randompolicy.h"
#include "core/policy/redispolicy.h"
#include "core/policy/s3fifopolicy.h"
#include "core/policy/sievepolicy.h"
#include "core/policy/twoqpolicy.h"
#include "core/policy/wtinylfupolicy.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

template <typename P> std::unique_ptr<CachePolicy> create(const PolicyConfig &config)
{
    return std::make_unique<P>(config);
}

template <RedisEviction Kind> std::unique_ptr<CachePolicy> createRedis(const PolicyConfig &config)
{
    return std::make_unique<RedisPolicy>(config, Kind);
}

} // namespace

const std::vector<PolicyInfo> &policyRegistry()
{
    static const std::vector<PolicyInfo> registry = {
        { u"lru"_s, u"LRU"_s, u"least recently used"_s, false, create<LruPolicy> },
        { u"fifo"_s, u"FIFO"_s, u"first in, first out"_s, false, create<FifoPolicy> },
        { u"lfu"_s, u"LFU"_s, u"least frequently used while resident, LRU among equals"_s, false,
            create<LfuPolicy> },
        { u"random"_s, u"Random"_s, u"evicts a uniformly random entry (seeded)"_s, false,
            create<RandomPolicy> },
        { u"clock"_s, u"CLOCK"_s, u"second chance with one reference bit"_s, false,
            create<ClockPolicy> },
        { u"arc"_s, u"ARC"_s, u"recency and frequency lists balanced by ghost hits"_s, false,
            create<ArcPolicy> },
        { u"twoq"_s, u"2Q"_s, u"FIFO probation, ghost queue and LRU main queue"_s, false,
            create<TwoQPolicy> },
        { u"lirs"_s, u"LIRS"_s, u"low inter-reference recency set with a small HIR queue"_s, false,
            create<LirsPolicy> },
        { u"sieve"_s, u"SIEVE"_s, u"FIFO with a visited bit and a sweeping hand"_s, false,
            create<SievePolicy> },
        { u"s3fifo"_s, u"S3-FIFO"_s, u"small, main and ghost FIFO queues"_s, false,
            create<S3FifoPolicy> },
        { u"wtinylfu"_s, u"W-TinyLFU"_s, u"LRU window, frequency-sketch admission, segmented LRU"_s,
            false, create<WTinyLfuPolicy> },
        { u"qcache"_s, u"QCache"_s, u"Qt's QCache as a policy (LRU by cost)"_s, false,
            create<QCachePolicy> },
        { u"redis-lru"_s, u"Redis LRU"_s,
            u"Redis's allkeys-lru: K sampled keys into a 16-entry pool, 1 s clock"_s, false,
            createRedis<RedisEviction::Lru> },
        { u"redis-lfu"_s, u"Redis LFU"_s,
            u"Redis's allkeys-lfu: Morris log counters with decay, sampled like redis-lru"_s, false,
            createRedis<RedisEviction::Lfu> },
        { u"redis-random"_s, u"Redis random"_s,
            u"Redis's allkeys-random: a random key, the one just written included"_s, false,
            createRedis<RedisEviction::Random> },
        { u"opt"_s, u"Belady OPT"_s, u"offline optimum: evicts the furthest next use"_s, true,
            create<OptPolicy> },
    };
    return registry;
}

const PolicyInfo *findPolicy(QStringView id)
{
    for (const PolicyInfo &info : policyRegistry()) {
        if (info.id == id)
            return &info;
    }
    return nullptr;
}

QString policyIdList()
{
    QStringList ids;
    for (const PolicyInfo &info : policyRegistry())
        ids << info.id;
    return ids.join(u", "_s);
}

Result<std::unique_ptr<CachePolicy>> createPolicy(QStringView id, const PolicyConfig &config)
{
    const PolicyInfo *info = findPolicy(id);
    if (!info)
        return Error { u"is not a policy; valid ids: "_s + policyIdList(), {}, 0, u"policy"_s,
            id.toString() };
    if (config.capacity <= 0)
        return Error { u"must be a positive number of "_s
                + (config.sizeUnit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s),
            {}, 0, u"capacity"_s, QString::number(config.capacity) };
    return info->create(config);
}

} // namespace CacheScope
