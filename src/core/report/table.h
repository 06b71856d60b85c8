#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace CacheScope {

/// Rows of already formatted cells with a header; rendered as an aligned text table (numbers
/// right-aligned) or as CSV. One writer per format, shared by every CLI command.
class Table
{
public:
    explicit Table(QStringList headers)
        : m_headers(std::move(headers))
    {
    }

    void addRow(QStringList cells) { m_rows.push_back(std::move(cells)); }
    /// Marks a column as left-aligned text (default: right-aligned, for numbers).
    void setTextColumn(int column) { m_textColumns.append(column); }
    qsizetype rowCount() const { return qsizetype(m_rows.size()); }

    /// Aligned columns separated by two spaces, a dashed rule under the header.
    QString toText() const;
    /// RFC 4180: header line, then one line per row; cells with the delimiter, quotes or
    /// newlines are quoted.
    QString toCsv() const;

private:
    QStringList m_headers;
    std::vector<QStringList> m_rows;
    QList<int> m_textColumns;
};

/// Formats a ratio with 6 decimals ("0.786805"), matching reference.csv.
QString formatRatio(double ratio);
/// Formats a rate compactly: "12.3M", "845.2K", "512".
QString formatRate(double perSecond);

} // namespace CacheScope
