#include "fleetmodels.h"

#include "livechart.h"

#include <QBrush>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QList<LiveChart::Spec> fleetChartSpecs()
{
    using Axis = LiveChart::AxisSpec;
    return {
        { QObject::tr("Throughput"),
            Axis { QObject::tr("per second"), LiveChart::AxisScale::Linear, ValueUnit::PerSecond },
            std::nullopt,
            { { QObject::tr("requests/s"), QColor(0x44, 0x44, 0x44) },
                { QObject::tr("DB queries/s"), QColor(0xd6, 0x27, 0x28) } },
            3600 },
        { QObject::tr("Share of reads served"),
            Axis { QObject::tr("share"), LiveChart::AxisScale::Percent, ValueUnit::Percent },
            std::nullopt,
            { { QObject::tr("L1 (in-process)"), QColor(0x2c, 0xa0, 0x2c) },
                { QObject::tr("L2 (Redis)"), QColor(0x1f, 0x77, 0xb4) },
                { QObject::tr("overall hit ratio"), QColor(0x44, 0x44, 0x44), Qt::DashLine } },
            3600 },
        { QObject::tr("Stale reads"),
            Axis {
                QObject::tr("stale reads/s"), LiveChart::AxisScale::Linear, ValueUnit::PerSecond },
            Axis {
                QObject::tr("staleness p99 (ms)"), LiveChart::AxisScale::Linear, ValueUnit::Count },
            { { QObject::tr("stale reads/s"), QColor(0xd6, 0x27, 0x28) },
                { QObject::tr("staleness p99 (ms)"), QColor(0x94, 0x67, 0xbd), Qt::DashLine,
                    true } },
            3600 },
    };
}

QJsonObject controlChange(const RunConfig &from, const RunConfig &to)
{
    QJsonObject change;
    if (to.l2.invalidation != from.l2.invalidation)
        change[u"invalidation"_s] = invalidationName(to.l2.invalidation);
    if (to.writeRatio != from.writeRatio)
        change[u"write_ratio"_s] = to.writeRatio;
    if (to.l2.ttlMs != from.l2.ttlMs)
        change[u"l2_ttl_ms"_s] = to.l2.ttlMs;
    if (to.threads != from.threads)
        change[u"threads"_s] = to.threads;
    if (to.cache.capacity != from.cache.capacity)
        change[u"capacity"_s] = QString::number(to.cache.capacity);
    if (to.cache.policy != from.cache.policy)
        change[u"policy"_s] = to.cache.policy;
    return change;
}

FleetPoint FleetPoint::fromLine(const QJsonObject &line, double intervalSeconds)
{
    FleetPoint p;
    p.t = line[u"t_ms"_s].toDouble() / 1000.0;
    p.requestsPerSecond = line[u"requests_per_second"_s].toDouble();
    const double requests = line[u"requests"_s].toDouble();
    // The interval's own length when it served anything: a late or short interval stays exact.
    const double seconds = requests > 0 && p.requestsPerSecond > 0 ? requests / p.requestsPerSecond
                                                                   : intervalSeconds;
    const auto perSecond
        = [&](const QString &key) { return seconds > 0 ? line[key].toDouble() / seconds : 0.0; };
    p.dbQueriesPerSecond = perSecond(u"db_queries"_s);
    p.staleReadsPerSecond = perSecond(u"stale_reads"_s);
    const double reads = line[u"hits"_s].toDouble() + line[u"misses"_s].toDouble();
    if (reads > 0) {
        const bool tiers = line.contains(u"l1_hits"_s);
        p.l1Share = line[tiers ? u"l1_hits"_s : u"hits"_s].toDouble() / reads;
        if (tiers)
            p.l2Share = line[u"l2_hits"_s].toDouble() / reads;
    }
    if (const QJsonValue ratio = line[u"hit_ratio"_s]; ratio.isDouble())
        p.hitRatio = ratio.toDouble();
    if (line[u"stale_reads"_s].toDouble() > 0)
        p.stalenessP99Ms = line[u"staleness_ms"_s].toObject()[u"p99"_s].toDouble();
    return p;
}

void FleetHistory::reset(int instances)
{
    m_rings.assign(std::size_t(std::max(instances, 0)) + 1, TimeSeries<FleetPoint>(m_capacity));
}

namespace {

/// The ring of `instance` in FleetHistory: the total's first; SIZE_MAX for none.
std::size_t ringOf(int instance)
{
    if (instance == FleetHistory::total)
        return 0;
    return instance < 0 ? SIZE_MAX : std::size_t(instance) + 1;
}

} // namespace

void FleetHistory::add(int instance, const FleetPoint &point)
{
    if (const std::size_t i = ringOf(instance); i < m_rings.size())
        m_rings[i].push(point);
}

const TimeSeries<FleetPoint> &FleetHistory::points(int instance) const
{
    const std::size_t i = ringOf(instance);
    return i < m_rings.size() ? m_rings[i] : m_empty;
}

FleetInstancesModel::FleetInstancesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void FleetInstancesModel::reset(int instances)
{
    beginResetModel();
    m_rows.assign(std::size_t(std::max(instances, 0)), Row {});
    endResetModel();
}

void FleetInstancesModel::addLine(int instance, const QJsonObject &line)
{
    if (instance < 0 || std::size_t(instance) >= m_rows.size())
        return;
    Row &r = m_rows[std::size_t(instance)];
    const auto count = [&](const QString &key) { return line[key].toInteger(); };
    const bool final = line[u"final"_s].toBool();
    if (final) { // the whole run's counts
        r.l1Hits = count(u"l1_hits"_s);
        r.l2Hits = count(u"l2_hits"_s);
        r.dbQueries = count(u"db_queries"_s);
        r.staleReads = count(u"stale_reads"_s);
    } else {
        r.l1Hits += count(u"l1_hits"_s);
        r.l2Hits += count(u"l2_hits"_s);
        r.dbQueries += count(u"db_queries"_s);
        r.staleReads += count(u"stale_reads"_s);
    }
    r.requestsPerSecond = line[u"requests_per_second"_s].toDouble();
    if (r.state == State::Starting)
        r.state = State::Running;
    rowChanged(instance);
}

void FleetInstancesModel::setRunning(int instance, qint64 pid)
{
    if (instance < 0 || std::size_t(instance) >= m_rows.size())
        return;
    m_rows[std::size_t(instance)].state = State::Running;
    m_rows[std::size_t(instance)].pid = pid;
    rowChanged(instance);
}

void FleetInstancesModel::setExited(int instance, const QString &detail)
{
    if (instance < 0 || std::size_t(instance) >= m_rows.size())
        return;
    Row &r = m_rows[std::size_t(instance)];
    if (r.state == State::Failed) // its failure says more
        return;
    r.state = State::Exited;
    r.detail = detail;
    rowChanged(instance);
}

void FleetInstancesModel::setFailed(int instance, const QString &message)
{
    if (instance < 0 || std::size_t(instance) >= m_rows.size())
        return;
    m_rows[std::size_t(instance)].state = State::Failed;
    m_rows[std::size_t(instance)].detail = message;
    rowChanged(instance);
}

void FleetInstancesModel::rowChanged(int instance)
{
    emit dataChanged(index(instance, 0), index(instance, ColumnCount - 1));
}

int FleetInstancesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FleetInstancesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetInstancesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || std::size_t(index.row()) >= m_rows.size())
        return {};
    const Row &r = m_rows[std::size_t(index.row())];
    if (role == Qt::ToolTipRole && index.column() == StateColumn)
        return r.detail.isEmpty() ? QVariant() : QVariant(r.detail);
    if (role == Qt::ForegroundRole && index.column() == StateColumn && r.state == State::Failed)
        return QBrush(Qt::red);
    if (role == Qt::TextAlignmentRole && index.column() > StateColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case InstanceColumn:
        return index.row();
    case StateColumn:
        switch (r.state) {
        case State::Starting:
            return tr("starting");
        case State::Running:
            return r.pid > 0 ? tr("running (pid %1)").arg(r.pid) : tr("running");
        case State::Exited:
            return r.detail.isEmpty() ? tr("exited") : r.detail;
        case State::Failed:
            return tr("failed: %1").arg(r.detail);
        }
        return {};
    case RateColumn:
        return formatValue(r.requestsPerSecond, ValueUnit::PerSecond);
    case L1HitsColumn:
        return formatValue(double(r.l1Hits), ValueUnit::Count);
    case L2HitsColumn:
        return formatValue(double(r.l2Hits), ValueUnit::Count);
    case DbQueriesColumn:
        return formatValue(double(r.dbQueries), ValueUnit::Count);
    case StaleReadsColumn:
        return formatValue(double(r.staleReads), ValueUnit::Count);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant FleetInstancesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case InstanceColumn:
        return tr("instance");
    case StateColumn:
        return tr("state");
    case RateColumn:
        return tr("requests/s");
    case L1HitsColumn:
        return tr("L1 hits");
    case L2HitsColumn:
        return tr("L2 hits");
    case DbQueriesColumn:
        return tr("DB queries");
    case StaleReadsColumn:
        return tr("stale reads");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace CacheScope
