#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace CacheScope {

/// One poll of a watched cache: its counters as the server reports them (cumulative since it
/// started or since its last CONFIG RESETSTAT / stats reset) and its gauges at that moment. A
/// source fills what its server has; a counter it has not stays 0.
struct MonitorSample
{
    qint64 tMs = 0; // when the poll completed, on the session's timeline
    /// What identifies one life of the server (Redis run_id, memcached pid): a change means it
    /// restarted, even if its counters happen not to have gone backwards.
    QString instance;
    qint64 uptimeSeconds = 0;

    // Cumulative counters.
    quint64 hits = 0; // Redis keyspace_hits, memcached get_hits
    quint64 misses = 0; // Redis keyspace_misses, memcached get_misses
    quint64 operations = 0; // Redis total_commands_processed, memcached cmd_get + cmd_set
    /// Of `operations`, those the monitor itself sent (Redis counts its PINGs and INFOs): left
    /// out of the rates, so an idle server reads 0 ops/s.
    quint64 ownOperations = 0;
    quint64 evictions = 0; // Redis evicted_keys, memcached evictions
    quint64 expired = 0; // Redis expired_keys, memcached reclaimed + crawler_reclaimed
    quint64 gets = 0; // memcached cmd_get
    quint64 sets = 0; // memcached cmd_set
    quint64 evictedUnfetched = 0; // memcached: evicted before anyone read them
    quint64 expiredUnfetched = 0; // memcached: expired before anyone read them
    /// memcached `stats items`: (slab class, its cumulative evictions).
    std::vector<std::pair<int, quint64>> slabEvictions;

    // Gauges.
    qint64 memoryBytes = 0; // Redis used_memory, memcached bytes
    qint64 memoryLimitBytes = 0; // Redis maxmemory (0: no limit), memcached limit_maxbytes
    /// Redis: memory that does not grow with the keys (used_memory_startup + client buffers).
    qint64 memoryBaselineBytes = 0;
    qint64 keys = 0; // Redis: keys of the selected database; memcached curr_items
    qint64 clients = 0; // connected clients

    /// PostgreSQL: the tables with the most heap block reads (hits + reads from disk or the OS
    /// cache), cumulative since the server's statistics were last reset.
    struct TableIo
    {
        QString table;
        qint64 heapBlocksHit = 0;
        qint64 heapBlocksRead = 0;
    };
    QList<TableIo> tables;

    /// Round trips timed during this poll (PING or `version`), nanoseconds.
    std::vector<qint64> roundTripNs;
};

/// What a source learned when it connected: shown once, before the first interval.
struct MonitorServerInfo
{
    QString source; // "redis", "memcached"
    QString address; // host:port
    QString version;
    /// Settings worth showing beside the charts, in order: ("maxmemory-policy", "allkeys-lru").
    QList<std::pair<QString, QString>> settings;
    /// Things the user should know (e.g. no maxmemory: nothing is ever evicted).
    QStringList notes;
};

} // namespace CacheScope
