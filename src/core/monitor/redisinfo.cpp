#include "redisinfo.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

/// `keys=1,expires=0,avg_ttl=0` -> the database's counts; false on anything else.
bool parseKeyspace(const QString &index, const QString &value, RedisInfo::Database &db)
{
    bool ok = false;
    db.index = index.toInt(&ok);
    if (!ok || db.index < 0)
        return false;
    bool sawKeys = false;
    for (const QString &part : value.split(u',')) {
        const qsizetype eq = part.indexOf(u'=');
        if (eq <= 0)
            return false;
        const QStringView name = QStringView(part).left(eq);
        const qint64 n = QStringView(part).mid(eq + 1).toLongLong(&ok);
        if (name == u"keys"_s) {
            if (!ok || n < 0)
                return false;
            db.keys = n;
            sawKeys = true;
        } else if (name == u"expires"_s) {
            if (!ok || n < 0)
                return false;
            db.expires = n;
        } // avg_ttl, subexpiry (newer versions): not needed
    }
    return sawKeys;
}

} // namespace

Result<RedisInfo> parseRedisInfo(QByteArrayView text)
{
    RedisInfo info;
    qint64 lineNumber = 0;
    for (QByteArrayView rest = text; !rest.isEmpty();) {
        const qsizetype eol = rest.indexOf('\n');
        QByteArrayView line = eol < 0 ? rest : rest.first(eol);
        rest = eol < 0 ? QByteArrayView() : rest.sliced(eol + 1);
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QString lineText = QString::fromUtf8(line);
        const qsizetype colon = lineText.indexOf(u':');
        if (colon <= 0)
            return Error { u"is not a 'name:value' line of INFO"_s, u"INFO"_s, lineNumber, {},
                lineText.left(200) };
        const QString name = lineText.left(colon);
        const QString value = lineText.mid(colon + 1);
        if (name.startsWith(u"db"_s) && value.startsWith(u"keys="_s)) {
            RedisInfo::Database db;
            if (!parseKeyspace(name.mid(2), value, db))
                return Error { u"is not a keyspace line (dbN:keys=K,expires=E,...)"_s, u"INFO"_s,
                    lineNumber, name, value.left(200) };
            info.keyspace.push_back(db);
            continue;
        }
        info.fields.insert(name, value);
    }
    return info;
}

Result<MonitorSample> redisSampleFromInfo(const RedisInfo &info, int db)
{
    MonitorSample s;
    QString missing;
    auto number = [&](const QString &name, bool required) -> qint64 {
        const auto it = info.fields.constFind(name);
        if (it == info.fields.constEnd()) {
            if (required && missing.isEmpty())
                missing = name;
            return 0;
        }
        bool ok = false;
        const qint64 v = it->toLongLong(&ok);
        if ((!ok || v < 0) && missing.isEmpty())
            missing = name;
        return ok && v >= 0 ? v : 0;
    };
    s.hits = quint64(number(u"keyspace_hits"_s, true));
    s.misses = quint64(number(u"keyspace_misses"_s, true));
    s.operations = quint64(number(u"total_commands_processed"_s, true));
    s.evictions = quint64(number(u"evicted_keys"_s, true));
    s.expired = quint64(number(u"expired_keys"_s, true));
    s.memoryBytes = number(u"used_memory"_s, true);
    s.memoryLimitBytes = number(u"maxmemory"_s, false);
    // What does not grow with the keys: Redis's own memory at startup and the clients' buffers
    // (the monitor's and the capture's among them), all inside maxmemory's accounting.
    s.memoryBaselineBytes = number(u"used_memory_startup"_s, false)
        + number(u"mem_clients_normal"_s, false) + number(u"mem_clients_slaves"_s, false);
    s.clients = number(u"connected_clients"_s, false);
    s.uptimeSeconds = number(u"uptime_in_seconds"_s, false);
    if (!missing.isEmpty())
        return Error { info.fields.contains(missing) ? u"is not a non-negative integer"_s
                                                     : u"is missing from the INFO reply"_s,
            u"INFO"_s, 0, missing, info.fields.value(missing) };
    s.instance = info.value(u"run_id"_s);
    for (const RedisInfo::Database &d : info.keyspace) {
        if (d.index == db)
            s.keys = d.keys;
    }
    return s;
}

} // namespace CacheScope
