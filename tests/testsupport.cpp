#include "testsupport.h"

#include <QFile>
#include <QTest>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::TestSupport {

QString dataPath(const QString &name) { return QStringLiteral(CACHESCOPE_TEST_DATA) + u'/' + name; }

QString cliPath() { return QStringLiteral(CACHESCOPE_CLI_PATH); }

std::vector<Request> requestsFromKeys(std::initializer_list<Key> keys)
{
    return requestsFromKeys(std::vector<Key>(keys));
}

std::vector<Request> requestsFromKeys(const std::vector<Key> &keys)
{
    std::vector<Request> out;
    out.reserve(keys.size());
    for (Key k : keys)
        out.push_back(Request { k, -1, 1, 0 });
    return out;
}

std::vector<Key> loadSharedTraceKeys(const QString &name)
{
    QFile f(dataPath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open test trace %s", qPrintable(f.fileName()));
    const QByteArray bytes = f.readAll();
    std::vector<Key> keys;
    if (name.endsWith(u".trace"_s) && name.startsWith(u"cache2k"_s)) {
        for (qsizetype i = 0; i + 4 <= bytes.size(); i += 4)
            keys.push_back(Key(quint32(qFromBigEndian<qint32>(bytes.constData() + i))));
    } else {
        for (const QByteArray &line : bytes.split('\n')) {
            const QByteArray t = line.trimmed();
            if (t.isEmpty() || t == "*")
                continue;
            keys.push_back(t.toULongLong());
        }
    }
    return keys;
}

QString replay(CachePolicy &policy, const QString &keys)
{
    QStringList out;
    for (QStringView t : QStringView(keys).split(u' ')) {
        const Key k = t.toULongLong();
        QString s = QString::number(k) + (policy.access({ k, -1, 1, 0 }) ? u"h"_s : u"m"_s);
        for (Key v : policy.lastEvicted())
            s += u'-' + QString::number(v);
        out << s;
    }
    return out.join(u' ');
}

} // namespace CacheScope::TestSupport
