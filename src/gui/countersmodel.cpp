#include "countersmodel.h"

#include "livechart.h"

#include <QLocale>

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
    case CountersModel::Misses:
        return QObject::tr("Misses");
    case CountersModel::HitRatio:
        return QObject::tr("Hit ratio");
    case CountersModel::Writes:
        return QObject::tr("Writes");
    case CountersModel::Errors:
        return QObject::tr("Database errors");
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
    default:
        return {};
    }
}

} // namespace

CountersModel::CountersModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void CountersModel::setSnapshot(const MetricsSnapshot &snapshot)
{
    m_snapshot = snapshot;
    emit dataChanged(index(0, TotalColumn), index(RowCount - 1, IntervalColumn));
}

void CountersModel::clear()
{
    m_snapshot.reset();
    emit dataChanged(index(0, TotalColumn), index(RowCount - 1, IntervalColumn));
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
    auto count = [](quint64 v) { return QVariant(double(v)); };
    auto latency = [](const LatencySummary &l, qint64 ns) {
        return l.count ? QVariant(double(ns) / 1000.0) : QVariant();
    };
    switch (row) {
    case Requests:
        return count(c.requests);
    case Hits:
        return count(c.hits);
    case Misses:
        return count(c.misses);
    case HitRatio: {
        const std::optional<double> r = c.hitRatio();
        return r ? QVariant(*r) : QVariant();
    }
    case Writes:
        return count(c.writes);
    case Errors:
        return count(c.errors);
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
    case HitP50:
    case HitP99:
    case HitMax:
    case MissP50:
    case MissP99:
    case MissMax:
        return v.isValid() ? formatValue(v.toDouble(), ValueUnit::Microseconds) : tr("n/a");
    default:
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
