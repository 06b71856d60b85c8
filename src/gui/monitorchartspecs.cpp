#include "monitorchartspecs.h"

#include "monitorpage.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

LiveChart::Spec hitRatioSpec()
{
    return { QObject::tr("Hit ratio"),
        { QObject::tr("hit ratio (%)"), LiveChart::AxisScale::Percent, ValueUnit::Percent },
        std::nullopt,
        {
            { QObject::tr("per interval"), QColor(0x1f, 0x77, 0xb4) },
            { QObject::tr("cumulative"), QColor(0xf2, 0x8e, 0x2b) },
        },
        MonitorPage::windowPoints };
}

LiveChart::Spec operationsSpec()
{
    return { QObject::tr("Operations"),
        { QObject::tr("per second"), LiveChart::AxisScale::Linear, ValueUnit::PerSecond },
        std::nullopt,
        {
            { QObject::tr("operations/s"), QColor(0x44, 0x44, 0x44) },
            { QObject::tr("gets/s"), QColor(0x2c, 0xa0, 0x2c) },
            { QObject::tr("sets/s"), QColor(0x94, 0x67, 0xbd) },
        },
        MonitorPage::windowPoints };
}

LiveChart::Spec evictionsSpec()
{
    return { QObject::tr("Evictions and expiries"),
        { QObject::tr("per second"), LiveChart::AxisScale::Linear, ValueUnit::PerSecond },
        std::nullopt,
        {
            { QObject::tr("evicted/s"), QColor(0x1f, 0x77, 0xb4) },
            { QObject::tr("expired/s"), QColor(0xff, 0x7f, 0x0e) },
            { QObject::tr("evicted unfetched/s"), QColor(0xd6, 0x27, 0x28) },
            { QObject::tr("expired unfetched/s"), QColor(0x8c, 0x56, 0x4b) },
        },
        MonitorPage::windowPoints };
}

LiveChart::Spec memorySpec()
{
    return { QObject::tr("Memory and keys"),
        { QObject::tr("bytes"), LiveChart::AxisScale::Linear, ValueUnit::Bytes },
        LiveChart::AxisSpec { QObject::tr("keys"), LiveChart::AxisScale::Linear, ValueUnit::Count },
        {
            // The limit before what it bounds: a full cache draws its level over the limit.
            { QObject::tr("memory limit"), QColor(0xf7, 0xd0, 0xa8), Qt::SolidLine, false, 4.0 },
            { QObject::tr("memory used"), QColor(0xd6, 0x61, 0x0a) },
            { QObject::tr("keys"), QColor(0x1f, 0x77, 0xb4), Qt::SolidLine, true },
        },
        MonitorPage::windowPoints };
}

LiveChart::Spec latencySpec()
{
    return { QObject::tr("Round trip (PING, version, SELECT 1)"),
        { QObject::tr("latency (ms, log)"), LiveChart::AxisScale::Log, ValueUnit::Microseconds },
        std::nullopt,
        {
            { QObject::tr("p50"), QColor(0x2c, 0xa0, 0x2c) },
            { QObject::tr("p99"), QColor(0x1b, 0x5e, 0x20) },
        },
        MonitorPage::windowPoints };
}

} // namespace

QList<LiveChart::Spec> monitorChartSpecs()
{
    return { hitRatioSpec(), operationsSpec(), evictionsSpec(), memorySpec(), latencySpec() };
}

} // namespace CacheScope
