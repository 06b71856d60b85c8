// The widget-free run session against a real SQLite demo database (rows scale 0.01, in a
// temporary directory): its states, the start queued behind a stop, live changes that mark the
// timeline, scenario steps at their times (short steps, 50 ms ticks), the history it keeps.

#include "testsupport.h"

#include "core/db/demodatabase.h"
#include "core/session/runsession.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

using State = RunSession::State;

class tst_RunSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void startPauseStop();
    void startFailureGoesBackToIdle();
    void stopWhilePreparingStartsNothing();
    void startAfterStopRunsTheQueuedConfig();
    void liveChangeMarksTheTimeline();
    void refusedLiveChangeChangesNothing();
    void changeWhilePreparingReachesTheRun();
    void scenarioStepsFireAtTheirTimes();
    void restartStepContinuesTheTimeline();
    void scenarioConfigKeepsTheDatabase();

private:
    RunSession::Options options() const;
    RunConfig config() const;
    static QList<State> states(const QSignalSpy &spy);
    static void waitFor(RunSession &session, State state, int timeoutMs = 60000);
    static void stopAndWait(RunSession &session);

    QTemporaryDir m_dir;
    QString m_db;
};

void tst_RunSession::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(u"demo.sqlite"_s);
    ConnectionSettings settings;
    settings.driver = DatabaseDriver::Sqlite;
    settings.database = m_db;
    const Result<DemoDatabaseInfo> demo = ensureDemoDatabase(settings, 0.01);
    QVERIFY2(demo, qPrintable(demo ? QString() : demo.error().toString()));
}

RunSession::Options tst_RunSession::options() const
{
    RunSession::Options o;
    o.demoRowsScale = 0.01;
    o.tickIntervalMs = 50;
    o.historyCapacity = 1000;
    return o;
}

RunConfig tst_RunSession::config() const
{
    RunConfig c = defaultRunConfig(m_db);
    c.threads = 2;
    c.workload.keys = 1000;
    c.cache.capacity = 100;
    return c;
}

QList<State> tst_RunSession::states(const QSignalSpy &spy)
{
    QList<State> out;
    for (const QList<QVariant> &args : spy)
        out << args.at(0).value<State>();
    return out;
}

void tst_RunSession::waitFor(RunSession &session, State state, int timeoutMs)
{
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), state, timeoutMs);
}

void tst_RunSession::stopAndWait(RunSession &session)
{
    session.stop();
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), State::Idle, 30000);
}

void tst_RunSession::startPauseStop()
{
    RunSession session(options());
    QSignalSpy stateSpy(&session, &RunSession::stateChanged);
    QSignalSpy startedSpy(&session, &RunSession::started);
    QSignalSpy tickSpy(&session, &RunSession::tick);
    QSignalSpy finishedSpy(&session, &RunSession::finished);
    QSignalSpy failedSpy(&session, &RunSession::failed);
    QCOMPARE(session.state(), State::Idle);

    session.start(config());
    QCOMPARE(session.state(), State::Preparing); // the demo database is checked off this thread
    waitFor(session, State::Running);
    QCOMPARE(startedSpy.size(), 1);
    QCOMPARE(startedSpy.at(0).at(0).toBool(), false);
    QCOMPARE(session.engine()->config().cache.capacity, qint64(100));
    QTRY_VERIFY_WITH_TIMEOUT(tickSpy.size() >= 3, 5000);
    QCOMPARE(session.history().size(), qsizetype(tickSpy.size()));
    // Ticks are on the timeline, in order, and the last one is the session's last time.
    double previous = 0;
    for (const QList<QVariant> &args : std::as_const(tickSpy)) {
        QVERIFY(args.at(0).toDouble() > previous);
        previous = args.at(0).toDouble();
    }
    QCOMPARE(session.lastTime(), previous);
    QVERIFY(session.lastSnapshot());

    session.start(config()); // not idle: ignored
    QCOMPARE(startedSpy.size(), 1);

    session.pause();
    waitFor(session, State::Paused, 10000);
    session.togglePause();
    waitFor(session, State::Running, 10000);

    stopAndWait(session);
    QCOMPARE(finishedSpy.size(), 1);
    QCOMPARE(failedSpy.size(), 0);
    QVERIFY(!session.engine()->isActive());
    const QList<State> seen = states(stateSpy);
    QCOMPARE(seen.first(), State::Preparing);
    QVERIFY(seen.contains(State::Starting));
    QVERIFY(seen.contains(State::Paused));
    QCOMPARE(seen.at(seen.size() - 2), State::Stopping);
    QCOMPARE(seen.last(), State::Idle);
    // The final interval was sampled; nothing ticks after the stop.
    const qsizetype ticks = tickSpy.size();
    QTest::qWait(200);
    QCOMPARE(tickSpy.size(), ticks);
    QCOMPARE(session.history().size(), ticks);
}

void tst_RunSession::startFailureGoesBackToIdle()
{
    RunSession::Options o = options();
    o.prepareDemoDatabase = false;
    RunSession session(o);
    QSignalSpy failedSpy(&session, &RunSession::failed);
    QSignalSpy finishedSpy(&session, &RunSession::finished);
    RunConfig c = config();
    c.database.database = m_dir.filePath(u"no-such-dir/none.sqlite"_s);
    session.start(c);
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.size(), 1, 30000);
    QCOMPARE(session.state(), State::Idle);
    QCOMPARE(failedSpy.size(), 1);
    QCOMPARE(failedSpy.at(0).at(0).value<RunSession::Failure>(), RunSession::Failure::StartFailed);

    // A configuration the engine refuses at once fails the same way.
    failedSpy.clear();
    c = config();
    c.threads = 0;
    session.start(c);
    QCOMPARE(failedSpy.size(), 1);
    QCOMPARE(failedSpy.at(0).at(1).value<Error>().field, u"threads"_s);
    QCOMPARE(session.state(), State::Idle);
}

void tst_RunSession::stopWhilePreparingStartsNothing()
{
    RunSession session(options());
    QSignalSpy failedSpy(&session, &RunSession::failed);
    QSignalSpy finishedSpy(&session, &RunSession::finished);
    QSignalSpy startedSpy(&session, &RunSession::started);
    RunConfig c = config();
    c.database.database = m_dir.filePath(u"fresh-stop.sqlite"_s); // created on the pool
    session.start(c);
    QCOMPARE(session.state(), State::Preparing);
    session.stop();
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.size(), 1, 30000);
    QTest::qWait(200);
    QCOMPARE(session.state(), State::Idle);
    QCOMPARE(startedSpy.size(), 0);
    QCOMPARE(failedSpy.size(), 0); // a cancel is not an error
    QVERIFY(!session.engine()->isActive());
}

void tst_RunSession::startAfterStopRunsTheQueuedConfig()
{
    RunSession session(options());
    QSignalSpy startedSpy(&session, &RunSession::started);
    QSignalSpy finishedSpy(&session, &RunSession::finished);
    session.start(config());
    waitFor(session, State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(session.history().size() >= 2, 5000);

    // A scenario asked for while running: the run stops, then the scenario starts afresh.
    Scenario s;
    s.id = u"queued"_s;
    s.title = u"Queued"_s;
    s.lookFor = u"the second run"_s;
    RunConfig next = config();
    next.cache.capacity = 321;
    next.threads = 3;
    QSignalSpy stateSpy(&session, &RunSession::stateChanged);
    session.startScenario(s, next);
    QTRY_COMPARE_WITH_TIMEOUT(startedSpy.size(), 2, 60000);
    waitFor(session, State::Running);
    QCOMPARE(startedSpy.at(1).at(0).toBool(), false); // a fresh timeline
    QCOMPARE(session.engine()->config().cache.capacity, qint64(321));
    QCOMPARE(session.engine()->config().threads, 3);
    QVERIFY(session.scenario());
    QCOMPARE(session.scenario()->id, u"queued"_s);
    QCOMPARE(finishedSpy.size(), 0); // the queued start followed the stop
    const QList<State> seen = states(stateSpy);
    QVERIFY(seen.indexOf(State::Stopping) < seen.indexOf(State::Idle));
    QVERIFY(seen.indexOf(State::Idle) < seen.indexOf(State::Preparing));
    QVERIFY(session.history().size() <= 3); // cleared at the new start

    // The same from Starting: the start in progress gives way to the queued one.
    stopAndWait(session);
    QCOMPARE(finishedSpy.size(), 1);
    session.start(config());
    QTRY_VERIFY_WITH_TIMEOUT(session.state() != State::Preparing, 30000);
    next.cache.capacity = 654;
    session.startScenario(s, next);
    QTRY_COMPARE_WITH_TIMEOUT(session.engine()->config().cache.capacity, qint64(654), 60000);
    waitFor(session, State::Running);
    stopAndWait(session);
    QVERIFY(!session.scenario()); // stop forgets the scenario
}

void tst_RunSession::liveChangeMarksTheTimeline()
{
    RunSession session(options());
    QSignalSpy markerSpy(&session, &RunSession::marker);
    QSignalSpy changedSpy(&session, &RunSession::changed);
    session.start(config());
    waitFor(session, State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(session.history().size() >= 2, 5000);

    RunConfig target = config();
    target.cache.capacity = 50;
    target.cache.policy = u"s3fifo"_s;
    target.database.database = u"/elsewhere.sqlite"_s; // not live: kept
    const Result<void> applied = session.applyConfig(target);
    QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().toString()));
    QCOMPARE(session.engine()->config().cache.capacity, qint64(50));
    QCOMPARE(session.engine()->config().cache.policy, u"s3fifo"_s);
    QCOMPARE(session.engine()->config().database.database, m_db);

    // One marker per change, at the current time on the timeline.
    QCOMPARE(markerSpy.size(), 2);
    QCOMPARE(changedSpy.size(), 2);
    QStringList labels;
    for (const QList<QVariant> &args : std::as_const(markerSpy)) {
        labels << args.at(1).toString();
        QVERIFY(args.at(0).toDouble() > 0);
        QVERIFY(args.at(0).toDouble() <= session.currentTime());
    }
    QVERIFY2(labels.join(u"|"_s).contains(u"s3fifo"_s), qPrintable(labels.join(u"|"_s)));
    QVERIFY2(labels.join(u"|"_s).contains(u"50"_s), qPrintable(labels.join(u"|"_s)));

    // The next history row carries both changes (what the CSV's config_change column shows).
    const qsizetype rows = session.history().size();
    QTRY_VERIFY_WITH_TIMEOUT(session.history().size() > rows, 5000);
    const QString changes = session.history().at(rows).changes;
    QVERIFY2(changes.contains(u"s3fifo"_s) && changes.contains(u"; "_s), qPrintable(changes));

    // Nothing changed, nothing marked.
    QVERIFY(session.applyConfig(session.engine()->config()));
    QCOMPARE(markerSpy.size(), 2);
    stopAndWait(session);
}

void tst_RunSession::refusedLiveChangeChangesNothing()
{
    RunSession session(options());
    QSignalSpy markerSpy(&session, &RunSession::marker);
    session.start(config());
    waitFor(session, State::Running);
    RunConfig target = config();
    target.mix = { 0, 0, 0 };
    const Result<void> applied = session.applyConfig(target);
    QVERIFY(!applied);
    QCOMPARE(session.engine()->config().mix.point, 1.0);
    QCOMPARE(markerSpy.size(), 0);
    QCOMPARE(session.state(), State::Running);
    stopAndWait(session);
}

void tst_RunSession::changeWhilePreparingReachesTheRun()
{
    RunSession session(options());
    session.start(config());
    QCOMPARE(session.state(), State::Preparing);
    RunConfig target = config();
    target.cache.capacity = 77;
    target.database.database = u"/elsewhere.sqlite"_s; // the start keeps its database
    QVERIFY(session.applyConfig(target));
    waitFor(session, State::Running);
    QCOMPARE(session.engine()->config().cache.capacity, qint64(77));
    QCOMPARE(session.engine()->config().database.database, m_db);
    stopAndWait(session);
}

void tst_RunSession::scenarioStepsFireAtTheirTimes()
{
    RunSession session(options());
    QSignalSpy markerSpy(&session, &RunSession::marker);
    QSignalSpy appliedSpy(&session, &RunSession::configApplied);
    QSignalSpy changedSpy(&session, &RunSession::changed);
    const Result<Scenario> s = parseScenario(R"json({"id": "short", "title": "Short",
        "lookFor": "two steps", "config": {},
        "steps": [
            {"atMs": 600, "set": {"writeRatio": 0.2, "cache": {"capacity": 40}}, "note": "second"},
            {"atMs": 300, "set": {"cache": {"capacity": 60}}, "note": "first"}
        ]})json",
        u"short.json"_s);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
    session.startScenario(s.value(), config());
    waitFor(session, State::Running);
    QTRY_COMPARE_WITH_TIMEOUT(markerSpy.size(), 2, 10000);

    // In time order, each one marker with its note (its changes share it), at or just after
    // its time: steps are looked at every tick (50 ms here).
    QCOMPARE(markerSpy.at(0).at(1).toString(), u"first"_s);
    QCOMPARE(markerSpy.at(1).at(1).toString(), u"second"_s);
    const double first = markerSpy.at(0).at(0).toDouble();
    const double second = markerSpy.at(1).at(0).toDouble();
    QVERIFY2(first >= 0.3 && first < 0.3 + 1.0, qPrintable(QString::number(first)));
    QVERIFY2(second >= 0.6 && second < 0.6 + 1.0, qPrintable(QString::number(second)));
    QCOMPARE(session.engine()->config().cache.capacity, qint64(40));
    QCOMPARE(session.engine()->config().writeRatio, 0.2);
    QCOMPARE(changedSpy.size(), 3); // capacity, capacity, write ratio: logged one by one
    QCOMPARE(appliedSpy.size(), 2); // the view shows what the engine runs with
    QCOMPARE(appliedSpy.at(1).at(0).value<RunConfig>().cache.capacity, qint64(40));
    QTest::qWait(200);
    QCOMPARE(markerSpy.size(), 2); // each step once
    stopAndWait(session);
}

void tst_RunSession::restartStepContinuesTheTimeline()
{
    RunSession session(options());
    QSignalSpy startedSpy(&session, &RunSession::started);
    QSignalSpy markerSpy(&session, &RunSession::marker);
    QSignalSpy finishedSpy(&session, &RunSession::finished);
    const Result<Scenario> s = parseScenario(R"json({"id": "restart", "title": "Restart",
        "lookFor": "a restart", "config": {},
        "steps": [{"atMs": 300, "restart": true, "set": {"database": {"connection": "per-query"}},
                   "note": "per query (restart)"}]})json",
        u"restart.json"_s);
    QVERIFY(s);
    session.startScenario(s.value(), config());
    QTRY_COMPARE_WITH_TIMEOUT(startedSpy.size(), 2, 60000);
    waitFor(session, State::Running);
    QCOMPARE(startedSpy.at(1).at(0).toBool(), true); // the timeline continues
    QCOMPARE(finishedSpy.size(), 0);
    QCOMPARE(session.engine()->config().database.connectionMode, ConnectionMode::PerQuery);
    QCOMPARE(markerSpy.size(), 1);
    QCOMPARE(markerSpy.at(0).at(1).toString(), u"per query (restart)"_s);
    const double restartAt = markerSpy.at(0).at(0).toDouble();
    QVERIFY(restartAt >= 0.3);

    // Samples after the restart lie after it on the timeline; the history kept the first run.
    const qsizetype rows = session.history().size();
    QTRY_VERIFY_WITH_TIMEOUT(session.history().size() > rows + 1, 5000);
    QVERIFY(session.history().at(0).t < restartAt);
    QVERIFY(session.history().at(session.history().size() - 1).t > restartAt);
    // The totals span both engine runs.
    const MetricsReading total = session.totalReading();
    QVERIFY(total.counters.requests > session.engine()->reading().counters.requests);
    stopAndWait(session);
    QCOMPARE(finishedSpy.size(), 1);
}

void tst_RunSession::scenarioConfigKeepsTheDatabase()
{
    QList<Error> errors;
    const QList<Scenario> scenarios = loadBuiltInScenarios(&errors);
    QVERIFY(errors.isEmpty());
    const Scenario *stampede = findScenario(scenarios, u"stampede"_s);
    QVERIFY(stampede);
    ConnectionSettings db;
    db.driver = DatabaseDriver::Sqlite;
    db.database = m_db;
    db.connectionMode = ConnectionMode::PerQuery;
    db.simulatedDelayMs = 9;
    const Result<RunConfig> c = scenarioRunConfig(*stampede, defaultRunConfig(u"x"_s), db);
    QVERIFY(c);
    QCOMPARE(c->database.database, m_db);
    QCOMPARE(c->threads, 16);
    QCOMPARE(c->database.connectionMode, ConnectionMode::PerThread); // the scenario's own
    const Error unknown = unknownScenarioError(scenarios, u"nope"_s);
    QCOMPARE(unknown.field, u"scenario"_s);
    QCOMPARE(unknown.value, u"nope"_s);
    QVERIFY(unknown.message.contains(u"lru-100"_s));
}

QTEST_GUILESS_MAIN(tst_RunSession)
#include "tst_runsession.moc"
