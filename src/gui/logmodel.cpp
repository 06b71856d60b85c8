#include "logmodel.h"

#include <QApplication>
#include <QBrush>
#include <QIcon>
#include <QStyle>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

LogModel::LogModel(qsizetype capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max<qsizetype>(1, capacity))
{
}

void LogModel::add(Level level, const QString &message)
{
    if (qsizetype(m_entries.size()) >= m_capacity) {
        beginRemoveRows({}, 0, 0);
        m_entries.pop_front();
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.push_back({ QDateTime::currentDateTime(), level, message });
    endInsertRows();
    emit entryAdded(level, message);
}

void LogModel::clear()
{
    if (m_entries.empty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int LogModel::count(Level level) const
{
    return int(std::count_if(
        m_entries.begin(), m_entries.end(), [level](const Entry &e) { return e.level == level; }));
}

QString LogModel::levelName(Level level)
{
    switch (level) {
    case Level::Info:
        return tr("info");
    case Level::Change:
        return tr("change");
    case Level::Error:
        return tr("error");
    }
    return {};
}

QString LogModel::toText() const
{
    QString out;
    for (const Entry &e : m_entries)
        out += e.time.toString(u"hh:mm:ss.zzz"_s) + u' ' + levelName(e.level) + u' ' + e.message
            + u'\n';
    return out;
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return e.time.toString(u"hh:mm:ss.zzz"_s);
        case LevelColumn:
            return levelName(e.level);
        case MessageColumn:
            return e.message;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == MessageColumn ? QVariant(e.message) : QVariant();
    case Qt::DecorationRole:
        if (index.column() != LevelColumn
            || !qobject_cast<QApplication *>(QCoreApplication::instance()))
            return {};
        switch (e.level) {
        case Level::Info:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
        case Level::Change:
            return QApplication::style()->standardIcon(QStyle::SP_BrowserReload);
        case Level::Error:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
        }
        return {};
    case Qt::ForegroundRole:
        return e.level == Level::Error ? QVariant(QBrush(QColor(0xb0, 0x1c, 0x1c))) : QVariant();
    case LevelRole:
        return int(e.level);
    default:
        return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Kind");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace CacheScope
