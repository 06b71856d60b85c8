// Replays every input the fuzzers once failed on (tests/data/fuzz/<target>/) and every seed
// (fuzz/corpus/<target>/) through the same bodies the libFuzzer targets run (fuzz/fuzzbodies.h),
// so a regression shows in the ordinary build and under the asan preset, without clang.
#include "../../../fuzz/fuzzbodies.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <functional>
#include <map>

using namespace Qt::Literals::StringLiterals;

namespace {

using Body = std::function<int(const std::uint8_t *, std::size_t)>;

/// One entry per fuzz/fuzz_<name>.cpp, calling the same body.
const std::map<QString, Body> &bodies()
{
    using namespace CacheScope;
    static const std::map<QString, Body> map {
        { u"txt"_s,
            [](const std::uint8_t *d, std::size_t s) {
                return Fuzz::traceAs(TraceFormat::Txt, d, s);
            } },
        { u"oraclegeneral"_s,
            [](const std::uint8_t *d, std::size_t s) {
                return Fuzz::traceAs(TraceFormat::OracleGeneral, d, s);
            } },
        { u"vscsi"_s,
            [](const std::uint8_t *d, std::size_t s) {
                return Fuzz::traceAs(TraceFormat::Vscsi, d, s);
            } },
        { u"u32be"_s,
            [](const std::uint8_t *d, std::size_t s) {
                return Fuzz::traceAs(TraceFormat::U32Be, d, s);
            } },
        { u"redismonitor"_s, &Fuzz::redisMonitor },
        { u"csv"_s, &Fuzz::csv },
        { u"bytesource"_s, &Fuzz::byteSource },
        { u"packed"_s, &Fuzz::packed },
        { u"detect"_s, &Fuzz::detect },
        { u"sqltemplate"_s, &Fuzz::sqlTemplate },
        { u"redisinfo"_s, &Fuzz::redisInfo },
        { u"memcachedstats"_s, &Fuzz::memcachedStats },
        { u"expect"_s, &Fuzz::expectations },
        { u"querylog"_s, &Fuzz::queryLog },
        { u"sqlnormalizer"_s, &Fuzz::sqlNormalizer },
        { u"l2value"_s, &Fuzz::l2Value },
        { u"invalidation"_s, &Fuzz::invalidationMessage },
#ifdef CACHESCOPE_FUZZ_CONFIGJSON
        { u"configjson"_s, &Fuzz::configJson },
        { u"scenario"_s, &Fuzz::scenario },
        { u"livechange"_s, &Fuzz::liveChange },
#endif
    };
    return map;
}

const QString fuzzDataDir = QStringLiteral(CACHESCOPE_TEST_DATA "/fuzz");
const QString seedDir = QStringLiteral(CACHESCOPE_TEST_DATA "/../../fuzz/corpus");

} // namespace

class tst_FuzzRegressions : public QObject
{
    Q_OBJECT

private slots:
    void everyTargetHasABody();
    void replay_data();
    void replay();
    void xzDictionaryLimit();
};

void tst_FuzzRegressions::everyTargetHasABody()
{
    // A fuzz target added without its row here would not be replayed.
    const QDir fuzzDir(QStringLiteral(CACHESCOPE_TEST_DATA "/../../fuzz"));
    QVERIFY(fuzzDir.exists());
    const QStringList sources = fuzzDir.entryList({ u"fuzz_*.cpp"_s }, QDir::Files);
    QVERIFY(!sources.isEmpty());
    for (const QString &source : sources) {
        const QString name = source.mid(5).chopped(4);
#ifndef CACHESCOPE_FUZZ_CONFIGJSON
        if (name == "configjson"_L1 || name == "scenario"_L1 || name == "livechange"_L1)
            continue; // the JSON code is not in the core yet (fuzz/CMakeLists.txt)
#endif
        QVERIFY2(bodies().count(name), qPrintable(u"no body for "_s + source));
    }
    // Every regression directory names a target.
    for (const QString &dir : QDir(fuzzDataDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        QVERIFY2(
            bodies().count(dir), qPrintable(u"tests/data/fuzz/"_s + dir + u": no such target"_s));
}

void tst_FuzzRegressions::replay_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("path");
    for (const QString &root : { fuzzDataDir, seedDir }) {
        for (const auto &[target, body] : bodies()) {
            QDirIterator it(root + u'/' + target, QDir::Files);
            while (it.hasNext()) {
                const QString path = it.next();
                const QString tag = QDir(root).dirName() + u'/' + target + u'/' + it.fileName();
                QTest::newRow(qPrintable(tag)) << target << path;
            }
        }
    }
}

void tst_FuzzRegressions::replay()
{
    QFETCH(QString, target);
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    const QByteArray bytes = file.readAll();
    // A body aborts (FUZZ_CHECK) or trips a sanitizer on a regression; returning is the pass.
    QCOMPARE(bodies().at(target)(reinterpret_cast<const std::uint8_t *>(bytes.constData()),
                 std::size_t(bytes.size())),
        0);
}

void tst_FuzzRegressions::xzDictionaryLimit()
{
    // 160 bytes of xz whose block header asks for a 4 GiB dictionary: refused, not allocated
    // (found by fuzz_bytesource: libFuzzer's malloc limit).
    using namespace CacheScope;
    Result<std::unique_ptr<ByteSource>> source
        = ByteSource::open(fuzzDataDir + u"/bytesource/xz-dictionary-4gib.xz"_s);
    QVERIFY(source);
    char buffer[64];
    const Result<qsizetype> n = (*source)->read(buffer, sizeof buffer);
    QVERIFY(!n);
    QVERIFY2(n.error().message.contains(u"1600 MiB"_s), qPrintable(n.error().toString()));
}

QTEST_GUILESS_MAIN(tst_FuzzRegressions)
#include "tst_fuzzregressions.moc"
