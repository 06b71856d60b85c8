#pragma once

#include "livechart.h"

#include <QList>

namespace CacheScope {

/// The Monitor tab's five charts, top to bottom: hit ratio, operations, evictions (and expired
/// keys), memory against its limit, round-trip latency.
QList<LiveChart::Spec> monitorChartSpecs();

} // namespace CacheScope
