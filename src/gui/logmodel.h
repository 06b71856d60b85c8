#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QString>

#include <deque>

namespace CacheScope {

/// The log panel: errors, configuration changes and run events, newest last, at most
/// `capacity` entries (the oldest go first), so a long run's log stays bounded.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum class Level { Info, Change, Error };
    enum Column { TimeColumn, LevelColumn, MessageColumn, ColumnCount };
    static constexpr int LevelRole = Qt::UserRole + 1;

    explicit LogModel(qsizetype capacity = 2000, QObject *parent = nullptr);

    void add(Level level, const QString &message);
    void clear();
    qsizetype capacity() const { return m_capacity; }
    QString message(int row) const { return m_entries[std::size_t(row)].message; }
    Level level(int row) const { return m_entries[std::size_t(row)].level; }
    /// How many entries of `level` are held.
    int count(Level level) const;
    /// Every entry as "hh:mm:ss.zzz level message" lines.
    QString toText() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void entryAdded(CacheScope::LogModel::Level level, const QString &message);

private:
    struct Entry
    {
        QDateTime time;
        Level level;
        QString message;
    };
    static QString levelName(Level level);

    std::deque<Entry> m_entries;
    qsizetype m_capacity;
};

} // namespace CacheScope
