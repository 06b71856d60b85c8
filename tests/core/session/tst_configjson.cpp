// Configuration files: what File → Save configuration and `cachescope-cli run --save-config`
// write, and what loading them reports when they are unreadable or malformed.

#include "core/session/configjson.h"
#include "core/session/runsession.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_ConfigJson : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void fileRoundTrips();
    void missingFileNamesIt();
    void malformedJsonNamesFileAndOffset();
    void badValueNamesFileFieldAndValue();
    void unknownFieldsAreNamedNotIgnored();
    void partialFileOverlaysTheBase();

private:
    QString write(const QString &name, const QByteArray &bytes);
    QTemporaryDir m_dir;
};

QString tst_ConfigJson::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(bytes);
    return path;
}

void tst_ConfigJson::fileRoundTrips()
{
    RunConfig c = defaultRunConfig(u"/data/demo.sqlite"_s);
    c.threads = 9;
    c.cache.policy = u"sieve"_s;
    c.cache.capacity = 2500;
    c.cache.ttlMs = 700;
    c.workload.kind = u"hotspot"_s;
    c.workload.hotKeyFraction = 0.1;
    c.writeRatio = 0.05;
    c.loadModel = LoadModel::OpenLoop;
    c.targetRate = 1234.5;
    c.database.password = u"secret"_s;
    const QString path = m_dir.filePath(u"saved.json"_s);
    QVERIFY(saveRunConfig(c, path));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(!bytes.contains("secret"));
    QVERIFY(QJsonDocument::fromJson(bytes).isObject());

    const Result<RunConfig> back = loadRunConfig(path, RunConfig {});
    QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
    QCOMPARE(back->threads, 9);
    QCOMPARE(back->cache.policy, u"sieve"_s);
    QCOMPARE(back->cache.capacity, qint64(2500));
    QCOMPARE(back->cache.ttlMs, qint64(700));
    QVERIFY(sameWorkload(back->workload, c.workload));
    QCOMPARE(back->writeRatio, 0.05);
    QCOMPARE(back->loadModel, LoadModel::OpenLoop);
    QCOMPARE(back->targetRate, 1234.5);
    QCOMPARE(back->database.database, u"/data/demo.sqlite"_s);
    QCOMPARE(runConfigToJson(back.value()), runConfigToJson(c));

    const Result<void> unwritable = saveRunConfig(c, m_dir.filePath(u"no/such/dir.json"_s));
    QVERIFY(!unwritable);
    QVERIFY(unwritable.error().file.endsWith(u"no/such/dir.json"_s));
}

void tst_ConfigJson::missingFileNamesIt()
{
    const QString path = m_dir.filePath(u"absent.json"_s);
    const Result<RunConfig> c = loadRunConfig(path, RunConfig {});
    QVERIFY(!c);
    QCOMPARE(c.error().file, path);
    QVERIFY(!c.error().message.isEmpty());
}

void tst_ConfigJson::malformedJsonNamesFileAndOffset()
{
    const QString path = write(u"broken.json"_s, R"({"threads": 4,, })");
    const Result<RunConfig> c = loadRunConfig(path, RunConfig {});
    QVERIFY(!c);
    QCOMPARE(c.error().file, path);
    QVERIFY2(
        c.error().message.startsWith(u"is not a JSON object"_s), qPrintable(c.error().message));
    QVERIFY(c.error().offset > 0);

    const QString array = write(u"array.json"_s, "[1, 2]");
    const Result<RunConfig> a = loadRunConfig(array, RunConfig {});
    QVERIFY(!a);
    QCOMPARE(a.error().file, array);
}

void tst_ConfigJson::badValueNamesFileFieldAndValue()
{
    const QString path = write(u"bad.json"_s, R"({"cache": {"policy": "lru", "capacity": -5}})");
    const Result<RunConfig> c = loadRunConfig(path, RunConfig {});
    QVERIFY(!c);
    QCOMPARE(c.error().file, path);
    QCOMPARE(c.error().field, u"cache.capacity"_s);
    QCOMPARE(c.error().value, u"-5"_s);
    QVERIFY2(c.error().toString().contains(u"cache.capacity"_s), qPrintable(c.error().toString()));
}

void tst_ConfigJson::unknownFieldsAreNamedNotIgnored()
{
    // A misspelt field, and a real field at the wrong level (as a hand-edited file or an
    // exported scenario might have), are errors naming file and field, never silently dropped.
    const QString typo = write(u"typo.json"_s, R"({"cache": {"policy": "lru", "capacty": 10}})");
    const Result<RunConfig> a = loadRunConfig(typo, RunConfig {});
    QVERIFY(!a);
    QCOMPARE(a.error().file, typo);
    QCOMPARE(a.error().field, u"cache.capacty"_s);
    QCOMPARE(a.error().value, u"10"_s);
    QVERIFY2(a.error().message.contains(u"capacity"_s), qPrintable(a.error().message));

    const QString nested = write(u"nested.json"_s, R"({"config": {"threads": 4}})");
    const Result<RunConfig> b = loadRunConfig(nested, RunConfig {});
    QVERIFY(!b);
    QCOMPARE(b.error().field, u"config"_s);
    QVERIFY2(b.error().toString().contains(u"not a configuration field"_s),
        qPrintable(b.error().toString()));

    const QString top = write(u"top.json"_s, R"({"capacity": 10})");
    QCOMPARE(loadRunConfig(top, RunConfig {}).error().field, u"capacity"_s);

    // What the app writes reads back without complaint.
    const QString saved = m_dir.filePath(u"saved.json"_s);
    QVERIFY(saveRunConfig(defaultRunConfig(u"/x.sqlite"_s), saved));
    QVERIFY(loadRunConfig(saved, RunConfig {}));
}

void tst_ConfigJson::partialFileOverlaysTheBase()
{
    const QString path = write(u"partial.json"_s, R"({"threads": 3})");
    RunConfig base = defaultRunConfig(u"/x.sqlite"_s);
    base.cache.capacity = 42;
    const Result<RunConfig> c = loadRunConfig(path, base);
    QVERIFY(c);
    QCOMPARE(c->threads, 3);
    QCOMPARE(c->cache.capacity, qint64(42));
    QCOMPARE(c->database.database, u"/x.sqlite"_s);
}

QTEST_GUILESS_MAIN(tst_ConfigJson)
#include "tst_configjson.moc"
