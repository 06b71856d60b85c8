#pragma once

#include "core/error.h"
#include "core/monitor/monitorsample.h"

namespace CacheScope {

/// A connection or server error: a sentence, not tied to a file, line or option.
inline Error monitorError(const QString &message) { return Error { message, {}, 0, {}, {} }; }

/// A cache CacheScope watches but did not build (Redis, memcached). Its calls block, with
/// timeouts, and are made on the monitor session's own thread only (MonitorSession): a source
/// may create sockets there and must not be touched from another thread.
class MonitorSource
{
public:
    virtual ~MonitorSource() = default;

    /// Connects (and authenticates); again after a lost connection. The error says what the
    /// user can do about it (unreachable, wrong password).
    virtual Result<MonitorServerInfo> connect() = 0;
    /// One poll: the counters and gauges now, plus a few timed round trips. An error means the
    /// connection is lost; the session reconnects with backoff.
    virtual Result<MonitorSample> poll() = 0;
    virtual void disconnect() = 0;
    /// "redis", "memcached".
    virtual QString kind() const = 0;
    /// host:port.
    virtual QString address() const = 0;
};

} // namespace CacheScope
