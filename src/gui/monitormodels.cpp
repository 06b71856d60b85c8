#include "monitormodels.h"

#include "livechart.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

MonitorCountersModel::MonitorCountersModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void MonitorCountersModel::setRecords(const MonitorInterval &last, const MonitorInterval &total)
{
    m_last = last;
    m_total = total;
    emit dataChanged(index(0, IntervalColumn), index(RowCount - 1, TotalColumn));
}

void MonitorCountersModel::clear()
{
    m_last.reset();
    m_total.reset();
    emit dataChanged(index(0, IntervalColumn), index(RowCount - 1, TotalColumn));
}

bool MonitorCountersModel::rowApplies(int row, const QString &source)
{
    switch (row) {
    case GetsPerSecond:
    case SetsPerSecond:
    case EvictedUnfetched:
    case ExpiredUnfetched:
        return source == u"memcached"_s;
    case Evictions:
    case Expired:
    case Keys:
        return source != u"postgres"_s;
    default:
        return true;
    }
}

int MonitorCountersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : RowCount;
}

int MonitorCountersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MonitorCountersModel::value(int row, const MonitorInterval &r) const
{
    switch (row) {
    case Hits:
        return qulonglong(r.counts.hits);
    case Misses:
        return qulonglong(r.counts.misses);
    case HitRatio:
        if (const std::optional<double> ratio = r.counts.hitRatio())
            return *ratio;
        return {};
    case OpsPerSecond:
        return r.opsPerSecond;
    case GetsPerSecond:
        return r.getsPerSecond;
    case SetsPerSecond:
        return r.setsPerSecond;
    case Evictions:
        return qulonglong(r.counts.evictions);
    case Expired:
        return qulonglong(r.counts.expired);
    case EvictedUnfetched:
        return qulonglong(r.counts.evictedUnfetched);
    case ExpiredUnfetched:
        return qulonglong(r.counts.expiredUnfetched);
    case Memory:
        return r.memoryBytes;
    case MemoryLimit:
        return r.memoryLimitBytes;
    case Keys:
        return r.keys;
    case Clients:
        return r.clients;
    case RoundTripP50:
        return r.latencyCount == 0 ? QVariant() : QVariant(double(r.latencyP50Ns) / 1000.0);
    case RoundTripP99:
        return r.latencyCount == 0 ? QVariant() : QVariant(double(r.latencyP99Ns) / 1000.0);
    default:
        return {};
    }
}

QString MonitorCountersModel::text(int row, const QVariant &v) const
{
    if (!v.isValid())
        return row == HitRatio ? u"n/a"_s : QString();
    switch (row) {
    case HitRatio:
        return formatValue(v.toDouble() * 100.0, ValueUnit::Percent);
    case OpsPerSecond:
    case GetsPerSecond:
    case SetsPerSecond:
        return formatValue(v.toDouble(), ValueUnit::PerSecond);
    case Memory:
        return formatValue(v.toDouble(), ValueUnit::Bytes);
    case MemoryLimit:
        return v.toLongLong() == 0 ? tr("none") : formatValue(v.toDouble(), ValueUnit::Bytes);
    case RoundTripP50:
    case RoundTripP99:
        return formatValue(v.toDouble(), ValueUnit::Microseconds);
    default:
        return formatValue(v.toDouble(), ValueUnit::Count);
    }
}

QVariant MonitorCountersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= RowCount || index.column() >= ColumnCount)
        return {};
    const int row = index.row();
    if (index.column() == NameColumn) {
        if (role != Qt::DisplayRole)
            return {};
        static const char *const names[RowCount] = { "hits", "misses", "hit ratio", "operations/s",
            "gets/s", "sets/s", "evictions", "expired", "evicted unfetched", "expired unfetched",
            "memory used", "memory limit", "keys", "clients", "round trip p50", "round trip p99" };
        return tr(names[row]);
    }
    const std::optional<MonitorInterval> &r = index.column() == IntervalColumn ? m_last : m_total;
    if (!r)
        return role == Qt::DisplayRole && row == HitRatio ? QVariant(u"n/a"_s) : QVariant();
    QVariant v = value(row, *r);
    if (role == ValueRole)
        return v;
    if (role == Qt::DisplayRole)
        return text(row, v);
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant MonitorCountersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("counter");
    case IntervalColumn:
        return tr("last interval");
    case TotalColumn:
        return tr("whole monitor");
    default:
        return {};
    }
}

MonitorRowsModel::MonitorRowsModel(QStringList headers, QObject *parent)
    : QAbstractTableModel(parent)
    , m_headers(std::move(headers))
{
}

void MonitorRowsModel::setRows(const QList<QStringList> &rows)
{
    const int oldCount = int(m_rows.size());
    const int newCount = int(rows.size());
    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_rows.resize(newCount);
        endRemoveRows();
    }
    const int common = std::min(oldCount, newCount);
    for (int i = 0; i < common; ++i)
        m_rows[i] = rows[i];
    if (common > 0)
        emit dataChanged(index(0, 0), index(common - 1, int(m_headers.size()) - 1));
    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        for (int i = oldCount; i < newCount; ++i)
            m_rows.append(rows[i]);
        endInsertRows();
    }
}

QString MonitorRowsModel::cell(int row, int column) const
{
    if (row < 0 || row >= m_rows.size() || column < 0 || column >= m_rows[row].size())
        return {};
    return m_rows[row][column];
}

int MonitorRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MonitorRowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant MonitorRowsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (role == Qt::DisplayRole)
        return cell(index.row(), index.column());
    if (role == Qt::TextAlignmentRole && index.column() > 0)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant MonitorRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= m_headers.size())
        return {};
    return m_headers[section];
}

} // namespace CacheScope
