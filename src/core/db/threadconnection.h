#pragma once

#include "core/db/connectionsettings.h"
#include "core/error.h"

#include <QSqlDatabase>
#include <QString>

namespace CacheScope {

// A QSqlDatabase belongs to the thread that opened it: every function here acts on the calling
// thread's connections only. Hold the returned QSqlDatabase handles only for the duration of a
// call chain; never keep one in a member or hand it to another thread.

/// Opens a new connection called `name` on the calling thread. SQLite: the file must exist unless
/// `createIfMissing` (then its directory must exist and be writable). PostgreSQL: connects with
/// connect_timeout = settings.connectTimeoutS. Errors name the database (Error::file), and for
/// PostgreSQL host:port, with the driver's message. Sleeps one simulated round trip if set.
Result<QSqlDatabase> openConnection(
    const ConnectionSettings &settings, const QString &name, bool createIfMissing = false);

/// Closes and removes connection `name` of the calling thread, its prepared queries first.
void closeConnection(const QString &name);

/// The calling thread's own connection for run `runId`, opened on first use and reused after.
/// A different run id (or different settings) closes the old connection and opens a new one,
/// named "cachescope-r<runId>-t<thread serial>" (unique per run and thread). The connection is
/// closed and removed on this thread when the thread ends (QThreadStorage), or by
/// releaseThreadConnection(). After a failed statement it is pinged first and reopened if the
/// server went away, so a worker recovers once the database is back.
Result<QSqlDatabase> threadConnection(const ConnectionSettings &settings, quint64 runId);

/// Closes the calling thread's own connection now (e.g. when a run stops); no-op if none.
void releaseThreadConnection();

/// Name of the calling thread's own connection, empty if it has none open.
QString threadConnectionName();

/// Drops the statements execute() prepared on connection `name` of the calling thread. Call it
/// before removing a connection you opened yourself (openConnection/closeConnection and the
/// thread connection do it for you).
void releasePreparedQueries(const QString &name);

} // namespace CacheScope
