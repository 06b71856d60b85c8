#pragma once

#include "core/key.h"

#include <QString>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace CacheScope {

/// Distinct keys in bounded memory: exact up to a limit, then a HyperLogLog of 1024 registers
/// (1 KiB, standard error about 3%, linear counting while it is sparse).
class DistinctKeyCounter
{
public:
    explicit DistinctKeyCounter(std::size_t exactLimit = 1024)
        : m_exactLimit(exactLimit)
    {
    }
    void add(Key key);
    qint64 estimate() const;
    /// Whether estimate() is a HyperLogLog estimate rather than an exact count.
    bool estimated() const { return m_sketch != nullptr; }

private:
    static constexpr int precision = 10; // 2^10 registers
    void addToSketch(Key key);

    std::size_t m_exactLimit;
    std::unordered_set<Key> m_exact;
    std::unique_ptr<std::array<quint8, std::size_t(1) << precision>> m_sketch;
};

/// The most read keys in bounded memory: the space-saving algorithm (Metwally et al., 2005) over
/// a fixed number of counters. A key's count is at most `error` above its true count; any key
/// read more than reads / capacity times is among the counters.
class TopKeys
{
public:
    struct Entry
    {
        std::string key;
        quint64 count = 0;
        quint64 error = 0; // count overestimates the key's reads by at most this
    };
    explicit TopKeys(std::size_t capacity = 64)
        : m_capacity(capacity)
    {
    }
    void add(const std::string &key);
    /// The n largest counts, largest first (ties by key).
    std::vector<Entry> top(std::size_t n) const;

private:
    static constexpr std::size_t maxKeyBytes = 256; // longer keys are counted by this prefix
    std::size_t m_capacity;
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, std::size_t> m_index; // key -> position in m_entries
};

/// Reads, writes and distinct keys per key prefix, and the top keys by reads, of a Redis key
/// stream (RedisCapture). Memory is bounded: at most maxPrefixes prefixes (later ones are
/// counted under "(other)"), a DistinctKeyCounter each, a fixed TopKeys.
class KeyPrefixStats
{
public:
    struct Options
    {
        int depth = 1; // segments that make the prefix
        char separator = ':';
        int maxPrefixes = 256;
        std::size_t exactKeys = 1024; // distinct keys counted exactly per prefix
        std::size_t topKeyCounters = 64;
    };
    struct Row
    {
        QString prefix; // "user:*", "(no prefix)", "(other)"
        quint64 reads = 0; // keys read (an MGET of 3 keys is 3)
        quint64 writes = 0; // write commands (their first key)
        qint64 keys = 0; // distinct keys read or written
        bool keysEstimated = false;
        double share = 0; // of all reads
        quint64 shadowReads = 0; // reads a shadow judged (see addRead)
        quint64 shadowHits = 0;
        /// The shadow's hit ratio over this prefix's reads, when a shadow judged them.
        std::optional<double> hitRatio() const
        {
            return shadowReads ? std::optional(double(shadowHits) / double(shadowReads))
                               : std::nullopt;
        }
    };

    explicit KeyPrefixStats(Options options);
    KeyPrefixStats()
        : KeyPrefixStats(Options {})
    {
    }

    /// "user:*" for "user:42" at depth 1, "a:b:*" for "a:b:c" at depth 2 (at most the segments
    /// before the last separator), "(no prefix)" for a key without a separator.
    static QString prefixOf(std::string_view key, int depth, char separator = ':');
    /// prefixOf() as bytes.
    static std::string prefixKey(std::string_view key, int depth, char separator = ':');

    /// A read of `key` (its request key `hash`); `shadowHit`: whether the shadow of the
    /// server's own policy hit it, when one runs.
    void addRead(const std::string &key, Key hash, std::optional<bool> shadowHit);
    void addWrite(const std::string &key, Key hash);

    /// The prefixes, most reads first (then most writes, then by name).
    std::vector<Row> rows() const;
    std::vector<TopKeys::Entry> topKeys(std::size_t n) const { return m_top.top(n); }
    quint64 reads() const { return m_reads; }
    quint64 writes() const { return m_writes; }

private:
    struct Prefix
    {
        Row row;
        DistinctKeyCounter keys;
    };
    Prefix &prefixFor(const std::string &key);

    Options m_options;
    std::unordered_map<std::string, Prefix> m_prefixes; // by prefixKey()
    TopKeys m_top;
    quint64 m_reads = 0;
    quint64 m_writes = 0;
};

} // namespace CacheScope
