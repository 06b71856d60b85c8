// The Trace replay tab replayed 50 times in a row (issue 17): what a user tuning capacities does
// all afternoon. Each replay reads the largest trace in tests/data afresh (two copies alternate,
// so the tab never reuses the trace in memory), runs several policies at two capacities, and
// fills the results table and the miss-ratio chart. The live heap's floor (mallinfo2: in use in
// every arena plus mmapped blocks, lowest sample of each block of replays) must not rise from
// the second block to the last: nothing a replay makes (the trace, jobs, results, chart lines,
// the LRU curve) may outlive the next one.

#include "gui/guiresources.h"
#include "gui/missratiochart.h"
#include "gui/tracereplayer.h"
#include "gui/tracereplaywidget.h"
#include "gui/traceresultsmodel.h"

#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

#include <malloc.h>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

namespace {

qint64 liveHeapBytes()
{
    const struct mallinfo2 m = mallinfo2();
    return qint64(m.uordblks + m.hblkhd);
}

} // namespace

class tst_TraceReplayMemory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { initCacheScopeResources(); }

    void heapFlatOverFiftyReplays()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString source = TestSupport::dataPath(u"cache2k_web07.trace"_s);
        const QStringList copies { dir.filePath(u"a.trace"_s), dir.filePath(u"b.trace"_s) };
        for (const QString &copy : copies)
            QVERIFY(QFile::copy(source, copy));

        TraceReplayWidget w;
        w.show();
        const QStringList policies { u"lru"_s, u"s3fifo"_s, u"wtinylfu"_s, u"opt"_s };
        w.setSelectedPolicies(policies);
        w.setCapacities(u"1%,10%"_s);
        constexpr int replays = 50;
        constexpr int every = 10;
        std::vector<qint64> floors;
        quint64 requests = 0;
        for (int replay = 1; replay <= replays; ++replay) {
            QSignalSpy finished(w.replayer(), &TraceReplayer::finished);
            w.setTracePath(copies.at(replay % 2));
            QVERIFY2(w.startReplay(), qPrintable(u"replay %1"_s.arg(replay)));
            QVERIFY2(finished.wait(60000), qPrintable(u"replay %1"_s.arg(replay)));
            const auto outcome = finished.first().first().value<TraceReplayOutcome>();
            QVERIFY(!outcome.traceReused);
            QCOMPARE(w.resultsModel()->rowCount(), int(policies.size()) * 2);
            QCOMPARE(w.chart()->lineCount(), int(policies.size()));
            for (const SimulationResult &r : w.resultsModel()->results())
                requests += r.stats.requests;
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            QCoreApplication::processEvents();
            const qint64 now = liveHeapBytes();
            if ((replay - 1) % every == 0)
                floors.push_back(now);
            else
                floors.back() = std::min(floors.back(), now);
        }
        QStringList kib;
        for (const qint64 h : floors)
            kib << QString::number(double(h) / 1024.0, 'f', 0);
        const QString text
            = u"lowest live heap (KiB) in each block of %1 replays: %2"_s.arg(every).arg(
                kib.join(u' '));
        qInfo().noquote() << text;
        QVERIFY(requests > 0);
        // From the second block to the last (40 replays): keeping one replay's results or trace
        // (hundreds of KiB for 76 000 requests) would raise the floor far above this.
        const qint64 grown = floors.back() - floors[1];
        QVERIFY2(grown < 256 * 1024, qPrintable(text));
    }
};

QTEST_MAIN(tst_TraceReplayMemory)
#include "tst_tracereplaymemory.moc"
