#include "countersmodel.h"

#include "livechart.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

QString rowName(int row)
{
    switch (row) {
    case CountersModel::Requests:
        return QObject::tr("Requests");
    case CountersModel::Hits:
        return QObject::tr("Hits");
    case CountersModel::L1Hits:
        return QObject::tr("L1 hits (in process)");
    case CountersModel::L2Hits:
        return QObject::tr("L2 hits (Redis)");
    case CountersModel::Misses:
        return QObject::tr("Misses");
    case CountersModel::DbQueries:
        return QObject::tr("DB queries (reads)");
    case CountersModel::HitRatio:
        return QObject::tr("Hit ratio");
    case CountersModel::Writes:
        return QObject::tr("Writes");
    case CountersModel::Errors:
        return QObject::tr("Database errors");
    case CountersModel::L2Errors:
        return QObject::tr("L2 errors");
    case CountersModel::L2Evicted:
        return QObject::tr("Evicted by Redis (L2)");
    case CountersModel::StaleReads:
        return QObject::tr("Stale reads");
    case CountersModel::InvalidationsReceived:
        return QObject::tr("Invalidations received");
    case CountersModel::EvictedCapacity:
        return QObject::tr("Evicted: capacity");
    case CountersModel::EvictedExpired:
        return QObject::tr("Evicted: expired (TTL)");
    case CountersModel::EvictedInvalidated:
        return QObject::tr("Evicted: invalidated");
    case CountersModel::SingleFlightWaits:
        return QObject::tr("Single-flight waits");
    case CountersModel::InFlight:
        return QObject::tr("Queries in flight (pipeline)");
    case CountersModel::PipelineSyncs:
        return QObject::tr("Pipeline syncs");
    case CountersModel::Entries:
        return QObject::tr("Entries held");
    case CountersModel::Bytes:
        return QObject::tr("Bytes held");
    case CountersModel::Capacity:
        return QObject::tr("Capacity");
    case CountersModel::HitP50:
        return QObject::tr("Hit latency p50");
    case CountersModel::HitP99:
        return QObject::tr("Hit latency p99");
    case CountersModel::HitMax:
        return QObject::tr("Hit latency max");
    case CountersModel::MissP50:
        return QObject::tr("Miss latency p50");
    case CountersModel::MissP99:
        return QObject::tr("Miss latency p99");
    case CountersModel::MissMax:
        return QObject::tr("Miss latency max");
    case CountersModel::L2P50:
        return QObject::tr("L2 latency p50");
    case CountersModel::L2P99:
        return QObject::tr("L2 latency p99");
    case CountersModel::StalenessP50:
        return QObject::tr("Staleness p50");
    case CountersModel::StalenessP99:
        return QObject::tr("Staleness p99");
    default:
        return {};
    }
}

bool isLatencyRow(int row)
{
    switch (row) {
    case CountersModel::HitP50:
    case CountersModel::HitP99:
    case CountersModel::HitMax:
    case CountersModel::MissP50:
    case CountersModel::MissP99:
    case CountersModel::MissMax:
    case CountersModel::L2P50:
    case CountersModel::L2P99:
    case CountersModel::StalenessP50:
    case CountersModel::StalenessP99:
        return true;
    default:
        return false;
    }
}

} // namespace

static_assert(CountersModel::RowCount <= 64, "applicableRows() keeps a bit per row");

CountersModel::CountersModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_applicable = applicableRows();
}

void CountersModel::setSnapshot(const MetricsSnapshot &snapshot)
{
    m_snapshot = snapshot;
    emit dataChanged(index(0, TotalColumn), index(RowCount - 1, IntervalColumn));
    updateApplicableRows();
}

void CountersModel::clear()
{
    m_snapshot.reset();
    emit dataChanged(index(0, TotalColumn), index(RowCount - 1, IntervalColumn));
    updateApplicableRows();
}

void CountersModel::setSecondTier(bool on, L2Invalidation invalidation)
{
    m_secondTier = on;
    m_invalidation = on ? invalidation : L2Invalidation::None;
    updateApplicableRows();
}

bool CountersModel::rowApplies(int row) const
{
    const CounterValues *total = m_snapshot ? &m_snapshot->total : nullptr;
    // A tier switched off mid-run keeps its rows: the totals since the start still count.
    const bool tiered = m_secondTier || (total && (total->l2Hits > 0 || total->l2Errors > 0));
    switch (row) {
    case L1Hits:
    case L2Hits:
    case DbQueries:
    case L2Errors:
    case L2Evicted:
    case L2P50:
    case L2P99:
        return tiered;
    case StaleReads:
    case StalenessP50:
    case StalenessP99: // measured on drawn keys (not a query-log replay)
        return (!m_snapshot || m_snapshot->staleMeasured)
            && (tiered || (total && total->staleReads > 0));
    case InvalidationsReceived:
        return (m_secondTier && m_invalidation != L2Invalidation::None)
            || (total && total->invalidationsReceived > 0);
    default:
        return true;
    }
}

quint64 CountersModel::applicableRows() const
{
    quint64 bits = 0;
    for (int row = 0; row < RowCount; ++row) {
        if (rowApplies(row))
            bits |= quint64(1) << row;
    }
    return bits;
}

void CountersModel::updateApplicableRows()
{
    const quint64 bits = applicableRows();
    if (bits == m_applicable)
        return;
    m_applicable = bits;
    emit applicableRowsChanged();
}

int CountersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : RowCount;
}

int CountersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CountersModel::value(int row, int column) const
{
    if (!m_snapshot || column == NameColumn)
        return {};
    const MetricsSnapshot &s = *m_snapshot;
    const bool total = column == TotalColumn;
    const CounterValues &c = total ? s.total : s.interval;
    const LatencySummary &hit = total ? s.totalHitLatency : s.hitLatency;
    const LatencySummary &miss = total ? s.totalMissLatency : s.missLatency;
    const LatencySummary &l2 = total ? s.totalL2Latency : s.l2Latency;
    const LatencySummary &stale = total ? s.totalStaleness : s.staleness;
    auto count = [](quint64 v) { return QVariant(double(v)); };
    auto latency = [](const LatencySummary &l, qint64 ns) {
        return l.count ? QVariant(double(ns) / 1000.0) : QVariant();
    };
    switch (row) {
    case Requests:
        return count(c.requests);
    case Hits:
        return count(c.hits);
    case L1Hits:
        return count(c.hits - std::min(c.l2Hits, c.hits));
    case L2Hits:
        return count(c.l2Hits);
    case Misses:
        return count(c.misses);
    case DbQueries:
        return count(c.dbQueries);
    case HitRatio: {
        const std::optional<double> r = c.hitRatio();
        return r ? QVariant(*r) : QVariant();
    }
    case Writes:
        return count(c.writes);
    case Errors:
        return count(c.errors);
    case L2Errors:
        return count(c.l2Errors);
    case L2Evicted:
        return count(c.l2Evictions);
    case StaleReads:
        return count(c.staleReads);
    case InvalidationsReceived:
        return count(c.invalidationsReceived);
    case EvictedCapacity:
        return count(c.evictionCount(EvictionReason::Capacity));
    case EvictedExpired:
        return count(c.evictionCount(EvictionReason::Expired));
    case EvictedInvalidated:
        return count(c.evictionCount(EvictionReason::Invalidated));
    case SingleFlightWaits:
        return count(c.singleFlightWaits);
    case InFlight:
        return total ? QVariant(double(s.inFlight)) : QVariant();
    case PipelineSyncs:
        return count(c.pipelineSyncs);
    case Entries:
        return total ? QVariant(double(s.entries)) : QVariant();
    case Bytes:
        return total ? QVariant(double(s.bytes)) : QVariant();
    case Capacity:
        return total ? QVariant(double(s.capacity)) : QVariant();
    case HitP50:
        return latency(hit, hit.p50Ns);
    case HitP99:
        return latency(hit, hit.p99Ns);
    case HitMax:
        return latency(hit, hit.maxNs);
    case MissP50:
        return latency(miss, miss.p50Ns);
    case MissP99:
        return latency(miss, miss.p99Ns);
    case MissMax:
        return latency(miss, miss.maxNs);
    case L2P50:
        return latency(l2, l2.p50Ns);
    case L2P99:
        return latency(l2, l2.p99Ns);
    case StalenessP50:
        return latency(stale, stale.p50Ns);
    case StalenessP99:
        return latency(stale, stale.p99Ns);
    default:
        return {};
    }
}

QString CountersModel::text(int row, int column) const
{
    if (column == NameColumn)
        return rowName(row);
    if (!m_snapshot)
        return row == HitRatio ? tr("n/a") : QString();
    const QVariant v = value(row, column);
    const bool interval = column == IntervalColumn;
    const double seconds = double(m_snapshot->intervalMs) / 1000.0;
    switch (row) {
    case HitRatio:
        return v.isValid() ? formatValue(v.toDouble() * 100.0, ValueUnit::Percent) : tr("n/a");
    case Entries:
    case InFlight:
        return v.isValid() ? formatValue(v.toDouble(), ValueUnit::Count) : QString();
    case Bytes:
        return v.isValid() ? formatValue(v.toDouble(), ValueUnit::Bytes) : QString();
    case Capacity:
        if (!v.isValid())
            return {};
        return m_snapshot->capacityUnit == SizeUnit::Bytes
            ? formatValue(v.toDouble(), ValueUnit::Bytes)
            : tr("%1 entries").arg(formatValue(v.toDouble(), ValueUnit::Count));
    default:
        if (isLatencyRow(row))
            return v.isValid() ? formatValue(v.toDouble(), ValueUnit::Microseconds) : tr("n/a");
        if (!v.isValid())
            return {};
        // Counts: the total, or the interval as a rate.
        if (interval)
            return seconds > 0 ? formatValue(v.toDouble() / seconds, ValueUnit::PerSecond)
                               : QString();
        return formatValue(v.toDouble(), ValueUnit::Count);
    }
}

QVariant CountersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return text(index.row(), index.column());
    case Qt::TextAlignmentRole:
        return index.column() == NameColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                            : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case ValueRole:
        return value(index.row(), index.column());
    default:
        return {};
    }
}

QVariant CountersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Measure");
    case TotalColumn:
        return tr("Since start");
    case IntervalColumn:
        return tr("Last interval");
    default:
        return {};
    }
}

} // namespace CacheScope
