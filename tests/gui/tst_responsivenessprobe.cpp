// The event-loop delay probe behind `cachescope --probe`: it must see a stalled GUI thread.

#include "gui/guiresources.h"
#include "gui/responsivenessprobe.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_ResponsivenessProbe : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { initCacheScopeResources(); }
    void seesAStalledEventLoop();
    void readsResidentMemory();
};

void tst_ResponsivenessProbe::seesAStalledEventLoop()
{
    ResponsivenessProbe probe(10);
    probe.start();
    QTest::qWait(200);
    // Block the event loop for 150 ms, as a slow chart update or a query on the GUI thread would.
    QTimer::singleShot(0, this, [] {
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 150) { }
    });
    QTest::qWait(300);
    probe.stop();
    QVERIFY2(probe.sampleCount() >= 20, qPrintable(QString::number(probe.sampleCount())));
    QVERIFY2(probe.maxDelayMs() >= 100, qPrintable(QString::number(probe.maxDelayMs())));
    QVERIFY2(
        probe.delayQuantileMs(0.5) < 50, qPrintable(QString::number(probe.delayQuantileMs(0.5))));
    const QJsonObject report = probe.report();
    QCOMPARE(report.value(u"samples"_s).toInteger(), qint64(probe.sampleCount()));
    QCOMPARE(report.value(u"delay_ms"_s).toObject().value(u"max"_s).toDouble(), probe.maxDelayMs());
    QVERIFY(report.value(u"rss_mb"_s).toArray().size() >= 2);
}

void tst_ResponsivenessProbe::readsResidentMemory()
{
    const qint64 before = ResponsivenessProbe::residentBytes();
    QVERIFY(before > 1 << 20);
    std::vector<char> block(64 << 20, 1); // touched: 64 MB more resident
    const qint64 after = ResponsivenessProbe::residentBytes();
    QVERIFY2(after - before >= 60 << 20, qPrintable(u"%1 -> %2"_s.arg(before).arg(after)));
    QCOMPARE(block.back(), 1);
}

QTEST_MAIN(tst_ResponsivenessProbe)
#include "tst_responsivenessprobe.moc"
