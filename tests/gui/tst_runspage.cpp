// The Runs tab on a real run history file: the list newest first, two runs compared (their
// configuration changes, summaries side by side, hit ratio over time overlaid), rename, notes and
// delete written through to the file, and a file that is not a history reported, the page usable.
#include "core/history/runhistory.h"
#include "gui/runspage.h"

#include <QFile>
#include <QLineSeries>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A run with `points` one a second whose hit ratio climbs to `hitRatio`.
qint64 addRun(RunHistory &h, const QString &name, qint64 capacity, double hitRatio, int points)
{
    RunStart s;
    s.name = name;
    s.config = QJsonObject { { u"threads"_s, 4 },
        { u"cache"_s, QJsonObject { { u"policy"_s, u"lru"_s }, { u"capacity"_s, capacity } } } };
    s.policy = u"lru"_s;
    s.capacity = QString::number(capacity);
    s.workload = u"zipf over 1000 keys, alpha 0.99"_s;
    const qint64 id = h.begin(s).value();
    for (int i = 0; i < points; ++i)
        h.addPoint(id, i * 1000,
             { { u"hit_ratio"_s, hitRatio * (i + 1) / points },
                 { u"requests_per_second"_s, double(capacity + i) } })
            .value();
    const bool finished = bool(h.finish(id, points * 1000,
        { { u"requests"_s, 1000 * points }, { u"hit_ratio"_s, hitRatio }, { u"final"_s, true },
            { u"latency_us"_s,
                QJsonObject { { u"hit"_s, QJsonObject { { u"p99"_s, 2.0 }, { u"count"_s, 5 } } },
                    { u"miss"_s, QJsonObject { { u"p99"_s, 300.0 }, { u"count"_s, 5 } } } } } }));
    Q_ASSERT(finished);
    Q_UNUSED(finished);
    return id;
}

} // namespace

class tst_RunsPage : public QObject
{
    Q_OBJECT

private slots:
    void listsComparesRenamesDeletes()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"history.sqlite"_s);
        qint64 small = 0;
        qint64 big = 0;
        {
            auto h = RunHistory::open(path);
            QVERIFY(h);
            small = addRun(*h.value(), u"small"_s, 100, 0.25, 4);
            big = addRun(*h.value(), u"big"_s, 10000, 0.75, 6);
        }
        RunsPage page(path);
        QSignalSpy refreshed(&page, &RunsPage::refreshed);
        page.show(); // showing reads the list (off the GUI thread)
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 5000);
        QCOMPARE(page.model()->rowCount(), 2);
        QCOMPARE(page.model()->runs().at(0).id, big); // newest first
        QCOMPARE(page.model()->index(1, RunsModel::NameColumn).data().toString(), u"small"_s);
        QCOMPARE(page.model()->index(1, RunsModel::HitRatioColumn).data().toString(), u"25.0%"_s);
        QCOMPARE(page.model()->index(1, RunsModel::StateColumn).data().toString(), u"complete"_s);

        // Compare is offered for two selected rows only.
        auto *compareButton = page.findChild<QPushButton *>(u"compareRunsButton"_s);
        QVERIFY(!compareButton->isEnabled());
        page.view()->selectRow(0);
        page.view()->selectionModel()->select(
            page.model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(compareButton->isEnabled());
        QSignalSpy compared(&page, &RunsPage::compared);
        compareButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(compared.count() == 1, 5000);
        const QString text = page.comparisonText();
        QVERIFY2(text.contains(u"cache.capacity: 100 → 10000"_s), qPrintable(text));
        QVERIFY2(text.contains(u"+50.0 points"_s), qPrintable(text)); // 25% -> 75%
        QVERIFY2(text.contains(u"+50.0%"_s), qPrintable(text)); // requests 4000 -> 6000
        const QList<QLineSeries *> lines = page.comparisonSeries();
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0)->count(), 4); // the older run first: its points, aligned at 0 s
        QCOMPARE(lines.at(1)->count(), 6);
        QCOMPARE(lines.at(0)->at(3), QPointF(3, 25));
        QCOMPARE(lines.at(1)->at(0).x(), 0.0);

        // Another measure overlaid: requests/s of each point, the same comparison redrawn.
        page.setComparisonMetric(1);
        const QList<QLineSeries *> rates = page.comparisonSeries();
        QCOMPARE(rates.size(), 2);
        QCOMPARE(rates.at(0)->count(), 4);
        QCOMPARE(rates.at(0)->at(3), QPointF(3, 100 + 3));
        QCOMPARE(rates.at(1)->at(5), QPointF(5, 10000 + 5));
        page.setComparisonMetric(2); // hit p99: the points have none, the lines are empty
        QCOMPARE(page.comparisonSeries().at(0)->count(), 0);
        page.setComparisonMetric(0);

        // Rename, notes and delete go to the file; the list follows.
        refreshed.clear();
        page.renameRun(small, u"tiny cache"_s);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1 && !page.isBusy(), 5000);
        QCOMPARE(page.model()->index(1, RunsModel::NameColumn).data().toString(), u"tiny cache"_s);
        refreshed.clear();
        page.setRunNotes(small, u"before the resize"_s);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1 && !page.isBusy(), 5000);
        QCOMPARE(page.model()->index(1, RunsModel::NameColumn).data(Qt::ToolTipRole).toString(),
            u"before the resize"_s);
        refreshed.clear();
        page.deleteRun(big);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1 && !page.isBusy(), 5000);
        QCOMPARE(page.model()->rowCount(), 1);
        auto h = RunHistory::open(path, false);
        QVERIFY(h);
        QCOMPARE(h.value()->list()->size(), 1);
        QCOMPARE(h.value()->run(small)->name, u"tiny cache"_s);
    }

    void notAHistoryIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"notes.txt"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database at all, just text that is long enough to be a header\n");
        f.close();
        RunsPage page(path);
        QSignalSpy errors(&page, &RunsPage::errorOccurred);
        page.show();
        QTRY_VERIFY_WITH_TIMEOUT(errors.count() >= 1, 5000);
        QVERIFY2(page.statusText().contains(u"not a CacheScope run history"_s),
            qPrintable(page.statusText()));
        QCOMPARE(page.model()->rowCount(), 0);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().startsWith("not a database")); // untouched

        // No file yet: an empty list, said so, and no file made by looking.
        RunsPage empty(dir.filePath(u"none.sqlite"_s));
        QSignalSpy refreshed(&empty, &RunsPage::refreshed);
        empty.show();
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 5000);
        QCOMPARE(empty.model()->rowCount(), 0);
        QVERIFY(empty.statusText().contains(u"No runs recorded yet"_s));
        QVERIFY(!QFile::exists(dir.filePath(u"none.sqlite"_s)));
    }
};

QTEST_MAIN(tst_RunsPage)
#include "tst_runspage.moc"
