#include "responsivenessprobe.h"

#include "heaptrimmer.h"

#include <QFile>
#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr std::size_t maxDelaySamples = 1 << 20; // 5.8 hours at 20 ms; a few MB at most

double quantileMs(std::vector<qint64> values, double q)
{
    if (values.empty())
        return 0;
    const std::size_t k
        = std::min(values.size() - 1, std::size_t(std::llround(q * double(values.size() - 1))));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
    return double(values[k]) / 1000.0;
}

} // namespace

ResponsivenessProbe::ResponsivenessProbe(int periodMs, QObject *parent)
    : QObject(parent)
{
    m_period.setInterval(periodMs);
    m_period.setTimerType(Qt::PreciseTimer);
    connect(&m_period, &QTimer::timeout, this, &ResponsivenessProbe::probe);
    m_memory.setInterval(10000);
    connect(&m_memory, &QTimer::timeout, this, &ResponsivenessProbe::sampleMemory);
}

void ResponsivenessProbe::sampleMemory()
{
    const double t = m_clock.isValid() ? double(m_clock.elapsed()) / 1000.0 : 0.0;
    m_rssMb.emplace_back(t, double(residentBytes()) / 1048576.0);
    // The allocator's view beside the kernel's: what the program holds (in use in every arena
    // plus mmapped blocks) and what the arenas keep free. RSS growing while the first stays
    // flat is fragmentation or retention, not a leak.
    const struct mallinfo2 m = mallinfo2();
    m_heap.push_back({ t, double(m.uordblks + m.hblkhd) / 1048576.0, double(m.fordblks) / 1048576.0,
        double(m.arena) / 1048576.0 });
}

QJsonObject ResponsivenessProbe::heapTrimReport()
{
    const HeapTrimStats t = HeapTrimmer::stats();
    return { { u"interval_s"_s, t.intervalS }, { u"trims"_s, t.trims },
        { u"total_ms"_s, double(t.totalNs) / 1e6 }, { u"max_ms"_s, double(t.maxNs) / 1e6 } };
}

QString ResponsivenessProbe::mallocInfo()
{
    char *buffer = nullptr;
    std::size_t size = 0;
    FILE *stream = open_memstream(&buffer, &size);
    if (!stream)
        return {};
    malloc_info(0, stream);
    std::fclose(stream);
    QString xml = QString::fromUtf8(buffer, qsizetype(size)); // not const: the return moves it
    std::free(buffer);
    return xml;
}

void ResponsivenessProbe::start()
{
    m_clock.start();
    m_lastFireNs = -1;
    sampleMemory();
    m_period.start();
    m_memory.start();
}

void ResponsivenessProbe::stop()
{
    m_period.stop();
    m_memory.stop();
    sampleMemory();
}

void ResponsivenessProbe::probe()
{
    // Two parts: how late the periodic timer itself fired (a stalled loop delays it), then how
    // long a zero-delay timer posted now waits for the loop to come round.
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 periodNs = qint64(m_period.interval()) * 1000000;
    const qint64 lateNs
        = m_lastFireNs >= 0 ? std::max<qint64>(0, now - m_lastFireNs - periodNs) : 0;
    m_lastFireNs = now;
    if (m_pending)
        return; // the previous probe has not been answered: that delay is still being measured
    m_pending = true;
    QTimer::singleShot(0, this, [this, now, lateNs] {
        m_pending = false;
        if (m_delaysUs.size() < maxDelaySamples) {
            m_delaysUs.push_back((lateNs + m_clock.nsecsElapsed() - now) / 1000);
            m_sampleTimesS.push_back(float(double(now) / 1e9));
        }
    });
}

double ResponsivenessProbe::delayQuantileMs(double q) const { return quantileMs(m_delaysUs, q); }

double ResponsivenessProbe::maxDelayMs() const
{
    return m_delaysUs.empty()
        ? 0
        : double(*std::max_element(m_delaysUs.begin(), m_delaysUs.end())) / 1000.0;
}

QJsonObject ResponsivenessProbe::report() const
{
    QJsonArray perMinute; // to see whether the delays drift as a long run goes on
    for (std::size_t from = 0; from < m_delaysUs.size();) {
        const int minute = int(m_sampleTimesS[from] / 60);
        std::size_t to = from;
        while (to < m_delaysUs.size() && int(m_sampleTimesS[to] / 60) == minute)
            ++to;
        const std::vector<qint64> part(
            m_delaysUs.begin() + std::ptrdiff_t(from), m_delaysUs.begin() + std::ptrdiff_t(to));
        perMinute.append(
            QJsonObject { { u"t_s"_s, minute * 60 }, { u"p50"_s, quantileMs(part, 0.5) },
                { u"p99"_s, quantileMs(part, 0.99) }, { u"max"_s, quantileMs(part, 1.0) } });
        from = to;
    }
    QJsonArray rss;
    for (const auto &[t, mb] : m_rssMb)
        rss.append(QJsonArray { t, mb });
    QJsonArray heap;
    for (const HeapSample &h : m_heap)
        heap.append(QJsonArray { h.t, h.inUseMb, h.freeMb, h.arenaMb });
    return QJsonObject {
        { u"samples"_s, qint64(m_delaysUs.size()) },
        { u"period_ms"_s, m_period.interval() },
        { u"seconds"_s, double(m_clock.elapsed()) / 1000.0 },
        { u"delay_ms"_s,
            QJsonObject { { u"p50"_s, delayQuantileMs(0.5) }, { u"p99"_s, delayQuantileMs(0.99) },
                { u"max"_s, maxDelayMs() } } },
        { u"rss_mb"_s, rss },
        { u"rss_first_mb"_s, m_rssMb.empty() ? 0.0 : m_rssMb.front().second },
        { u"rss_last_mb"_s, m_rssMb.empty() ? 0.0 : m_rssMb.back().second },
        { u"per_minute"_s, perMinute },
        // [t_s, in use, free in arenas, arena size] in MB, every 10 s
        { u"heap_mb"_s, heap },
        { u"malloc_info"_s, mallocInfo() },
        { u"heap_trim"_s, heapTrimReport() },
    };
}

qint64 ResponsivenessProbe::residentBytes()
{
    QFile statm(u"/proc/self/statm"_s);
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    if (fields.size() < 2)
        return -1;
    return fields.at(1).toLongLong() * qint64(sysconf(_SC_PAGESIZE));
}

} // namespace CacheScope
