#include "htmloutline.h"

#include <QRegularExpression>
#include <QXmlStreamReader>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::TestSupport {

HtmlOutline outlineOfHtml(const QString &html)
{
    HtmlOutline o;
    QXmlStreamReader xml(html);
    QString chart; // the title of the <svg> we are in
    bool inSvg = false;
    static const QRegularExpression moves(u"[ML]"_s);
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const QString name = xml.name().toString();
            const QXmlStreamAttributes attrs = xml.attributes();
            for (const QString &a : { u"src"_s, u"href"_s }) {
                const QString v = attrs.value(a).toString();
                if (attrs.hasAttribute(a) && !v.startsWith(u'#'))
                    o.externalReferences << name + u' ' + a + u'=' + v;
            }
            if (name == u"script"_s || name == u"link"_s || name == u"img"_s || name == u"iframe"_s)
                o.externalReferences << u'<' + name + u'>';
            if (name == u"h1"_s || name == u"h2"_s || name == u"h3"_s) {
                o.headings << xml.readElementText(QXmlStreamReader::IncludeChildElements);
                o.text += o.headings.last() + u' ';
            } else if (name == u"svg"_s)
                inSvg = true;
            else if (inSvg && name == u"title"_s && chart.isEmpty()) {
                chart = xml.readElementText();
                o.chartTitles << chart;
                o.chartPoints.insert(chart, 0);
            } else if (inSvg && name == u"path"_s)
                o.chartPoints[chart] += int(attrs.value(u"d"_s).count(moves));
            else if (inSvg && name == u"circle"_s)
                o.chartPoints[chart] += 1;
        } else if (xml.isEndElement() && xml.name() == u"svg"_s) {
            inSvg = false;
            chart.clear();
        } else if (xml.isCharacters() && !xml.isWhitespace()) {
            o.text += xml.text().toString() + u' ';
        }
    }
    o.wellFormed = !xml.hasError();
    if (xml.hasError())
        o.error = u"%1 at line %2, column %3"_s.arg(xml.errorString())
                      .arg(xml.lineNumber())
                      .arg(xml.columnNumber());
    return o;
}

} // namespace CacheScope::TestSupport
