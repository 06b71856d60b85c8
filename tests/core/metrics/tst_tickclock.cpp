#include "core/metrics/tickclock.h"

#include <QTest>

#include <chrono>

using namespace CacheScope;

class tst_TickClock : public QObject
{
    Q_OBJECT

private slots:
    void agreesWithSteadyClock();
    void neverNegative();
};

void tst_TickClock::agreesWithSteadyClock()
{
    // Two implementations of elapsed time over the same 20 ms busy wait: within 2%.
    using namespace std::chrono;
    const TickClock::Ticks t0 = TickClock::now();
    const auto s0 = steady_clock::now();
    auto s1 = s0;
    while (s1 - s0 < milliseconds(20))
        s1 = steady_clock::now();
    const TickClock::Ticks t1 = TickClock::now();
    const double steadyNs = double(duration_cast<nanoseconds>(s1 - s0).count());
    const double tickNs = double(TickClock::elapsedNs(t0, t1));
    QVERIFY2(qAbs(tickNs - steadyNs) / steadyNs < 0.02,
        qPrintable(QString::number(tickNs) + QStringLiteral(" vs ") + QString::number(steadyNs)));
    qInfo("time-stamp counter in use: %s", TickClock::usesTsc() ? "yes" : "no");
}

void tst_TickClock::neverNegative()
{
    const TickClock::Ticks t = TickClock::now();
    QCOMPARE(TickClock::elapsedNs(t, t), 0);
    QCOMPARE(TickClock::elapsedNs(t + 1000, t), 0);
}

QTEST_GUILESS_MAIN(tst_TickClock)
#include "tst_tickclock.moc"
