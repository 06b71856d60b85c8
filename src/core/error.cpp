#include "core/error.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QString Error::toString() const
{
    QString out;
    if (!file.isEmpty()) {
        out += file;
        if (line > 0)
            out += u':' + QString::number(line);
        else if (offset >= 0)
            out += u":byte "_s + QString::number(offset);
        out += u": "_s;
    }
    if (!field.isEmpty())
        out += field + u": "_s;
    if (!value.isNull())
        out += u'\'' + value + u"' "_s;
    out += message;
    return out;
}

} // namespace CacheScope
