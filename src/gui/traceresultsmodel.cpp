#include "traceresultsmodel.h"

#include "core/policy/policyregistry.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

TraceResultsModel::TraceResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TraceResultsModel::setResults(const std::vector<SimulationResult> &results)
{
    beginResetModel();
    m_results = results;
    endResetModel();
}

void TraceResultsModel::clear()
{
    beginResetModel();
    m_results.clear();
    endResetModel();
}

int TraceResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_results.size());
}

int TraceResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TraceResultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SimulationResult &r = m_results[std::size_t(index.row())];
    const PolicyStats &s = r.stats;
    const QLocale locale;
    if (role == SortRole) {
        switch (index.column()) {
        case PolicyColumn:
            return r.policy;
        case CapacityColumn:
            return double(r.capacity);
        case RequestsColumn:
            return double(s.requests);
        case HitsColumn:
            return double(s.hits);
        case MissesColumn:
            return double(s.misses);
        case MissRatioColumn:
            return s.missRatio();
        case ByteMissRatioColumn:
            return s.byteMissRatio();
        case EvictionsColumn:
            return double(s.evictions);
        case SecondsColumn:
            return r.seconds;
        case SpeedColumn:
            return r.requestsPerSecond();
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == PolicyColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                              : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == PolicyColumn) {
        const PolicyInfo *info = findPolicy(r.policy);
        return info ? QVariant(info->summary) : QVariant();
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case PolicyColumn: {
        const PolicyInfo *info = findPolicy(r.policy);
        return info ? info->displayName : r.policy;
    }
    case CapacityColumn:
        return r.sizeUnit == SizeUnit::Bytes ? locale.formattedDataSize(r.capacity)
                                             : locale.toString(r.capacity);
    case RequestsColumn:
        return locale.toString(qulonglong(s.requests));
    case HitsColumn:
        return locale.toString(qulonglong(s.hits));
    case MissesColumn:
        return locale.toString(qulonglong(s.misses));
    case MissRatioColumn:
        return QString(QString::number(s.missRatio() * 100.0, 'f', 2) + u'%');
    case ByteMissRatioColumn:
        return QString(QString::number(s.byteMissRatio() * 100.0, 'f', 2) + u'%');
    case EvictionsColumn:
        return locale.toString(qulonglong(s.evictions));
    case SecondsColumn:
        return QString::number(r.seconds, 'f', 3);
    case SpeedColumn:
        return tr("%1 M/s").arg(locale.toString(r.requestsPerSecond() / 1e6, 'f', 1));
    default:
        return {};
    }
}

QVariant TraceResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PolicyColumn:
        return tr("Policy");
    case CapacityColumn:
        return tr("Capacity");
    case RequestsColumn:
        return tr("Requests");
    case HitsColumn:
        return tr("Hits");
    case MissesColumn:
        return tr("Misses");
    case MissRatioColumn:
        return tr("Miss ratio");
    case ByteMissRatioColumn:
        return tr("Byte miss ratio");
    case EvictionsColumn:
        return tr("Evictions");
    case SecondsColumn:
        return tr("Time (s)");
    case SpeedColumn:
        return tr("Speed");
    default:
        return {};
    }
}

} // namespace CacheScope
