// The app replays a query log: the Workload panel's Query log row hides the drawn-key rows, the
// run goes through the log on the SQLite demo and stops at its end with a marker, the Templates
// tab shows each template with the "cache these" ranking and exports it; a run of drawn keys
// afterwards clears the tab.
#include "core/session/runsession.h"
#include "gui/guiresources.h"
#include "gui/logmodel.h"
#include "gui/mainwindow.h"
#include "gui/templatesview.h"
#include "gui/workloadpanel.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_TemplatesView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void replaysALogAndRanksTemplates();

private:
    QTemporaryDir m_dir;
};

void tst_TemplatesView::initTestCase()
{
    initCacheScopeResources();
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

namespace {

QString logText(const MainWindow &w)
{
    QStringList lines;
    const LogModel *log = w.logModel();
    for (int r = 0; r < log->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < log->columnCount(); ++c)
            cells << log->data(log->index(r, c)).toString();
        lines << cells.join(u' ');
    }
    return lines.join(u'\n');
}

} // namespace

void tst_TemplatesView::replaysALogAndRanksTemplates()
{
    // Customers 1..10 read five times each, a write to orders (no read of orders is cached, so
    // it invalidates nothing), one uncacheable statement.
    QByteArray log;
    for (int round = 0; round < 5; ++round) {
        for (int id = 1; id <= 10; ++id)
            log += "SELECT name FROM customers WHERE id = " + QByteArray::number(id) + ";\n";
    }
    log += "UPDATE orders SET quantity = quantity WHERE id = 1;\nSELECT random();\n";
    const QString logPath = m_dir.filePath(u"app.sql"_s);
    QFile f(logPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(log);
    f.close();

    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
    options.demoRowsScale = 0.01;
    options.useSettings = false;
    MainWindow w(options);
    w.resize(1400, 860);
    w.show();

    auto *kind = w.workloadPanel()->findChild<QComboBox *>(u"kindCombo"_s);
    QVERIFY(kind);
    QVERIFY(kind->isVisible());
    w.workloadPanel()->setLogPath(logPath);
    QVERIFY(!kind->isVisible()); // the log is the workload
    QCOMPARE(w.panelConfig().queryLog.path, logPath);

    auto *tabs = w.findChild<QTabWidget *>(u"chartTabs"_s);
    QVERIFY(tabs);
    tabs->setCurrentWidget(w.templatesView());
    QSignalSpy finished(w.session(), &RunSession::finished);
    w.startRun();
    // The log ends the run by itself (it may be over before a poll sees it running).
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(w.runState(), MainWindow::RunState::Idle);
    QVERIFY2(w.logModel()->count(LogModel::Level::Error) == 0, qPrintable(logText(w)));
    QVERIFY2(logText(w).contains(u"Query log finished: 52 statements"_s), qPrintable(logText(w)));

    const TemplateTableModel *model = w.templatesView()->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 5000);
    const TemplateRow *reads = nullptr;
    for (const TemplateRow &r : model->rows()) {
        if (r.text.startsWith(u"select name from customers"_s))
            reads = &r;
    }
    QVERIFY(reads);
    QCOMPARE(reads->calls, 50u);
    QCOMPARE(reads->distinctParameters, 10u);
    QCOMPARE(reads->misses, 10u); // one cold miss per customer, 4 hits each after
    QCOMPARE(reads->hits, 40u);
    QCOMPARE(reads->recommendationRank, 1);
    const auto *summary = w.templatesView()->findChild<QLabel *>(u"templatesSummary"_s);
    QVERIFY2(summary->text().contains(u"Cache these"_s), qPrintable(summary->text()));
    QVERIFY(summary->text().contains(u"select name from customers"_s));
    QVERIFY(w.templatesView()->table()->model()->rowCount() == 3);

    // After the replay: the capacity the recommended template needs, read off the log again.
    // Customers 1..10, each read five times with nothing invalidating them: 10 entries hold
    // all 40 hits.
    const auto *capacity = w.templatesView()->findChild<QLabel *>(u"templatesCapacity"_s);
    QTRY_VERIFY_WITH_TIMEOUT(capacity->text().contains(u"LRU cache of 10 entries"_s), 10000);
    QVERIFY2(capacity->text().contains(u"80.0%"_s), qPrintable(capacity->text()));

    const QString exported = m_dir.filePath(u"templates.csv"_s);
    QCOMPARE(w.templatesView()->exportTo(exported), QString());
    QFile csv(exported);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(csv.readAll()).count(u'\n'), 4); // the header and three rows

    // Drawn keys again: the tab goes back to its hint.
    w.workloadPanel()->setLogPath({});
    QVERIFY(kind->isVisible());
    w.startRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Running, 60000);
    QCOMPARE(model->rowCount(), 0);
    w.stopRun();
    QTRY_COMPARE_WITH_TIMEOUT(w.runState(), MainWindow::RunState::Idle, 30000);
}

QTEST_MAIN(tst_TemplatesView)
#include "tst_templatesview.moc"
