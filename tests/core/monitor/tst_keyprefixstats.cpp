// KeyPrefixStats and its bounded parts: prefixes by depth, shares, exact then HyperLogLog
// distinct keys, space-saving top keys, the prefix cap.
#include "core/monitor/keyprefixstats.h"

#include <QTest>

#include <string>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_KeyPrefixStats : public QObject
{
    Q_OBJECT

private slots:
    void prefixOf()
    {
        QCOMPARE(KeyPrefixStats::prefixOf("user:42", 1), u"user:*"_s);
        QCOMPARE(KeyPrefixStats::prefixOf("user:42", 2), u"user:*"_s);
        QCOMPARE(KeyPrefixStats::prefixOf("a:b:c", 2), u"a:b:*"_s);
        QCOMPARE(KeyPrefixStats::prefixOf("a:b:c", 1), u"a:*"_s);
        QCOMPARE(KeyPrefixStats::prefixOf("plain", 1), u"(no prefix)"_s);
        QCOMPARE(KeyPrefixStats::prefixOf(":x", 1), u":*"_s);
        QCOMPARE(KeyPrefixStats::prefixOf("a/b", 1, '/'), u"a/*"_s);
    }

    void sharesAndShadowHits()
    {
        KeyPrefixStats stats;
        for (int i = 0; i < 300; ++i) {
            const std::string key = "user:" + std::to_string(i % 30);
            stats.addRead(key, Key(i % 30), i % 3 != 0);
        }
        for (int i = 0; i < 100; ++i)
            stats.addRead("item:" + std::to_string(i % 5), Key(1000 + i % 5), std::nullopt);
        stats.addWrite("item:9", 1009);
        const auto rows = stats.rows();
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].prefix, u"user:*"_s);
        QCOMPARE(rows[0].share, 0.75);
        QCOMPARE(rows[0].keys, 30);
        QCOMPARE(*rows[0].hitRatio(), 200.0 / 300.0);
        QCOMPARE(rows[1].share, 0.25);
        QCOMPARE(rows[1].keys, 6); // 5 read, 1 written
        QCOMPARE(rows[1].writes, 1u);
        QVERIFY(!rows[1].hitRatio());
        QCOMPARE(stats.reads(), 400u);
        QCOMPARE(stats.writes(), 1u);
    }

    void distinctKeysStayBounded()
    {
        DistinctKeyCounter exact(1000);
        for (Key k = 0; k < 1000; ++k)
            exact.add(k);
        QCOMPARE(exact.estimate(), 1000);
        QVERIFY(!exact.estimated());

        DistinctKeyCounter sketch(1000);
        for (int round = 0; round < 2; ++round) // repeats do not count
            for (Key k = 0; k < 100000; ++k)
                sketch.add(k * 7919);
        QVERIFY(sketch.estimated());
        // 1024 registers: a standard error of about 3%; 10% is over three of them.
        QVERIFY2(std::abs(double(sketch.estimate()) - 100000.0) < 10000.0,
            qPrintable(QString::number(sketch.estimate())));
    }

    void topKeysFindTheHeavyHitters()
    {
        TopKeys top(16); // every key read more than 13500 / 16 = 844 times is held
        for (int i = 0; i < 10000; ++i) {
            top.add("noise:" + std::to_string(i)); // each once
            if (i % 4 == 0)
                top.add("hot"); // 2500 times
            if (i % 10 == 0)
                top.add("warm"); // 1000 times
        }
        const auto best = top.top(2);
        QCOMPARE(best.size(), std::size_t(2));
        QCOMPARE(QByteArray::fromStdString(best[0].key), "hot");
        QVERIFY(best[0].count >= 2500 && best[0].count - best[0].error <= 2500);
        QCOMPARE(QByteArray::fromStdString(best[1].key), "warm");
        QVERIFY(best[1].count >= 1000 && best[1].count - best[1].error <= 1000);
    }

    void prefixesAreCapped()
    {
        KeyPrefixStats::Options o;
        o.maxPrefixes = 4;
        KeyPrefixStats stats(o);
        for (int i = 0; i < 10; ++i)
            stats.addRead("p" + std::to_string(i) + ":k", Key(i), std::nullopt);
        const auto rows = stats.rows();
        QCOMPARE(rows.size(), std::size_t(5)); // four prefixes and "(other)"
        QCOMPARE(rows[0].prefix, u"(other)"_s);
        QCOMPARE(rows[0].reads, 6u);
    }
};

QTEST_GUILESS_MAIN(tst_KeyPrefixStats)
#include "tst_keyprefixstats.moc"
