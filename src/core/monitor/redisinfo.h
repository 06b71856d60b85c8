#pragma once

#include "core/error.h"
#include "core/monitor/monitorsample.h"

#include <QByteArrayView>
#include <QHash>
#include <QString>

#include <vector>

namespace CacheScope {

/// A Redis INFO reply, parsed: `name:value` fields (names are unique across sections) and the
/// keyspace lines (`db0:keys=1,expires=0,avg_ttl=0`).
struct RedisInfo
{
    struct Database
    {
        int index = 0;
        qint64 keys = 0;
        qint64 expires = 0;
    };

    QHash<QString, QString> fields;
    std::vector<Database> keyspace;

    QString value(const QString &name) const { return fields.value(name); }
};

/// Parses INFO text (CRLF or LF lines, `# Section` headers, blank lines). Outside input: any
/// bytes give a RedisInfo or an Error naming the line and its text, never a crash.
Result<RedisInfo> parseRedisInfo(QByteArrayView text);

/// The monitor sample an INFO reply describes, keys from database `db`. Fails (naming the
/// field and its value) when a counter the monitor needs is missing or not a number.
Result<MonitorSample> redisSampleFromInfo(const RedisInfo &info, int db);

} // namespace CacheScope
