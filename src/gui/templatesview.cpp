#include "templatesview.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

int TemplateTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TemplateTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TemplateTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const QStringList titles = { tr("#"), tr("Template"), tr("Calls"), tr("Reads"),
        tr("Hits"), tr("Distinct"), tr("Saved ms/s"), tr("per MB"), tr("Bytes"), tr("Inval."),
        tr("Fill→inval."), tr("Errors"), tr("Kind") };
    static const QStringList tips = {
        tr("Rank among the templates worth caching: database time saved per megabyte of cache"),
        tr("The statement with its literals replaced by $n"),
        tr("Statements of this template replayed"),
        tr("Share of the log's reads (cacheable or not)"),
        tr("Hits over reads of this template under the current cache"),
        tr("Distinct parameter sets: the template's working set in results"),
        tr("Database time saved per second: mean miss latency × hits"),
        tr("Saved ms/s per megabyte of its working set (distinct × mean result bytes)"),
        tr("Mean result size"),
        tr("Cached results a write to its tables invalidated"),
        tr("Median time from a result's fill to its invalidation: the TTL that would not serve "
           "stale data"),
        tr("Statements that failed on replay; the tooltip has the first message"),
        tr("read, write, uncacheable (with the reason) or transaction control"),
    };
    if (role == Qt::DisplayRole)
        return titles.value(section);
    if (role == Qt::ToolTipRole)
        return tips.value(section);
    return {};
}

QVariant TemplateTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const TemplateRow &r = m_rows[std::size_t(index.row())];
    const QLocale locale;
    if (role == Qt::UserRole) { // sort keys
        switch (index.column()) {
        case RankColumn:
            return r.recommendationRank > 0 ? r.recommendationRank : 1'000'000;
        case CallsColumn:
            return double(r.calls);
        case ReadShareColumn:
            return r.readShare;
        case HitRatioColumn:
            return r.hitRatio ? *r.hitRatio : -1.0;
        case DistinctColumn:
            return double(r.distinctParameters);
        case SavedColumn:
            return r.dbTimeSavedMsPerS;
        case SavedPerMbColumn:
            return r.savedPerMegabyte;
        case BytesColumn:
            return r.resultBytesMean;
        case InvalidationsColumn:
            return double(r.invalidations);
        case FillToInvalidationColumn:
            return r.fillToInvalidationMedianMs ? *r.fillToInvalidationMedianMs : -1.0;
        case ErrorsColumn:
            return double(r.errors);
        case KindColumn:
            return statementKindName(r.kind);
        case TemplateColumn:
            return r.text;
        }
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case RankColumn:
            return r.recommendationRank > 0 ? QVariant(r.recommendationRank) : QVariant();
        case CallsColumn:
            return locale.toString(qulonglong(r.calls));
        case ReadShareColumn:
            return r.readShare > 0 ? locale.toString(r.readShare * 100.0, 'f', 1) + u"%"_s
                                   : QString();
        case HitRatioColumn:
            return r.hitRatio ? locale.toString(*r.hitRatio * 100.0, 'f', 1) + u"%"_s : QString();
        case DistinctColumn:
            return locale.toString(qulonglong(r.distinctParameters));
        case SavedColumn:
            return r.dbTimeSavedMsPerS > 0 ? locale.toString(r.dbTimeSavedMsPerS, 'f', 2)
                                           : QString();
        case SavedPerMbColumn:
            return r.savedPerMegabyte > 0 ? locale.toString(r.savedPerMegabyte, 'f', 0) : QString();
        case BytesColumn:
            return r.resultBytesMean > 0 ? locale.formattedDataSize(qint64(r.resultBytesMean))
                                         : QString();
        case InvalidationsColumn:
            return r.invalidations ? locale.toString(qulonglong(r.invalidations)) : QString();
        case FillToInvalidationColumn:
            return r.fillToInvalidationMedianMs
                ? locale.toString(*r.fillToInvalidationMedianMs, 'f', 0) + u" ms"_s
                : QString();
        case ErrorsColumn:
            return r.errors ? locale.toString(qulonglong(r.errors)) : QString();
        case KindColumn:
            return r.kind == StatementKind::Uncacheable ? tr("uncacheable: %1").arg(r.reason)
                                                        : statementKindName(r.kind);
        case TemplateColumn:
            return r.text;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == TemplateColumn)
            return r.tables.isEmpty()
                ? r.text
                : QString(r.text + u"\n\ntables: "_s + r.tables.join(u", "_s));
        if (index.column() == ErrorsColumn && !r.firstError.isEmpty())
            return r.firstError;
        if (index.column() == KindColumn && !r.reason.isEmpty())
            return r.reason;
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == KindColumn || index.column() == TemplateColumn)
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::FontRole && r.recommendationRank > 0 && index.column() <= RankColumn) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

void TemplateTableModel::setRows(std::vector<TemplateRow> rows)
{
    const int before = int(m_rows.size());
    const int after = int(rows.size());
    if (after < before) { // a new replay
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    if (after > before)
        beginInsertRows({}, before, after - 1);
    m_rows = std::move(rows);
    if (after > before)
        endInsertRows();
    if (before > 0)
        emit dataChanged(index(0, 0), index(before - 1, ColumnCount - 1));
}

TemplatesView::TemplatesView(QWidget *parent)
    : QWidget(parent)
    , m_model(new TemplateTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_capacity(new QLabel(this))
    , m_export(new QPushButton(tr("&Export templates…"), this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_table->setObjectName(u"templatesTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TemplateTableModel::RankColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_table->setTextElideMode(Qt::ElideRight);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The statement gets a fixed share (the tooltip has all of it); the numbers fit theirs.
    header->setSectionResizeMode(TemplateTableModel::TemplateColumn, QHeaderView::Interactive);
    header->resizeSection(
        TemplateTableModel::TemplateColumn, fontMetrics().horizontalAdvance(QString(36, u'x')));
    m_summary->setObjectName(u"templatesSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_export->setObjectName(u"exportTemplatesButton"_s);
    m_export->setToolTip(tr("Write the table as CSV, or JSON when the name ends in .json"));
    connect(m_export, &QPushButton::clicked, this, &TemplatesView::exportRows);

    m_capacity->setObjectName(u"templatesCapacity"_s);
    m_capacity->setWordWrap(true);
    m_capacity->setTextFormat(Qt::PlainText);
    m_capacity->hide();
    auto *texts = new QVBoxLayout;
    texts->addWidget(m_summary);
    texts->addWidget(m_capacity);
    auto *top = new QHBoxLayout;
    top->addLayout(texts, 1);
    top->addWidget(m_export, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    clear();
}

void TemplatesView::setCapacityNote(const QString &note)
{
    m_capacity->setText(note);
    m_capacity->setVisible(!note.isEmpty());
}

void TemplatesView::clear()
{
    m_model->setRows({});
    setCapacityNote({});
    m_export->setEnabled(false);
    m_summary->setText(tr("Replay a query log (Workload panel → Query log) to see, per statement "
                          "template, how the cache serves it and which statements are worth "
                          "caching."));
}

void TemplatesView::setRows(std::vector<TemplateRow> rows, qint64 statements)
{
    std::vector<const TemplateRow *> ranked;
    for (const TemplateRow &r : rows) {
        if (r.recommendationRank > 0)
            ranked.push_back(&r);
    }
    std::sort(ranked.begin(), ranked.end(), [](const TemplateRow *a, const TemplateRow *b) {
        return a->recommendationRank < b->recommendationRank;
    });
    const QLocale locale;
    QString text
        = tr("%L1 templates from %L2 statements.").arg(qint64(rows.size())).arg(statements);
    if (ranked.empty()) {
        text += u' ' + tr("Cache these: none yet (no cacheable read was answered from the cache).");
    } else {
        QStringList best;
        for (std::size_t i = 0; i < std::min<std::size_t>(3, ranked.size()); ++i) {
            const TemplateRow &r = *ranked[i];
            QString t = r.text;
            if (t.size() > 48)
                t = t.left(47) + u'…';
            best << tr("%1. %2 (%3 ms/s saved)")
                        .arg(r.recommendationRank)
                        .arg(t)
                        .arg(locale.toString(r.dbTimeSavedMsPerS, 'f', 2));
        }
        text += u' ' + tr("Cache these, best first by time saved per MB: ") + best.join(u"; "_s);
    }
    m_summary->setText(text);
    m_model->setRows(std::move(rows));
    m_export->setEnabled(m_model->rowCount() > 0);
}

QString TemplatesView::exportTo(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return file.errorString();
    const QByteArray bytes = path.endsWith(u".json"_s, Qt::CaseInsensitive)
        ? QJsonDocument(templateRowsJson(m_model->rows())).toJson(QJsonDocument::Indented)
        : templateRowsCsv(m_model->rows()).toUtf8();
    file.write(bytes);
    if (!file.commit())
        return file.errorString();
    return {};
}

void TemplatesView::exportRows()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export templates"), u"templates.csv"_s, tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    const QString error = exportTo(path);
    if (error.isEmpty())
        emit exported(path);
    else
        emit exportFailed(tr("Could not write %1: %2").arg(path, error));
}

} // namespace CacheScope
