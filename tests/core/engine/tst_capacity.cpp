// The one capacity grammar (core/engine/capacity.h) that simulate, mrc, run and the Trace replay
// tab share: what each context accepts, what it resolves to, and that every error names the
// option and the offending item, overflow included.
#include "core/engine/capacity.h"

#include <QTest>

#include <limits>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_Capacity : public QObject
{
    Q_OBJECT

private slots:
    void replayListParses_data();
    void replayListParses();
    void replayListRejects_data();
    void replayListRejects();
    void percentResolvesByFloor();
    void percentOfNothingIsAnError();
    void liveCacheParses_data();
    void liveCacheParses();
    void liveCacheRejects_data();
    void liveCacheRejects();
    void optionNameIsTheCallers();
};

namespace {
constexpr qint64 maxCapacity = std::numeric_limits<qint64>::max();
}

void tst_Capacity::replayListParses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("bytes");
    QTest::addColumn<QStringList>("expected"); // "N" absolute, "P%" percentage
    QTest::newRow("one") << u"4096"_s << false << QStringList { u"4096"_s };
    QTest::newRow("list") << u"1%, 10% ,4096"_s << false
                          << QStringList { u"1%"_s, u"10%"_s, u"4096"_s };
    QTest::newRow("fraction") << u"0.5%"_s << false << QStringList { u"0.5%"_s };
    QTest::newRow("all") << u"100%"_s << false << QStringList { u"100%"_s };
    QTest::newRow("plus") << u"+7"_s << false << QStringList { u"7"_s };
    QTest::newRow("K") << u"4K"_s << true << QStringList { u"4096"_s };
    QTest::newRow("k lower") << u"4k"_s << true << QStringList { u"4096"_s };
    QTest::newRow("KB") << u"4KB"_s << true << QStringList { u"4096"_s };
    QTest::newRow("KiB") << u"4KiB"_s << true << QStringList { u"4096"_s };
    QTest::newRow("M") << u"64M"_s << true << QStringList { u"67108864"_s };
    QTest::newRow("G") << u"2G"_s << true << QStringList { u"2147483648"_s };
    QTest::newRow("space before suffix") << u"3 MB"_s << true << QStringList { u"3145728"_s };
    QTest::newRow("largest") << u"9223372036854775807"_s << false
                             << QStringList { QString::number(maxCapacity) };
    QTest::newRow("largest G") << u"8589934591G"_s << true
                               << QStringList { QString::number(8589934591LL << 30) };
}

void tst_Capacity::replayListParses()
{
    QFETCH(QString, text);
    QFETCH(bool, bytes);
    QFETCH(QStringList, expected);
    const auto specs = parseCapacities(text, bytes ? SizeUnit::Bytes : SizeUnit::Objects);
    QVERIFY2(specs, qPrintable(specs ? QString() : specs.error().toString()));
    QCOMPARE(qsizetype(specs->size()), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const CapacitySpec &s = specs.value()[std::size_t(i)];
        if (expected[i].endsWith(u'%')) {
            QVERIFY(s.isPercent);
            QCOMPARE(s.percent, expected[i].chopped(1).toDouble());
        } else {
            QVERIFY(!s.isPercent);
            QCOMPARE(s.absolute, expected[i].toLongLong());
        }
    }
}

void tst_Capacity::replayListRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("bytes");
    QTest::addColumn<QString>("message"); // Error::toString(), whole or its start
    QTest::newRow("zero") << u"0"_s << false << u"--capacity: '0' must be greater than 0"_s;
    QTest::newRow("zeros") << u"000"_s << false << u"--capacity: '000' must be greater than 0"_s;
    QTest::newRow("zero K") << u"0K"_s << true << u"--capacity: '0K' must be greater than 0"_s;
    QTest::newRow("negative") << u"-4"_s << false << u"--capacity: '-4' must be greater than 0"_s;
    QTest::newRow("hugely negative")
        << u"-99999999999999999999"_s << false
        << u"--capacity: '-99999999999999999999' must be greater than 0"_s;
    QTest::newRow("past 2^63-1") << u"9223372036854775808"_s << false
                                 << u"--capacity: '9223372036854775808' is too large"_s;
    QTest::newRow("twenty digits") << u"99999999999999999999"_s << false
                                   << u"--capacity: '99999999999999999999' is too large"_s;
    QTest::newRow("overflow by suffix")
        << u"8589934592G"_s << true << u"--capacity: '8589934592G' is too large"_s;
    QTest::newRow("overflow by K")
        << u"9007199254740992K"_s << true << u"--capacity: '9007199254740992K' is too large"_s;
    QTest::newRow("second item") << u"10%,big"_s << false
                                 << u"--capacity: 'big' is not a number (use an integer, a K/M/G "
                                    "size or a percentage like 1%)"_s;
    QTest::newRow("fraction") << u"1.5"_s << false << u"--capacity: '1.5' is not a number"_s;
    QTest::newRow("empty item") << u"10,,20"_s << false
                                << u"--capacity: '10,,20' has an empty item"_s;
    QTest::newRow("suffix in object mode")
        << u"4K"_s << false
        << u"--capacity: '4K' has a size suffix; suffixes K, M, G need --size-unit bytes"_s;
    QTest::newRow("unknown suffix") << u"4T"_s << true << u"--capacity: '4T' is not a number"_s;
    QTest::newRow("percent 0") << u"0%"_s << false
                               << u"--capacity: '0%' must be a percentage in (0%, 100%]"_s;
    QTest::newRow("percent negative")
        << u"-1%"_s << false << u"--capacity: '-1%' must be a percentage in (0%, 100%]"_s;
    QTest::newRow("percent over 100")
        << u"150%"_s << false << u"--capacity: '150%' must be a percentage in (0%, 100%]"_s;
    QTest::newRow("percent junk") << u"x%"_s << false << u"--capacity: 'x%' is not a percentage"_s;
    QTest::newRow("percent inf") << u"inf%"_s << false
                                 << u"--capacity: 'inf%' is not a percentage"_s;
}

void tst_Capacity::replayListRejects()
{
    QFETCH(QString, text);
    QFETCH(bool, bytes);
    QFETCH(QString, message);
    const auto specs = parseCapacities(text, bytes ? SizeUnit::Bytes : SizeUnit::Objects);
    QVERIFY(!specs);
    QVERIFY2(specs.error().toString().startsWith(message), qPrintable(specs.error().toString()));
    QCOMPARE(specs.error().field, u"--capacity"_s);
}

void tst_Capacity::percentResolvesByFloor()
{
    // lirs_multi1: 2606 unique objects. 1% = 26.06 -> 26, 10% -> 260 (reference.csv's rows),
    // 0.1% -> 2; in byte mode the base is the unique bytes.
    const auto specs = parseCapacities(u"1%,10%,0.1%,100%,77"_s, SizeUnit::Objects);
    QVERIFY(specs);
    const std::vector<qint64> expected { 26, 260, 2, 2606, 77 };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto c = resolveCapacity(specs.value()[i], 2606, 999999, SizeUnit::Objects);
        QVERIFY(c);
        QCOMPARE(c.value(), expected[i]);
    }
    const auto bytes = parseCapacities(u"10%"_s, SizeUnit::Bytes);
    QVERIFY(bytes);
    QCOMPARE(resolveCapacity(bytes->front(), 2606, 63319, SizeUnit::Bytes).value(), 6331);
}

void tst_Capacity::percentOfNothingIsAnError()
{
    const auto specs = parseCapacities(u"0.01%"_s, SizeUnit::Objects);
    QVERIFY(specs);
    const auto c = resolveCapacity(specs->front(), 2606, 2606, SizeUnit::Objects);
    QVERIFY(!c);
    QCOMPARE(c.error().toString(),
        u"--capacity: '0.01%' is 0 objects of a trace with 2606 unique objects; use a larger "
        "percentage or an absolute capacity"_s);
}

void tst_Capacity::liveCacheParses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<bool>("bytes");
    QTest::newRow("entries") << u"10000"_s << qint64(10000) << false;
    QTest::newRow("padded") << u" 12 "_s << qint64(12) << false;
    QTest::newRow("KB") << u"16KB"_s << qint64(16384) << true;
    QTest::newRow("K") << u"16K"_s << qint64(16384) << true;
    QTest::newRow("MB") << u"64MB"_s << qint64(64) * 1024 * 1024 << true;
    QTest::newRow("mib") << u"64mib"_s << qint64(64) * 1024 * 1024 << true;
    QTest::newRow("GB") << u"1GB"_s << (qint64(1) << 30) << true;
    QTest::newRow("largest") << u"9223372036854775807"_s << maxCapacity << false;
}

void tst_Capacity::liveCacheParses()
{
    QFETCH(QString, text);
    QFETCH(qint64, capacity);
    QFETCH(bool, bytes);
    const auto c = parseCacheCapacity(text);
    QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->first, capacity);
    QCOMPARE(c->second, bytes ? SizeUnit::Bytes : SizeUnit::Objects);
}

void tst_Capacity::liveCacheRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("zero") << u"0"_s << u"--capacity: '0' must be greater than 0"_s;
    QTest::newRow("zero MB") << u"0MB"_s << u"--capacity: '0MB' must be greater than 0"_s;
    QTest::newRow("negative") << u"-5"_s << u"--capacity: '-5' must be greater than 0"_s;
    QTest::newRow("too large") << u"99999999999999999999"_s
                               << u"--capacity: '99999999999999999999' is too large"_s;
    // Before the shared grammar, run multiplied without a check: 2^53 K wrapped around.
    QTest::newRow("too large by suffix")
        << u"9007199254740992KB"_s << u"--capacity: '9007199254740992KB' is too large"_s;
    QTest::newRow("junk") << u"big"_s
                          << u"--capacity: 'big' is not a capacity (entries like 10000, or bytes "
                             "like 64MB)"_s;
    QTest::newRow("blank") << u"   "_s << u"--capacity: '   ' is not a capacity"_s;
    QTest::newRow("percentage") << u"10%"_s
                                << u"--capacity: '10%' is not a capacity (entries like 10000, or "
                                   "bytes like 64MB); a percentage needs a trace"_s;
    QTest::newRow("list") << u"10,20"_s << u"--capacity: '10,20' is not a capacity"_s;
}

void tst_Capacity::liveCacheRejects()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    const auto c = parseCacheCapacity(text);
    QVERIFY(!c);
    QVERIFY2(c.error().toString().startsWith(message), qPrintable(c.error().toString()));
}

void tst_Capacity::optionNameIsTheCallers()
{
    const auto list = parseCapacities(u"10%,0"_s, SizeUnit::Objects, u"capacities"_s);
    QVERIFY(!list);
    QCOMPARE(list.error().toString(), u"capacities: '0' must be greater than 0"_s);
    const auto one = parseCacheCapacity(u"lots"_s, u"cache capacity"_s);
    QVERIFY(!one);
    QVERIFY(one.error().toString().startsWith(u"cache capacity: 'lots'"_s));
    const auto specs = parseCapacities(u"0.001%"_s, SizeUnit::Objects, u"capacities"_s);
    QVERIFY(specs);
    const auto c = resolveCapacity(specs->front(), 10, 10, SizeUnit::Objects, u"capacities"_s);
    QVERIFY(!c);
    QVERIFY(c.error().toString().startsWith(u"capacities: '0.001%' is 0 objects"_s));
}

QTEST_GUILESS_MAIN(tst_Capacity)
#include "tst_capacity.moc"
