// The report from the app: the Runs tab's Export report (one run, or two compared) writes the
// HTML file off the GUI thread, File > Export report is there when runs are recorded; and the
// file renders in a real browser: Debian's Chromium, headless, takes a screenshot in which the two
// runs' chart lines are drawn in their colours (scripts/test installs chromium; without any
// browser the test says so and skips only that part, having validated the HTML already).
#include "core/history/runhistory.h"
#include "gui/guiresources.h"
#include "gui/mainwindow.h"
#include "gui/runspage.h"
#include "htmloutline.h"

#include <QAction>
#include <QImage>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

namespace {

/// A run of `seconds` points with a hit ratio rising to `hitRatio`.
qint64 addRun(RunHistory &h, const QString &name, qint64 capacity, double hitRatio, int seconds)
{
    RunStart s;
    s.name = name;
    s.config = QJsonObject { { u"cache"_s,
        QJsonObject { { u"policy"_s, u"lru"_s }, { u"capacity"_s, capacity } } } };
    s.policy = u"lru"_s;
    s.capacity = QString::number(capacity);
    s.workload = u"zipf over 1000 keys, alpha 0.99"_s;
    const qint64 id = h.begin(s).value();
    for (int i = 0; i < seconds; ++i)
        h.addPoint(id, i * 1000,
             { { u"requests"_s, 1000 }, { u"requests_per_second"_s, 1000.0 + 50 * i },
                 { u"hit_ratio"_s, hitRatio * (i + 1) / seconds }, { u"evictions"_s, 10 } })
            .value();
    if (!h.finish(id, seconds * 1000,
            { { u"requests"_s, 1000 * seconds }, { u"hit_ratio"_s, hitRatio },
                { u"final"_s, true } }))
        qFatal("finish failed");
    return id;
}

/// Pixels within 40 per channel of `color`.
int pixelsNear(const QImage &image, QColor color)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            if (std::abs(qRed(line[x]) - color.red()) < 40
                && std::abs(qGreen(line[x]) - color.green()) < 40
                && std::abs(qBlue(line[x]) - color.blue()) < 40)
                ++n;
    }
    return n;
}

} // namespace

class tst_ReportExport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        initCacheScopeResources();
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }
    void runsTabExportsAReportThatABrowserRenders();
    void fileMenuOffersTheReportWhenRunsAreRecorded();

private:
    QTemporaryDir m_dir;
};

void tst_ReportExport::runsTabExportsAReportThatABrowserRenders()
{
    const QString path = m_dir.filePath(u"history.sqlite"_s);
    qint64 small = 0;
    qint64 big = 0;
    {
        auto h = RunHistory::open(path);
        QVERIFY(h);
        small = addRun(*h.value(), u"small"_s, 100, 0.3, 8);
        big = addRun(*h.value(), u"big"_s, 10000, 0.8, 10);
    }
    RunsPage page(path);
    QSignalSpy refreshed(&page, &RunsPage::refreshed);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 5000);
    auto *button = page.findChild<QPushButton *>(u"exportReportButton"_s);
    QVERIFY(button);
    QVERIFY(!button->isEnabled()); // nothing selected
    page.view()->selectRow(0);
    QVERIFY(button->isEnabled());
    page.view()->selectionModel()->select(
        page.model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY(button->isEnabled()); // two: compared
    QCOMPARE(page.selectedIds().size(), 2);

    const QString file = m_dir.filePath(u"report.html"_s);
    QSignalSpy exported(&page, &RunsPage::reportExported);
    page.exportReport(page.selectedIds(), file);
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10000);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const HtmlOutline o = outlineOfHtml(QString::fromUtf8(f.readAll()));
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QVERIFY(o.externalReferences.isEmpty());
    QCOMPARE(o.headings.first(),
        u"CacheScope: run %1 “small” against run %2 “big”"_s.arg(small).arg(big));
    QCOMPARE(o.chartPoints.value(u"Hit ratio per interval"_s), 8 + 10);
    QVERIFY(page.statusText().contains(file));

    // A write that cannot happen is reported, the page goes on.
    QSignalSpy failed(&page, &RunsPage::errorOccurred);
    page.exportReport({ small }, m_dir.filePath(u"no/such/dir/r.html"_s));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    QVERIFY(page.statusText().contains(u"r.html"_s));

    // A real browser draws it.
    QString browser;
    for (const QString &name : { u"chromium"_s, u"chromium-browser"_s, u"google-chrome"_s })
        if (browser.isEmpty())
            browser = QStandardPaths::findExecutable(name);
    if (browser.isEmpty())
        QSKIP("no headless browser here (scripts/test installs Debian's chromium); the HTML was "
              "validated above");
    const QString png = m_dir.filePath(u"report.png"_s);
    QProcess chromium;
    chromium.setProcessChannelMode(QProcess::MergedChannels);
    chromium.start(browser,
        { u"--headless"_s, u"--no-sandbox"_s, u"--disable-gpu"_s, u"--hide-scrollbars"_s,
            u"--user-data-dir="_s + m_dir.filePath(u"chromium"_s), u"--window-size=1024,2000"_s,
            u"--screenshot="_s + png, QUrl::fromLocalFile(file).toString() });
    QVERIFY(chromium.waitForFinished(120000));
    QVERIFY2(QFile::exists(png), chromium.readAll().constData());
    QImage shot(png);
    QVERIFY(!shot.isNull());
    shot = shot.convertToFormat(QImage::Format_RGB32);
    QCOMPARE(shot.size(), QSize(1024, 2000));
    // Not blank: the two runs' lines in their colours (the report's #1f77b4 and #e8710a), and
    // text.
    const int blue = pixelsNear(shot, QColor(0x1f, 0x77, 0xb4));
    const int orange = pixelsNear(shot, QColor(0xe8, 0x71, 0x0a));
    QVERIFY2(blue > 300 && orange > 300,
        qPrintable(u"blue %1, orange %2 pixels"_s.arg(blue).arg(orange)));
    const int text = pixelsNear(shot, QColor(0x1d, 0x1d, 0x1f)); // the body's text colour
    QVERIFY2(text > 2000, qPrintable(u"%1 text pixels"_s.arg(text)));
}

void tst_ReportExport::fileMenuOffersTheReportWhenRunsAreRecorded()
{
    MainWindowOptions options;
    options.demoDatabasePath = m_dir.filePath(u"demo.sqlite"_s);
    options.demoRowsScale = 0.01;
    options.useSettings = false;
    {
        MainWindow w(options); // no history: runs are not recorded
        auto *action = w.findChild<QAction *>(u"actionExportReport"_s);
        QVERIFY(action);
        QVERIFY(!action->isEnabled());
        QVERIFY(action->toolTip().contains(u"--no-history"_s));
    }
    options.historyPath = m_dir.filePath(u"menu-history.sqlite"_s);
    MainWindow w(options);
    auto *action = w.findChild<QAction *>(u"actionExportReport"_s);
    QVERIFY(action);
    QVERIFY(action->isEnabled());
    QVERIFY(w.runsPage());
}

QTEST_MAIN(tst_ReportExport)
#include "tst_reportexport.moc"
