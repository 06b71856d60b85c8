#include "core/workload/redismonitortracereader.h"

#include "core/workload/csvtracereader.h"
#include "core/workload/traceerror.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr qint64 keptProblems = 3; // malformed lines quoted in notes()
constexpr qint64 giveUpAfter = 100; // malformed lines with no valid one: not MONITOR output

/// Which arguments of a read command are keys.
enum class Keys { First, All };

struct Command
{
    bool read;
    Keys keys;
};

/// Commands by lowercase name: reads with where their keys are, and writes. Anything else
/// (PING, INFO, SELECT, MULTI, EVAL ...) has no key to replay.
const std::unordered_map<std::string_view, Command> &commands()
{
    static const std::unordered_map<std::string_view, Command> table = [] {
        std::unordered_map<std::string_view, Command> t;
        for (const std::string_view name :
            { "get", "getex", "getdel", "getrange", "substr", "strlen", "getbit", "bitcount",
                "bitpos", "hget", "hmget", "hgetall", "hexists", "hkeys", "hvals", "hlen",
                "hstrlen", "hrandfield", "hscan", "lrange", "lindex", "llen", "lpos", "smembers",
                "sismember", "smismember", "scard", "srandmember", "sscan", "zrange",
                "zrangebyscore", "zrevrange", "zrevrangebyscore", "zrangebylex", "zrevrangebylex",
                "zscore", "zmscore", "zcard", "zcount", "zlexcount", "zrank", "zrevrank",
                "zrandmember", "zscan", "type", "ttl", "pttl", "expiretime", "pexpiretime", "dump",
                "xrange", "xrevrange", "xlen", "geopos", "geodist", "geohash", "lcs" })
            t.emplace(name, Command { true, Keys::First });
        for (const std::string_view name :
            { "mget", "exists", "touch", "sinter", "sunion", "sdiff", "pfcount" })
            t.emplace(name, Command { true, Keys::All });
        for (const std::string_view name :
            { "set", "setex", "psetex", "setnx", "getset", "mset", "msetnx", "append", "setrange",
                "setbit", "incr", "incrby", "incrbyfloat", "decr", "decrby", "del", "unlink",
                "expire", "pexpire", "expireat", "pexpireat", "persist", "rename", "renamenx",
                "copy", "move", "restore", "hset", "hmset", "hsetnx", "hdel", "hincrby",
                "hincrbyfloat", "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "lset",
                "lrem", "ltrim", "linsert", "lmove", "rpoplpush", "sadd", "srem", "spop", "smove",
                "sinterstore", "sunionstore", "sdiffstore", "zadd", "zrem", "zincrby", "zpopmin",
                "zpopmax", "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "pfadd",
                "pfmerge", "xadd", "xdel", "xtrim", "geoadd", "bitop", "flushdb", "flushall" })
            t.emplace(name, Command { false, Keys::First });
        return t;
    }();
    return table;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

RedisMonitorTraceReader::RedisMonitorTraceReader(std::unique_ptr<ByteSource> source)
    : m_source(std::move(source))
    , m_lines(m_source.get())
{
    m_path = m_source->path();
    m_format = TraceFormat::RedisMonitor;
    m_fileSize = m_source->fileSize();
}

bool RedisMonitorTraceReader::looksLikeMonitorLine(const char *begin, const char *end)
{
    const char *p = begin;
    while (p < end && isDigit(*p))
        ++p;
    if (p == begin || p == end || *p != '.')
        return false;
    const char *fraction = ++p;
    while (p < end && isDigit(*p))
        ++p;
    if (p == fraction || end - p < 6 || p[0] != ' ' || p[1] != '[' || !isDigit(p[2]))
        return false;
    const char *quote = std::find(p, end, '"');
    return quote != end && quote[-1] == ' ' && quote - 2 > p && quote[-2] == ']';
}

bool parseRedisMonitorLine(
    const char *begin, const char *end, RedisMonitorLine &line, RedisMonitorLineProblem &error)
{
    auto problem = [](const QString &field, const char *b, const char *e, const QString &message) {
        return RedisMonitorLineProblem { field, b, e, message };
    };
    quint64 &seconds = line.seconds;
    quint64 &db = line.db;
    std::vector<std::string> &args = line.args;
    // Timestamp: seconds '.' microseconds.
    const char *p = begin;
    while (p < end && isDigit(*p))
        ++p;
    if (p == begin || p == end || *p != '.') {
        error = problem(
            u"timestamp"_s, begin, std::find(begin, end, ' '), u"is not seconds.microseconds"_s);
        return false;
    }
    if (parseDecimal(begin, p, seconds) != NumberParse::Ok) {
        error = problem(u"timestamp"_s, begin, p, u"is too large"_s);
        return false;
    }
    const char *q = p + 1;
    while (q < end && isDigit(*q))
        ++q;
    if (q == p + 1 || q == end || *q != ' ') {
        error = problem(
            u"timestamp"_s, begin, std::find(begin, end, ' '), u"is not seconds.microseconds"_s);
        return false;
    }
    // Client: '[' database ' ' address ']' (the address may hold brackets: [::1]:6379).
    p = q + 1;
    if (p == end || *p != '[') {
        error = problem(u"client"_s, p, end, u"does not start with '['"_s);
        return false;
    }
    const char *dbBegin = ++p;
    while (p < end && isDigit(*p))
        ++p;
    if (p == dbBegin || p == end || *p != ' ' || parseDecimal(dbBegin, p, db) != NumberParse::Ok) {
        error = problem(
            u"database"_s, dbBegin, std::find(dbBegin, end, ' '), u"is not a database number"_s);
        return false;
    }
    const char *quote = std::find(p, end, '"');
    if (quote == end || quote - p < 3 || quote[-1] != ' ' || quote[-2] != ']') {
        error
            = problem(u"client"_s, dbBegin - 1, quote, u"has no closing ']' before the command"_s);
        return false;
    }
    // Arguments: "..." separated by single spaces, with Redis's escapes.
    args.clear();
    p = quote;
    while (p < end) {
        if (*p != '"') {
            error = problem(u"argument "_s + QString::number(args.size() + 1), p, end,
                u"is not a double-quoted string"_s);
            return false;
        }
        const char *argBegin = p++;
        std::string arg;
        bool closed = false;
        while (p < end) {
            const char c = *p++;
            if (c == '"') {
                closed = true;
                break;
            }
            if (c != '\\') {
                arg.push_back(c);
                continue;
            }
            if (p == end)
                break;
            const char e = *p++;
            switch (e) {
            case 'n':
                arg.push_back('\n');
                break;
            case 'r':
                arg.push_back('\r');
                break;
            case 't':
                arg.push_back('\t');
                break;
            case 'a':
                arg.push_back('\a');
                break;
            case 'b':
                arg.push_back('\b');
                break;
            case 'x': {
                const int hi = p < end ? hexValue(p[0]) : -1;
                const int lo = p + 1 < end ? hexValue(p[1]) : -1;
                if (hi < 0 || lo < 0) {
                    error = problem(u"argument "_s + QString::number(args.size() + 1), argBegin,
                        std::min(p + 2, end), u"has a \\x escape without two hex digits"_s);
                    return false;
                }
                arg.push_back(char(hi * 16 + lo));
                p += 2;
                break;
            }
            default:
                arg.push_back(e);
                break; // \" and \\ (and any other escaped byte as is)
            }
        }
        if (!closed) {
            error = problem(u"argument "_s + QString::number(args.size() + 1), argBegin, end,
                u"has no closing quote"_s);
            return false;
        }
        args.push_back(std::move(arg));
        if (p < end) {
            if (*p != ' ' || p + 1 == end) {
                error = problem(u"argument "_s + QString::number(args.size()), argBegin, end,
                    u"is not followed by a space and another argument"_s);
                return false;
            }
            ++p;
        }
    }
    return true;
}

RedisCommandKeys redisCommandKeys(const RedisMonitorLine &line)
{
    if (line.args.size() < 2)
        return {};
    const std::string &command = line.args.front();
    std::array<char, 24> lower {};
    if (command.size() >= lower.size())
        return {}; // no command of the table is that long
    std::transform(command.begin(), command.end(), lower.begin(),
        [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    const auto found = commands().find(std::string_view(lower.data(), command.size()));
    if (found == commands().end())
        return {};
    if (!found->second.read)
        return { RedisCommandKeys::Kind::Write, 1, 1 };
    return { RedisCommandKeys::Kind::Read, 1,
        found->second.keys == Keys::First ? 1 : line.args.size() - 1 };
}

Key redisMonitorKey(const std::string &key, quint64 db)
{
    Key k = CsvTraceReader::hashKey(key.data(), key.data() + key.size());
    if (db != 0)
        k = mixKey(k ^ mixKey(db + 0x9e3779b97f4a7c15ULL));
    return k;
}

void RedisMonitorTraceReader::addKey(
    std::vector<Request> &out, const std::string &key, quint64 db, quint32 time)
{
    out.push_back(Request { redisMonitorKey(key, db), -1, 1, time });
}

Result<qsizetype> RedisMonitorTraceReader::read(std::vector<Request> &out, qsizetype max)
{
    const std::size_t before = out.size();
    // Keys of a multi-key read that did not fit the last call.
    while (m_pendingNext < m_pending.size() && qsizetype(out.size() - before) < max)
        out.push_back(m_pending[m_pendingNext++]);
    if (m_pendingNext == m_pending.size()) {
        m_pending.clear();
        m_pendingNext = 0;
    }
    const char *begin = nullptr;
    const char *end = nullptr;
    while (qsizetype(out.size() - before) < max) {
        if (!m_lines.next(begin, end))
            break;
        const char *b = begin;
        const char *e = end;
        trimBlanks(b, e);
        if (b == e)
            continue;
        if (m_firstLine) {
            m_firstLine = false;
            if (e - b == 2 && b[0] == 'O' && b[1] == 'K')
                continue; // MONITOR's own reply, as redis-cli prints it
        }
        RedisMonitorLineProblem problem;
        if (!parseRedisMonitorLine(b, e, m_line, problem)) {
            ++m_malformed;
            if (qint64(m_problems.size()) < keptProblems)
                m_problems.push_back(lineError(m_path, m_lines.lineNumber(), problem.field,
                    quoteValue(problem.begin, problem.end), problem.message));
            if (m_goodLines == 0 && m_malformed >= giveUpAfter)
                return m_problems.front();
            continue;
        }
        ++m_goodLines;
        const quint64 seconds = m_line.seconds;
        const quint64 db = m_line.db;
        if (!m_started) {
            m_started = true;
            m_origin = seconds / 60 * 60;
        }
        const auto time = quint32(std::min<quint64>(
            seconds >= m_origin ? seconds - m_origin : 0, std::numeric_limits<quint32>::max()));
        const RedisCommandKeys keys = redisCommandKeys(m_line);
        if (keys.kind == RedisCommandKeys::Kind::Other) {
            ++m_others;
            continue;
        }
        if (keys.kind == RedisCommandKeys::Kind::Write) {
            ++m_writes;
            continue;
        }
        // Keys past `max` wait in m_pending for the next call.
        for (std::size_t i = keys.first; i < keys.first + keys.count; ++i) {
            if (qsizetype(out.size() - before) < max)
                addKey(out, m_line.args[i], db, time);
            else
                addKey(m_pending, m_line.args[i], db, time);
        }
    }
    if (m_lines.hasError())
        return m_lines.error();
    const auto n = qsizetype(out.size() - before);
    if (n == 0 && m_goodLines == 0 && m_malformed > 0)
        return m_problems.front();
    m_requests += n;
    return n;
}

qint64 RedisMonitorTraceReader::estimatedRequests() const
{
    const qint64 consumed = m_lines.consumed();
    const qint64 size = m_source->estimatedSize();
    if (consumed <= 0 || size < 0)
        return -1;
    return qint64(double(m_requests) * double(size) / double(consumed));
}

QStringList RedisMonitorTraceReader::notes() const
{
    QStringList out;
    if (m_writes > 0)
        out << QString::number(m_writes)
                + u" writes (SET, DEL, INCR, HSET ...) not replayed: a simulated miss inserts "
                  "the key, as the SET after a cache-aside miss does"_s;
    if (m_others > 0)
        out << QString::number(m_others)
                + u" commands without a key to read (PING, INFO, SELECT, EVAL ...) skipped"_s;
    if (m_malformed > 0) {
        QString line = QString::number(m_malformed) + u" malformed lines skipped"_s;
        for (const Error &e : m_problems)
            line += u"; "_s + e.toString();
        out << line;
    }
    return out;
}

} // namespace CacheScope
