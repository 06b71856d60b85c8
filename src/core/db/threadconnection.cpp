#include "core/db/threadconnection.h"

#include "core/db/threadstate_p.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QThreadStorage>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

/// Serial numbers name connections: unlike thread ids, they are never reused within a process.
std::atomic<quint64> nextThreadSerial { 1 };

void removeConnectionNow(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isValid())
            db.close();
    } // the last handle must be gone before removeDatabase, or Qt warns and leaks the driver
    QSqlDatabase::removeDatabase(name);
}

/// Everything this module keeps per thread, in one object so its destruction order is fixed:
/// prepared queries first, then the connections they run on.
struct ThreadState
{
    const quint64 serial = nextThreadSerial.fetch_add(1, std::memory_order_relaxed);
    quint64 querySerial = 0;
    QString ownName; // the thread connection, empty when none is open
    quint64 ownRunId = 0;
    ConnectionSettings ownSettings;
    std::unordered_map<QString, Detail::ConnectionState> connections;

    ThreadState() = default;
    ThreadState(const ThreadState &) = delete;
    ThreadState &operator=(const ThreadState &) = delete;
    ~ThreadState()
    {
        connections.clear();
        if (!ownName.isEmpty())
            removeConnectionNow(ownName);
    }
};

// QThreadStorage, not thread_local: pool threads are detached, and thread_local destructors ran
// after ~QThreadPool() and even after main() (ENVIRONMENT.md section 3). QThreadStorage deletes
// the state on its own thread as that thread finishes, before QThread::wait() returns.
QThreadStorage<ThreadState *> t_state;

ThreadState &threadState()
{
    if (!t_state.hasLocalData())
        t_state.setLocalData(new ThreadState);
    return *t_state.localData();
}

Error openError(const ConnectionSettings &settings, const QString &message)
{
    Error error;
    error.message = message;
    error.file = settings.description();
    return error;
}

Error pathError(const ConnectionSettings &settings, const QString &message)
{
    Error error = openError(settings, message);
    error.field = u"database"_s;
    error.value = settings.database;
    return error;
}

/// Checks an SQLite path up front: QSQLITE would create a missing file silently (a typo becomes
/// an empty database) and reports a bad directory only as "unable to open database file".
Result<void> checkSqlitePath(const ConnectionSettings &settings, bool createIfMissing)
{
    const QFileInfo file(settings.database);
    const QFileInfo dir(file.absolutePath());
    if (!dir.exists())
        return pathError(settings,
            u"is in a directory that does not exist: "_s
                + QDir::toNativeSeparators(dir.filePath()));
    if (!dir.isDir())
        return pathError(settings,
            u"is under "_s + QDir::toNativeSeparators(dir.filePath())
                + u", which is not a directory"_s);
    if (file.isDir())
        return pathError(settings, u"is a directory, not a database file"_s);
    if (!file.exists()) {
        if (!createIfMissing)
            return pathError(settings,
                u"does not exist: create the demo database first "
                u"(cachescope-cli demo-db --database PATH)"_s);
        if (!dir.isWritable())
            return pathError(settings,
                u"cannot be created: the directory "_s + QDir::toNativeSeparators(dir.filePath())
                    + u" is not writable"_s);
    }
    return {};
}

QString connectOptions(const ConnectionSettings &settings)
{
    if (settings.driver == DatabaseDriver::Sqlite)
        return u"QSQLITE_BUSY_TIMEOUT=10000"_s; // writers from other threads wait, not fail
    // QPSQL joins these with spaces into the libpq conninfo string.
    QString options
        = u"connect_timeout=%1;application_name=cachescope"_s.arg(settings.connectTimeoutS);
    if (!settings.schema.isEmpty())
        options += u";options=-csearch_path="_s + settings.schema; // validated as an identifier
    return options;
}

QString driverMessage(const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.simplified(); // libpq puts newlines and tabs in its messages
}

void releaseOwnConnection(ThreadState &state)
{
    if (state.ownName.isEmpty())
        return;
    state.connections.erase(state.ownName);
    removeConnectionNow(state.ownName);
    state.ownName.clear();
}

} // namespace

namespace Detail {

ConnectionState &connectionState(const QString &name) { return threadState().connections[name]; }

void forgetConnectionState(const QString &name)
{
    if (t_state.hasLocalData())
        t_state.localData()->connections.erase(name);
}

quint64 threadSerial() { return threadState().serial; }

quint64 nextQuerySerial() { return ++threadState().querySerial; }

void simulateRoundTrip(int simulatedDelayMs)
{
    if (simulatedDelayMs > 0)
        QThread::msleep(static_cast<unsigned long>(simulatedDelayMs));
}

} // namespace Detail

Result<QSqlDatabase> openConnection(
    const ConnectionSettings &settings, const QString &name, bool createIfMissing)
{
    if (auto valid = settings.validate(); !valid)
        return valid.error();
    const QString driver = settings.qtDriverName();
    if (!QSqlDatabase::isDriverAvailable(driver))
        return openError(settings,
            u"the Qt SQL driver %1 is not installed (Debian package %2)"_s.arg(driver,
                settings.driver == DatabaseDriver::Sqlite ? u"libqt6sql6-sqlite"_s
                                                          : u"libqt6sql6-psql"_s));
    const bool sqlite = settings.driver == DatabaseDriver::Sqlite;
    if (sqlite) {
        if (auto path = checkSqlitePath(settings, createIfMissing); !path)
            return path.error();
    }
    if (QSqlDatabase::contains(name))
        closeConnection(name); // names are per thread: a leftover of this thread's

    Detail::simulateRoundTrip(settings.simulatedDelayMs); // the connection handshake
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
        db.setDatabaseName(settings.database);
        db.setConnectOptions(connectOptions(settings));
        if (!sqlite) {
            db.setHostName(settings.host);
            db.setPort(settings.port);
            db.setUserName(settings.user);
            db.setPassword(settings.password);
        }
        if (!db.open()) {
            failure = sqlite
                ? u"cannot open the SQLite database: "_s + driverMessage(db.lastError())
                : u"cannot connect to PostgreSQL at %1:%2: %3"_s.arg(
                    settings.host, QString::number(settings.port), driverMessage(db.lastError()));
        } else if (sqlite) {
            // SQLite opens lazily: reading the schema is what notices a file that is no database.
            QSqlQuery probe(db);
            if (!probe.exec(u"SELECT count(*) FROM sqlite_master"_s))
                failure = u"cannot read the SQLite database: "_s + driverMessage(probe.lastError());
            else
                probe.exec(
                    u"PRAGMA synchronous=NORMAL"_s); // durable enough in WAL; no fsync per write
        }
    }
    if (!failure.isEmpty()) {
        removeConnectionNow(name);
        return openError(settings, failure);
    }
    Detail::ConnectionState &state = Detail::connectionState(name);
    state.description = settings.description();
    state.simulatedDelayMs = settings.simulatedDelayMs;
    state.libpq = settings.driver == DatabaseDriver::Postgres
        && settings.postgresProtocol == PostgresProtocol::Prepared;
    return QSqlDatabase::database(name, false);
}

void closeConnection(const QString &name)
{
    Detail::forgetConnectionState(name);
    removeConnectionNow(name);
    if (t_state.hasLocalData() && t_state.localData()->ownName == name)
        t_state.localData()->ownName.clear();
}

Result<QSqlDatabase> threadConnection(const ConnectionSettings &settings, quint64 runId)
{
    ThreadState &state = threadState();
    if (!state.ownName.isEmpty() && (state.ownRunId != runId || state.ownSettings != settings))
        releaseOwnConnection(state);
    if (!state.ownName.isEmpty()) {
        Detail::ConnectionState &connection = state.connections[state.ownName];
        if (!connection.suspect)
            return QSqlDatabase::database(state.ownName, false);
        bool alive = false;
        {
            QSqlDatabase db = QSqlDatabase::database(state.ownName, false);
            QSqlQuery ping(db);
            alive = db.isOpen() && ping.exec(u"SELECT 1"_s);
        }
        if (alive) {
            connection.suspect = false;
            return QSqlDatabase::database(state.ownName, false);
        }
        releaseOwnConnection(state); // the server went away: reconnect below
    }
    const QString name = u"cachescope-r%1-t%2"_s.arg(runId).arg(state.serial);
    Result<QSqlDatabase> db = openConnection(settings, name);
    if (db) {
        state.ownName = name;
        state.ownRunId = runId;
        state.ownSettings = settings;
    }
    return db;
}

void releaseThreadConnection()
{
    if (t_state.hasLocalData())
        releaseOwnConnection(*t_state.localData());
}

QString threadConnectionName()
{
    return t_state.hasLocalData() ? t_state.localData()->ownName : QString();
}

void releasePreparedQueries(const QString &name)
{
    if (!t_state.hasLocalData())
        return;
    auto &connections = t_state.localData()->connections;
    if (auto it = connections.find(name); it != connections.end())
        it->second.prepared.clear();
}

} // namespace CacheScope
