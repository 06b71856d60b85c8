// QueryLogFeed: a log's statements reach the workers exactly once, each session on one lane in
// the log's order, while the reader waits for room (bounded lanes); stop() ends a feed whose
// workers left; a broken log ends the lanes with the reader's error. Also run under
// ThreadSanitizer (scripts/test).
#include "core/querylog/logfeed.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <mutex>
#include <thread>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_LogFeed : public QObject
{
    Q_OBJECT

private slots:
    void everyStatementOnceInSessionOrder();
    void stopWithFullLanes();
    void brokenLogEndsWithItsError();
    void templatesAreSharedAcrossLanes();

private:
    QString writeLog(const QString &name, int sessions, int perSession);
    QTemporaryDir m_dir;
};

QString tst_LogFeed::writeLog(const QString &name, int sessions, int perSession)
{
    // A stderr log with log_line_prefix '%m|%u|%d|%c|': sessions interleaved, each statement
    // naming its session and sequence number, so the consumer can check the order.
    QByteArray log;
    for (int i = 0; i < perSession; ++i) {
        for (int s = 0; s < sessions; ++s) {
            const int ms = i * sessions + s;
            log += "2026-12-03 10:00:" + QByteArray::number(10 + ms / 1000) + '.'
                + QByteArray::number(ms % 1000).rightJustified(3, '0') + " UTC|app|db|6571a2b3."
                + QByteArray::number(s, 16) + "|LOG:  statement: SELECT " + QByteArray::number(i)
                + " AS seq, " + QByteArray::number(s)
                + " AS session FROM t WHERE id = " + QByteArray::number(i % 7) + '\n';
        }
    }
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(log);
    return path;
}

void tst_LogFeed::everyStatementOnceInSessionOrder()
{
    constexpr int sessions = 9;
    constexpr int perSession = 700; // 6,300 statements: more than the lanes hold (1,024 each)
    QueryLogReplay spec;
    spec.path = writeLog(u"order.log"_s, sessions, perSession);
    constexpr int lanes = 3;
    QueryLogFeed feed(spec, lanes);
    QVERIFY(feed.open());
    std::atomic<int> finished { 0 };
    feed.onFinished = [&finished] { finished.fetch_add(1); };
    feed.start();

    std::mutex mutex;
    std::map<QString, std::vector<int>> seen; // session -> sequence numbers, in arrival order
    std::map<QString, int> laneOf; // session -> the one lane it came on
    bool twoLanes = false;
    std::vector<std::thread> workers;
    for (int lane = 0; lane < lanes; ++lane) {
        workers.emplace_back([&, lane] {
            ReplayStatement s;
            for (;;) {
                const QueryLogFeed::Take took = feed.take(lane, s, 20);
                if (took == QueryLogFeed::Take::End) {
                    feed.laneFinished(lane);
                    return;
                }
                if (took == QueryLogFeed::Take::Timeout)
                    continue;
                // "select 12 as seq, 3 as session from t where id = 5"
                const QStringList words = s.text.split(u' ');
                const int seq = words.value(1).toInt();
                const QString session = words.value(4);
                std::lock_guard lock(mutex);
                seen[session].push_back(seq);
                const auto [it, inserted] = laneOf.emplace(session, lane);
                if (!inserted && it->second != lane)
                    twoLanes = true;
            }
        });
    }
    for (auto &w : workers)
        w.join();
    QCOMPARE(finished.load(), 1); // once, by the last lane
    QVERIFY(!twoLanes);
    QCOMPARE(int(seen.size()), sessions);
    for (const auto &[session, seqs] : seen) {
        QCOMPARE(int(seqs.size()), perSession);
        for (int i = 0; i < perSession; ++i)
            QCOMPARE(seqs[std::size_t(i)], i);
    }
    QCOMPARE(feed.statementsRead(), qint64(sessions) * perSession);
    QVERIFY(!feed.error());
    QVERIFY(feed.readerDone());
    QVERIFY(feed.bytesConsumed() > 0);
}

void tst_LogFeed::stopWithFullLanes()
{
    QueryLogReplay spec;
    spec.path = writeLog(u"stop.log"_s, 4, 2000);
    QueryLogFeed feed(spec, 2);
    QVERIFY(feed.open());
    feed.start();
    // Nobody takes: the reader fills both lanes (sessions alternate between them) and waits for
    // room; stop() must end it.
    QTRY_VERIFY(feed.statementsRead() >= 2048);
    QTest::qWait(50);
    QVERIFY(!feed.readerDone());
    QVERIFY(feed.statementsRead() <= 2049); // it waits: it does not read the whole log
    feed.stop();
    ReplayStatement s;
    int drained = 0;
    while (feed.take(0, s, 0) == QueryLogFeed::Take::Statement)
        ++drained;
    QCOMPARE(feed.take(0, s, 0), QueryLogFeed::Take::End);
    QCOMPARE(drained, 1024);
    feed.stop(); // again: nothing happens
}

void tst_LogFeed::brokenLogEndsWithItsError()
{
    const QString path = m_dir.filePath(u"broken.sql"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("SELECT 1;\nSELECT 'never closed\n");
    f.close();
    QueryLogReplay spec;
    spec.path = path;
    QueryLogFeed feed(spec, 1);
    QVERIFY(feed.open());
    feed.start();
    ReplayStatement s;
    QueryLogFeed::Take took;
    int statements = 0;
    while ((took = feed.take(0, s, 1000)) != QueryLogFeed::Take::End)
        statements += took == QueryLogFeed::Take::Statement;
    QCOMPARE(statements, 1);
    const std::optional<Error> error = feed.error();
    QVERIFY(error);
    QVERIFY2(error->toString().contains(u"broken.sql"_s), qPrintable(error->toString()));
}

void tst_LogFeed::templatesAreSharedAcrossLanes()
{
    QueryLogReplay spec;
    spec.path = writeLog(u"templates.log"_s, 5, 40);
    QueryLogFeed feed(spec, 5);
    QVERIFY(feed.open());
    feed.start();
    std::vector<TemplateCounters *> counters(5, nullptr);
    std::vector<std::thread> workers;
    for (int lane = 0; lane < 5; ++lane) {
        workers.emplace_back([&, lane] {
            ReplayStatement s;
            for (;;) {
                const QueryLogFeed::Take took = feed.take(lane, s, 20);
                if (took == QueryLogFeed::Take::End)
                    return;
                if (took == QueryLogFeed::Take::Statement) {
                    counters[std::size_t(lane)] = s.counters;
                    TemplateStatsTable::recordHit(*s.counters); // as the workers do
                }
            }
        });
    }
    for (auto &w : workers)
        w.join();
    // One template ("select $1 as seq, $2 as session from t where id = $3") for all sessions.
    QCOMPARE(feed.templates().size(), 1);
    for (TemplateCounters *c : counters) // five sessions, five lanes: one each
        QCOMPARE(c, counters[0]);
    QVERIFY(counters[0]);
    const std::vector<TemplateRow> rows = feed.templates().rows(1.0);
    QCOMPARE(rows[0].hits, 200u);
    QCOMPARE(rows[0].distinctParameters, 200u); // seq and session differ in every statement
    QCOMPARE(rows[0].tables, QStringList { u"t"_s });
}

QTEST_GUILESS_MAIN(tst_LogFeed)
#include "tst_logfeed.moc"
