// The configuration JSON (save, load, presets) and the eight demo scenarios shipped in
// resources/scenarios.

#include "core/engine/runconfig.h"
#include "core/session/configjson.h"
#include "core/session/runsession.h"
#include "core/session/scenario.h"

#include <QJsonDocument>
#include <QSet>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_Scenarios : public QObject
{
    Q_OBJECT

private slots:
    void configRoundTrips();
    void overlayChangesOnlyWhatItNames();
    void badFieldsNameTheField_data();
    void badFieldsNameTheField();
    void builtInScenariosShip();
    void everyScenarioIsAValidRun();
    void brokenPresetIsReported();
};

void tst_Scenarios::configRoundTrips()
{
    RunConfig c;
    c.database.driver = DatabaseDriver::Postgres;
    c.database.database = u"shop"_s;
    c.database.host = u"db.example"_s;
    c.database.port = 6543;
    c.database.user = u"app"_s;
    c.database.password = u"secret"_s;
    c.database.connectionMode = ConnectionMode::PerQuery;
    c.database.simulatedDelayMs = 3;
    c.workload.kind = u"hotspot"_s;
    c.workload.keys = 5000;
    c.workload.hotKeyFraction = 0.05;
    c.mix = { 0.5, 0.25, 0.25 };
    c.writeRatio = 0.1;
    c.threads = 12;
    c.loadModel = LoadModel::OpenLoop;
    c.targetRate = 2500;
    c.cache.policy = u"s3fifo"_s;
    c.cache.capacity = 4 << 20;
    c.cache.sizeUnit = SizeUnit::Bytes;
    c.cache.ttlMs = 1500;
    c.cache.singleFlight = true;
    c.shadows = true;
    const QJsonObject json = runConfigToJson(c);
    QVERIFY(!QJsonDocument(json).toJson().contains("secret")); // never written
    const Result<RunConfig> back = runConfigFromJson(json, RunConfig {});
    QVERIFY(back);
    const RunConfig &b = back.value();
    QCOMPARE(b.database.driver, DatabaseDriver::Postgres);
    QCOMPARE(b.database.host, u"db.example"_s);
    QCOMPARE(b.database.port, 6543);
    QCOMPARE(b.database.password, QString());
    QCOMPARE(b.database.connectionMode, ConnectionMode::PerQuery);
    QCOMPARE(b.database.simulatedDelayMs, 3);
    QVERIFY(sameWorkload(b.workload, c.workload));
    QCOMPARE(b.mix, c.mix);
    QCOMPARE(b.writeRatio, 0.1);
    QCOMPARE(b.threads, 12);
    QCOMPARE(b.loadModel, LoadModel::OpenLoop);
    QCOMPARE(b.targetRate, 2500.0);
    QCOMPARE(b.cache.policy, u"s3fifo"_s);
    QCOMPARE(b.cache.capacity, qint64(4 << 20));
    QCOMPARE(b.cache.sizeUnit, SizeUnit::Bytes);
    QCOMPARE(b.cache.ttlMs, qint64(1500));
    QVERIFY(b.cache.singleFlight);
    QVERIFY(b.shadows);
}

void tst_Scenarios::overlayChangesOnlyWhatItNames()
{
    RunConfig base;
    base.threads = 7;
    base.cache.capacity = 123;
    const QJsonObject step
        = QJsonDocument::fromJson(R"({"cache": {"singleFlight": true}})").object();
    const Result<RunConfig> c = runConfigFromJson(step, base);
    QVERIFY(c);
    QVERIFY(c->cache.singleFlight);
    QCOMPARE(c->threads, 7);
    QCOMPARE(c->cache.capacity, qint64(123));
}

void tst_Scenarios::badFieldsNameTheField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("capacity text")
        << QByteArray(R"({"cache": {"capacity": "big"}})") << u"cache.capacity"_s << u"big"_s;
    QTest::newRow("fractional threads")
        << QByteArray(R"({"threads": 2.5})") << u"threads"_s << u"2.5"_s;
    QTest::newRow("unknown kind") << QByteArray(R"({"workload": {"kind": "gauss"}})")
                                  << u"workload.kind"_s << u"gauss"_s;
    QTest::newRow("unknown load") << QByteArray(R"({"loadModel": "half"})") << u"loadModel"_s
                                  << u"half"_s;
    QTest::newRow("port range") << QByteArray(R"({"database": {"port": 70000}})")
                                << u"database.port"_s << u"70000"_s;
    QTest::newRow("flag as text") << QByteArray(R"({"cache": {"singleFlight": "yes"}})")
                                  << u"cache.singleFlight"_s << u"yes"_s;
}

void tst_Scenarios::badFieldsNameTheField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QFETCH(QString, value);
    const Result<RunConfig> c
        = runConfigFromJson(QJsonDocument::fromJson(json).object(), RunConfig {}, u"my.json"_s);
    QVERIFY(!c);
    QCOMPARE(c.error().field, field);
    QCOMPARE(c.error().value, value);
    QCOMPARE(c.error().file, u"my.json"_s);
}

void tst_Scenarios::builtInScenariosShip()
{
    QList<Error> errors;
    const QList<Scenario> scenarios = loadBuiltInScenarios(&errors);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).toString()));
    QCOMPARE(scenarios.size(), 11);
    const QStringList ids { u"lru-100"_s, u"hot-set-fits"_s, u"scan-pollution"_s,
        u"shifting-hotspot"_s, u"write-heavy"_s, u"stampede"_s, u"connection-per-query"_s,
        u"remote-database"_s, u"far-database"_s, u"fleet-4-shared-redis"_s,
        u"write-heavy-fleet"_s };
    for (int i = 0; i < ids.size(); ++i)
        QCOMPARE(scenarios.at(i).id, ids.at(i)); // menu order
    QCOMPARE(scenarios.first().title, u"LRU of 100 entries, 10 workers"_s);
    QVERIFY(findScenario(scenarios, u"STAMPEDE"_s));
    QVERIFY(findScenario(scenarios, u"lru of 100 entries, 10 workers"_s));
    QVERIFY(!findScenario(scenarios, u"nope"_s));
}

void tst_Scenarios::everyScenarioIsAValidRun()
{
    for (const Scenario &s : loadBuiltInScenarios()) {
        QVERIFY2(!s.lookFor.isEmpty() && !s.lookFor.contains(u'\n'), qPrintable(s.id));
        RunConfig base;
        base.database.database = u"/tmp/demo.sqlite"_s;
        if (s.needsPostgres) {
            // Refused on SQLite, saying why; valid on PostgreSQL.
            const Result<RunConfig> onSqlite = scenarioRunConfig(s, base, base.database);
            QVERIFY(!onSqlite);
            QCOMPARE(onSqlite.error().field, u"scenario"_s);
            QVERIFY2(onSqlite.error().message.startsWith(u"needs PostgreSQL"_s),
                qPrintable(onSqlite.error().toString()));
            base.database.driver = DatabaseDriver::Postgres;
            base.database.database = u"cachescope"_s;
        }
        if (s.fleetInstances > 0) {
            // Not a single run; the Fleet tab gives each instance its Redis.
            const Result<RunConfig> single = scenarioRunConfig(s, base, base.database);
            QVERIFY(!single);
            QCOMPARE(single.error().field, u"scenario"_s);
            QVERIFY(s.fleetInstances <= Scenario::maxFleetInstances);
            base.l2.url = u"redis://127.0.0.1:6379"_s;
        }
        Result<RunConfig> config = runConfigFromJson(s.config, base, s.id);
        QVERIFY2(
            config, qPrintable(s.id + u": "_s + (config ? QString() : config.error().toString())));
        const Result<void> valid = config->validate();
        QVERIFY2(
            valid, qPrintable(s.id + u": "_s + (valid ? QString() : valid.error().toString())));
        qint64 previous = -1;
        for (const ScenarioStep &step : s.steps) {
            QVERIFY(step.atMs >= previous);
            previous = step.atMs;
            Result<RunConfig> next = runConfigFromJson(step.set, config.value(), s.id);
            QVERIFY2(next,
                qPrintable(s.id + u" step: "_s + (next ? QString() : next.error().toString())));
            QVERIFY2(next->validate(), qPrintable(s.id + u" step " + step.note));
            config = next;
        }
    }
}

void tst_Scenarios::brokenPresetIsReported()
{
    const Result<Scenario> noTitle
        = parseScenario(R"({"id": "x", "lookFor": "y", "config": {}})", u"x.json"_s);
    QVERIFY(!noTitle);
    QCOMPARE(noTitle.error().field, u"title"_s);
    const Result<Scenario> badJson = parseScenario("{", u"x.json"_s);
    QVERIFY(!badJson);
    QCOMPARE(badJson.error().file, u"x.json"_s);
    const Result<Scenario> badStep = parseScenario(
        R"({"id": "x", "title": "t", "lookFor": "y", "config": {}, "steps": [{"atMs": 5, "set": {}, "note": "n"}]})",
        u"x.json"_s);
    QVERIFY(!badStep);
    QCOMPARE(badStep.error().field, u"steps[0].set"_s);
    const Result<Scenario> badFleet = parseScenario(
        R"({"id": "x", "title": "t", "lookFor": "y", "config": {}, "fleet": {"instances": 99}})",
        u"x.json"_s);
    QVERIFY(!badFleet);
    QCOMPARE(badFleet.error().field, u"fleet.instances"_s);
    QCOMPARE(badFleet.error().file, u"x.json"_s);
    const Result<Scenario> fleet = parseScenario(
        R"({"id": "x", "title": "t", "lookFor": "y", "config": {}, "fleet": {"instances": 3}})",
        u"x.json"_s);
    QVERIFY(fleet);
    QCOMPARE(fleet->fleetInstances, 3);
}

QTEST_GUILESS_MAIN(tst_Scenarios)
#include "tst_scenarios.moc"
