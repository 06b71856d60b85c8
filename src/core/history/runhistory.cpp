#include "runhistory.h"

#include <QDir>
#include <QFileInfo>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>

#include <atomic>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

std::atomic<int> connectionCounter { 0 };

QString compactJson(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject parseObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

/// Text for a NOT NULL column: a null QString binds as NULL.
QString text(const QString &s) { return s.isNull() ? u""_s : s; }

QVariant optionalReal(const std::optional<double> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Double));
}

std::optional<double> realOf(const QVariant &v)
{
    if (v.isNull() || !v.isValid())
        return std::nullopt;
    return v.toDouble();
}

QString machineName()
{
    return u"%1 (%2 CPUs)"_s.arg(QHostInfo::localHostName()).arg(QThread::idealThreadCount());
}

/// The p99 a user waits for: the slower of hits' and misses' that has any; a monitor's round
/// trips (latency_us.p99 with a count).
std::optional<double> p99Of(const QJsonObject &summary)
{
    const QJsonObject latency = summary.value(u"latency_us"_s).toObject();
    std::optional<double> worst;
    for (const QString &path : { u"hit"_s, u"miss"_s }) {
        const QJsonObject l = latency.value(path).toObject();
        if (l.value(u"count"_s).toDouble() > 0)
            worst = std::max(worst.value_or(0.0), l.value(u"p99"_s).toDouble());
    }
    if (!worst && latency.value(u"p99"_s).isDouble() && latency.value(u"count"_s).toDouble() > 0)
        worst = latency.value(u"p99"_s).toDouble();
    return worst;
}

/// The list's requests: a run's or a replay's "requests", a monitor's "operations".
qint64 requestsOf(const QJsonObject &summary)
{
    const QJsonValue requests = summary.value(u"requests"_s);
    return qint64((requests.isDouble() ? requests : summary.value(u"operations"_s)).toDouble());
}

/// The list's hit ratio: "hit_ratio", or a replay's best result's.
std::optional<double> hitRatioOf(const QJsonObject &summary)
{
    if (const QJsonValue ratio = summary.value(u"hit_ratio"_s); ratio.isDouble())
        return ratio.toDouble();
    std::optional<double> best;
    for (const auto &result : summary.value(u"results"_s).toArray()) {
        const QJsonValue ratio = result.toObject().value(u"hit_ratio"_s);
        if (ratio.isDouble())
            best = std::max(best.value_or(0.0), ratio.toDouble());
    }
    return best;
}

const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS runs ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL,"
    " started_at TEXT NOT NULL,"
    " duration_ms INTEGER NOT NULL DEFAULT 0,"
    " machine TEXT NOT NULL DEFAULT '',"
    " config TEXT NOT NULL DEFAULT '{}',"
    " summary TEXT,"
    " complete INTEGER NOT NULL DEFAULT 0,"
    " notes TEXT NOT NULL DEFAULT '',"
    " policy TEXT NOT NULL DEFAULT '',"
    " capacity TEXT NOT NULL DEFAULT '',"
    " workload TEXT NOT NULL DEFAULT '',"
    " requests INTEGER NOT NULL DEFAULT 0,"
    " hit_ratio REAL,"
    " p99_us REAL)",
    "CREATE TABLE IF NOT EXISTS points ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " t_ms INTEGER NOT NULL,"
    " data TEXT NOT NULL,"
    " PRIMARY KEY (run_id, t_ms)) WITHOUT ROWID",
};

const QString listColumns = u"id, name, kind, started_at, duration_ms, machine, complete, notes, "
                            "policy, capacity, workload, requests, hit_ratio, p99_us"_s;

RunRecord recordOf(const QSqlQuery &q)
{
    RunRecord r;
    r.id = q.value(0).toLongLong();
    r.name = q.value(1).toString();
    r.kind = q.value(2).toString();
    r.startedAt = QDateTime::fromString(q.value(3).toString(), Qt::ISODateWithMs); // "...Z": UTC
    r.durationMs = q.value(4).toLongLong();
    r.machine = q.value(5).toString();
    r.complete = q.value(6).toInt() != 0;
    r.notes = q.value(7).toString();
    r.policy = q.value(8).toString();
    r.capacity = q.value(9).toString();
    r.workload = q.value(10).toString();
    r.requests = q.value(11).toLongLong();
    r.hitRatio = realOf(q.value(12));
    r.p99Us = realOf(q.value(13));
    return r;
}

void flatten(const QJsonValue &v, const QString &prefix, QMap<QString, QString> &out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flatten(it.value(), prefix.isEmpty() ? it.key() : prefix + u'.' + it.key(), out);
        return;
    }
    if (v.isArray()) {
        out.insert(
            prefix, QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)));
        return;
    }
    if (v.isString())
        out.insert(prefix, v.toString());
    else if (v.isBool())
        out.insert(prefix, v.toBool() ? u"true"_s : u"false"_s);
    else if (v.isDouble())
        out.insert(prefix, QString::number(v.toDouble(), 'g', 15));
    else
        out.insert(prefix, u"null"_s);
}

} // namespace

QString RunHistory::defaultPath()
{
    QString fromEnv = qEnvironmentVariable("CACHESCOPE_HISTORY");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/history.sqlite"_s;
}

RunHistory::RunHistory(QString path, QString connection)
    : m_path(std::move(path))
    , m_connection(std::move(connection))
{
}

RunHistory::~RunHistory()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

Error RunHistory::error(const QString &what, const QString &detail) const
{
    return Error { detail.isEmpty() ? what : what + u": "_s + detail, m_path, 0, {}, {} };
}

Result<void> RunHistory::exec(const QString &sql) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(sql))
        return error(u"the run history cannot be read or written"_s, q.lastError().text());
    return {};
}

Result<std::unique_ptr<RunHistory>> RunHistory::open(const QString &path, bool create)
{
    const QFileInfo info(path);
    if (!create && !info.exists())
        return Error { u"no run history yet (no run has been recorded)"_s, path, 0, {}, {} };
    if (info.exists() && info.isDir())
        return Error { u"the run history is a directory, not a file"_s, path, 0, {}, {} };
    if (create && !QDir().mkpath(info.absolutePath()))
        return Error { u"cannot create the run history's directory"_s, info.absolutePath(), 0, {},
            {} };
    const QString connection = u"cachescope-history-%1"_s.arg(connectionCounter.fetch_add(1));
    std::unique_ptr<RunHistory> h(new RunHistory(path, connection));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (!db.open())
            return h->error(u"cannot open the run history"_s, db.lastError().text());
    }
    // The first read tells a SQLite database from any other file.
    QSqlQuery q(QSqlDatabase::database(connection, false));
    if (!q.exec(u"PRAGMA user_version"_s) || !q.next())
        return h->error(
            u"not a CacheScope run history (not a SQLite database)"_s, q.lastError().text());
    const int version = q.value(0).toInt();
    q.finish();
    if (version > schemaVersion)
        return h->error(u"the run history was written by a newer CacheScope (schema %1, this "
                        "one reads %2)"_s.arg(version)
                            .arg(schemaVersion));
    if (version == 0) {
        // A new file, or another application's SQLite database (it has tables of its own).
        if (!q.exec(u"SELECT count(*) FROM sqlite_master WHERE name NOT IN ('runs', 'points') "
                    "AND name NOT LIKE 'sqlite_%'"_s)
            || !q.next())
            return h->error(u"cannot read the run history"_s, q.lastError().text());
        if (q.value(0).toInt() > 0)
            return h->error(
                u"not a CacheScope run history (a SQLite database with other tables)"_s);
        q.finish();
    }
    for (const QString &pragma : { u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s,
             u"PRAGMA foreign_keys=ON"_s }) {
        if (Result<void> r = h->exec(pragma); !r)
            return r.error();
    }
    for (const char *statement : schema) {
        if (Result<void> r = h->exec(QString::fromLatin1(statement)); !r)
            return r.error();
    }
    if (Result<void> r = h->exec(u"PRAGMA user_version=%1"_s.arg(schemaVersion)); !r)
        return r.error();
    return h;
}

Error RunHistory::noSuchRun(qint64 id) const
{
    return Error { u"no run with this id in the run history"_s, m_path, 0, u"id"_s,
        QString::number(id) };
}

Result<void> RunHistory::requireRun(qint64 id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"SELECT 1 FROM runs WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec())
        return error(u"cannot read the run history"_s, q.lastError().text());
    if (!q.next())
        return noSuchRun(id);
    return {};
}

Result<qint64> RunHistory::begin(const RunStart &start)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"INSERT INTO runs (name, kind, started_at, machine, config, policy, capacity, "
              "workload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(text(start.name));
    q.addBindValue(text(start.kind));
    const QDateTime startedAt
        = start.startedAt.isValid() ? start.startedAt : QDateTime::currentDateTimeUtc();
    q.addBindValue(startedAt.toUTC().toString(Qt::ISODateWithMs));
    q.addBindValue(machineName());
    q.addBindValue(compactJson(start.config));
    q.addBindValue(text(start.policy));
    q.addBindValue(text(start.capacity));
    q.addBindValue(text(start.workload));
    if (!q.exec())
        return error(u"cannot record the run"_s, q.lastError().text());
    return q.lastInsertId().toLongLong();
}

Result<bool> RunHistory::addPoint(qint64 id, qint64 tMs, const QJsonObject &point)
{
    // One per second of the run's timeline (the first in it): ticks jitter around their
    // interval, so spacing them a full second apart would drop every other one.
    const auto last = m_lastPointMs.constFind(id);
    if (last != m_lastPointMs.cend() && tMs / pointSpacingMs <= last.value() / pointSpacingMs)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"INSERT OR REPLACE INTO points (run_id, t_ms, data) VALUES (?, ?, ?)"_s);
    q.addBindValue(id);
    q.addBindValue(tMs);
    q.addBindValue(compactJson(point));
    if (!q.exec())
        return error(u"cannot record the run's time series"_s, q.lastError().text());
    m_lastPointMs.insert(id, tMs);
    return true;
}

Result<void> RunHistory::finish(qint64 id, qint64 durationMs, const QJsonObject &summary, int keep)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"UPDATE runs SET duration_ms = ?, summary = ?, complete = 1, requests = ?, "
              "hit_ratio = ?, p99_us = ? WHERE id = ?"_s);
    q.addBindValue(durationMs);
    q.addBindValue(compactJson(summary));
    q.addBindValue(requestsOf(summary));
    q.addBindValue(optionalReal(hitRatioOf(summary)));
    q.addBindValue(optionalReal(p99Of(summary)));
    q.addBindValue(id);
    if (!q.exec())
        return error(u"cannot record the run's summary"_s, q.lastError().text());
    if (q.numRowsAffected() == 0)
        return requireRun(id);
    m_lastPointMs.remove(id);
    if (Result<int> pruned = prune(keep); !pruned)
        return pruned.error();
    return {};
}

Result<QList<RunRecord>> RunHistory::list() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT "_s + listColumns + u" FROM runs ORDER BY id DESC"_s))
        return error(u"cannot read the run history"_s, q.lastError().text());
    QList<RunRecord> runs;
    while (q.next())
        runs.append(recordOf(q));
    return runs;
}

Result<RunRecord> RunHistory::run(qint64 id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"SELECT "_s + listColumns
        + u", config, summary, (SELECT count(*) FROM points WHERE run_id = runs.id) FROM runs "
          "WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec())
        return error(u"cannot read the run history"_s, q.lastError().text());
    if (!q.next())
        return noSuchRun(id);
    RunRecord r = recordOf(q);
    r.config = parseObject(q.value(14).toString());
    r.summary = parseObject(q.value(15).toString());
    r.pointCount = q.value(16).toLongLong();
    return r;
}

Result<QList<std::pair<qint64, QJsonObject>>> RunHistory::points(qint64 id) const
{
    if (Result<void> exists = requireRun(id); !exists)
        return exists.error();
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(u"SELECT t_ms, data FROM points WHERE run_id = ? ORDER BY t_ms"_s);
    q.addBindValue(id);
    if (!q.exec())
        return error(u"cannot read the run history"_s, q.lastError().text());
    QList<std::pair<qint64, QJsonObject>> out;
    while (q.next())
        out.append({ q.value(0).toLongLong(), parseObject(q.value(1).toString()) });
    return out;
}

Result<void> RunHistory::setText(qint64 id, const QString &column, const QString &value)
{
    if (Result<void> exists = requireRun(id); !exists)
        return exists;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"UPDATE runs SET %1 = ? WHERE id = ?"_s.arg(column)); // a column of ours
    q.addBindValue(text(value));
    q.addBindValue(id);
    if (!q.exec())
        return error(u"cannot write the run's %1"_s.arg(column), q.lastError().text());
    return {};
}

Result<void> RunHistory::rename(qint64 id, const QString &name)
{
    return setText(id, u"name"_s, name);
}

Result<void> RunHistory::setNotes(qint64 id, const QString &notes)
{
    return setText(id, u"notes"_s, notes);
}

Result<void> RunHistory::remove(qint64 id)
{
    if (Result<void> exists = requireRun(id); !exists)
        return exists;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"DELETE FROM runs WHERE id = ?"_s); // its points go with it (ON DELETE CASCADE)
    q.addBindValue(id);
    if (!q.exec())
        return error(u"cannot delete the run"_s, q.lastError().text());
    m_lastPointMs.remove(id);
    return {};
}

Result<int> RunHistory::prune(int keep)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)"_s);
    q.addBindValue(std::max(keep, 1));
    if (!q.exec())
        return error(u"cannot delete old runs"_s, q.lastError().text());
    return q.numRowsAffected();
}

QList<ConfigChange> diffConfigs(const QJsonObject &a, const QJsonObject &b)
{
    QMap<QString, QString> fa;
    QMap<QString, QString> fb;
    flatten(a, {}, fa);
    flatten(b, {}, fb);
    QStringList fields = fa.keys();
    for (const QString &k : fb.keys()) {
        if (!fa.contains(k))
            fields.append(k);
    }
    std::sort(fields.begin(), fields.end());
    QList<ConfigChange> changes;
    for (const QString &field : std::as_const(fields)) {
        const QString va = fa.value(field, u"(none)"_s);
        const QString vb = fb.value(field, u"(none)"_s);
        if (va != vb)
            changes.append({ field, va, vb });
    }
    return changes;
}

std::optional<double> summaryValue(const QJsonObject &summary, const QString &path)
{
    QJsonValue v = summary;
    for (const QString &part : path.split(u'.'))
        v = v.toObject().value(part);
    return v.isDouble() ? std::optional(v.toDouble()) : std::nullopt;
}

namespace {

/// A replay's results by the name they are compared under: the policy when each policy ran at
/// one capacity in both summaries, else "policy@capacity"; in the order of `a`, then `b`.
QList<std::pair<QString, std::pair<QJsonObject, QJsonObject>>> matchResults(
    const QJsonObject &a, const QJsonObject &b)
{
    const QJsonArray ra = a.value(u"results"_s).toArray();
    const QJsonArray rb = b.value(u"results"_s).toArray();
    bool byPolicy = true;
    for (const QJsonArray *results : { &ra, &rb }) {
        QSet<QString> seen;
        for (const auto &r : *results) {
            const QString policy = r.toObject().value(u"policy"_s).toString();
            if (seen.contains(policy))
                byPolicy = false;
            seen.insert(policy);
        }
    }
    QList<std::pair<QString, std::pair<QJsonObject, QJsonObject>>> matched;
    const auto add = [&](const QJsonArray &results, bool first) {
        for (const auto &v : results) {
            const QJsonObject r = v.toObject();
            const QString name = byPolicy ? r.value(u"policy"_s).toString()
                                          : r.value(u"policy"_s).toString() + u'@'
                    + QString::number(r.value(u"capacity"_s).toInteger());
            auto it = std::find_if(
                matched.begin(), matched.end(), [&](const auto &m) { return m.first == name; });
            if (it == matched.end()) {
                matched.append({ name, {} });
                it = std::prev(matched.end());
            }
            (first ? it->second.first : it->second.second) = r;
        }
    };
    add(ra, true);
    add(rb, false);
    return matched;
}

} // namespace

QList<MetricComparison> compareSummaries(const QJsonObject &a, const QJsonObject &b)
{
    struct Measure
    {
        QString path;
        QString label;
        bool ratio;
    };
    const Measure measures[] = {
        { u"requests"_s, u"requests"_s, false },
        { u"requests_per_second"_s, u"requests/s"_s, false },
        { u"operations"_s, u"operations"_s, false },
        { u"ops_per_second"_s, u"operations/s"_s, false },
        { u"hit_ratio"_s, u"hit ratio"_s, true },
        { u"evictions"_s, u"evictions"_s, false },
        { u"expired"_s, u"expired keys"_s, false },
        { u"errors"_s, u"errors"_s, false },
        { u"latency_us.hit.p50"_s, u"hit p50 (us)"_s, false },
        { u"latency_us.hit.p99"_s, u"hit p99 (us)"_s, false },
        { u"latency_us.miss.p50"_s, u"miss p50 (us)"_s, false },
        { u"latency_us.miss.p99"_s, u"miss p99 (us)"_s, false },
        { u"latency_us.p99"_s, u"round-trip p99 (us)"_s, false },
        { u"memory_bytes"_s, u"memory (bytes)"_s, false },
        { u"keys"_s, u"keys"_s, false },
        { u"database_buffer_hit_ratio"_s, u"database buffer hit ratio"_s, true },
    };
    QList<MetricComparison> out;
    for (const Measure &m : measures) {
        MetricComparison c { m.path, m.label, m.ratio, summaryValue(a, m.path),
            summaryValue(b, m.path) };
        if (c.a || c.b)
            out.append(c);
    }
    for (const auto &[name, results] : matchResults(a, b)) {
        for (const Measure &m : { Measure { u"hit_ratio"_s, u"hit ratio"_s, true },
                 Measure { u"evictions"_s, u"evictions"_s, false } }) {
            MetricComparison c { u"results."_s + name + u'.' + m.path, name + u": "_s + m.label,
                m.ratio, summaryValue(results.first, m.path),
                summaryValue(results.second, m.path) };
            if (c.a || c.b)
                out.append(c);
        }
    }
    return out;
}

QList<std::pair<QString, QString>> flattenConfig(const QJsonObject &config)
{
    QMap<QString, QString> fields;
    flatten(config, {}, fields);
    QList<std::pair<QString, QString>> out;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        out.append({ it.key(), it.value() });
    return out;
}

QString MetricComparison::formatValue(const std::optional<double> &v, const QLocale &locale) const
{
    if (!v)
        return u"n/a"_s;
    if (ratio)
        return locale.toString(*v * 100.0, 'f', 1) + u'%';
    return locale.toString(*v, 'f', std::abs(*v) >= 1000 || *v == std::floor(*v) ? 0 : 3);
}

QString MetricComparison::formatDifference(const QLocale &locale) const
{
    const std::optional<double> d = difference();
    if (!d)
        return u"-"_s;
    // Ratios differ in points; counts and times in percent of the first run (formatPercent).
    if (ratio)
        return QString::asprintf("%+.1f points", *d * 100.0);
    return (*d >= 0 ? u"+"_s : QString()) + formatValue(d, locale);
}

QString MetricComparison::formatPercent() const
{
    const std::optional<double> p = percent();
    return p ? QString::asprintf("%+.1f%%", *p) : u"-"_s;
}

} // namespace CacheScope
