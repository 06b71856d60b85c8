// --expect: the threshold list a CI pipeline gives (parsing with the column of each error, the
// fields checked against the summary's shape before a run, evaluation against a summary).
#include "core/report/expectations.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_Expectations : public QObject
{
    Q_OBJECT

private slots:
    void parsesTheList()
    {
        const auto list
            = parseExpectations(u" hit_ratio>=0.8, latency_us.hit.p99 <= 5 ,errors==0,x!=-1e3,"
                                "y<80%,z>2"_s);
        QVERIFY2(list, qPrintable(list ? QString() : list.error().toString()));
        QCOMPARE(list->size(), 6);
        QCOMPARE(list->at(0).path, QStringList { u"hit_ratio"_s });
        QCOMPARE(list->at(0).op, Expectation::Op::GreaterEqual);
        QCOMPARE(list->at(0).value, 0.8);
        QCOMPARE(list->at(0).column, 2);
        QCOMPARE(list->at(1).path, (QStringList { u"latency_us"_s, u"hit"_s, u"p99"_s }));
        QCOMPARE(list->at(1).op, Expectation::Op::LessEqual);
        QCOMPARE(list->at(1).text, u"latency_us.hit.p99 <= 5"_s);
        QCOMPARE(list->at(2).op, Expectation::Op::Equal);
        QCOMPARE(list->at(3).op, Expectation::Op::NotEqual);
        QCOMPARE(list->at(3).value, -1000.0);
        QCOMPARE(list->at(4).op, Expectation::Op::Less);
        QCOMPARE(list->at(4).value, 0.8); // 80% is a ratio
        QCOMPARE(list->at(5).op, Expectation::Op::Greater);
        QCOMPARE(list->at(1).describe(), u"latency_us.hit.p99 <= 5"_s);
    }

    void errorsNameTheColumn_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << u""_s
                               << u"column 1: expected a field of the summary (e.g. hit_ratio), "
                                  "found the end"_s;
        QTest::newRow("reversed operator")
            << u"hit_ratio=>0.8"_s
            << u"column 10: expected a comparison (>=, <=, ==, !=, >, <) after 'hit_ratio', "
               "found '=>0.8'"_s;
        QTest::newRow("single =") << u"errors=0"_s
                                  << u"column 7: expected a comparison (>=, <=, ==, !=, >, <) "
                                     "after 'errors', found '=0'"_s;
        QTest::newRow("no number")
            << u"hit_ratio>=high"_s
            << u"column 12: expected a number after 'hit_ratio >=', found 'high'"_s;
        QTest::newRow("three-character operator")
            << u"a>=>1"_s << u"column 4: expected a number after 'a >=', found '>1'"_s;
        QTest::newRow("trailing comma")
            << u"errors==0,"_s
            << u"column 11: expected a field of the summary (e.g. hit_ratio), found the end"_s;
        QTest::newRow("missing comma")
            << u"errors==0 hits>1"_s
            << u"column 11: expected ',' or the end after 'errors==0', found 'hits>1'"_s;
        QTest::newRow("empty part")
            << u"latency_us..p99<1"_s
            << u"column 12: expected a field name after '.', found '.p99<1'"_s;
        QTest::newRow("not finite")
            << u"a<1e999"_s << u"column 3: expected a number after 'a <', found '1e999'"_s;
    }
    void errorsNameTheColumn()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const auto list = parseExpectations(text);
        QVERIFY(!list);
        QCOMPARE(list.error().message, message);
        QCOMPARE(list.error().field, u"--expect"_s);
        QCOMPARE(list.error().value, text);
    }

    void fieldsAreCheckedAgainstTheSummary()
    {
        const QJsonObject shape { { u"hit_ratio"_s, QJsonValue() }, { u"errors"_s, 0 },
            { u"latency_us"_s, QJsonObject { { u"hit"_s, QJsonObject { { u"p99"_s, 0.0 } } } } },
            { u"policy"_s, u"lru"_s } };
        QVERIFY(checkExpectationFields(
            parseExpectations(u"hit_ratio>=0.5,latency_us.hit.p99<5,errors==0"_s).value(), shape));
        const auto misspelt
            = checkExpectationFields(parseExpectations(u"hit_ration>=0.5"_s).value(), shape);
        QVERIFY(!misspelt);
        QCOMPARE(misspelt.error().value, u"hit_ration"_s);
        QVERIFY2(misspelt.error().message.startsWith(u"is not a field of the summary (fields: "_s),
            qPrintable(misspelt.error().message));
        QVERIFY(misspelt.error().message.contains(u"latency_us.hit.p99"_s));
        const auto text = checkExpectationFields(parseExpectations(u"policy>1"_s).value(), shape);
        QVERIFY(!text);
        QVERIFY(text.error().message.startsWith(u"is not a number"_s));
        const auto object
            = checkExpectationFields(parseExpectations(u"latency_us.hit<1"_s).value(), shape);
        QVERIFY(!object);
    }

    void evaluation()
    {
        const QJsonObject summary { { u"hit_ratio"_s, 0.274 }, { u"errors"_s, 0 },
            { u"misses"_s, QJsonValue() },
            { u"latency_us"_s, QJsonObject { { u"hit"_s, QJsonObject { { u"p99"_s, 3.2 } } } } } };
        const auto results = evaluateExpectations(
            parseExpectations(u"hit_ratio>=80%,errors==0,latency_us.hit.p99<=5,misses<1,"
                              "hit_ratio>0.274,hit_ratio>=0.274"_s)
                .value(),
            summary);
        QCOMPARE(results.size(), 6);
        QVERIFY(!results[0].met);
        QCOMPARE(*results[0].measured, 0.274);
        QCOMPARE(
            describeResult(results[0]), u"expectation failed: hit_ratio >= 0.8: measured 0.274"_s);
        QVERIFY(results[1].met);
        QVERIFY(results[2].met);
        QVERIFY(!results[3].met); // null: no value is never a pass
        QVERIFY(!results[3].measured);
        QCOMPARE(describeResult(results[3]),
            u"expectation failed: misses < 1: measured nothing (no value)"_s);
        QVERIFY(!results[4].met); // strict
        QVERIFY(results[5].met);
        const QJsonArray json = expectationResultsJson(results);
        QCOMPARE(json.size(), 6);
        QCOMPARE(json[0].toObject()[u"expect"_s].toString(), u"hit_ratio >= 0.8"_s);
        QCOMPARE(json[0].toObject()[u"met"_s].toBool(), false);
        QVERIFY(json[3].toObject()[u"measured"_s].isNull());
    }
};

QTEST_GUILESS_MAIN(tst_Expectations)
#include "tst_expectations.moc"
