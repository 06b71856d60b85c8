#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <vector>

namespace CacheScope {

/// Measures how long the GUI thread's event loop takes to answer, while the app runs: every
/// period it records how late its timer fired plus how long a zero-delay timer posted then
/// waits (a busy GUI thread shows as delay). Resident memory (/proc/self/statm) is sampled every 10
/// s, so a long run shows whether memory stays flat. Used by `cachescope --probe FILE.json`.
class ResponsivenessProbe : public QObject
{
    Q_OBJECT

public:
    explicit ResponsivenessProbe(int periodMs = 20, QObject *parent = nullptr);

    void start();
    void stop();
    qsizetype sampleCount() const { return qsizetype(m_delaysUs.size()); }
    /// The q-quantile (0..1) of the delays in ms; 0 without samples.
    double delayQuantileMs(double q) const;
    double maxDelayMs() const;
    /// {"samples", "period_ms", "delay_ms": {"p50","p99","max"}, "rss_mb": [[t_s, mb], ...],
    ///  "rss_first_mb", "rss_last_mb", "seconds", "per_minute": [{"t_s","p50","p99","max"}]}.
    QJsonObject report() const;

    /// Resident set size of this process in bytes, or -1 where /proc is missing.
    static qint64 residentBytes();
    /// glibc's malloc_info(): every arena's size and free space, as XML.
    static QString mallocInfo();
    /// What the HeapTrimmer did: interval, trims, total and longest time in malloc_trim.
    static QJsonObject heapTrimReport();

private:
    struct HeapSample
    {
        double t = 0;
        double inUseMb = 0;
        double freeMb = 0;
        double arenaMb = 0;
    };
    void probe();
    void sampleMemory();

    QTimer m_period;
    QTimer m_memory;
    QElapsedTimer m_clock;
    std::vector<qint64> m_delaysUs; // bounded: one sample per period, capped below
    std::vector<float> m_sampleTimesS; // when each delay was taken
    std::vector<std::pair<double, double>> m_rssMb;
    std::vector<HeapSample> m_heap; // every 10 s, beside m_rssMb
    qint64 m_lastFireNs = -1;
    bool m_pending = false;
};

} // namespace CacheScope
