#pragma once

#include "core/error.h"
#include "core/monitor/monitorsample.h"

#include <QByteArrayView>
#include <QHash>
#include <QString>

namespace CacheScope {

/// The `STAT name value` lines of one memcached `stats`, `stats slabs` or `stats items`
/// reply (the value is the rest of the line: `STAT version 1.6.18`).
using MemcachedStats = QHash<QString, QString>;

/// Whether `reply` holds a whole reply to a stats command: up to `END\r\n`, or an `ERROR`,
/// `CLIENT_ERROR ...` or `SERVER_ERROR ...` line. Lets the socket know when to stop reading.
bool isCompleteMemcachedReply(QByteArrayView reply);

/// Parses one whole stats reply. Outside input: any bytes give the stats or an Error (the
/// server's own error line, or the line that is not `STAT name value`), never a crash.
Result<MemcachedStats> parseMemcachedStats(QByteArrayView reply);

/// The monitor sample of a `stats` reply and a `stats items` reply (per-slab evictions).
/// Fails, naming the field, when a counter the monitor needs is missing or not a number.
Result<MonitorSample> memcachedSampleFromStats(
    const MemcachedStats &stats, const MemcachedStats &items);

} // namespace CacheScope
