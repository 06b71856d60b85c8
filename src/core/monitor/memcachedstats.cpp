#include "memcachedstats.h"

#include <map>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

bool isErrorLine(QByteArrayView line)
{
    return line == "ERROR" || line.startsWith("CLIENT_ERROR") || line.startsWith("SERVER_ERROR");
}

} // namespace

bool isCompleteMemcachedReply(QByteArrayView reply)
{
    if (!reply.endsWith("\r\n"))
        return false;
    if (reply == "END\r\n" || reply.endsWith("\r\nEND\r\n"))
        return true;
    // An error replaces the whole reply: it is then the last (and only) line.
    const QByteArrayView body = reply.chopped(2);
    const qsizetype lastEol = body.lastIndexOf('\n');
    return isErrorLine(lastEol < 0 ? body : body.sliced(lastEol + 1));
}

Result<MemcachedStats> parseMemcachedStats(QByteArrayView reply)
{
    MemcachedStats stats;
    qint64 lineNumber = 0;
    bool ended = false;
    for (QByteArrayView rest = reply; !rest.isEmpty();) {
        const qsizetype eol = rest.indexOf('\n');
        QByteArrayView line = eol < 0 ? rest : rest.first(eol);
        rest = eol < 0 ? QByteArrayView() : rest.sliced(eol + 1);
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (ended)
            return Error { u"follows END in a stats reply"_s, u"stats"_s, lineNumber, {},
                QString::fromUtf8(line.first(std::min<qsizetype>(line.size(), 200))) };
        if (line == "END") {
            ended = true;
            continue;
        }
        if (isErrorLine(line))
            return Error { u"memcached refused the command: "_s + QString::fromUtf8(line),
                u"stats"_s, lineNumber, {}, {} };
        const QString text = QString::fromUtf8(line);
        const qsizetype nameEnd = text.indexOf(u' ', 5);
        if (!text.startsWith(u"STAT "_s) || nameEnd <= 5)
            return Error { u"is not a 'STAT name value' line"_s, u"stats"_s, lineNumber, {},
                text.left(200) };
        stats.insert(text.mid(5, nameEnd - 5), text.mid(nameEnd + 1));
    }
    if (!ended)
        return Error { u"the stats reply ends without END"_s, u"stats"_s, lineNumber, {}, {} };
    return stats;
}

Result<MonitorSample> memcachedSampleFromStats(
    const MemcachedStats &stats, const MemcachedStats &items)
{
    MonitorSample s;
    QString bad;
    auto number = [&](const MemcachedStats &from, const QString &name, bool required) -> qint64 {
        const auto it = from.constFind(name);
        if (it == from.constEnd()) {
            if (required && bad.isEmpty())
                bad = name;
            return 0;
        }
        bool ok = false;
        const qint64 v = it->toLongLong(&ok);
        if ((!ok || v < 0) && bad.isEmpty())
            bad = name;
        return ok && v >= 0 ? v : 0;
    };
    s.hits = quint64(number(stats, u"get_hits"_s, true));
    s.misses = quint64(number(stats, u"get_misses"_s, true));
    s.gets = quint64(number(stats, u"cmd_get"_s, true));
    s.sets = quint64(number(stats, u"cmd_set"_s, true));
    s.operations = s.gets + s.sets;
    s.evictions = quint64(number(stats, u"evictions"_s, true));
    // memcached counts no "expired" total: expired items found and reused, by a set or by the
    // LRU crawler, are what it reports.
    s.expired = quint64(number(stats, u"reclaimed"_s, false))
        + quint64(number(stats, u"crawler_reclaimed"_s, false));
    s.evictedUnfetched = quint64(number(stats, u"evicted_unfetched"_s, false));
    s.expiredUnfetched = quint64(number(stats, u"expired_unfetched"_s, false));
    s.memoryBytes = number(stats, u"bytes"_s, true);
    s.memoryLimitBytes = number(stats, u"limit_maxbytes"_s, true);
    s.keys = number(stats, u"curr_items"_s, true);
    s.clients = number(stats, u"curr_connections"_s, false);
    s.uptimeSeconds = number(stats, u"uptime"_s, false);
    if (!bad.isEmpty())
        return Error { stats.contains(bad) ? u"is not a non-negative integer"_s
                                           : u"is missing from the stats reply"_s,
            u"stats"_s, 0, bad, stats.value(bad) };
    s.instance = stats.value(u"pid"_s);

    // `items:<class>:evicted <n>`; other per-class fields are not needed here.
    std::map<int, quint64> slabs;
    for (auto it = items.constBegin(); it != items.constEnd(); ++it) {
        const QStringList parts = it.key().split(u':');
        if (parts.size() != 3 || parts[0] != u"items"_s || parts[2] != u"evicted"_s)
            continue;
        bool okClass = false;
        bool okCount = false;
        const int slab = parts[1].toInt(&okClass);
        const qint64 evicted = it->toLongLong(&okCount);
        if (!okClass || !okCount || slab < 0 || evicted < 0)
            return Error { u"is not a slab class's eviction count"_s, u"stats items"_s, 0, it.key(),
                it.value() };
        slabs[slab] = quint64(evicted);
    }
    s.slabEvictions.assign(slabs.begin(), slabs.end());
    return s;
}

} // namespace CacheScope
