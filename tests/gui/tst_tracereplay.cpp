// The Trace replay tab on the shared traces: results agree with libCacheSim's reference miss
// counts (tests/data/reference.csv), the chart has one line per policy, and Cancel and bad
// input leave the tab usable.

#include "gui/guiresources.h"
#include "gui/missratiochart.h"
#include "gui/tracereplayer.h"
#include "gui/tracereplaywidget.h"
#include "gui/traceresultsmodel.h"

#include "testsupport.h"

#include <QFile>
#include <QLineSeries>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_TraceReplay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void matchesReferenceMissCounts();
    void cancelKeepsTheTabUsable();
    void unreadableTraceIsReported();
    void badCapacitiesAreRefusedAtOnce();
    void replaysARedisMonitorCapture();

private:
    /// (policy, capacity) -> misses for one trace, from reference.csv.
    static QHash<QPair<QString, qint64>, quint64> referenceMisses(const QString &trace);
};

void tst_TraceReplay::initTestCase() { initCacheScopeResources(); }

QHash<QPair<QString, qint64>, quint64> tst_TraceReplay::referenceMisses(const QString &trace)
{
    QHash<QPair<QString, qint64>, quint64> out;
    QFile file(TestSupport::dataPath(u"reference.csv"_s));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return out;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines.mid(1)) { // trace,policy,capacity_objects,requests,misses,...
        const QStringList f = line.split(u',');
        if (f.size() >= 5 && f.at(0) == trace)
            out.insert({ f.at(1), f.at(2).toLongLong() }, f.at(4).toULongLong());
    }
    return out;
}

void tst_TraceReplay::matchesReferenceMissCounts()
{
    const auto reference = referenceMisses(u"lirs_multi1.trace"_s);
    QVERIFY(!reference.isEmpty());
    TraceReplayWidget w;
    w.show();
    QSignalSpy finished(w.replayer(), &TraceReplayer::finished);
    QSignalSpy recent(&w, &TraceReplayWidget::recentTracesChanged);
    w.setTracePath(TestSupport::dataPath(u"lirs_multi1.trace"_s));
    w.setSelectedPolicies({ u"lru"_s, u"fifo"_s, u"arc"_s, u"opt"_s });
    // 2 606 unique keys: 0.1%, 1%, 5%, 10% are the reference's 2, 26, 130, 260.
    w.setCapacities(u"0.1%,1%,5%,10%"_s);
    QVERIFY(w.startReplay());
    QVERIFY(w.isRunning());
    QVERIFY(finished.wait(60000));
    QVERIFY(!w.isRunning());
    QCOMPARE(recent.count(), 1);
    QCOMPARE(w.recentTraces().first(), TestSupport::dataPath(u"lirs_multi1.trace"_s));

    const TraceResultsModel *model = w.resultsModel();
    QCOMPARE(model->rowCount(), 16);
    int compared = 0;
    for (const SimulationResult &r : model->results()) {
        QCOMPARE(r.stats.requests, quint64(15858));
        const auto it = reference.find({ r.policy, r.capacity });
        QVERIFY2(it != reference.end(),
            qPrintable(u"%1 at %2 not in reference.csv"_s.arg(r.policy).arg(r.capacity)));
        QCOMPARE(r.stats.misses, it.value());
        ++compared;
    }
    QCOMPARE(compared, 16);

    // One line per policy, four points each; OPT never misses more than any other policy.
    const MissRatioChart *chart = w.chart();
    QCOMPARE(chart->lineCount(), 4);
    QLineSeries *opt = chart->seriesFor(u"opt"_s);
    QLineSeries *lru = chart->seriesFor(u"lru"_s);
    QVERIFY(opt && lru);
    QCOMPARE(opt->count(), 4);
    QCOMPARE(opt->name(), u"Belady OPT (bound)"_s);
    QCOMPARE(opt->pen().style(), Qt::DashLine);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(opt->at(i).x(), lru->at(i).x());
        QVERIFY(opt->at(i).y() <= lru->at(i).y());
    }
    // lru at 260: 8972 / 15858 misses.
    QCOMPARE(lru->at(3), QPointF(260, 8972.0 / 15858.0 * 100.0));

    // The exact LRU curve (one pass, stack distances) runs through every replayed LRU point:
    // two implementations, the same misses.
    QLineSeries *curve = chart->lruCurveSeries();
    QVERIFY(curve);
    QVERIFY(curve->count() > 50);
    for (int i = 0; i < lru->count(); ++i) {
        const QPointF replayed = lru->at(i);
        const QList<QPointF> points = curve->points();
        const auto on = std::find_if(points.cbegin(), points.cend(),
            [&](const QPointF &p) { return p.x() == replayed.x(); });
        QVERIFY2(on != points.cend(), qPrintable(QString::number(replayed.x())));
        QVERIFY2(qAbs(on->y() - replayed.y()) < 1e-9,
            qPrintable(u"capacity %1: curve %2, replay %3"_s.arg(replayed.x())
                           .arg(on->y())
                           .arg(replayed.y())));
    }
    QCOMPARE(curve->points().first().x(), lru->at(0).x());
    QCOMPARE(curve->points().last().x(), lru->at(lru->count() - 1).x());

    // A second replay of the same file reuses the trace in memory.
    QSignalSpy again(w.replayer(), &TraceReplayer::finished);
    w.setSelectedPolicies({ u"sieve"_s });
    QVERIFY(w.startReplay());
    QVERIFY(again.wait(60000));
    QVERIFY(again.first().first().value<TraceReplayOutcome>().traceReused);
    QCOMPARE(w.chart()->lineCount(), 1);
}

void tst_TraceReplay::cancelKeepsTheTabUsable()
{
    TraceReplayWidget w;
    QSignalSpy cancelled(w.replayer(), &TraceReplayer::cancelled);
    QSignalSpy finished(w.replayer(), &TraceReplayer::finished);
    w.setTracePath(TestSupport::dataPath(u"cache2k_web07.trace"_s));
    w.setSelectedPolicies({ u"lru"_s, u"fifo"_s, u"lfu"_s, u"arc"_s, u"twoq"_s, u"lirs"_s,
        u"sieve"_s, u"s3fifo"_s, u"wtinylfu"_s, u"opt"_s });
    w.setCapacities(u"1%,2%,5%,10%,20%,40%"_s);
    QVERIFY(w.startReplay());
    w.cancelReplay(); // before the task can have finished: the flag is checked after each phase
    QVERIFY(cancelled.wait(60000));
    QCOMPARE(finished.count(), 0);
    QVERIFY(!w.isRunning());
    QVERIFY(w.findChild<QPushButton *>(u"runButton"_s)->isEnabled());
    QVERIFY(!w.findChild<QPushButton *>(u"cancelButton"_s)->isEnabled());
    // And it runs again.
    w.setSelectedPolicies({ u"lru"_s });
    w.setCapacities(u"1%"_s);
    QVERIFY(w.startReplay());
    QVERIFY(finished.wait(60000));
    QCOMPARE(w.resultsModel()->rowCount(), 1);
}

void tst_TraceReplay::unreadableTraceIsReported()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bad.txt"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("1\n2\nthree\n");
    file.close();
    TraceReplayWidget w;
    QSignalSpy errors(&w, &TraceReplayWidget::errorOccurred);
    w.setTracePath(path);
    w.setSelectedPolicies({ u"lru"_s });
    w.setCapacities(u"2"_s);
    QVERIFY(w.startReplay());
    QVERIFY(errors.wait(60000));
    const Error e = errors.first().first().value<Error>();
    QVERIFY2(e.toString().contains(u"bad.txt"_s), qPrintable(e.toString()));
    QVERIFY2(e.line == 3, qPrintable(e.toString()));
    QVERIFY(!w.isRunning());
    QVERIFY(w.summaryText().startsWith(u"Failed"_s));
}

void tst_TraceReplay::badCapacitiesAreRefusedAtOnce()
{
    TraceReplayWidget w;
    QSignalSpy errors(&w, &TraceReplayWidget::errorOccurred);
    w.setTracePath(TestSupport::dataPath(u"lirs_multi1.trace"_s));
    w.setSelectedPolicies({ u"lru"_s });
    w.setCapacities(u"10%,lots"_s);
    QVERIFY(!w.startReplay());
    QCOMPARE(errors.count(), 1);
    QVERIFY(!w.isRunning());
    w.setSelectedPolicies({});
    w.setCapacities(u"10%"_s);
    QVERIFY(!w.startReplay());
    QCOMPARE(errors.count(), 2);
    w.setTracePath(u"/nonexistent/trace.txt"_s);
    w.setSelectedPolicies({ u"lru"_s });
    QVERIFY(!w.startReplay());
    QCOMPARE(errors.count(), 3);
}

QTEST_MAIN(tst_TraceReplay)
#include "tst_tracereplay.moc"

/// A key capture's record file (`monitor --record`, plain MONITOR lines) replays in the tab as
/// trace format redis-monitor, detected: GET a b c a b d a through LRU misses 7 times at 2 keys
/// and 4 at 3; the PING and the SET are no reads.
void tst_TraceReplay::replaysARedisMonitorCapture()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"capture.monitor"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("OK\n");
    double t = 1764000000.000001;
    for (const char *key : { "a", "b", "c", "a", "b", "d", "a" }) {
        file.write(
            QByteArray::number(t, 'f', 6) + " [0 127.0.0.1:50000] \"GET\" \"" + key + "\"\n");
        t += 0.001;
        if (key[0] == 'c') {
            file.write(QByteArray::number(t, 'f', 6) + " [0 127.0.0.1:50000] \"PING\"\n");
            file.write(
                QByteArray::number(t, 'f', 6) + " [0 127.0.0.1:50000] \"SET\" \"e\" \"1\"\n");
        }
    }
    file.close();

    TraceReplayWidget w;
    w.show();
    QSignalSpy finished(w.replayer(), &TraceReplayer::finished);
    w.setTracePath(path);
    w.setSelectedPolicies({ u"lru"_s });
    w.setCapacities(u"2,3"_s);
    QVERIFY(w.startReplay());
    QVERIFY(finished.wait(30000));
    const TraceResultsModel *model = w.resultsModel();
    QCOMPARE(model->rowCount(), 2);
    QHash<qint64, quint64> misses;
    for (const SimulationResult &r : model->results()) {
        QCOMPARE(r.stats.requests, quint64(7));
        misses.insert(r.capacity, r.stats.misses);
    }
    QCOMPARE(misses.value(2), quint64(7));
    QCOMPARE(misses.value(3), quint64(4));
}
