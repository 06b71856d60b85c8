#include "core/metrics/missratiocurve.h"
#include "core/metrics/shardssample.h"

#include <QString>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr double hashSpace = 9007199254740992.0; // 2^53: hashes are the top 53 bits of mixKey

quint64 sampleHash(Key key) { return mixKey(key) >> 11; }

/// Sorts (distance, weight) pairs and merges equal distances.
void mergeDistances(std::vector<std::pair<qint64, double>> &d)
{
    std::sort(d.begin(), d.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (out > 0 && d[out - 1].first == d[i].first)
            d[out - 1].second += d[i].second;
        else
            d[out++] = d[i];
    }
    d.resize(out);
}

} // namespace

MissRatioCurve::MissRatioCurve(std::vector<std::pair<qint64, double>> distances, double coldWeight,
    double totalWeight, SizeUnit unit)
    : m_cold(coldWeight)
    , m_total(totalWeight)
    , m_unit(unit)
{
    mergeDistances(distances);
    m_distances.reserve(distances.size());
    m_suffix.assign(distances.size() + 1, 0.0);
    for (const auto &[distance, weight] : distances)
        m_distances.push_back(distance);
    for (std::size_t i = distances.size(); i-- > 0;)
        m_suffix[i] = m_suffix[i + 1] + distances[i].second;
}

double MissRatioCurve::misses(qint64 capacity) const
{
    const auto it = std::upper_bound(m_distances.begin(), m_distances.end(), capacity);
    return m_cold + m_suffix[std::size_t(it - m_distances.begin())];
}

double MissRatioCurve::missRatio(qint64 capacity) const
{
    if (m_total <= 0)
        return 0;
    return std::clamp(misses(capacity) / m_total, 0.0, 1.0);
}

std::vector<MrcPoint> MissRatioCurve::points(std::span<const qint64> capacities) const
{
    std::vector<MrcPoint> out;
    out.reserve(capacities.size());
    for (const qint64 c : capacities)
        out.push_back({ c, missRatio(c) });
    return out;
}

StackDistanceTracker::StackDistanceTracker(std::size_t expectedRequests)
    : m_map(std::min<std::size_t>(expectedRequests, 1 << 20))
{
    rebuild(std::max<std::size_t>(expectedRequests, 16));
}

qint64 StackDistanceTracker::access(Key key, qint64 weight)
{
    if (m_next == m_weight.size())
        makeRoom();
    quint32 slot = m_map.find(key);
    qint64 distance = -1;
    if (slot != KeyIndexMap::npos) {
        const auto last = std::size_t(m_lastPos[slot]);
        distance = m_total - prefix(last) + weight;
        add(last, -m_weight[last]);
        m_total -= m_weight[last];
        m_weight[last] = 0;
        m_slotAt[last] = KeyIndexMap::npos;
    } else {
        if (m_freeSlots.empty()) {
            slot = quint32(m_lastPos.size());
            m_lastPos.push_back(0);
            m_keyOf.push_back(key);
        } else {
            slot = m_freeSlots.back();
            m_freeSlots.pop_back();
            m_keyOf[slot] = key;
        }
        m_map.insert(key, slot);
    }
    const std::size_t pos = m_next++;
    m_weight[pos] = weight;
    m_slotAt[pos] = slot;
    m_lastPos[slot] = qint64(pos);
    add(pos, weight);
    m_total += weight;
    return distance;
}

void StackDistanceTracker::remove(Key key)
{
    const quint32 slot = m_map.erase(key);
    if (slot == KeyIndexMap::npos)
        return;
    const auto last = std::size_t(m_lastPos[slot]);
    add(last, -m_weight[last]);
    m_total -= m_weight[last];
    m_weight[last] = 0;
    m_slotAt[last] = KeyIndexMap::npos;
    m_freeSlots.push_back(slot);
}

void StackDistanceTracker::removeOldest()
{
    while (m_oldest < m_next && m_slotAt[m_oldest] == KeyIndexMap::npos)
        ++m_oldest;
    if (m_oldest < m_next)
        remove(m_keyOf[m_slotAt[m_oldest]]);
}

void StackDistanceTracker::makeRoom()
{
    // Live positions are one per key; grow only when they would fill a quarter of the tree,
    // so compaction (O(size)) happens at most once per 3/4 × size requests.
    const std::size_t live = m_map.size();
    std::size_t capacity = m_weight.size();
    if (live * 4 > capacity)
        capacity = std::max(capacity * 2, live * 4);
    rebuild(capacity);
}

void StackDistanceTracker::rebuild(std::size_t capacity)
{
    std::vector<qint64> weight(capacity, 0);
    std::vector<quint32> slotAt(capacity, KeyIndexMap::npos);
    std::size_t next = 0;
    for (std::size_t pos = 0; pos < m_next; ++pos) {
        const quint32 slot = m_slotAt[pos];
        if (slot == KeyIndexMap::npos)
            continue;
        weight[next] = m_weight[pos];
        slotAt[next] = slot;
        m_lastPos[slot] = qint64(next);
        ++next;
    }
    m_weight = std::move(weight);
    m_slotAt = std::move(slotAt);
    m_next = next;
    m_oldest = 0;
    // Linear-time Fenwick build.
    m_tree.assign(capacity + 1, 0);
    for (std::size_t i = 1; i <= capacity; ++i) {
        m_tree[i] += m_weight[i - 1];
        const std::size_t parent = i + (i & (~i + 1));
        if (parent <= capacity)
            m_tree[parent] += m_tree[i];
    }
}

void StackDistanceTracker::add(std::size_t position, qint64 delta)
{
    for (std::size_t i = position + 1; i < m_tree.size(); i += i & (~i + 1))
        m_tree[i] += delta;
}

qint64 StackDistanceTracker::prefix(std::size_t position) const
{
    qint64 sum = 0;
    for (std::size_t i = position + 1; i > 0; i -= i & (~i + 1))
        sum += m_tree[i];
    return sum;
}

MissRatioCurve exactLruCurve(std::span<const Request> requests, SizeUnit unit)
{
    // Sized for the whole stream: positions never need compacting.
    StackDistanceTracker tracker(requests.size() + 1);
    quint64 cold = 0;
    std::vector<std::pair<qint64, double>> distances;
    if (unit == SizeUnit::Objects) {
        std::vector<quint64> histogram(1, 0); // index: distance, bounded by the unique keys
        for (const Request &r : requests) {
            const qint64 d = tracker.access(r.key, 1);
            if (d < 0) {
                ++cold;
                continue;
            }
            if (std::size_t(d) >= histogram.size())
                histogram.resize(std::max(histogram.size() * 2, std::size_t(d) + 1), 0);
            ++histogram[std::size_t(d)];
        }
        for (std::size_t d = 1; d < histogram.size(); ++d)
            if (histogram[d] > 0)
                distances.emplace_back(qint64(d), double(histogram[d]));
    } else {
        distances.reserve(requests.size());
        for (const Request &r : requests) {
            const qint64 d = tracker.access(r.key, qint64(r.size));
            if (d < 0)
                ++cold;
            else
                distances.emplace_back(d, 1.0);
        }
    }
    return MissRatioCurve(std::move(distances), double(cold), double(requests.size()), unit);
}

Result<void> ShardsConfig::validate() const
{
    if (!(rate > 0 && rate <= 1))
        return Error { u"must be a sampling rate in (0, 1]"_s, {}, 0, u"--rate"_s,
            QString::number(rate) };
    if (sampleSize < 0)
        return Error { u"must be a positive number of keys"_s, {}, 0, u"--sample-size"_s,
            QString::number(sampleSize) };
    return {};
}

ShardsEstimator::ShardsEstimator(const ShardsConfig &config)
    : m_config(config)
    , m_threshold(quint64(std::llround(config.rate * hashSpace)))
    , m_tracker(config.sampleSize > 0 ? std::size_t(config.sampleSize) * 4 : 4096)
{
    Q_ASSERT(config.validate().has_value());
}

void ShardsEstimator::access(const Request &request)
{
    ++m_requests;
    const quint64 hash = sampleHash(request.key);
    if (hash >= m_threshold)
        return;
    ++m_sampledRequests;
    const qint64 weight = m_config.sizeUnit == SizeUnit::Bytes ? qint64(request.size) : 1;
    const qint64 d = m_tracker.access(request.key, weight);
    const double count = 1.0 / m_scale;
    m_sampledWeight += count;
    if (d < 0) {
        m_cold += count;
        if (m_config.sampleSize > 0) {
            m_heap.emplace_back(hash, request.key);
            std::push_heap(m_heap.begin(), m_heap.end());
            if (qint64(m_heap.size()) > m_config.sampleSize)
                shrinkSample();
        }
    } else {
        // d counts the key itself plus the sampled others, which stand for (d - weight) / R.
        m_distances.emplace_back(weight + std::llround(double(d - weight) / rate()), count);
        // Keep the list at about one entry per distinct distance on long streams.
        if (m_distances.size() >= 1u << 20 && m_distances.size() % (1u << 20) == 0) {
            mergeDistances(m_distances);
            m_distances.reserve(m_distances.size() + (1u << 20));
        }
    }
}

void ShardsEstimator::accessBatch(std::span<const Request> requests)
{
    for (const Request &r : requests)
        access(r);
}

void ShardsEstimator::shrinkSample()
{
    shardsDropLargestHash(m_heap, m_tracker, m_threshold, m_scale);
}

double ShardsEstimator::rate() const { return double(m_threshold) / hashSpace; }

MissRatioCurve ShardsEstimator::curve() const
{
    std::vector<std::pair<qint64, double>> distances = m_distances;
    for (auto &d : distances)
        d.second *= m_scale;
    // SHARDS_adj: the expected number of sampled requests is R × all requests (in the fixed-size
    // variant too, as every count is rescaled to the current R); the difference is put on the
    // smallest distance, i.e. counted as hits at every size. Without it the fixed-size variant
    // reads about 8% low on a zipf(0.9) stream: hot keys dominate its early, high-rate sample.
    const double expected = rate() * double(m_requests);
    distances.emplace_back(1, expected - m_sampledWeight * m_scale);
    return MissRatioCurve(std::move(distances), m_cold * m_scale, expected, m_config.sizeUnit);
}

std::vector<qint64> curveCapacities(qint64 max, int count, bool logSpaced)
{
    std::vector<qint64> out;
    if (max <= 0 || count <= 0)
        return out;
    for (int i = 1; i <= count; ++i) {
        double c;
        if (logSpaced)
            c = count == 1 ? double(max) : std::pow(double(max), double(i - 1) / double(count - 1));
        else
            c = double(max) * double(i) / double(count);
        const qint64 v = std::max<qint64>(1, std::llround(c));
        if (out.empty() || out.back() != v)
            out.push_back(v);
    }
    return out;
}

} // namespace CacheScope
