#include "policyrankingmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

// A row's identity across ticks: the policy, or the real cache whatever its policy now.
QString rowKey(const PolicyStanding &s) { return s.real ? QString() : s.id; }

bool ranksBefore(const PolicyStanding &a, const PolicyStanding &b)
{
    if (a.hitRatio.has_value() != b.hitRatio.has_value())
        return a.hitRatio.has_value();
    if (a.hitRatio && *a.hitRatio != *b.hitRatio)
        return *a.hitRatio > *b.hitRatio;
    if (a.real != b.real)
        return a.real; // a tie with the real cache: it is no better
    return a.name < b.name;
}

QString percent(std::optional<double> ratio)
{
    return ratio ? QString::number(*ratio * 100.0, 'f', 1) + u'%' : QObject::tr("n/a");
}

// "980", "9,800", "26.7 k", "196 k", "1.5 M": the column stays narrow beside the ratios.
QString compactCount(quint64 n)
{
    const QLocale locale;
    if (n < 10000)
        return locale.toString(qulonglong(n));
    if (n < 999500) {
        const double k = double(n) / 1e3;
        return locale.toString(k, 'f', k < 99.95 ? 1 : 0) + u" k"_s;
    }
    const double m = double(n) / 1e6;
    return locale.toString(m, 'f', m < 99.95 ? 1 : 0) + u" M"_s;
}

} // namespace

PolicyRankingModel::PolicyRankingModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PolicyRankingModel::setStandings(QList<PolicyStanding> standings)
{
    std::stable_sort(standings.begin(), standings.end(), ranksBefore);
    m_realHitRatio.reset();
    for (const PolicyStanding &s : std::as_const(standings)) {
        if (s.real)
            m_realHitRatio = s.hitRatio;
    }

    QStringList oldKeys;
    QStringList newKeys;
    for (const PolicyStanding &s : std::as_const(m_rows))
        oldKeys << rowKey(s);
    for (const PolicyStanding &s : std::as_const(standings))
        newKeys << rowKey(s);
    QStringList oldSorted = oldKeys;
    QStringList newSorted = newKeys;
    oldSorted.sort();
    newSorted.sort();
    if (oldSorted != newSorted) { // shadows turned on or off, the first tick: a new table
        beginResetModel();
        m_rows = std::move(standings);
        endResetModel();
        return;
    }
    if (m_rows.isEmpty())
        return;
    if (oldKeys != newKeys) {
        // Same policies, new order: move the rows, and the persistent indexes with them.
        emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList from = persistentIndexList();
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex &index : from) {
            const int row = int(newKeys.indexOf(oldKeys.at(index.row())));
            to << createIndex(row, index.column());
        }
        m_rows = std::move(standings);
        changePersistentIndexList(from, to);
        emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    } else {
        m_rows = std::move(standings);
    }
    emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

void PolicyRankingModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_realHitRatio.reset();
    endResetModel();
}

int PolicyRankingModel::rowOf(const QString &id, bool real) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        const PolicyStanding &s = m_rows.at(i);
        if (s.real == real && (real || s.id == id))
            return i;
    }
    return -1;
}

int PolicyRankingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PolicyRankingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::optional<double> PolicyRankingModel::versusReal(const PolicyStanding &row) const
{
    if (row.real || !row.hitRatio || !m_realHitRatio)
        return std::nullopt;
    return (*row.hitRatio - *m_realHitRatio) * 100.0;
}

QVariant PolicyRankingModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PolicyStanding &s = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case PolicyIdRole:
        return s.id;
    case RealRole:
        return s.real;
    case ValueRole:
        switch (column) {
        case RankColumn:
            return index.row() + 1;
        case PolicyColumn:
            return s.name;
        case HitRatioColumn:
            return s.hitRatio ? QVariant(*s.hitRatio) : QVariant();
        case IntervalColumn:
            return s.intervalHitRatio ? QVariant(*s.intervalHitRatio) : QVariant();
        case VersusRealColumn: {
            const std::optional<double> d = versusReal(s);
            return d ? QVariant(*d) : QVariant();
        }
        case RequestsColumn:
            return double(s.requests);
        }
        return {};
    case Qt::DisplayRole:
        switch (column) {
        case RankColumn:
            return QString::number(index.row() + 1);
        case PolicyColumn:
            return s.name;
        case HitRatioColumn:
            return percent(s.hitRatio);
        case IntervalColumn:
            return percent(s.intervalHitRatio);
        case VersusRealColumn: {
            if (s.real)
                return u"—"_s;
            const std::optional<double> d = versusReal(s);
            if (!d)
                return tr("n/a");
            // U+2212 for a minus, and no "-0.0": a tie reads ±0.0.
            const QString number = QString::number(std::abs(*d), 'f', 1);
            if (number == u"0.0"_s)
                return tr("±0.0 pts");
            return tr("%1%2 pts").arg(*d > 0 ? u"+"_s : u"−"_s, number);
        }
        case RequestsColumn:
            return compactCount(s.requests);
        }
        return {};
    case Qt::FontRole:
        if (s.real) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        if (column == VersusRealColumn) {
            const std::optional<double> d = versusReal(s);
            if (d && *d >= 0.05)
                return QBrush(QColor(0x1b, 0x7a, 0x2b));
            if (d && *d <= -0.05)
                return QBrush(QColor(0xb0, 0x1e, 0x1e));
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == PolicyColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                      : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole:
        if (s.real)
            return tr("The real cache: every request of the run, not a sample");
        return tr("%1 as a shadow cache of the live capacity, fed the sampled keys").arg(s.name);
    }
    return {};
}

QVariant PolicyRankingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case HitRatioColumn:
            return tr(
                "Hit ratio since the shadows started (the real cache: since the run started)");
        case IntervalColumn:
            return tr("Hit ratio over the last interval (about a second)");
        case VersusRealColumn:
            return tr("Hit ratio minus the real cache's, in percentage points");
        case RequestsColumn:
            return tr("Requests the policy has seen (shadows see the sampled keys only); k: "
                      "thousands, M: millions");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RankColumn:
        return tr("#");
    case PolicyColumn:
        return tr("Policy");
    case HitRatioColumn:
        return tr("Hit ratio");
    case IntervalColumn:
        return tr("Interval");
    case VersusRealColumn:
        return tr("vs. real");
    case RequestsColumn:
        return tr("Seen");
    }
    return {};
}

} // namespace CacheScope
