// The GUI's item models under QAbstractItemModelTester, and what their cells say.

#include "gui/countersmodel.h"
#include "gui/guiresources.h"
#include "gui/logmodel.h"
#include "gui/traceresultsmodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_GuiModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void countersModel();
    void countersShowNotAvailableBeforeAnyRead();
    void countersSecondTierRows();
    void logModelStaysBounded();
    void traceResultsModel();
};

void tst_GuiModels::initTestCase()
{
    initCacheScopeResources();
    QVERIFY2(
        QFontMetrics(QApplication::font()).inFont(QLatin1Char('A')), "install fonts-dejavu-core");
}

void tst_GuiModels::countersModel()
{
    CountersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), int(CountersModel::RowCount));
    QCOMPARE(model.columnCount(), int(CountersModel::ColumnCount));

    MetricsSnapshot s;
    s.elapsedMs = 2000;
    s.intervalMs = 500;
    s.interval.requests = 100;
    s.interval.hits = 75;
    s.interval.misses = 25;
    s.total.requests = 1000;
    s.total.hits = 600;
    s.total.misses = 400;
    s.entries = 42;
    s.capacity = 100;
    s.hitLatency = { 75, 1500, 0, 2500, 0, 9000 };
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setSnapshot(s);
    QCOMPARE(changed.count(), 1);
    auto cell = [&model](int row, int column, int role = Qt::DisplayRole) {
        return model.index(row, column).data(role);
    };
    QCOMPARE(cell(CountersModel::Requests, CountersModel::TotalColumn, CountersModel::ValueRole)
                 .toDouble(),
        1000.0);
    // 100 requests in 0.5 s: 200/s.
    QCOMPARE(cell(CountersModel::Requests, CountersModel::IntervalColumn).toString(), u"200/s"_s);
    QCOMPARE(cell(CountersModel::HitRatio, CountersModel::TotalColumn).toString(), u"60.0%"_s);
    QCOMPARE(cell(CountersModel::HitRatio, CountersModel::IntervalColumn).toString(), u"75.0%"_s);
    QCOMPARE(cell(CountersModel::HitP50, CountersModel::IntervalColumn).toString(), u"1.50 µs"_s);
    QCOMPARE(cell(CountersModel::MissP50, CountersModel::IntervalColumn).toString(),
        u"n/a"_s); // no misses timed
    QCOMPARE(
        cell(CountersModel::Capacity, CountersModel::TotalColumn).toString(), u"100 entries"_s);
    model.clear();
    QCOMPARE(cell(CountersModel::Requests, CountersModel::TotalColumn).toString(), QString());
}

void tst_GuiModels::countersShowNotAvailableBeforeAnyRead()
{
    CountersModel model;
    MetricsSnapshot s; // a run that has not answered a read yet
    s.intervalMs = 100;
    model.setSnapshot(s);
    QCOMPARE(model.index(CountersModel::HitRatio, CountersModel::TotalColumn).data().toString(),
        u"n/a"_s);
    QVERIFY(!model.index(CountersModel::HitRatio, CountersModel::TotalColumn)
                 .data(CountersModel::ValueRole)
                 .isValid());
}

void tst_GuiModels::countersSecondTierRows()
{
    CountersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy applicable(&model, &CountersModel::applicableRowsChanged);
    MetricsSnapshot s;
    s.intervalMs = 500;
    s.staleMeasured = true;
    s.interval.hits = 80;
    s.interval.misses = 20;
    s.total = s.interval;
    model.setSnapshot(s);
    const int tierRows[] = { CountersModel::L1Hits, CountersModel::L2Hits, CountersModel::DbQueries,
        CountersModel::L2Errors, CountersModel::L2Evicted, CountersModel::L2P50,
        CountersModel::L2P99, CountersModel::StaleReads, CountersModel::StalenessP50,
        CountersModel::StalenessP99, CountersModel::InvalidationsReceived };
    for (const int row : tierRows) // one tier: none of them mean anything
        QVERIFY2(!model.rowApplies(row), qPrintable(model.index(row, 0).data().toString()));
    QVERIFY(model.rowApplies(CountersModel::Hits));
    QCOMPARE(applicable.count(), 0);

    model.setSecondTier(true, L2Invalidation::None);
    QCOMPARE(applicable.count(), 1);
    QVERIFY(model.rowApplies(CountersModel::L2Hits));
    QVERIFY(model.rowApplies(CountersModel::StalenessP99));
    QVERIFY(!model.rowApplies(CountersModel::InvalidationsReceived)); // nothing to receive
    model.setSecondTier(true, L2Invalidation::PubSub);
    QVERIFY(model.rowApplies(CountersModel::InvalidationsReceived));

    s.interval.l2Hits = 30; // of the 80 hits
    s.interval.dbQueries = 20;
    s.interval.staleReads = 4;
    s.interval.l2Evictions = 9; // Redis's own, from its INFO
    s.l2Latency = { 30, 150000, 0, 700000, 0, 900000 };
    s.staleness = { 4, 20000000, 0, 80000000, 0, 90000000 };
    s.total = s.interval;
    s.totalStaleness = s.staleness;
    model.setSnapshot(s);
    auto text
        = [&model](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(CountersModel::L1Hits, CountersModel::TotalColumn), u"50"_s);
    QCOMPARE(text(CountersModel::L2Hits, CountersModel::TotalColumn), u"30"_s);
    QCOMPARE(text(CountersModel::L2Hits, CountersModel::IntervalColumn), u"60/s"_s);
    QCOMPARE(text(CountersModel::DbQueries, CountersModel::TotalColumn), u"20"_s);
    QCOMPARE(text(CountersModel::StaleReads, CountersModel::TotalColumn), u"4"_s);
    QCOMPARE(text(CountersModel::L2Evicted, CountersModel::TotalColumn), u"9"_s);
    QCOMPARE(text(CountersModel::L2P50, CountersModel::IntervalColumn), u"150 µs"_s);
    QCOMPARE(text(CountersModel::L2P99, CountersModel::TotalColumn), u"n/a"_s); // none in total
    QCOMPARE(text(CountersModel::StalenessP99, CountersModel::TotalColumn), u"80.0 ms"_s);

    // Switched off mid-run: its rows stay while the totals since the start hold its counts.
    model.setSecondTier(false);
    QVERIFY(model.rowApplies(CountersModel::L2Hits));
    QVERIFY(model.rowApplies(CountersModel::StaleReads));
    QVERIFY(!model.rowApplies(CountersModel::InvalidationsReceived));
    model.clear();
    QVERIFY(!model.rowApplies(CountersModel::L2Hits));
}

void tst_GuiModels::logModelStaysBounded()
{
    LogModel model(5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 12; ++i)
        model.add(
            i % 3 == 0 ? LogModel::Level::Error : LogModel::Level::Info, u"message %1"_s.arg(i));
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.message(0), u"message 7"_s); // the oldest left first
    QCOMPARE(model.message(4), u"message 11"_s);
    QCOMPARE(model.count(LogModel::Level::Error), 1); // errors were 0, 3, 6, 9; 7..11 are kept
    QCOMPARE(model.index(4, LogModel::MessageColumn).data().toString(), u"message 11"_s);
    QCOMPARE(model.index(2, LogModel::LevelColumn).data(LogModel::LevelRole).toInt(),
        int(LogModel::Level::Error));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_GuiModels::traceResultsModel()
{
    TraceResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SimulationResult lru;
    lru.policy = u"lru"_s;
    lru.capacity = 260;
    lru.stats.requests = 15858;
    lru.stats.misses = 8972;
    lru.stats.hits = 15858 - 8972;
    lru.seconds = 0.001;
    SimulationResult opt = lru;
    opt.policy = u"opt"_s;
    opt.stats.misses = 5000;
    model.setResults({ lru, opt });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, TraceResultsModel::PolicyColumn).data().toString(), u"LRU"_s);
    QCOMPARE(model.index(1, TraceResultsModel::PolicyColumn).data().toString(), u"Belady OPT"_s);
    // 8972 / 15858 = 56.58%
    QCOMPARE(model.index(0, TraceResultsModel::MissRatioColumn).data().toString(), u"56.58%"_s);
    QCOMPARE(model.index(0, TraceResultsModel::MissesColumn)
                 .data(TraceResultsModel::SortRole)
                 .toDouble(),
        8972.0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(tst_GuiModels)
#include "tst_guimodels.moc"
