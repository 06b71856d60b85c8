// The per-template figures of a log replay: the compact histogram's percentiles, table
// generations as invalidation, invalidations and fill-to-invalidation ages counted per result,
// and the "cache these" ranking by database time saved per megabyte.
#include "core/querylog/templatestats.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <thread>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_TemplateStats : public QObject
{
    Q_OBJECT

private slots:
    void compactHistogramPercentiles();
    void compactHistogramIsThreadSafe();
    void generationsChangeOnlyTheirTables();
    void invalidationsCountEachCachedResult();
    void recommendationRanksBySavingPerMegabyte();
    void csvQuotesAndJsonFields();
};

namespace {

NormalizedStatement statement(
    quint64 id, StatementKind kind, QStringList tables, const QString &text = {})
{
    NormalizedStatement n;
    n.templateId = id;
    n.kind = kind;
    n.tables = std::move(tables);
    n.templateText = text.isEmpty() ? u"select * from t where id = $1"_s : text;
    return n;
}

} // namespace

void tst_TemplateStats::compactHistogramPercentiles()
{
    CompactHistogram h;
    QCOMPARE(h.count(), 0u);
    QCOMPARE(h.percentile(50), 0u);
    for (quint64 v = 1; v <= 1000; ++v)
        h.record(v);
    QCOMPARE(h.count(), 1000u);
    QCOMPARE(h.mean(), 500.5);
    // Within the bucket width (25%) of the exact ranks.
    const auto near = [](quint64 got, double want) {
        return double(got) >= want * 0.8 && double(got) <= want * 1.25;
    };
    QVERIFY2(near(h.percentile(50), 500), qPrintable(QString::number(h.percentile(50))));
    QVERIFY2(near(h.percentile(99), 990), qPrintable(QString::number(h.percentile(99))));
    QVERIFY(h.percentile(100) >= h.percentile(99));
    QCOMPARE(h.percentile(0), 1u); // the smallest value's bucket is exact below 4
    CompactHistogram big;
    big.record(std::numeric_limits<quint64>::max()); // clamped into the last bucket, no crash
    QVERIFY(big.percentile(50) > 0);
}

void tst_TemplateStats::compactHistogramIsThreadSafe()
{
    CompactHistogram h;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&h] {
            for (int i = 0; i < 10000; ++i)
                h.record(quint64(i % 100));
        });
    for (auto &t : threads)
        t.join();
    QCOMPARE(h.count(), 40000u);
}

void tst_TemplateStats::generationsChangeOnlyTheirTables()
{
    TableGenerations g;
    const int orders = TableGenerations::slotOf(u"orders"_s);
    const int users = TableGenerations::slotOf(u"users"_s);
    QVERIFY(orders != users); // these two do not collide (4096 slots)
    const quint64 both = g.signature({ orders, users });
    const quint64 justUsers = g.signature({ users });
    QVERIFY(both != 0);
    g.bump(orders, 1000);
    QVERIFY(g.signature({ orders, users }) != both);
    QCOMPARE(g.signature({ users }), justUsers);
    QCOMPARE(g.lastWriteNs(orders), 1000);
    QCOMPARE(g.generation(orders), 1u);
    QCOMPARE(g.signature({}), g.signature({})); // a table-less read is never invalidated
}

void tst_TemplateStats::invalidationsCountEachCachedResult()
{
    TemplateStatsTable table;
    TemplateCounters *t = table.counters(statement(7, StatementKind::Read, { u"orders"_s }));
    QCOMPARE(table.counters(statement(7, StatementKind::Read, { u"orders"_s })), t);
    QCOMPARE(table.size(), 1);
    const int slot = t->tableSlots.at(0);
    constexpr qint64 ms = 1'000'000;

    quint64 sig = table.generations().signature(t->tableSlots);
    table.noteSignature(*t, sig, 0);
    TemplateStatsTable::recordFill(*t, 2 * ms, 100, 10 * ms); // two results filled ...
    TemplateStatsTable::recordFill(*t, 4 * ms, 300, 30 * ms);
    table.noteSignature(*t, sig, 40 * ms); // ... read again, nothing changed
    QCOMPARE(t->invalidations.load(), 0u);

    table.generations().bump(slot, 110 * ms); // a write at 110 ms
    sig = table.generations().signature(t->tableSlots);
    table.noteSignature(*t, sig, 200 * ms);
    QCOMPARE(t->invalidations.load(), 2u); // both cached results went
    // Their ages at the write: 100 ms and 80 ms.
    QCOMPARE(t->fillToInvalidationMs.count(), 2u);
    const quint64 median = t->fillToInvalidationMs.percentile(50);
    QVERIFY2(median >= 64 && median <= 100, qPrintable(QString::number(median)));

    // A write with nothing cached since the last one is not an invalidation.
    table.generations().bump(slot, 300 * ms);
    table.noteSignature(*t, table.generations().signature(t->tableSlots), 310 * ms);
    QCOMPARE(t->invalidations.load(), 2u);

    const std::vector<TemplateRow> rows = table.rows(1.0);
    QCOMPARE(rows.size(), std::size_t(1));
    QCOMPARE(rows[0].misses, 2u);
    QCOMPARE(rows[0].invalidations, 2u);
    QVERIFY(rows[0].fillToInvalidationMedianMs.has_value());
    QCOMPARE(rows[0].resultBytesMean, 200.0);
    QVERIFY(!rows[0].hitRatio || *rows[0].hitRatio == 0.0);
}

void tst_TemplateStats::recommendationRanksBySavingPerMegabyte()
{
    TemplateStatsTable table;
    constexpr qint64 ms = 1'000'000;
    // a: saves a lot but its results are huge; b: saves less with tiny results; c: never hit;
    // w: a write; u: uncacheable.
    TemplateCounters *a = table.counters(statement(1, StatementKind::Read, { u"a"_s }, u"a"_s));
    TemplateCounters *b = table.counters(statement(2, StatementKind::Read, { u"b"_s }, u"b"_s));
    TemplateCounters *c = table.counters(statement(3, StatementKind::Read, { u"c"_s }, u"c"_s));
    TemplateCounters *w = table.counters(statement(4, StatementKind::Write, { u"a"_s }, u"w"_s));
    NormalizedStatement un = statement(5, StatementKind::Uncacheable, {}, u"u"_s);
    un.reason = u"calls now()"_s;
    TemplateCounters *u = table.counters(un);
    for (TemplateCounters *t : { a, b, c, w, u })
        t->calls.store(10);
    table.sawParameters(a, 1);
    table.sawParameters(a, 1); // the same parameter set twice counts once
    table.sawParameters(a, 2);
    table.sawParameters(b, 1);
    QCOMPARE(a->distinctParameters.load(), 2u);
    TemplateStatsTable::recordFill(*a, 10 * ms, 5'000'000, 0); // 10 ms, 5 MB results
    TemplateStatsTable::recordFill(*b, 2 * ms, 100, 0); // 2 ms, 100 bytes
    TemplateStatsTable::recordFill(*c, 2 * ms, 100, 0);
    for (int i = 0; i < 9; ++i) {
        TemplateStatsTable::recordHit(*a);
        TemplateStatsTable::recordHit(*b);
    }
    TemplateStatsTable::recordError(*u, u"first"_s);
    TemplateStatsTable::recordError(*u, u"second"_s);

    const std::vector<TemplateRow> rows = table.rows(10.0);
    QCOMPARE(rows.size(), std::size_t(5));
    // Order of first appearance.
    QCOMPARE(rows[0].id, 1u);
    QCOMPARE(rows[4].id, 5u);
    // a saved 9 hits × 10 ms over 10 s = 9 ms/s; b 9 × 2 ms / 10 s = 1.8 ms/s.
    QVERIFY(qAbs(rows[0].dbTimeSavedMsPerS - 9.0) < 2.5); // the histogram's mean is exact
    QVERIFY(qAbs(rows[1].dbTimeSavedMsPerS - 1.8) < 0.5);
    // Per megabyte b wins by far: it is first, a second; c, the write and u are not ranked.
    QCOMPARE(rows[1].recommendationRank, 1);
    QCOMPARE(rows[0].recommendationRank, 2);
    QCOMPARE(rows[2].recommendationRank, 0);
    QCOMPARE(rows[3].recommendationRank, 0);
    QCOMPARE(rows[4].recommendationRank, 0);
    QCOMPARE(*rows[0].hitRatio, 0.9);
    QVERIFY(!rows[3].hitRatio); // a write has no hit ratio
    // Read share: reads (cacheable or not) only, 4 of them with 10 calls each.
    QCOMPARE(rows[0].readShare, 0.25);
    QCOMPARE(rows[3].readShare, 0.0);
    QCOMPARE(rows[4].errors, 2u);
    QCOMPARE(rows[4].firstError, u"first"_s);
    QCOMPARE(rows[4].reason, u"calls now()"_s);
}

void tst_TemplateStats::csvQuotesAndJsonFields()
{
    TemplateStatsTable table;
    table.counters(statement(
        0xabc, StatementKind::Read, { u"t"_s }, u"select a, \"B\" from t where x = $1"_s));
    const std::vector<TemplateRow> rows = table.rows(1.0);
    const QString csv = templateRowsCsv(rows);
    const QStringList lines = csv.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].startsWith(u"template_id,kind,calls,"_s));
    QVERIFY2(
        lines[1].endsWith(u"\"select a, \"\"B\"\" from t where x = $1\""_s), qPrintable(lines[1]));
    QVERIFY(lines[1].startsWith(u"0000000000000abc,read,0,"_s));
    const QJsonArray json = templateRowsJson(rows);
    QCOMPARE(json.size(), 1);
    const QJsonObject o = json[0].toObject();
    QCOMPARE(o[u"template_id"_s].toString(), u"0000000000000abc"_s);
    QCOMPARE(o[u"kind"_s].toString(), u"read"_s);
    QVERIFY(o[u"hit_ratio"_s].isNull()); // no reads yet: no made-up ratio
    QCOMPARE(o[u"tables"_s].toArray().size(), 1);
    QVERIFY(!o.contains(u"uncacheable_reason"_s));
}

QTEST_GUILESS_MAIN(tst_TemplateStats)
#include "tst_templatestats.moc"
