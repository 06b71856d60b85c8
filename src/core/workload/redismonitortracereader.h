#pragma once

#include "core/workload/bytesource.h"
#include "core/workload/linereader.h"
#include "core/workload/tracereader.h"

#include <string>
#include <vector>

namespace CacheScope {

/// One line of Redis `MONITOR` output, parsed (see RedisMonitorTraceReader for the format).
struct RedisMonitorLine
{
    quint64 seconds = 0; // the timestamp's whole seconds
    quint64 db = 0;
    std::vector<std::string> args; // the command and its arguments, unescaped
};

/// Why a line is not MONITOR output: the field, its bytes (within the line) and what is wrong.
struct RedisMonitorLineProblem
{
    QString field;
    const char *begin = nullptr;
    const char *end = nullptr;
    QString message;
};

/// Parses one MONITOR line (without its line end): the one parser of MONITOR output, used by
/// the trace reader and by the live capture (RedisCapture). Outside input: any bytes give true
/// or false with `problem` set, never a crash.
bool parseRedisMonitorLine(
    const char *begin, const char *end, RedisMonitorLine &line, RedisMonitorLineProblem &problem);

/// What a MONITOR command does to keys: a read of args[first, first + count), a write whose
/// first key is args[first] (count 1), or nothing with a key (PING, INFO, SELECT, EVAL ...).
struct RedisCommandKeys
{
    enum class Kind { Read, Write, Other };
    Kind kind = Kind::Other;
    std::size_t first = 0;
    std::size_t count = 0;
};
RedisCommandKeys redisCommandKeys(const RedisMonitorLine &line);

/// The request key of a Redis key: the FNV-1a hash of its bytes, mixed with the database
/// number when it is not 0.
Key redisMonitorKey(const std::string &key, quint64 db);

/// Redis `MONITOR` output as redis-cli prints it, one command per line:
///   1339518083.107412 [0 127.0.0.1:60866] "GET" "user:42"
/// (also `[0 lua]`, `[0 unix:/path]`, `[0 [::1]:6379]`); arguments are double-quoted with
/// Redis's escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\a`, `\b`, `\xHH`). A leading "OK" line
/// (MONITOR's reply) and blank lines are skipped.
///
/// **Reads become requests**, one per key: GET, MGET (each key), EXISTS, HGET, HGETALL, LRANGE,
/// SMEMBERS, ZRANGE, TYPE, TTL ... Request has no operation field and the simulator follows
/// libCacheSim (every request a get, a miss inserts), so **writes are not replayed**: in the
/// cache-aside pattern a Redis in front of a database sees (GET k miss, SET k), and the
/// simulated miss already inserts k; replaying the SET as a second access would count a hit
/// Redis never served. SET, MSET, DEL, INCR, HSET ... are counted and reported in notes(); so
/// are commands without keys (PING, INFO, SELECT, EVAL's own line: its `[0 lua]` lines are read).
///
/// Keys are the FNV-1a hash of the key's bytes, mixed with the database number when it is not
/// 0 (db 3's "a" is another object than db 0's "a"); sizes are 1. Times are whole seconds since
/// the start of the minute of the first line, so Redis's second (LRU) and minute (LFU) clock
/// boundaries stay where the server had them.
///
/// A malformed line is counted and skipped; notes() names the count and the first few (file,
/// line, field, value). A file whose first 100 lines are all malformed, or that has no valid
/// line at all, is not MONITOR output: read() returns the first line's error.
class RedisMonitorTraceReader final : public TraceReader
{
public:
    explicit RedisMonitorTraceReader(std::unique_ptr<ByteSource> source);

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }
    qint64 estimatedRequests() const override;
    QStringList notes() const override;

    /// Counters for tests and notes().
    qint64 malformedLines() const { return m_malformed; }
    qint64 writesSkipped() const { return m_writes; }
    qint64 otherCommandsSkipped() const { return m_others; }

    /// Whether a line has the shape of MONITOR output (timestamp, bracket, quoted command):
    /// the format detector's rule.
    static bool looksLikeMonitorLine(const char *begin, const char *end);

private:
    void addKey(std::vector<Request> &out, const std::string &key, quint64 db, quint32 time);

    std::unique_ptr<ByteSource> m_source;
    LineReader m_lines;
    RedisMonitorLine m_line; // the current line
    std::vector<Request> m_pending; // keys of a multi-key read beyond the last call's max
    std::size_t m_pendingNext = 0;
    qint64 m_requests = 0;
    qint64 m_goodLines = 0;
    qint64 m_malformed = 0;
    qint64 m_writes = 0;
    qint64 m_others = 0;
    std::vector<Error> m_problems; // the first few malformed lines
    bool m_started = false;
    quint64 m_origin = 0; // the first line's minute, in seconds
    bool m_firstLine = true;
};

} // namespace CacheScope
