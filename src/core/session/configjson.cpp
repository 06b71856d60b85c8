#include "configjson.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSaveFile>
#include <QSet>

#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

QString loadModelName(LoadModel model)
{
    return model == LoadModel::OpenLoop ? u"open"_s : u"closed"_s;
}

/// Reads typed fields of one JSON object, remembering the first error.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString prefix, QString source)
        : m_object(object)
        , m_prefix(std::move(prefix))
        , m_source(std::move(source))
    {
    }

    template <typename Int> void integer(const QString &key, Int &out, double min, double max)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() || failed())
            return;
        const double d = v.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!v.isDouble() || !std::isfinite(d) || std::floor(d) != d || d < min || d > max) {
            fail(key, v,
                u"is not an integer in [%1, %2]"_s.arg(min, 0, 'g', 15).arg(max, 0, 'g', 15));
            return;
        }
        out = Int(d);
    }

    void real(const QString &key, double &out)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() || failed())
            return;
        if (!v.isDouble() || !std::isfinite(v.toDouble())) {
            fail(key, v, u"is not a number"_s);
            return;
        }
        out = v.toDouble();
    }

    void boolean(const QString &key, bool &out)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() || failed())
            return;
        if (!v.isBool()) {
            fail(key, v, u"is not true or false"_s);
            return;
        }
        out = v.toBool();
    }

    void string(const QString &key, QString &out)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() || failed())
            return;
        if (!v.isString()) {
            fail(key, v, u"is not a string"_s);
            return;
        }
        out = v.toString();
    }

    /// One of `names`; sets `index`.
    void choice(const QString &key, const QStringList &names, int &index)
    {
        QString text;
        const QJsonValue v = value(key);
        string(key, text);
        if (v.isUndefined() || failed())
            return;
        const qsizetype i = names.indexOf(text);
        if (i < 0) {
            fail(key, v, u"is not one of "_s + names.join(u", "_s));
            return;
        }
        index = int(i);
    }

    /// The sub-object at key (empty when absent); an Error when it is not an object.
    QJsonObject object(const QString &key)
    {
        const QJsonValue v = value(key);
        if (v.isUndefined() || failed())
            return {};
        if (!v.isObject()) {
            fail(key, v, u"is not an object"_s);
            return {};
        }
        return v.toObject();
    }

    /// Fails on the first field of the object that no accessor asked for: a misspelt or
    /// misplaced field ("capacty", or "capacity" at the top level) must not be ignored silently.
    void rejectUnknownFields()
    {
        if (failed())
            return;
        for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
            if (m_known.contains(it.key()))
                continue;
            QStringList known(m_known.cbegin(), m_known.cend());
            known.sort();
            fail(it.key(), it.value(),
                u"is not a configuration field here (expected one of: "_s + known.join(u", "_s)
                    + u')');
            return;
        }
    }

    QString path(const QString &key) const
    {
        return m_prefix.isEmpty() ? key : m_prefix + u'.' + key;
    }
    const QString &source() const { return m_source; }
    bool failed() const { return m_failed; }
    const Error &error() const { return m_error; }
    void adopt(const FieldReader &inner)
    {
        if (inner.failed() && !m_failed) {
            m_failed = true;
            m_error = inner.error();
        }
    }

private:
    QJsonValue value(const QString &key)
    {
        m_known.insert(key);
        return m_object.value(key);
    }

    void fail(const QString &key, const QJsonValue &v, const QString &message)
    {
        m_failed = true;
        m_error.message = message;
        m_error.file = m_source;
        m_error.field = path(key);
        m_error.value = v.isString() ? v.toString()
            : v.isBool()             ? (v.toBool() ? u"true"_s : u"false"_s)
            : v.isDouble()           ? QString::number(v.toDouble(), 'g', 15)
            : v.isObject()           ? u"{...}"_s
            : v.isArray()            ? u"[...]"_s
                                     : u"null"_s;
    }

    QJsonObject m_object;
    QString m_prefix;
    QString m_source;
    bool m_failed = false;
    Error m_error;
    QSet<QString> m_known;
};

} // namespace

QString sizeUnitName(SizeUnit unit) { return unit == SizeUnit::Bytes ? u"bytes"_s : u"objects"_s; }

bool sameWorkload(const WorkloadSpec &a, const WorkloadSpec &b)
{
    return a.kind == b.kind && a.keys == b.keys && a.alpha == b.alpha
        && a.hotKeyFraction == b.hotKeyFraction && a.hotRequestFraction == b.hotRequestFraction
        && a.shiftEvery == b.shiftEvery && a.seed == b.seed && a.sizedObjects == b.sizedObjects
        && a.minObjectSize == b.minObjectSize && a.maxObjectSize == b.maxObjectSize;
}

QJsonObject runConfigToJson(const RunConfig &config)
{
    const ConnectionSettings &db = config.database;
    QJsonObject database {
        { u"driver"_s, driverName(db.driver) },
        { u"database"_s, db.database },
        { u"connection"_s, connectionModeName(db.connectionMode) },
        { u"simulatedDelayMs"_s, db.simulatedDelayMs },
    };
    if (db.driver == DatabaseDriver::Postgres) {
        database.insert(u"host"_s, db.host);
        database.insert(u"port"_s, db.port);
        database.insert(u"user"_s, db.user);
        database.insert(u"schema"_s, db.schema);
    }
    const WorkloadSpec &w = config.workload;
    const ResultCacheConfig &c = config.cache;
    QJsonObject json {
        { u"database"_s, database },
        { u"workload"_s,
            QJsonObject {
                { u"kind"_s, w.kind },
                { u"keys"_s, double(w.keys) },
                { u"alpha"_s, w.alpha },
                { u"hotKeyFraction"_s, w.hotKeyFraction },
                { u"hotRequestFraction"_s, w.hotRequestFraction },
                { u"shiftEvery"_s, double(w.shiftEvery) },
                { u"seed"_s, double(w.seed) },
            } },
        { u"queryMix"_s,
            QJsonObject {
                { u"point"_s, config.mix.point },
                { u"range"_s, config.mix.range },
                { u"aggregate"_s, config.mix.aggregate },
            } },
        { u"customSql"_s, config.customSql },
        { u"writeRatio"_s, config.writeRatio },
        { u"threads"_s, config.threads },
        { u"io"_s, ioModelName(config.io) },
        { u"ioThreads"_s, config.ioThreads },
        { u"inFlight"_s, config.inFlight },
        { u"loadModel"_s, loadModelName(config.loadModel) },
        { u"targetRate"_s, config.targetRate },
        { u"thinkTimeMs"_s, config.thinkTimeMs },
        { u"cache"_s,
            QJsonObject {
                { u"policy"_s, c.policy },
                { u"capacity"_s, double(c.capacity) },
                { u"sizeUnit"_s, sizeUnitName(c.sizeUnit) },
                { u"shards"_s, c.shardCount },
                { u"ttlMs"_s, double(c.ttlMs) },
                { u"singleFlight"_s, c.singleFlight },
            } },
        { u"shadows"_s, config.shadows },
    };
    if (config.l2.isSet()) { // never the password: it comes from the environment
        json.insert(u"l2"_s,
            QJsonObject {
                { u"url"_s, config.l2.url },
                { u"ttlMs"_s, double(config.l2.ttlMs) },
                { u"only"_s, config.l2.only },
                { u"invalidation"_s, invalidationName(config.l2.invalidation) },
            });
    }
    if (config.queryLog.isSet()) {
        json.insert(u"queryLog"_s,
            QJsonObject {
                { u"path"_s, config.queryLog.path },
                { u"format"_s, queryLogFormatName(config.queryLog.options.format) },
                { u"logLinePrefix"_s, config.queryLog.options.logLinePrefix },
                { u"speed"_s, config.queryLog.speed },
            });
    }
    return json;
}

Result<RunConfig> runConfigFromJson(
    const QJsonObject &json, const RunConfig &base, const QString &source)
{
    constexpr double maxInt = 2147483647.0;
    constexpr double maxKey = 9007199254740992.0; // 2^53: exact in a JSON number
    RunConfig config = base;
    FieldReader top(json, {}, source);

    FieldReader db(top.object(u"database"_s), u"database"_s, source);
    int driver = int(config.database.driver);
    db.choice(u"driver"_s, { u"sqlite"_s, u"postgres"_s }, driver);
    config.database.driver = DatabaseDriver(driver);
    db.string(u"database"_s, config.database.database);
    db.string(u"host"_s, config.database.host);
    db.integer(u"port"_s, config.database.port, 1, 65535);
    db.string(u"user"_s, config.database.user);
    db.string(u"schema"_s, config.database.schema);
    int mode = int(config.database.connectionMode);
    db.choice(u"connection"_s, { u"per-thread"_s, u"per-query"_s }, mode);
    config.database.connectionMode = ConnectionMode(mode);
    db.integer(u"simulatedDelayMs"_s, config.database.simulatedDelayMs, 0, 60000);
    db.rejectUnknownFields();
    top.adopt(db);

    FieldReader w(top.object(u"workload"_s), u"workload"_s, source);
    int kind = int(workloadKinds().indexOf(config.workload.kind));
    w.choice(u"kind"_s, workloadKinds(), kind);
    if (kind >= 0)
        config.workload.kind = workloadKinds().at(kind);
    w.integer(u"keys"_s, config.workload.keys, 1, maxKey);
    w.real(u"alpha"_s, config.workload.alpha);
    w.real(u"hotKeyFraction"_s, config.workload.hotKeyFraction);
    w.real(u"hotRequestFraction"_s, config.workload.hotRequestFraction);
    w.integer(u"shiftEvery"_s, config.workload.shiftEvery, 1, maxKey);
    w.integer(u"seed"_s, config.workload.seed, 0, maxKey);
    w.rejectUnknownFields();
    top.adopt(w);

    FieldReader mix(top.object(u"queryMix"_s), u"queryMix"_s, source);
    mix.real(u"point"_s, config.mix.point);
    mix.real(u"range"_s, config.mix.range);
    mix.real(u"aggregate"_s, config.mix.aggregate);
    mix.rejectUnknownFields();
    top.adopt(mix);

    top.string(u"customSql"_s, config.customSql);
    top.real(u"writeRatio"_s, config.writeRatio);
    top.integer(u"threads"_s, config.threads, 1, 4096);
    int io = int(config.io);
    top.choice(u"io"_s, { u"threads"_s, u"pipeline"_s }, io);
    config.io = IoModel(io);
    top.integer(u"ioThreads"_s, config.ioThreads, 1, maxIoThreads);
    top.integer(u"inFlight"_s, config.inFlight, 1, maxInFlight);
    int load = int(config.loadModel);
    top.choice(u"loadModel"_s, { u"closed"_s, u"open"_s }, load);
    config.loadModel = LoadModel(load);
    top.real(u"targetRate"_s, config.targetRate);
    top.integer(u"thinkTimeMs"_s, config.thinkTimeMs, 0, maxInt);
    top.boolean(u"shadows"_s, config.shadows);

    FieldReader c(top.object(u"cache"_s), u"cache"_s, source);
    c.string(u"policy"_s, config.cache.policy);
    c.integer(u"capacity"_s, config.cache.capacity, 0, maxKey);
    int unit = int(config.cache.sizeUnit);
    c.choice(u"sizeUnit"_s, { u"objects"_s, u"bytes"_s }, unit);
    config.cache.sizeUnit = SizeUnit(unit);
    c.integer(u"shards"_s, config.cache.shardCount, 0, 1024);
    c.integer(u"ttlMs"_s, config.cache.ttlMs, 0, maxKey);
    c.boolean(u"singleFlight"_s, config.cache.singleFlight);
    c.rejectUnknownFields();
    top.adopt(c);

    if (json.contains(u"l2"_s)) {
        FieldReader l2(top.object(u"l2"_s), u"l2"_s, source);
        l2.string(u"url"_s, config.l2.url);
        l2.integer(u"ttlMs"_s, config.l2.ttlMs, 0, maxKey);
        l2.boolean(u"only"_s, config.l2.only);
        int invalidation = int(config.l2.invalidation);
        l2.choice(u"invalidation"_s, { u"none"_s, u"pubsub"_s, u"tracking"_s }, invalidation);
        config.l2.invalidation = L2Invalidation(invalidation);
        l2.rejectUnknownFields();
        top.adopt(l2);
        if (config.l2.only)
            config.cache.policy = u"none"_s;
    }
    if (json.contains(u"queryLog"_s)) {
        FieldReader q(top.object(u"queryLog"_s), u"queryLog"_s, source);
        q.string(u"path"_s, config.queryLog.path);
        const QStringList formats = { queryLogFormatName(QueryLogFormat::Auto),
            queryLogFormatName(QueryLogFormat::PgCsv), queryLogFormatName(QueryLogFormat::PgStderr),
            queryLogFormatName(QueryLogFormat::Sql) };
        int format = int(config.queryLog.options.format);
        q.choice(u"format"_s, formats, format);
        config.queryLog.options.format = QueryLogFormat(format);
        q.string(u"logLinePrefix"_s, config.queryLog.options.logLinePrefix);
        q.real(u"speed"_s, config.queryLog.speed);
        q.rejectUnknownFields();
        top.adopt(q);
    }
    top.rejectUnknownFields();

    if (top.failed())
        return top.error();
    return config;
}

Result<RunConfig> loadRunConfig(const QString &path, const RunConfig &base)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { file.errorString(), path, 0, {}, {} };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        Error e { u"is not a JSON object: "_s + parseError.errorString(), path, 0, {}, {} };
        e.offset = parseError.offset;
        return e;
    }
    return runConfigFromJson(doc.object(), base, path);
}

Result<void> saveRunConfig(const RunConfig &config, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { file.errorString(), path, 0, {}, {} };
    file.write(QJsonDocument(runConfigToJson(config)).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Error { file.errorString(), path, 0, {}, {} };
    return {};
}

} // namespace CacheScope
