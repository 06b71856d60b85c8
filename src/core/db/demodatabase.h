#pragma once

#include "core/db/connectionsettings.h"
#include "core/error.h"

#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace CacheScope {

// The demo schema, one SQL text for SQLite and PostgreSQL (sqltemplate.cpp queries it):
//   customers (id INTEGER PRIMARY KEY, name, email, country, discount DOUBLE PRECISION, version)
//   products  (id INTEGER PRIMARY KEY, name, category, price DOUBLE PRECISION)
//   orders    (id INTEGER PRIMARY KEY, customer_id, product_id, quantity, ordered_at)
//             indexed on customer_id and on product_id
//   cachescope_demo (name TEXT PRIMARY KEY, value TEXT): schema_version, rows_scale, seed and
//             the row counts, written last in the same transaction: present means complete.
// Every value is a function of the seed and the row id, so a seed always gives the same data.
// discount is always (version % 4) * 5 / 100.0; the write template keeps it that way.

constexpr int demoSchemaVersion = 1;
constexpr double defaultDemoRowsScale = 1.0;
constexpr double maxDemoRowsScale = 100.0;
constexpr quint64 defaultDemoSeed = 42;
constexpr qint64 demoCustomersAtScale1 = 100'000;
constexpr qint64 demoProductsAtScale1 = 50'000;
constexpr qint64 demoOrdersAtScale1 = 1'000'000;

/// What a complete demo database holds, as recorded in its cachescope_demo table.
struct DemoDatabaseInfo
{
    int schemaVersion = demoSchemaVersion;
    double rowsScale = defaultDemoRowsScale;
    quint64 seed = defaultDemoSeed;
    qint64 customers = 0;
    qint64 products = 0;
    qint64 orders = 0;

    /// The row counts of a demo database created with `rowsScale` (each at least 1).
    static DemoDatabaseInfo forScale(double rowsScale, quint64 seed);
    friend bool operator==(const DemoDatabaseInfo &, const DemoDatabaseInfo &) = default;
};

/// Called on the creating thread after each batch of rows (throttled to about 200 calls).
using DemoProgress = std::function<void(qint64 rowsDone, qint64 rowsTotal)>;

/// <AppDataLocation>/demo.sqlite: where the app and the CLI keep the default SQLite demo.
QString defaultDemoDatabasePath();

/// SQLite settings for defaultDemoDatabasePath().
ConnectionSettings defaultDemoSettings();

/// (Re)creates the demo tables at `settings` with 100 k x rowsScale customers, 50 k x rowsScale
/// products and 1 M x rowsScale orders: existing demo tables are dropped first, other tables are
/// left alone. One transaction with multi-row INSERTs; on SQLite the journal lives in memory
/// and sync is off while building, and the file is left in WAL mode for concurrent workers.
/// An SQLite file is created if missing (its directory must exist). Setting *cancel stops between
/// batches and rolls back (Error "cancelled"). Runs on the calling thread, on its own connection.
Result<void> createDemoDatabase(const ConnectionSettings &settings,
    double rowsScale = defaultDemoRowsScale, quint64 seed = defaultDemoSeed,
    const DemoProgress &progress = {}, const std::atomic<bool> *cancel = nullptr);

/// The metadata of a complete demo database of the current schema version at `settings`;
/// std::nullopt when there is none (missing SQLite file, no or older metadata). Errors only when
/// the database cannot be reached.
Result<std::optional<DemoDatabaseInfo>> readDemoDatabaseInfo(const ConnectionSettings &settings);

/// The demo database at `settings`, created first when readDemoDatabaseInfo() finds none (a
/// complete one is kept whatever its scale and seed). For the default SQLite path the data
/// directory is created too: this is the "create on first use" entry point.
Result<DemoDatabaseInfo> ensureDemoDatabase(const ConnectionSettings &settings,
    double rowsScale = defaultDemoRowsScale, quint64 seed = defaultDemoSeed,
    const DemoProgress &progress = {}, const std::atomic<bool> *cancel = nullptr);

} // namespace CacheScope
