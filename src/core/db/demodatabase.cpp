#include "core/db/demodatabase.h"

#include "core/db/threadconnection.h"
#include "core/db/threadstate_p.h"
#include "core/workload/request.h"

#include <QDir>
#include <QFileInfo>
#include <QLatin1StringView>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr QLatin1StringView firstNames[] = { "Ada"_L1, "Alan"_L1, "Barbara"_L1, "Claude"_L1,
    "Donald"_L1, "Edsger"_L1, "Frances"_L1, "Grace"_L1, "Hedy"_L1, "Ivan"_L1, "John"_L1, "Ken"_L1,
    "Leslie"_L1, "Margaret"_L1, "Niklaus"_L1, "Radia"_L1 };
constexpr QLatin1StringView lastNames[] = { "Allen"_L1, "Backus"_L1, "Cerf"_L1, "Dijkstra"_L1,
    "Engelbart"_L1, "Floyd"_L1, "Goldberg"_L1, "Hamilton"_L1, "Iverson"_L1, "Jobs"_L1, "Knuth"_L1,
    "Liskov"_L1, "McCarthy"_L1, "Naur"_L1, "Perlman"_L1, "Ritchie"_L1 };
constexpr QLatin1StringView countries[] = { "US"_L1, "DE"_L1, "FR"_L1, "GB"_L1, "JP"_L1, "BR"_L1,
    "IN"_L1, "CA"_L1, "AU"_L1, "ES"_L1, "IT"_L1, "NL"_L1, "SE"_L1, "PL"_L1, "MX"_L1, "KR"_L1 };
constexpr QLatin1StringView adjectives[] = { "Red"_L1, "Blue"_L1, "Green"_L1, "Small"_L1,
    "Large"_L1, "Smart"_L1, "Classic"_L1, "Quiet"_L1, "Rapid"_L1, "Solid"_L1, "Bright"_L1,
    "Compact"_L1, "Deluxe"_L1, "Basic"_L1, "Premium"_L1, "Travel"_L1 };
constexpr QLatin1StringView nouns[] = { "Lamp"_L1, "Chair"_L1, "Kettle"_L1, "Notebook"_L1,
    "Speaker"_L1, "Backpack"_L1, "Drill"_L1, "Puzzle"_L1, "Guitar"_L1, "Jacket"_L1, "Monitor"_L1,
    "Blender"_L1, "Camera"_L1, "Tent"_L1, "Watch"_L1, "Mug"_L1 };
constexpr QLatin1StringView categories[]
    = { "Beauty"_L1, "Books"_L1, "Clothing"_L1, "Electronics"_L1, "Games"_L1, "Garden"_L1,
          "Kitchen"_L1, "Music"_L1, "Office"_L1, "Sports"_L1, "Tools"_L1, "Toys"_L1 };

constexpr qint64 orderEpoch = 1'704'067'200; // 2024-01-01T00:00:00Z
constexpr qint64 orderSpanS = 365 * 86'400;

template <typename T, std::size_t N> const T &pick(const T (&list)[N], quint64 random)
{
    return list[random % N];
}

/// Counter-based randomness: the draw for a row depends only on (seed, table, id), never on the
/// order rows are produced in, so the data is a pure function of the seed.
class RowRandom
{
public:
    RowRandom(quint64 seed, quint64 table)
        : m_tableSeed(mixKey(seed + table * 0x9E3779B97F4A7C15ULL))
    {
    }
    quint64 draw(qint64 id, quint64 stream = 0) const
    {
        return mixKey(m_tableSeed ^ mixKey(quint64(id) * 0xD1B54A32D192ED03ULL + stream));
    }

private:
    quint64 m_tableSeed;
};

qint64 scaledRows(qint64 atScale1, double rowsScale)
{
    return std::max<qint64>(1, std::llround(double(atScale1) * rowsScale));
}

/// The state of one demo build: its connection, progress and the first error.
class DemoBuilder
{
public:
    DemoBuilder(const ConnectionSettings &settings, const QSqlDatabase &db, qint64 totalRows,
        const DemoProgress &progress, const std::atomic<bool> *cancel)
        : m_settings(settings)
        , m_db(db)
        , m_totalRows(totalRows)
        , m_progress(progress)
        , m_cancel(cancel)
    {
    }

    bool isSqlite() const { return m_settings.driver == DatabaseDriver::Sqlite; }

    Result<void> exec(const QString &sql)
    {
        QSqlQuery query(m_db);
        if (!query.exec(sql))
            return failure(sql.section(u' ', 0, 2), query);
        return {};
    }

    /// Inserts rows 1..rows of `table` with multi-row INSERT statements, binding each row's
    /// values through `bindRow(query, firstPosition, id)`.
    template <typename BindRow>
    Result<void> insertRows(
        const QString &table, const QStringList &columns, qint64 rows, BindRow bindRow)
    {
        const auto columnCount = int(columns.size());
        // SQLite builds before 3.32 allow 999 parameters per statement; PostgreSQL pays a round
        // trip per statement, so it gets larger ones (QPSQL sends each as one EXECUTE).
        const int perStatement = isSqlite() ? 999 / columnCount : 1000;
        QSqlQuery full(m_db);
        QSqlQuery tail(m_db);
        if (!full.prepare(insertSql(table, columns, int(std::min<qint64>(perStatement, rows)))))
            return failure(u"insert into "_s + table, full);
        for (qint64 first = 1; first <= rows; first += perStatement) {
            const int count = int(std::min<qint64>(perStatement, rows - first + 1));
            QSqlQuery *query = &full;
            if (count < perStatement && first > 1) {
                if (!tail.prepare(insertSql(table, columns, count)))
                    return failure(u"insert into "_s + table, tail);
                query = &tail;
            }
            for (int r = 0; r < count; ++r)
                bindRow(*query, r * columnCount, first + r);
            if (!query->exec())
                return failure(u"insert into "_s + table, *query);
            if (auto step = advance(count); !step)
                return step;
        }
        return {};
    }

    Result<void> failure(const QString &step, const QSqlQuery &query) const
    {
        const QSqlError error = query.lastError();
        const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
        return makeError(
            u"cannot create the demo database (%1): %2"_s.arg(step, text.simplified()));
    }

    Error makeError(const QString &message) const
    {
        Error error;
        error.message = message;
        error.file = m_settings.description();
        return error;
    }

    QSqlDatabase &db() { return m_db; }

private:
    static QString insertSql(const QString &table, const QStringList &columns, int rows)
    {
        QString row = u"("_s;
        for (qsizetype c = 0; c < columns.size(); ++c)
            row += c == 0 ? u"?"_s : u", ?"_s;
        row += u')';
        QString sql = u"INSERT INTO "_s + table + u" ("_s + columns.join(u", "_s) + u") VALUES "_s;
        sql.reserve(sql.size() + rows * (row.size() + 2));
        for (int r = 0; r < rows; ++r) {
            if (r > 0)
                sql += u", "_s;
            sql += row;
        }
        return sql;
    }

    Result<void> advance(qint64 rows)
    {
        m_doneRows += rows;
        if (m_progress
            && (m_doneRows == m_totalRows || m_doneRows - m_reportedRows >= m_totalRows / 200)) {
            m_reportedRows = m_doneRows;
            m_progress(m_doneRows, m_totalRows);
        }
        if (m_cancel && m_cancel->load(std::memory_order_relaxed))
            return makeError(u"creating the demo database was cancelled"_s);
        return {};
    }

    const ConnectionSettings &m_settings;
    QSqlDatabase m_db;
    qint64 m_totalRows = 0;
    qint64 m_doneRows = 0;
    qint64 m_reportedRows = 0;
    const DemoProgress &m_progress;
    const std::atomic<bool> *m_cancel = nullptr;
};

Result<void> buildDemo(DemoBuilder &builder, const DemoDatabaseInfo &info)
{
    const QStringList dropAndCreate = {
        u"DROP TABLE IF EXISTS cachescope_demo"_s,
        u"DROP TABLE IF EXISTS orders"_s,
        u"DROP TABLE IF EXISTS products"_s,
        u"DROP TABLE IF EXISTS customers"_s,
        u"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        u"email TEXT NOT NULL, country TEXT NOT NULL, discount DOUBLE PRECISION NOT NULL, "
        u"version INTEGER NOT NULL)"_s,
        u"CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        u"category TEXT NOT NULL, price DOUBLE PRECISION NOT NULL)"_s,
        u"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, "
        u"product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, "
        u"ordered_at INTEGER NOT NULL)"_s,
    };
    for (const QString &sql : dropAndCreate) {
        if (auto step = builder.exec(sql); !step)
            return step;
    }

    const RowRandom customerRandom(info.seed, 1);
    auto bindCustomer = [&](QSqlQuery &query, int at, qint64 id) {
        const quint64 r = customerRandom.draw(id);
        const QLatin1StringView first = pick(firstNames, r);
        const QLatin1StringView last = pick(lastNames, r >> 8);
        const int version = int((r >> 24) % 4);
        query.bindValue(at, id);
        query.bindValue(at + 1, QString(first + u' ' + last));
        query.bindValue(at + 2,
            QString(first + u'.' + last + QString::number(id) + "@example.com"_L1).toLower());
        query.bindValue(at + 3, QString(pick(countries, r >> 16)));
        query.bindValue(at + 4, version * 5 / 100.0); // the write template's formula, exactly
        query.bindValue(at + 5, version);
    };
    if (auto step = builder.insertRows(u"customers"_s,
            { u"id"_s, u"name"_s, u"email"_s, u"country"_s, u"discount"_s, u"version"_s },
            info.customers, bindCustomer);
        !step)
        return step;

    const RowRandom productRandom(info.seed, 2);
    auto bindProduct = [&](QSqlQuery &query, int at, qint64 id) {
        const quint64 r = productRandom.draw(id);
        query.bindValue(at, id);
        query.bindValue(at + 1, QString(pick(adjectives, r) + u' ' + pick(nouns, r >> 8)));
        query.bindValue(at + 2, QString(pick(categories, r >> 16)));
        query.bindValue(at + 3, double(99 + (r >> 24) % 99'901) / 100.0); // 0.99 .. 999.99
    };
    if (auto step = builder.insertRows(u"products"_s,
            { u"id"_s, u"name"_s, u"category"_s, u"price"_s }, info.products, bindProduct);
        !step)
        return step;

    const RowRandom orderRandom(info.seed, 3);
    auto bindOrder = [&](QSqlQuery &query, int at, qint64 id) {
        const quint64 r = orderRandom.draw(id);
        const quint64 s = orderRandom.draw(id, 1);
        query.bindValue(at, id);
        query.bindValue(at + 1, qint64(1 + r % quint64(info.customers)));
        query.bindValue(at + 2, qint64(1 + s % quint64(info.products)));
        query.bindValue(at + 3, int(1 + (r >> 40) % 5));
        query.bindValue(at + 4, orderEpoch + qint64((s >> 20) % quint64(orderSpanS)));
    };
    if (auto step = builder.insertRows(u"orders"_s,
            { u"id"_s, u"customer_id"_s, u"product_id"_s, u"quantity"_s, u"ordered_at"_s },
            info.orders, bindOrder);
        !step)
        return step;

    // Indexes after the data: one sorted build instead of a million incremental inserts.
    for (const QString &sql : { u"CREATE INDEX orders_customer_id ON orders (customer_id)"_s,
             u"CREATE INDEX orders_product_id ON orders (product_id)"_s,
             u"CREATE TABLE cachescope_demo (name TEXT PRIMARY KEY, "
             u"value TEXT NOT NULL)"_s }) {
        if (auto step = builder.exec(sql); !step)
            return step;
    }
    const QList<std::pair<QString, QString>> metadata = {
        { u"schema_version"_s, QString::number(info.schemaVersion) },
        { u"rows_scale"_s, QString::number(info.rowsScale, 'g', 17) },
        { u"seed"_s, QString::number(info.seed) },
        { u"customers"_s, QString::number(info.customers) },
        { u"products"_s, QString::number(info.products) },
        { u"orders"_s, QString::number(info.orders) },
    };
    QSqlQuery insert(builder.db());
    if (!insert.prepare(u"INSERT INTO cachescope_demo (name, value) VALUES (?, ?)"_s))
        return builder.failure(u"metadata"_s, insert);
    for (const auto &[name, value] : metadata) {
        insert.bindValue(0, name);
        insert.bindValue(1, value);
        if (!insert.exec())
            return builder.failure(u"metadata"_s, insert);
    }
    return {};
}

Result<void> checkScale(double rowsScale)
{
    if (std::isfinite(rowsScale) && rowsScale > 0 && rowsScale <= maxDemoRowsScale)
        return {};
    Error error;
    error.message = u"is not a rows scale in (0, %1]"_s.arg(maxDemoRowsScale);
    error.field = u"rows-scale"_s;
    error.value = QString::number(rowsScale);
    return error;
}

QString demoConnectionName()
{
    return u"cachescope-demo-t%1-q%2"_s.arg(Detail::threadSerial()).arg(Detail::nextQuerySerial());
}

} // namespace

DemoDatabaseInfo DemoDatabaseInfo::forScale(double rowsScale, quint64 seed)
{
    DemoDatabaseInfo info;
    info.rowsScale = rowsScale;
    info.seed = seed;
    info.customers = scaledRows(demoCustomersAtScale1, rowsScale);
    info.products = scaledRows(demoProductsAtScale1, rowsScale);
    info.orders = scaledRows(demoOrdersAtScale1, rowsScale);
    return info;
}

QString defaultDemoDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/demo.sqlite"_s;
}

ConnectionSettings defaultDemoSettings()
{
    ConnectionSettings settings;
    settings.driver = DatabaseDriver::Sqlite;
    settings.database = defaultDemoDatabasePath();
    return settings;
}

Result<void> createDemoDatabase(const ConnectionSettings &settings, double rowsScale, quint64 seed,
    const DemoProgress &progress, const std::atomic<bool> *cancel)
{
    if (auto scale = checkScale(rowsScale); !scale)
        return scale;
    ConnectionSettings buildSettings = settings;
    buildSettings.simulatedDelayMs = 0; // the simulated latency is for queries, not for setup
    const QString name = demoConnectionName();
    Result<QSqlDatabase> db = openConnection(buildSettings, name, /*createIfMissing=*/true);
    if (!db)
        return db.error();

    const DemoDatabaseInfo info = DemoDatabaseInfo::forScale(rowsScale, seed);
    Result<void> result;
    {
        DemoBuilder builder(
            buildSettings, *db, info.customers + info.products + info.orders, progress, cancel);
        if (builder.isSqlite()) {
            // Best effort: leaving WAL needs the file to itself; WAL works too, only slower.
            // MEMORY rather than OFF so a rollback (cancel) still works.
            QSqlQuery(builder.db()).exec(u"PRAGMA journal_mode=MEMORY"_s);
        }
        const QStringList setup = builder.isSqlite()
            ? QStringList { u"PRAGMA synchronous=OFF"_s, u"PRAGMA temp_store=MEMORY"_s,
                  u"PRAGMA cache_size=-65536"_s } // 64 MB for the index builds
            : QStringList { u"SET client_min_messages TO WARNING"_s, // no "does not exist" notices
                  u"SET synchronous_commit TO OFF"_s, u"SET maintenance_work_mem TO '128MB'"_s };
        for (const QString &sql : setup) {
            if (result = builder.exec(sql); !result)
                break;
        }
        if (result && !settings.schema.isEmpty())
            result = builder.exec(u"CREATE SCHEMA IF NOT EXISTS "_s + settings.schema);
        if (result && !builder.db().transaction())
            result = builder.makeError(
                u"cannot start a transaction: "_s + builder.db().lastError().text().simplified());
        if (result) {
            result = buildDemo(builder, info);
            if (result && !builder.db().commit())
                result = builder.makeError(u"cannot commit the demo database: "_s
                    + builder.db().lastError().text().simplified());
            if (!result)
                builder.db().rollback();
        }
        if (result) {
            // Planner statistics for the joins; then WAL so readers and the writer of a live
            // run do not block each other (persistent in the file).
            for (const QString &sql :
                { u"ANALYZE customers"_s, u"ANALYZE products"_s, u"ANALYZE orders"_s }) {
                if (result = builder.exec(sql); !result)
                    break;
            }
            if (result && builder.isSqlite()) // best effort, as above
                QSqlQuery(builder.db()).exec(u"PRAGMA journal_mode=WAL"_s);
        }
    }
    db = QSqlDatabase(); // drop the handle before the connection is removed
    closeConnection(name);
    return result;
}

Result<std::optional<DemoDatabaseInfo>> readDemoDatabaseInfo(const ConnectionSettings &settings)
{
    if (auto valid = settings.validate(); !valid)
        return valid.error();
    if (settings.driver == DatabaseDriver::Sqlite && !QFileInfo::exists(settings.database))
        return std::optional<DemoDatabaseInfo>();
    ConnectionSettings readSettings = settings;
    readSettings.simulatedDelayMs = 0;
    const QString name = demoConnectionName();
    Result<QSqlDatabase> db = openConnection(readSettings, name);
    if (!db)
        return db.error();
    QHash<QString, QString> values;
    {
        QSqlQuery query(*db);
        // A failing SELECT means no metadata table: not a demo database (yet).
        if (query.exec(u"SELECT name, value FROM cachescope_demo"_s)) {
            while (query.next())
                values.insert(query.value(0).toString(), query.value(1).toString());
        }
    }
    db = QSqlDatabase();
    closeConnection(name);

    DemoDatabaseInfo info;
    bool ok[6] = {};
    info.schemaVersion = values.value(u"schema_version"_s).toInt(&ok[0]);
    info.rowsScale = values.value(u"rows_scale"_s).toDouble(&ok[1]);
    info.seed = values.value(u"seed"_s).toULongLong(&ok[2]);
    info.customers = values.value(u"customers"_s).toLongLong(&ok[3]);
    info.products = values.value(u"products"_s).toLongLong(&ok[4]);
    info.orders = values.value(u"orders"_s).toLongLong(&ok[5]);
    if (!std::all_of(std::begin(ok), std::end(ok), [](bool b) { return b; })
        || info.schemaVersion != demoSchemaVersion)
        return std::optional<DemoDatabaseInfo>();
    return std::optional<DemoDatabaseInfo>(info);
}

Result<DemoDatabaseInfo> ensureDemoDatabase(const ConnectionSettings &settings, double rowsScale,
    quint64 seed, const DemoProgress &progress, const std::atomic<bool> *cancel)
{
    if (settings.driver == DatabaseDriver::Sqlite && settings.database == defaultDemoDatabasePath())
        QDir().mkpath(QFileInfo(settings.database).absolutePath());
    Result<std::optional<DemoDatabaseInfo>> existing = readDemoDatabaseInfo(settings);
    if (!existing)
        return existing.error();
    if (existing->has_value())
        return **existing;
    if (auto created = createDemoDatabase(settings, rowsScale, seed, progress, cancel); !created)
        return created.error();
    existing = readDemoDatabaseInfo(settings);
    if (!existing)
        return existing.error();
    if (!existing->has_value()) {
        Error error;
        error.message = u"the demo database was created but its metadata cannot be read back"_s;
        error.file = settings.description();
        return error;
    }
    return **existing;
}

} // namespace CacheScope
