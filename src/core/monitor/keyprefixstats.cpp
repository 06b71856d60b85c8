#include "core/monitor/keyprefixstats.h"

#include <algorithm>
#include <bit>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

void DistinctKeyCounter::add(Key key)
{
    if (m_sketch) {
        addToSketch(key);
        return;
    }
    m_exact.insert(key);
    if (m_exact.size() <= m_exactLimit)
        return;
    m_sketch = std::make_unique<std::array<quint8, std::size_t(1) << precision>>();
    m_sketch->fill(0);
    for (const Key k : m_exact)
        addToSketch(k);
    m_exact = {}; // gives the memory back
}

void DistinctKeyCounter::addToSketch(Key key)
{
    const quint64 h = mixKey(key ^ 0x5bd1e9955bd1e995ULL);
    const std::size_t index = h >> (64 - precision);
    const quint64 rest = h << precision;
    const auto rank = quint8(rest == 0 ? 64 - precision + 1 : std::countl_zero(rest) + 1);
    quint8 &reg = (*m_sketch)[index];
    reg = std::max(reg, rank);
}

qint64 DistinctKeyCounter::estimate() const
{
    if (!m_sketch)
        return qint64(m_exact.size());
    constexpr double m = double(std::size_t(1) << precision);
    const double alpha = 0.7213 / (1.0 + 1.079 / m);
    double sum = 0;
    int zeros = 0;
    for (const quint8 r : *m_sketch) {
        sum += std::ldexp(1.0, -int(r));
        zeros += r == 0 ? 1 : 0;
    }
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0)
        e = m * std::log(m / double(zeros)); // linear counting while sparse
    // Never below what was counted exactly before the switch.
    return std::max(qint64(std::llround(e)), qint64(m_exactLimit) + 1);
}

void TopKeys::add(const std::string &fullKey)
{
    const std::string key = fullKey.size() > maxKeyBytes ? fullKey.substr(0, maxKeyBytes) : fullKey;
    if (const auto found = m_index.find(key); found != m_index.end()) {
        ++m_entries[found->second].count;
        return;
    }
    if (m_entries.size() < m_capacity) {
        m_index.emplace(key, m_entries.size());
        m_entries.push_back({ key, 1, 0 });
        return;
    }
    // Space-saving: the new key takes the smallest counter over, inheriting its count as error.
    const auto smallest = std::min_element(m_entries.begin(), m_entries.end(),
        [](const Entry &a, const Entry &b) { return a.count < b.count; });
    m_index.erase(smallest->key);
    const quint64 count = smallest->count;
    *smallest = Entry { key, count + 1, count };
    m_index.emplace(key, std::size_t(smallest - m_entries.begin()));
}

std::vector<TopKeys::Entry> TopKeys::top(std::size_t n) const
{
    std::vector<Entry> out = m_entries;
    std::sort(out.begin(), out.end(), [](const Entry &a, const Entry &b) {
        return a.count != b.count ? a.count > b.count : a.key < b.key;
    });
    if (out.size() > n)
        out.resize(n);
    return out;
}

KeyPrefixStats::KeyPrefixStats(Options options)
    : m_options(options)
    , m_top(options.topKeyCounters)
{
    m_options.depth = std::max(1, m_options.depth);
}

std::string KeyPrefixStats::prefixKey(std::string_view key, int depth, char separator)
{
    std::size_t end = std::string_view::npos;
    std::size_t from = 0;
    for (int i = 0; i < std::max(1, depth); ++i) {
        const std::size_t at = key.find(separator, from);
        if (at == std::string_view::npos)
            break;
        end = at;
        from = at + 1;
    }
    if (end == std::string_view::npos)
        return "(no prefix)";
    std::string out(key.substr(0, end + 1));
    out.push_back('*');
    return out;
}

QString KeyPrefixStats::prefixOf(std::string_view key, int depth, char separator)
{
    return QString::fromStdString(prefixKey(key, depth, separator));
}

KeyPrefixStats::Prefix &KeyPrefixStats::prefixFor(const std::string &key)
{
    std::string name = prefixKey(key, m_options.depth, m_options.separator);
    auto found = m_prefixes.find(name);
    if (found == m_prefixes.end()) {
        if (qsizetype(m_prefixes.size()) >= m_options.maxPrefixes)
            name = "(other)";
        found = m_prefixes
                    .try_emplace(name, Prefix { Row {}, DistinctKeyCounter(m_options.exactKeys) })
                    .first;
        found->second.row.prefix = QString::fromStdString(name);
    }
    return found->second;
}

void KeyPrefixStats::addRead(const std::string &key, Key hash, std::optional<bool> shadowHit)
{
    Prefix &p = prefixFor(key);
    ++p.row.reads;
    ++m_reads;
    p.keys.add(hash);
    if (shadowHit) {
        ++p.row.shadowReads;
        p.row.shadowHits += *shadowHit ? 1 : 0;
    }
    m_top.add(key);
}

void KeyPrefixStats::addWrite(const std::string &key, Key hash)
{
    Prefix &p = prefixFor(key);
    ++p.row.writes;
    ++m_writes;
    p.keys.add(hash);
}

std::vector<KeyPrefixStats::Row> KeyPrefixStats::rows() const
{
    std::vector<Row> out;
    out.reserve(m_prefixes.size());
    for (const auto &[name, p] : m_prefixes) {
        Row row = p.row;
        row.keys = p.keys.estimate();
        row.keysEstimated = p.keys.estimated();
        row.share = m_reads ? double(row.reads) / double(m_reads) : 0.0;
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end(), [](const Row &a, const Row &b) {
        if (a.reads != b.reads)
            return a.reads > b.reads;
        if (a.writes != b.writes)
            return a.writes > b.writes;
        return a.prefix < b.prefix;
    });
    return out;
}

} // namespace CacheScope
