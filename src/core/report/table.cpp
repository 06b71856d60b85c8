#include "core/report/table.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QString Table::toText() const
{
    std::vector<qsizetype> widths(std::size_t(m_headers.size()), 0);
    for (qsizetype c = 0; c < m_headers.size(); ++c)
        widths[std::size_t(c)] = m_headers[c].size();
    for (const QStringList &row : m_rows)
        for (qsizetype c = 0; c < row.size() && c < m_headers.size(); ++c)
            widths[std::size_t(c)] = std::max(widths[std::size_t(c)], row[c].size());

    auto line = [&](const QStringList &cells) -> QString {
        QString out;
        for (qsizetype c = 0; c < m_headers.size(); ++c) {
            const QString cell = c < cells.size() ? cells[c] : QString();
            const int w = int(widths[std::size_t(c)]);
            if (c > 0)
                out += u"  "_s;
            out += m_textColumns.contains(int(c)) ? cell.leftJustified(w) : cell.rightJustified(w);
        }
        while (out.endsWith(u' '))
            out.chop(1);
        return out + u'\n';
    };
    QString out = line(m_headers);
    QStringList rule;
    for (qsizetype w : widths)
        rule << QString(w, u'-');
    out += line(rule);
    for (const QStringList &row : m_rows)
        out += line(row);
    return out;
}

QString Table::toCsv() const
{
    auto quote = [](const QString &cell) -> QString {
        if (!cell.contains(u',') && !cell.contains(u'"') && !cell.contains(u'\n'))
            return cell;
        QString q = cell;
        q.replace(u"\""_s, u"\"\""_s);
        return u'"' + q + u'"';
    };
    auto line = [&](const QStringList &cells) -> QString {
        QStringList quoted;
        for (const QString &c : cells)
            quoted << quote(c);
        return quoted.join(u',') + u'\n';
    };
    QString out = line(m_headers);
    for (const QStringList &row : m_rows)
        out += line(row);
    return out;
}

QString formatRatio(double ratio) { return QString::number(ratio, 'f', 6); }

QString formatRate(double perSecond)
{
    if (perSecond >= 1e9)
        return QString::number(perSecond / 1e9, 'f', 2) + u'G';
    if (perSecond >= 1e6)
        return QString::number(perSecond / 1e6, 'f', 2) + u'M';
    if (perSecond >= 1e3)
        return QString::number(perSecond / 1e3, 'f', 1) + u'K';
    return QString::number(perSecond, 'f', 0);
}

} // namespace CacheScope
