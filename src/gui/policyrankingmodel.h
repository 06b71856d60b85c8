#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include <optional>

namespace CacheScope {

/// One line of the what-if ranking: a shadow policy, or the real cache for reference.
struct PolicyStanding
{
    QString id; // registry id ("lru"); the real cache's row carries its policy id too
    QString name; // "S3-FIFO", "real cache (LRU)"
    std::optional<double> hitRatio; // cumulative, in [0, 1]; none before any request
    std::optional<double> intervalHitRatio; // the last interval's
    quint64 requests = 0; // requests this policy has seen (sampled ones for shadows)
    bool real = false;
};

/// The shadow policies ranked by hit ratio, best first, the real cache among them, with
/// each policy's lead over the real cache in percentage points. setStandings() updates the
/// rows in place: the same policies in a new order are moved with layoutChanged() (persistent
/// indexes follow their policy), and only a different set of policies resets the model, so a
/// view neither flickers nor loses its selection from one tick to the next.
class PolicyRankingModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        RankColumn,
        PolicyColumn,
        HitRatioColumn,
        IntervalColumn,
        VersusRealColumn,
        RequestsColumn,
        ColumnCount
    };
    /// The number behind a cell (rank, ratios in [0,1], points, requests); invalid when none.
    static constexpr int ValueRole = Qt::UserRole + 1;
    /// The row's policy id.
    static constexpr int PolicyIdRole = Qt::UserRole + 2;
    /// true on the real cache's row.
    static constexpr int RealRole = Qt::UserRole + 3;

    explicit PolicyRankingModel(QObject *parent = nullptr);

    /// Ranks the standings (hit ratio descending, "n/a" last, ties by name) and shows them.
    void setStandings(QList<PolicyStanding> standings);
    void clear();
    const QList<PolicyStanding> &standings() const { return m_rows; }
    /// The row of a policy (the real cache's row when `real`), or -1.
    int rowOf(const QString &id, bool real = false) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::optional<double> versusReal(const PolicyStanding &row) const;

    QList<PolicyStanding> m_rows; // ranked, best first
    std::optional<double> m_realHitRatio;
};

} // namespace CacheScope
