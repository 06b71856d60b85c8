#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace CacheScope::TestSupport {

/// What a test checks of an HTML report, read with an XML parser (the report is XHTML5): it
/// parses as a whole, its section headings, each inline chart's `<title>` with the number of
/// points its lines draw, and every reference to something outside the file (none allowed).
struct HtmlOutline
{
    bool wellFormed = false;
    QString error; // the parser's message with line and column
    QStringList headings; // h1, h2, h3 texts in order
    QStringList chartTitles; // each <svg>'s <title>
    QHash<QString, int> chartPoints; // title -> points on its <path> lines and <circle>s
    QStringList externalReferences; // src/href that are not "#…"; <script>, <link>, <img>
    QString text; // every text node, joined by spaces
};

HtmlOutline outlineOfHtml(const QString &html);

} // namespace CacheScope::TestSupport
