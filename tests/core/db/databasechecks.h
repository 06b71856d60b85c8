#pragma once

// Checks shared by tst_sqlitedatabase and tst_postgresdatabase: the same behaviour against both
// real databases. Expected values come from plain SQL on a separate connection the test opens
// itself and from arithmetic done here, never from the code under test.

#include "core/db/cachekey.h"
#include "core/db/connectionsettings.h"
#include "core/db/demodatabase.h"
#include "core/db/queryconnection.h"
#include "core/db/queryexecutor.h"
#include "core/db/sqltemplate.h"
#include "core/db/threadconnection.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <map>

namespace CacheScope::DatabaseChecks {

using namespace Qt::Literals::StringLiterals;

/// The demo scale every check uses: 1000 customers, 500 products, 10 000 orders.
constexpr double testScale = 0.01;
constexpr quint64 testSeed = 7;

/// A connection of the test's own, opened without the code under test.
inline QSqlDatabase openPlain(const ConnectionSettings &settings, const QString &name)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(settings.qtDriverName(), name);
    db.setDatabaseName(settings.database);
    if (settings.driver == DatabaseDriver::Postgres) {
        db.setHostName(settings.host);
        db.setPort(settings.port);
        db.setUserName(settings.user);
        db.setPassword(settings.password);
    }
    if (!db.open())
        qWarning("cannot open the test's plain connection: %s", qPrintable(db.lastError().text()));
    if (settings.driver == DatabaseDriver::Postgres) {
        QSqlQuery(db).exec(u"SET client_min_messages TO WARNING"_s); // no DROP ... CASCADE notices
        if (!settings.schema.isEmpty())
            QSqlQuery(db).exec(u"SET search_path TO "_s + settings.schema);
    }
    return db;
}

/// All rows of `sql` (bound with `values`) as variants; a failure is a warning and no rows.
inline QList<QVariantList> plainRows(
    QSqlDatabase db, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query(db);
    query.prepare(sql);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    QList<QVariantList> rows;
    if (!query.exec()) {
        qWarning(
            "plain query failed: %s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return rows;
    }
    while (query.next()) {
        QVariantList row;
        for (int i = 0; i < query.record().count(); ++i)
            row.append(query.value(i));
        rows.append(row);
    }
    return rows;
}

inline QVariant plainValue(QSqlDatabase db, const QString &sql, const QVariantList &values = {})
{
    const QList<QVariantList> rows = plainRows(db, sql, values);
    return rows.isEmpty() || rows.first().isEmpty() ? QVariant() : rows.first().first();
}

inline qint64 plainCount(QSqlDatabase db, const QString &table)
{
    return plainValue(db, u"SELECT COUNT(*) FROM "_s + table).toLongLong();
}

/// SHA-256 over every row of the three demo tables in id order, values as text: equal sums mean
/// equal data (integers print the same whether the driver returns int or qlonglong).
inline QByteArray demoChecksum(QSqlDatabase db)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &table : { u"customers"_s, u"products"_s, u"orders"_s }) {
        const QList<QVariantList> rows
            = plainRows(db, u"SELECT * FROM "_s + table + u" ORDER BY id"_s);
        hash.addData(table.toUtf8());
        hash.addData(QByteArray::number(rows.size()));
        for (const QVariantList &row : rows) {
            for (const QVariant &value : row) {
                hash.addData(value.toString().toUtf8());
                hash.addData("|");
            }
            hash.addData("\n");
        }
    }
    return hash.result().toHex();
}

/// The customer with the most orders (ties: the lowest id): a key with a non-trivial answer.
inline qint64 busiestCustomer(QSqlDatabase db)
{
    return plainValue(db,
        u"SELECT customer_id FROM orders GROUP BY customer_id "
        u"ORDER BY COUNT(*) DESC, customer_id LIMIT 1"_s)
        .toLongLong();
}

inline bool closeEnough(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::max(std::abs(a), std::abs(b)));
}

/// The range template's answer for `customer`, computed here from plain single-table queries.
struct ExpectedOrder
{
    qint64 id, productId, quantity, orderedAt;
    double amount;
    QString category;
    qint64 productOrders; // orders of this product by all customers
};

inline QList<ExpectedOrder> expectedOrders(QSqlDatabase db, qint64 customer)
{
    const double discount
        = plainValue(db, u"SELECT discount FROM customers WHERE id = ?"_s, { customer }).toDouble();
    QList<ExpectedOrder> orders;
    const auto rows = plainRows(db,
        u"SELECT id, product_id, quantity, ordered_at FROM orders "
        u"WHERE customer_id = ? ORDER BY id"_s,
        { customer });
    for (const QVariantList &row : rows) {
        const auto product
            = plainRows(db, u"SELECT price, category FROM products WHERE id = ?"_s, { row.at(1) });
        const double price = product.value(0).value(0).toDouble();
        // Counted as rows returned, not with the template's COUNT(*) subquery.
        const qint64 productOrders
            = plainRows(db, u"SELECT id FROM orders WHERE product_id = ?"_s, { row.at(1) }).size();
        orders.append({ row.at(0).toLongLong(), row.at(1).toLongLong(), row.at(2).toLongLong(),
            row.at(3).toLongLong(), row.at(2).toLongLong() * price * (1 - discount),
            product.value(0).value(1).toString(), productOrders });
    }
    return orders;
}

/// Every check, run on one demo database (created by initDemo) through `settings`.
class Checks
{
public:
    ConnectionSettings settings; // the demo database under test
    QSqlDatabase plain; // the test's own connection to it (main thread)
    QByteArray initialChecksum; // demoChecksum() right after initDemo, before any write
    quint64 runId = 1;

    void initDemo()
    {
        QList<std::pair<qint64, qint64>> reports;
        const DemoProgress progress = [&](qint64 done, qint64 total) {
            reports.append({ done, total });
        };
        const Result<void> created = createDemoDatabase(settings, testScale, testSeed, progress);
        QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
        // 1000 + 500 + 10 000 rows; progress rises and ends at the total.
        QVERIFY(!reports.isEmpty());
        QCOMPARE(reports.last(), std::pair(qint64(11'500), qint64(11'500)));
        for (qsizetype i = 1; i < reports.size(); ++i)
            QVERIFY(reports.at(i).first > reports.at(i - 1).first);
        QVERIFY(reports.size() <= 201);
    }

    void rowCounts()
    {
        QCOMPARE(plainCount(plain, u"customers"_s), 1000);
        QCOMPARE(plainCount(plain, u"products"_s), 500);
        QCOMPARE(plainCount(plain, u"orders"_s), 10'000);
        // References stay inside the generated ids; the discount invariant the write relies on.
        QCOMPARE(plainValue(plain,
                     u"SELECT COUNT(*) FROM orders WHERE customer_id < 1 OR "
                     u"customer_id > 1000 OR product_id < 1 OR product_id > 500"_s)
                     .toLongLong(),
            0);
        QCOMPARE(plainValue(plain,
                     u"SELECT COUNT(*) FROM customers "
                     u"WHERE discount <> (version % 4) * 5 / 100.0"_s)
                     .toLongLong(),
            0);
        // Quantities 1..5 and all five present; customers spread over most ids.
        QCOMPARE(
            plainRows(plain, u"SELECT DISTINCT quantity FROM orders ORDER BY quantity"_s).size(),
            5);
        QVERIFY(plainValue(plain, u"SELECT COUNT(DISTINCT customer_id) FROM orders"_s).toLongLong()
            > 990);
    }

    void metadata()
    {
        const auto info = readDemoDatabaseInfo(settings);
        QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
        QVERIFY(info->has_value());
        QCOMPARE((*info)->schemaVersion, demoSchemaVersion);
        QCOMPARE((*info)->rowsScale, testScale);
        QCOMPARE((*info)->seed, testSeed);
        QCOMPARE((*info)->customers, 1000);
        QCOMPARE((*info)->products, 500);
        QCOMPARE((*info)->orders, 10'000);
        // A complete database is kept: ensure must not rebuild it (the marker row survives).
        QVERIFY(QSqlQuery(plain).exec(u"UPDATE products SET name = 'marker' WHERE id = 1"_s));
        const auto ensured = ensureDemoDatabase(settings, 0.02, 99);
        QVERIFY2(ensured, qPrintable(ensured ? QString() : ensured.error().toString()));
        QCOMPARE(ensured->seed, testSeed);
        QCOMPARE(
            plainValue(plain, u"SELECT name FROM products WHERE id = 1"_s).toString(), u"marker"_s);
    }

    void indexesExist()
    {
        const QString sql = settings.driver == DatabaseDriver::Sqlite
            ? u"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' "
              u"ORDER BY name"_s
            : u"SELECT indexname FROM pg_indexes WHERE tablename = 'orders' "
              u"AND schemaname = current_schema() ORDER BY indexname"_s;
        QStringList names;
        for (const QVariantList &row : plainRows(plain, sql))
            names.append(row.first().toString());
        QVERIFY2(names.contains(u"orders_customer_id"_s), qPrintable(names.join(u", "_s)));
        QVERIFY2(names.contains(u"orders_product_id"_s), qPrintable(names.join(u", "_s)));
    }

    /// `other`: a second, empty database of the same driver to build into.
    void deterministicBySeed(const ConnectionSettings &other, const QString &otherPlainName)
    {
        const QByteArray first = initialChecksum;
        QVERIFY(!first.isEmpty());
        QSqlDatabase otherPlain = openPlain(other, otherPlainName);
        for (quint64 seed : { testSeed, testSeed + 1 }) {
            const Result<void> created = createDemoDatabase(other, testScale, seed);
            QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
            if (seed == testSeed)
                QCOMPARE(demoChecksum(otherPlain), first);
            else
                QVERIFY(demoChecksum(otherPlain) != first);
        }
    }

    Result<QueryResult> run(const SqlTemplate &sqlTemplate, qint64 key)
    {
        Result<QSqlDatabase> db = threadConnection(settings, runId);
        if (!db)
            return db.error();
        return execute(*db, sqlTemplate, key);
    }

    void pointTemplate()
    {
        const qint64 key = busiestCustomer(plain);
        const auto result = run(SqlTemplate::point(), key);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        const auto expected = plainRows(plain,
            u"SELECT id, name, email, country, discount, version "
            u"FROM customers WHERE id = ?"_s,
            { key });
        QCOMPARE(result->rows.size(), 1);
        QCOMPARE(result->columns,
            QStringList(
                { u"id"_s, u"name"_s, u"email"_s, u"country"_s, u"discount"_s, u"version"_s }));
        const QVariantList row = result->rows.first();
        QCOMPARE(row.at(0).toLongLong(), key);
        for (int i = 1; i < 4; ++i)
            QCOMPARE(row.at(i).toString(), expected.first().at(i).toString());
        QCOMPARE(row.at(4).toDouble(), expected.first().at(4).toDouble());
        QCOMPARE(row.at(5).toLongLong(), expected.first().at(5).toLongLong());
        QVERIFY(row.at(2).toString().endsWith(u"@example.com"_s));
        QVERIFY(result->approximateBytes > 6 * qint64(sizeof(QVariant)));
        QCOMPARE(result->rowsAffected, -1);
        // A key with no row: an empty result, not an error.
        const auto none = run(SqlTemplate::point(), 1'000'001);
        QVERIFY(none);
        QCOMPARE(none->rows.size(), 0);
    }

    void rangeTemplate()
    {
        const qint64 key = busiestCustomer(plain);
        const QList<ExpectedOrder> expected = expectedOrders(plain, key);
        QVERIFY(expected.size() >= 10); // the busiest of 1000 customers with 10 000 orders
        const auto result = run(SqlTemplate::range(), key);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        QCOMPARE(result->rows.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const QVariantList &row = result->rows.at(i);
            QCOMPARE(row.at(0).toLongLong(), expected.at(i).id);
            QCOMPARE(row.at(1).toLongLong(), expected.at(i).productId);
            QCOMPARE(row.at(2).toLongLong(), expected.at(i).quantity);
            QCOMPARE(row.at(3).toLongLong(), expected.at(i).orderedAt);
            QVERIFY2(closeEnough(row.at(4).toDouble(), expected.at(i).amount),
                qPrintable(u"%1 vs %2"_s.arg(row.at(4).toDouble()).arg(expected.at(i).amount)));
        }
    }

    void aggregateTemplate()
    {
        const qint64 key = busiestCustomer(plain);
        struct Group
        {
            qint64 orders = 0, items = 0, productOrders = 0;
            double spent = 0;
        };
        std::map<QString, Group> groups; // sorted by category, as ORDER BY p.category
        for (const ExpectedOrder &order : expectedOrders(plain, key)) {
            Group &group = groups[order.category];
            ++group.orders;
            group.items += order.quantity;
            group.spent += order.amount;
            group.productOrders += order.productOrders;
        }
        QVERIFY(groups.size() >= 2);
        const auto result = run(SqlTemplate::aggregate(), key);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        QCOMPARE(result->rows.size(), qsizetype(groups.size()));
        qsizetype i = 0;
        for (const auto &[category, group] : groups) {
            const QVariantList &row = result->rows.at(i++);
            QCOMPARE(row.at(0).toString(), category);
            QCOMPARE(row.at(1).toLongLong(), group.orders);
            QCOMPARE(row.at(2).toLongLong(), group.items);
            QVERIFY(closeEnough(row.at(3).toDouble(), group.spent));
            QCOMPARE(row.at(4).toLongLong(), group.productOrders);
            QVERIFY(group.productOrders >= group.orders); // includes the customer's own orders
        }
    }

    void writeIsVisibleToFollowingRead()
    {
        const qint64 key = busiestCustomer(plain);
        const SqlTemplate write = SqlTemplate::write();
        QVERIFY(write.isWrite());
        QCOMPARE(write.affectedKeys(key),
            QList<Key>({ cacheKey(1, key), cacheKey(2, key), cacheKey(3, key) }));
        QCOMPARE(write.affectedKeys(key),
            QList<Key>({ SqlTemplate::point().cacheKey(key), SqlTemplate::range().cacheKey(key),
                SqlTemplate::aggregate().cacheKey(key) }));

        const auto point = run(SqlTemplate::point(), key);
        const auto range = run(SqlTemplate::range(), key);
        const auto aggregate = run(SqlTemplate::aggregate(), key);
        QVERIFY(point && range && aggregate);
        const qint64 version = point->rows.first().at(5).toLongLong();

        const auto written = run(write, key);
        QVERIFY2(written, qPrintable(written ? QString() : written.error().toString()));
        QCOMPARE(written->rowsAffected, 1);
        // RETURNING version: the version the write committed (stale-read measurement).
        QCOMPARE(written->rows.size(), 1);
        QCOMPARE(written->rows.first().first().toLongLong(), version + 1);

        // Read back on a fresh per-query connection: the write is committed, not just local.
        ConnectionSettings perQuery = settings;
        perQuery.connectionMode = ConnectionMode::PerQuery;
        const auto pointAfter = execute(perQuery, runId, SqlTemplate::point(), key);
        QVERIFY2(pointAfter, qPrintable(pointAfter ? QString() : pointAfter.error().toString()));
        QCOMPARE(pointAfter->rows.first().at(5).toLongLong(), version + 1);
        QCOMPARE(pointAfter->rows.first().at(4).toDouble(), ((version + 1) % 4) * 5 / 100.0);
        QCOMPARE(plainValue(plain, u"SELECT version FROM customers WHERE id = ?"_s, { key })
                     .toLongLong(),
            version + 1);
        // Every key the write lists as affected really changed; the other customers did not.
        const auto rangeAfter = run(SqlTemplate::range(), key);
        const auto aggregateAfter = run(SqlTemplate::aggregate(), key);
        QVERIFY(rangeAfter && aggregateAfter);
        QVERIFY(rangeAfter->rows != range->rows);
        QVERIFY(aggregateAfter->rows != aggregate->rows);
        QCOMPARE(rangeAfter->rows.size(), range->rows.size());
        const auto other = run(SqlTemplate::point(), key == 1 ? 2 : 1);
        QVERIFY(other);
        QCOMPARE(other->rows.first().at(5).toLongLong(),
            plainValue(plain, u"SELECT version FROM customers WHERE id = ?"_s, { key == 1 ? 2 : 1 })
                .toLongLong());
    }

    void customTemplate()
    {
        // :key twice: both occurrences are bound.
        const auto custom = SqlTemplate::custom(
            u"SELECT id, name FROM customers WHERE id = :key OR id = :key + 1 ORDER BY id"_s, 20);
        QVERIFY2(custom, qPrintable(custom ? QString() : custom.error().toString()));
        QCOMPARE(custom->cacheKey(41), cacheKey(20, 41));
        QVERIFY(!custom->isWrite());
        const auto result = run(*custom, 41);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        const auto expected = plainRows(plain,
            u"SELECT id, name FROM customers WHERE id IN (41, 42) "
            u"ORDER BY id"_s);
        QCOMPARE(result->rows.size(), 2);
        for (int r = 0; r < 2; ++r) {
            QCOMPARE(result->rows.at(r).at(0).toLongLong(), expected.at(r).at(0).toLongLong());
            QCOMPARE(result->rows.at(r).at(1).toString(), expected.at(r).at(1).toString());
        }
        // Executed again with another key: the prepared statement is rebound, not stale.
        const auto again = run(*custom, 100);
        QVERIFY(again);
        QCOMPARE(again->rows.first().at(0).toLongLong(), 100);
    }

    void badCustomTemplate_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("unknown column") << u"SELECT nope FROM customers WHERE id = :key"_s;
        QTest::newRow("unknown table") << u"SELECT * FROM no_such_table WHERE id = :key"_s;
        QTest::newRow("syntax") << u"SELEC id FROM customers WHERE id = :key"_s;
    }

    void badCustomTemplate()
    {
        QFETCH(QString, sql);
        const auto custom = SqlTemplate::custom(sql);
        QVERIFY(custom); // well-formed as far as placeholders go: the database must judge it
        // The database's own words, obtained independently on the test's connection.
        QSqlQuery probe(plain);
        QVERIFY(!probe.prepare(QString(sql).replace(u":key"_s, u"1"_s)));
        // PostgreSQL goes on with "LINE 1: PREPARE qpsqlpstmt_<n> AS ...": compare up to there.
        const QString databaseMessage
            = probe.lastError().databaseText().simplified().section(u" LINE "_s, 0, 0);
        QVERIFY(!databaseMessage.isEmpty());

        Result<QSqlDatabase> db = threadConnection(settings, runId);
        QVERIFY(db);
        const Result<void> prepared = prepareTemplate(*db, *custom);
        QVERIFY(!prepared);
        QCOMPARE(prepared.error().field, u"sql"_s);
        QCOMPARE(prepared.error().value, sql);
        QVERIFY2(prepared.error().message.contains(databaseMessage),
            qPrintable(prepared.error().message + u" / "_s + databaseMessage));
        QCOMPARE(prepared.error().file, settings.description());
        const auto executed = execute(*db, *custom, 1);
        QVERIFY(!executed);
        QCOMPARE(executed.error().field, u"sql"_s);
        QVERIFY(executed.error().message.contains(databaseMessage));
    }

    /// Connections never cross threads: 400 queries on a pool of 4 threads.
    void perThreadConnectionsNeverCrossThreads()
    {
        QMutex mutex;
        QHash<QString, QSet<QThread *>> threadsByName;
        QHash<QThread *, QSet<QString>> namesByThread;
        QStringList failures;
        const qint64 customers = 1000;
        {
            QThreadPool pool;
            pool.setMaxThreadCount(4);
            for (int i = 0; i < 400; ++i) {
                pool.start([&, i] {
                    const qint64 key = 1 + i % customers;
                    QString failure;
                    QString name;
                    {
                        Result<QSqlDatabase> db = threadConnection(settings, runId + 100);
                        if (!db) {
                            failure = db.error().toString();
                        } else {
                            name = db->connectionName();
                            // The driver object lives in the thread that opened the connection.
                            if (db->driver()->thread() != QThread::currentThread())
                                failure = u"driver of %1 lives in another thread"_s.arg(name);
                            const auto result = execute(*db, SqlTemplate::point(), key);
                            if (!result)
                                failure = result.error().toString();
                            else if (result->rows.size() != 1
                                || result->rows.first().first().toLongLong() != key)
                                failure = u"wrong row for key %1"_s.arg(key);
                        }
                    }
                    QMutexLocker lock(&mutex);
                    if (!failure.isEmpty())
                        failures.append(failure);
                    threadsByName[name].insert(QThread::currentThread());
                    namesByThread[QThread::currentThread()].insert(name);
                });
            }
            QVERIFY(pool.waitForDone(60'000));
        } // ~QThreadPool joins its threads: their QThreadStorage holders are gone now
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
        QCOMPARE(namesByThread.size(), 4); // the pool starts a thread per task until it has 4
        QCOMPARE(threadsByName.size(), 4);
        for (auto it = threadsByName.cbegin(); it != threadsByName.cend(); ++it) {
            QVERIFY(it.key().startsWith(u"cachescope-r%1-t"_s.arg(runId + 100)));
            QCOMPARE(it.value().size(), 1); // each name used by exactly one thread
        }
        for (auto it = namesByThread.cbegin(); it != namesByThread.cend(); ++it)
            QCOMPARE(it.value().size(), 1); // and each thread used exactly one name
        for (const QString &name : threadsByName.keys())
            QVERIFY2(!QSqlDatabase::contains(name), qPrintable(name + u" survived its thread"_s));
    }

    /// The holder closes and removes the connection on its own thread when the thread ends.
    void connectionRemovedWhenThreadEnds()
    {
        QString name;
        bool containedInThread = false;
        QThread *worker = QThread::create([&] {
            Result<QSqlDatabase> db = threadConnection(settings, runId);
            if (db) {
                name = db->connectionName();
                containedInThread = QSqlDatabase::contains(name) && threadConnectionName() == name;
            }
        });
        worker->start();
        QVERIFY(worker->wait(30'000));
        delete worker;
        QVERIFY(!name.isEmpty());
        QVERIFY(containedInThread);
        QVERIFY(!QSqlDatabase::contains(name));
    }

    void runIdChangeReopens()
    {
        Result<QSqlDatabase> first = threadConnection(settings, 501);
        QVERIFY(first);
        const QString firstName = first->connectionName();
        first = QSqlDatabase(); // handles must not outlive a run change
        QVERIFY(firstName.startsWith(u"cachescope-r501-t"_s));
        Result<QSqlDatabase> same = threadConnection(settings, 501);
        QVERIFY(same);
        QCOMPARE(same->connectionName(), firstName); // reused, not reopened
        same = QSqlDatabase();
        Result<QSqlDatabase> second = threadConnection(settings, 502);
        QVERIFY(second);
        const QString secondName = second->connectionName();
        second = QSqlDatabase();
        QVERIFY(secondName.startsWith(u"cachescope-r502-t"_s));
        QVERIFY(!QSqlDatabase::contains(firstName));
        QVERIFY(QSqlDatabase::contains(secondName));
        QCOMPARE(threadConnectionName(), secondName);
        releaseThreadConnection();
        QVERIFY(!QSqlDatabase::contains(secondName));
        QCOMPARE(threadConnectionName(), QString());
    }

    void perQueryMode()
    {
        ConnectionSettings perQuery = settings;
        perQuery.connectionMode = ConnectionMode::PerQuery;
        const QStringList before = QSqlDatabase::connectionNames();
        QString firstName;
        {
            auto a = QueryConnection::acquire(perQuery, runId);
            auto b = QueryConnection::acquire(perQuery, runId);
            QVERIFY(a && b);
            QVERIFY(a->isPerQuery() && b->isPerQuery());
            QVERIFY(a->connectionName() != b->connectionName());
            firstName = a->connectionName();
            QVERIFY(QSqlDatabase::contains(firstName));
        }
        QVERIFY(!QSqlDatabase::contains(firstName));
        for (qint64 key : { 3, 4, 5 }) {
            const auto result = execute(perQuery, runId, SqlTemplate::point(), key);
            QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
            QCOMPARE(result->rows.first().first().toLongLong(), key);
        }
        QCOMPARE(QSqlDatabase::connectionNames(), before); // nothing left open
    }

    /// The SIMULATED delay: every round trip sleeps it, and the result says so.
    void simulatedDelay()
    {
        ConnectionSettings delayed = settings;
        delayed.simulatedDelayMs = 25;
        QElapsedTimer timer;
        timer.start();
        for (qint64 key : { 1, 2, 3, 4 }) {
            const auto result = execute(delayed, runId + 7, SqlTemplate::point(), key);
            QVERIFY(result);
            QCOMPARE(result->simulatedDelayMs, 25);
        }
        QVERIFY(timer.elapsed() >= 4 * 25); // 4 queries, plus one connect
        const auto plainResult = run(SqlTemplate::point(), 1);
        QVERIFY(plainResult);
        QCOMPARE(plainResult->simulatedDelayMs, 0);
    }

    /// Cancelling a re-creation rolls back: the previous demo stays complete and unchanged.
    void cancelKeepsPreviousDemo(const ConnectionSettings &scratch, const QString &scratchPlainName)
    {
        const Result<void> small = createDemoDatabase(scratch, 0.001, 3);
        QVERIFY2(small, qPrintable(small ? QString() : small.error().toString()));
        QSqlDatabase scratchPlain = openPlain(scratch, scratchPlainName);
        QVERIFY(QSqlQuery(scratchPlain).exec(u"CREATE TABLE IF NOT EXISTS keep_me (x INTEGER)"_s));
        const QByteArray before = demoChecksum(scratchPlain);

        std::atomic<bool> cancel = false;
        int calls = 0;
        const Result<void> cancelled = createDemoDatabase(
            scratch, 0.01, 4,
            [&](qint64, qint64) {
                if (++calls == 3)
                    cancel = true;
            },
            &cancel);
        QVERIFY(!cancelled);
        QVERIFY2(cancelled.error().message.contains(u"cancelled"_s),
            qPrintable(cancelled.error().toString()));
        QCOMPARE(calls, 3);
        QCOMPARE(demoChecksum(scratchPlain), before);
        const auto info = readDemoDatabaseInfo(scratch);
        QVERIFY(info && info->has_value());
        QCOMPARE((*info)->seed, quint64(3));

        // Re-creating drops and recreates the demo tables, and only those.
        const Result<void> bigger = createDemoDatabase(scratch, 0.002, 5);
        QVERIFY(bigger);
        QCOMPARE(plainCount(scratchPlain, u"orders"_s), 2000);
        QCOMPARE(plainCount(scratchPlain, u"customers"_s), 200);
        QCOMPARE(plainCount(scratchPlain, u"keep_me"_s), 0); // still there: the query works
        QVERIFY(plainValue(scratchPlain, u"SELECT COUNT(*) FROM keep_me"_s).isValid());
    }
};

} // namespace CacheScope::DatabaseChecks
