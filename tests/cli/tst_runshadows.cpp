// cachescope-cli run --shadows through QProcess against a real SQLite demo file: the JSON
// "shadows" object with counts checked against the run's own, and the table's ranking and
// "at 2× capacity" line.
#include "clirun.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

using TestSupport::CliRun;
using TestSupport::runCli;

/// Every registry policy but opt.
const QStringList shadowIds = { u"arc"_s, u"clock"_s, u"fifo"_s, u"lfu"_s, u"lirs"_s, u"lru"_s,
    u"qcache"_s, u"random"_s, u"redis-lfu"_s, u"redis-lru"_s, u"redis-random"_s, u"s3fifo"_s,
    u"sieve"_s, u"twoq"_s, u"wtinylfu"_s };

} // namespace

class tst_RunShadows : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;

    /// 50 keys, capacity 1000, one worker at 2000 requests/s: the consumer needs a few percent
    /// of a core, so the rate stays 1 and every shadow sees every read. Each key misses once.
    QStringList smallRun() const
    {
        return { u"run"_s, u"--database"_s, m_db, u"--keys"_s, u"50"_s, u"--capacity"_s, u"1000"_s,
            u"--threads"_s, u"1"_s, u"--rate"_s, u"2000"_s, u"--duration"_s, u"1500ms"_s,
            u"--interval-ms"_s, u"500"_s, u"--shadows"_s };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(u"demo.sqlite"_s);
        const CliRun r = runCli(
            { u"demo-db"_s, u"--database"_s, m_db, u"--rows-scale"_s, u"0.01"_s, u"--quiet"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void jsonFinalLineHasShadows()
    {
        const CliRun r = runCli(smallRun() << u"--output"_s << u"json"_s);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 2);
        for (int i = 0; i + 1 < lines.size(); ++i) // interval lines carry no shadows
            QVERIFY(!QJsonDocument::fromJson(lines[i].toUtf8()).object().contains(u"shadows"_s));
        const QJsonObject final = QJsonDocument::fromJson(lines.last().toUtf8()).object();
        QVERIFY(final[u"final"_s].toBool());
        const qint64 requests = final[u"requests"_s].toInteger();
        QVERIFY(requests > 500);
        QCOMPARE(final[u"misses"_s].toInteger(), 50);

        const QJsonObject shadows = final[u"shadows"_s].toObject();
        QVERIFY2(!shadows.isEmpty(), qPrintable(lines.last()));
        QCOMPARE(shadows[u"sampling_rate"_s].toDouble(), 1.0);
        QCOMPARE(shadows[u"rate_changes"_s].toInteger(), 0);
        QCOMPARE(shadows[u"offered"_s].toInteger(), requests);
        QCOMPARE(shadows[u"sampled"_s].toInteger(), requests);
        QCOMPARE(shadows[u"dropped"_s].toInteger(), 0);
        QCOMPARE(shadows[u"effective_rate"_s].toDouble(), 1.0);
        QCOMPARE(shadows[u"capacity"_s].toInteger(), 1000);
        QCOMPARE(shadows[u"unit"_s].toString(), u"objects"_s);

        const QJsonArray policies = shadows[u"policies"_s].toArray();
        QStringList ids;
        double previous = 2;
        QString previousId;
        for (const QJsonValue &v : policies) {
            const QJsonObject p = v.toObject();
            ids << p[u"policy"_s].toString();
            // Every key misses once and stays: hits = requests - 50 for every policy.
            QCOMPARE(p[u"requests"_s].toInteger(), requests);
            QCOMPARE(p[u"hits"_s].toInteger(), requests - 50);
            QCOMPARE(p[u"capacity"_s].toInteger(), 1000);
            const double ratio = p[u"hit_ratio"_s].toDouble();
            QCOMPARE(ratio, double(requests - 50) / double(requests));
            // Ranked by hit ratio, ties by id.
            QVERIFY(
                ratio < previous || (ratio == previous && p[u"policy"_s].toString() > previousId));
            previous = ratio;
            previousId = p[u"policy"_s].toString();
        }
        ids.sort();
        QCOMPARE(ids, shadowIds);

        // LRU curve: 1 to 4x the capacity; all 50 keys fit long before 1000.
        const QJsonArray curve = shadows[u"lru_curve"_s].toArray();
        QVERIFY(curve.size() > 10);
        QCOMPARE(curve.first()[u"capacity"_s].toInteger(), 1);
        QCOMPARE(curve.last()[u"capacity"_s].toInteger(), 4000);
        const double coldOnly = double(requests - 50) / double(requests);
        QVERIFY(std::abs(shadows[u"hit_ratio_now"_s].toDouble() - coldOnly) < 1e-9);
        QVERIFY(std::abs(shadows[u"hit_ratio_at_2x"_s].toDouble() - coldOnly) < 1e-9);
        QVERIFY(
            std::abs(curve.last()[u"miss_ratio"_s].toDouble() - 50.0 / double(requests)) < 1e-9);
    }

    void tableShowsRankingAndDoubleCapacity()
    {
        const CliRun r = runCli(smallRun());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const qsizetype at
            = r.out.indexOf(u"shadow policies at capacity 1000 (objects): sampling rate 1,"_s);
        QVERIFY2(at > 0, qPrintable(r.out));
        QVERIFY(r.out.indexOf(u"total"_s) < at); // after the final summary
        const QString table = r.out.mid(at);
        QVERIFY(table.contains(u"policy"_s) && table.contains(u"interval_hit%"_s));
        for (const QString &id : shadowIds)
            QVERIFY2(table.contains(u"  "_s + id + u" "_s), qPrintable(id));
        QVERIFY(!table.contains(u" opt "_s));
        QVERIFY2(table.contains(u"at 2× capacity: hit ratio "_s), qPrintable(table));
    }

    void withoutShadowsNoShadowOutput()
    {
        QStringList args = smallRun();
        args.removeAll(u"--shadows"_s);
        const CliRun r = runCli(args << u"--output"_s << u"json"_s);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.contains(u"shadows"_s));
        const CliRun help = runCli({ u"run"_s, u"--help"_s });
        QVERIFY(help.out.contains(u"--shadows"_s));
    }
};

QTEST_GUILESS_MAIN(tst_RunShadows)
#include "tst_runshadows.moc"
