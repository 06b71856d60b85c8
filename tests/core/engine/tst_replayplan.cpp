// ReplayPlan, the trace-replay planning that `simulate`, `mrc` and the Trace replay tab share:
// the trace read once, policies and capacities checked before it is read, percentages resolved
// against its unique objects or bytes, duplicates dropped, the (policy, capacity) jobs in the
// order each front end prints them, and the run's miss counts against reference.csv.
#include "core/engine/replayplan.h"
#include "core/policy/policyregistry.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_ReplayPlan : public QObject
{
    Q_OBJECT

private slots:
    void readsTheTraceOnce();
    void emptyOrMissingTraceIsAnError();
    void annotatesOnce();
    void rejectsBeforeReading_data();
    void rejectsBeforeReading();
    void allPolicies();
    void policiesDeduplicated();
    void resolvesPercentagesAndDropsDuplicates();
    void ascendingForTheChart();
    void byteModeResolvesAgainstUniqueBytes();
    void zeroPercentageNamesTheOption();
    void jobOrders();
    void needsFuture();
    void runMatchesReference();
    void optNeedsAnnotation();
};

namespace {
ReplaySpec spec(const QStringList &policies, const QString &capacities)
{
    ReplaySpec s;
    s.policies = policies;
    s.capacities = capacities;
    return s;
}

QString lirs() { return TestSupport::dataPath(u"lirs_multi1.trace"_s); }
} // namespace

void tst_ReplayPlan::readsTheTraceOnce()
{
    const Result<ReplayStream> s = readReplayTrace(lirs());
    QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
    QCOMPARE(s->name, lirs());
    QCOMPARE(s->format, u"txt"_s);
    QCOMPARE(qint64(s->requests.size()), 15858); // tests/data/README.md
    QCOMPARE(s->uniqueObjects, quint64(2606));
    QCOMPARE(s->uniqueBytes, quint64(2606)); // no sizes: every object is 1
    QVERIFY(!s->nextAccessAnnotated);
    const std::vector<Key> keys = TestSupport::loadSharedTraceKeys(u"lirs_multi1.trace"_s);
    QCOMPARE(s->requests.size(), keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        QCOMPARE(s->requests[i].key, keys[i]);
}

void tst_ReplayPlan::emptyOrMissingTraceIsAnError()
{
    QTemporaryDir dir;
    const QString empty = dir.filePath(u"empty.txt"_s);
    QFile f(empty);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("*\n\n"); // a LIRS checkpoint and a blank line: no request
    f.close();
    const Result<ReplayStream> s = readReplayTrace(empty);
    QVERIFY(!s);
    QCOMPARE(s.error().toString(), empty + u": contains no requests"_s);
    const Result<ReplayStream> missing = readReplayTrace(dir.filePath(u"absent.txt"_s));
    QVERIFY(!missing);
    QVERIFY2(missing.error().toString().contains(u"absent.txt"_s),
        qPrintable(missing.error().toString()));
}

void tst_ReplayPlan::annotatesOnce()
{
    ReplayStream s;
    s.requests = TestSupport::requestsFromKeys({ 1, 2, 1, 3, 2 });
    s.annotateNextAccess();
    QVERIFY(s.nextAccessAnnotated);
    const std::vector<qint64> next { 2, 4, -1, -1, -1 };
    for (std::size_t i = 0; i < next.size(); ++i)
        QCOMPARE(s.requests[i].nextAccess, next[i]);
    s.requests[0].nextAccess = 99;
    s.annotateNextAccess(); // already done: no second pass
    QCOMPARE(s.requests[0].nextAccess, 99);
}

void tst_ReplayPlan::rejectsBeforeReading_data()
{
    QTest::addColumn<QStringList>("policies");
    QTest::addColumn<QString>("capacities");
    QTest::addColumn<bool>("allowAll");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown policy") << QStringList { u"lru"_s, u"mru"_s } << u"10%"_s << true
                                    << u"--policy: 'mru' is not a policy; valid ids: lru, fifo"_s;
    QTest::newRow("all not allowed")
        << QStringList { u"all"_s } << u"10%"_s << false << u"--policy: 'all' is not a policy"_s;
    QTest::newRow("all among others") << QStringList { u"lru"_s, u"all"_s } << u"10%"_s << true
                                      << u"--policy: 'all' is not a policy"_s;
    QTest::newRow("no policy") << QStringList {} << u"10%"_s << true
                               << u"--policy: choose at least one policy"_s;
    QTest::newRow("capacity 0") << QStringList { u"lru"_s } << u"10%,0"_s << true
                                << u"--capacity: '0' must be greater than 0"_s;
    QTest::newRow("capacity too large")
        << QStringList { u"lru"_s } << u"99999999999999999999"_s << true
        << u"--capacity: '99999999999999999999' is too large"_s;
    QTest::newRow("suffix in object mode")
        << QStringList { u"lru"_s } << u"4K"_s << true << u"--capacity: '4K' has a size suffix"_s;
}

void tst_ReplayPlan::rejectsBeforeReading()
{
    QFETCH(QStringList, policies);
    QFETCH(QString, capacities);
    QFETCH(bool, allowAll);
    QFETCH(QString, message);
    ReplaySpec s = spec(policies, capacities);
    s.allowAllPolicies = allowAll;
    const Result<ReplayPlan> plan = ReplayPlan::create(s);
    QVERIFY(!plan);
    QVERIFY2(plan.error().toString().startsWith(message), qPrintable(plan.error().toString()));
}

void tst_ReplayPlan::allPolicies()
{
    ReplaySpec s = spec({ u" all "_s }, u"10"_s);
    s.allowAllPolicies = true;
    const Result<ReplayPlan> plan = ReplayPlan::create(s);
    QVERIFY(plan);
    QCOMPARE(plan->policies().size(), qsizetype(policyRegistry().size()));
    for (std::size_t i = 0; i < policyRegistry().size(); ++i)
        QCOMPARE(plan->policies()[qsizetype(i)], policyRegistry()[i].id);
}

void tst_ReplayPlan::policiesDeduplicated()
{
    const Result<ReplayPlan> plan
        = ReplayPlan::create(spec({ u"arc"_s, u" lru"_s, u"arc"_s, u"opt"_s }, u"10"_s));
    QVERIFY(plan);
    QCOMPARE(plan->policies(), (QStringList { u"arc"_s, u"lru"_s, u"opt"_s }));
}

void tst_ReplayPlan::resolvesPercentagesAndDropsDuplicates()
{
    // 2606 unique objects: 10% = 260, 1% = 26 (floor), "26" is 1% again and runs once.
    Result<ReplayPlan> plan = ReplayPlan::create(spec({ u"lru"_s }, u"10%,1%,26,260,5"_s));
    QVERIFY(plan);
    QVERIFY(plan->capacities().empty()); // nothing resolved before the trace is known
    QCOMPARE(plan->capacitySpecs().size(), std::size_t(5));
    QVERIFY(plan->resolve(2606, 2606));
    QCOMPARE(plan->capacities(), (std::vector<qint64> { 260, 26, 5 })); // as given
    // Resolving again (another trace) starts over.
    QVERIFY(plan->resolve(100, 100));
    QCOMPARE(plan->capacities(), (std::vector<qint64> { 10, 1, 26, 260, 5 }));
}

void tst_ReplayPlan::ascendingForTheChart()
{
    ReplaySpec s = spec({ u"lru"_s }, u"10%,1%,26,5"_s);
    s.capacityOrder = CapacityOrder::Ascending;
    Result<ReplayPlan> plan = ReplayPlan::create(s);
    QVERIFY(plan);
    QVERIFY(plan->resolve(2606, 2606));
    QCOMPARE(plan->capacities(), (std::vector<qint64> { 5, 26, 260 }));
    plan->setCapacities({ 40, 10, 40, 20 }); // mrc --points
    QCOMPARE(plan->capacities(), (std::vector<qint64> { 10, 20, 40 }));
}

void tst_ReplayPlan::byteModeResolvesAgainstUniqueBytes()
{
    ReplaySpec s = spec({ u"lru"_s }, u"10%,4K"_s);
    s.sizeUnit = SizeUnit::Bytes;
    Result<ReplayPlan> plan = ReplayPlan::create(s);
    QVERIFY(plan);
    QCOMPARE(plan->sizeUnit(), SizeUnit::Bytes);
    QVERIFY(plan->resolve(2606, 1000000));
    QCOMPARE(plan->capacities(), (std::vector<qint64> { 100000, 4096 }));
}

void tst_ReplayPlan::zeroPercentageNamesTheOption()
{
    ReplaySpec s = spec({ u"lru"_s }, u"1%,0.01%"_s);
    s.capacityOption = u"capacities"_s;
    Result<ReplayPlan> plan = ReplayPlan::create(s);
    QVERIFY(plan);
    const Result<void> r = plan->resolve(2606, 2606);
    QVERIFY(!r);
    QVERIFY2(r.error().toString().startsWith(
                 u"capacities: '0.01%' is 0 objects of a trace with 2606 unique objects"_s),
        qPrintable(r.error().toString()));
}

void tst_ReplayPlan::jobOrders()
{
    Result<ReplayPlan> plan
        = ReplayPlan::create(spec({ u"lru"_s, u"arc"_s, u"opt"_s }, u"10,20"_s));
    QVERIFY(plan);
    QVERIFY(plan->jobs().empty()); // no capacity resolved yet
    QVERIFY(plan->resolve(1000, 1000));
    auto text = [](const std::vector<SimulationJob> &jobs) {
        QStringList out;
        for (const SimulationJob &j : jobs)
            out << j.policy + u'@' + QString::number(j.capacity);
        return out.join(u' ');
    };
    QCOMPARE(text(plan->jobs()), u"lru@10 arc@10 opt@10 lru@20 arc@20 opt@20"_s);
    QCOMPARE(
        text(plan->jobs(JobOrder::PolicyMajor)), u"lru@10 lru@20 arc@10 arc@20 opt@10 opt@20"_s);
    // A subset keeps the plan's policy order, whatever the order asked.
    QCOMPARE(text(plan->jobs(JobOrder::PolicyMajor, { u"opt"_s, u"arc"_s })),
        u"arc@10 arc@20 opt@10 opt@20"_s);
}

void tst_ReplayPlan::needsFuture()
{
    Result<ReplayPlan> plan = ReplayPlan::create(spec({ u"lru"_s, u"opt"_s }, u"10"_s));
    QVERIFY(plan);
    QVERIFY(plan->needsFuture());
    QVERIFY(!plan->needsFuture({ u"lru"_s }));
    Result<ReplayPlan> online = ReplayPlan::create(spec({ u"lru"_s, u"sieve"_s }, u"10"_s));
    QVERIFY(online);
    QVERIFY(!online->needsFuture());
}

void tst_ReplayPlan::runMatchesReference()
{
    // reference.csv, lirs_multi1: lru 15695 and 8972 misses at 26 and 260 objects, opt 12622 and
    // 7496; 1% and 10% of its 2606 unique objects are those capacities.
    Result<ReplayStream> stream = readReplayTrace(lirs());
    QVERIFY(stream);
    Result<ReplayPlan> plan = ReplayPlan::create(spec({ u"lru"_s, u"opt"_s }, u"1%,10%,26"_s));
    QVERIFY(plan);
    QVERIFY(plan->resolve(stream.value()));
    QVERIFY(plan->needsFuture());
    stream->annotateNextAccess();
    SimulationOptions options;
    options.threads = 2;
    const Result<std::vector<SimulationResult>> results = plan->run(stream.value(), options);
    QVERIFY2(results, qPrintable(results ? QString() : results.error().toString()));
    QCOMPARE(results->size(), std::size_t(4));
    const QList<std::tuple<QString, qint64, quint64>> expected = { { u"lru"_s, 26, 15695 },
        { u"opt"_s, 26, 12622 }, { u"lru"_s, 260, 8972 }, { u"opt"_s, 260, 7496 } };
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const SimulationResult &r = results.value()[std::size_t(i)];
        QCOMPARE(r.policy, std::get<0>(expected[i]));
        QCOMPARE(r.capacity, std::get<1>(expected[i]));
        QCOMPARE(r.stats.misses, std::get<2>(expected[i]));
        QCOMPARE(r.stats.requests, quint64(15858));
        QCOMPARE(r.sizeUnit, SizeUnit::Objects);
    }
}

void tst_ReplayPlan::optNeedsAnnotation()
{
    Result<ReplayStream> stream = readReplayTrace(lirs());
    QVERIFY(stream);
    Result<ReplayPlan> plan = ReplayPlan::create(spec({ u"opt"_s }, u"10"_s));
    QVERIFY(plan);
    QVERIFY(plan->resolve(stream.value()));
    const auto results = plan->run(stream.value(), SimulationOptions {});
    QVERIFY(!results); // the stream was not annotated: refused, nothing run
    QVERIFY2(results.error().toString().contains(u"opt"_s), qPrintable(results.error().toString()));
}

QTEST_GUILESS_MAIN(tst_ReplayPlan)
#include "tst_replayplan.moc"
