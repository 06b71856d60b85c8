// `cachescope-cli report`: two real runs recorded by `run` (SQLite demo, one with --shadows) become
// one HTML file that parses as XML, holds no outside reference, draws every recorded point, and
// carries the runs' own numbers (hit ratios from their final JSON lines, the configuration
// change); standard output with `--html -`; bad ids, a missing --html, an unknown run, no history
// and an unwritable file are refused with a message naming them and the right exit status.
#include "clirun.h"
#include "htmloutline.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace CacheScope::TestSupport;
using namespace Qt::Literals::StringLiterals;

class tst_ReportCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void reportsOneRun();
    void comparesTwoRuns();
    void toStandardOutput();
    void badInput_data();
    void badInput();

private:
    CliRun cli(const QStringList &args) { return runCli(args, m_env); }
    /// Records a run of about 2 s; its final JSON line and its id.
    std::pair<QJsonObject, qint64> record(const QStringList &extra);
    QString readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QJsonObject m_small;
    QJsonObject m_big;
    qint64 m_smallId = 0;
    qint64 m_bigId = 0;
};

std::pair<QJsonObject, qint64> tst_ReportCommand::record(const QStringList &extra)
{
    const CliRun r = cli(QStringList { u"run"_s, u"--duration"_s, u"2200ms"_s, u"--keys"_s,
                             u"2000"_s, u"--threads"_s, u"2"_s, u"--output"_s, u"json"_s }
        + extra);
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.err));
    const QList<QJsonObject> lines = jsonLines(r.out);
    const qsizetype at = r.err.indexOf(u"recorded as run "_s);
    const qint64 id = at < 0 ? 0 : r.err.mid(at + 16).section(u' ', 0, 0).toLongLong();
    return { lines.isEmpty() ? QJsonObject() : lines.last(), id };
}

void tst_ReportCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(u"CACHESCOPE_HISTORY"_s, m_dir.filePath(u"history.sqlite"_s));
    m_env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data"_s)); // the demo database
    std::tie(m_small, m_smallId)
        = record({ u"--policy"_s, u"lru"_s, u"--capacity"_s, u"50"_s, u"--name"_s, u"small"_s });
    std::tie(m_big, m_bigId) = record({ u"--policy"_s, u"lru"_s, u"--capacity"_s, u"1500"_s,
        u"--shadows"_s, u"--name"_s, u"big"_s });
    QVERIFY(m_smallId > 0);
    QVERIFY(m_bigId > m_smallId);
    QVERIFY(m_small.value(u"final"_s).toBool());
    QVERIFY(m_big.contains(u"shadows"_s));
}

void tst_ReportCommand::reportsOneRun()
{
    const QString file = m_dir.filePath(u"one.html"_s);
    const CliRun r = cli({ u"report"_s, QString::number(m_bigId), u"--html"_s, file });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(file), qPrintable(r.err));
    const HtmlOutline o = outlineOfHtml(readFile(file));
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QVERIFY2(o.externalReferences.isEmpty(), qPrintable(o.externalReferences.join(u", "_s)));
    QVERIFY(o.chartTitles.contains(u"Hit ratio per interval"_s));
    QVERIFY(o.chartTitles.contains(u"LRU miss-ratio curve (shadows)"_s));
    // One point a second of a 2.2 s run: at least two drawn on the hit-ratio chart.
    QVERIFY(o.chartPoints.value(u"Hit ratio per interval"_s) >= 2);
    QVERIFY(o.chartPoints.value(u"LRU miss-ratio curve (shadows)"_s) >= 3);
    // The run's own hit ratio as `run` printed it, and every shadow policy it ranked.
    const QString ratio
        = QString::number(m_big.value(u"hit_ratio"_s).toDouble() * 100.0, 'f', 1) + u'%';
    QVERIFY2(o.text.contains(ratio), qPrintable(ratio));
    for (const QJsonValue &p : m_big.value(u"shadows"_s)[u"policies"_s].toArray())
        QVERIFY(o.text.contains(p[u"policy"_s].toString()));
}

void tst_ReportCommand::comparesTwoRuns()
{
    const QString file = m_dir.filePath(u"two.html"_s);
    const CliRun r = cli({ u"report"_s, QString::number(m_smallId), u"--compare"_s,
        QString::number(m_bigId), u"--html"_s, file });
    QCOMPARE(r.exitCode, 0);
    const HtmlOutline o = outlineOfHtml(readFile(file));
    QVERIFY2(o.wellFormed, qPrintable(o.error));
    QCOMPARE(o.headings.first(),
        u"CacheScope: run %1 “small” against run %2 “big”"_s.arg(m_smallId).arg(m_bigId));
    QVERIFY(o.text.contains(u"cache.capacity 50 1500"_s));
    // The hit-ratio difference in points, from the two final lines.
    const double points
        = (m_big.value(u"hit_ratio"_s).toDouble() - m_small.value(u"hit_ratio"_s).toDouble())
        * 100.0;
    const QString diff = QString::asprintf("%+.1f points", points);
    QVERIFY2(o.text.contains(diff), qPrintable(diff));
}

void tst_ReportCommand::toStandardOutput()
{
    const CliRun r = cli({ u"report"_s, QString::number(m_smallId), u"--html"_s, u"-"_s });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith(u"<!DOCTYPE html>"_s));
    QVERIFY(outlineOfHtml(r.out).wellFormed);
}

void tst_ReportCommand::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit");
    QTest::addColumn<QString>("message");
    const QString out = m_dir.filePath(u"x.html"_s);
    QTest::newRow("no --html") << QStringList { u"1"_s } << 2 << u"needs --html FILE"_s;
    QTest::newRow("no id") << QStringList { u"--html"_s, out } << 2 << u"one run id, got 0"_s;
    QTest::newRow("bad id") << QStringList { u"abc"_s, u"--html"_s, out } << 2 << u"ID: 'abc'"_s;
    QTest::newRow("bad compare id")
        << QStringList { u"1"_s, u"--compare"_s, u"-3"_s, u"--html"_s, out } << 2 << u"'-3'"_s;
    QTest::newRow("unknown run") << QStringList { u"987654"_s, u"--html"_s, out } << 1
                                 << u"987654"_s;
    QTest::newRow("no history") << QStringList { u"1"_s, u"--html"_s, out, u"--history"_s,
        m_dir.filePath(u"none.sqlite"_s) }
                                << 1 << u"none.sqlite"_s;
    QTest::newRow("unwritable") << QStringList { u"1"_s, u"--html"_s,
        m_dir.filePath(u"no/such/dir/r.html"_s) }
                                << 1 << u"r.html"_s;
}

void tst_ReportCommand::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(int, exit);
    QFETCH(QString, message);
    if (args.first() == u"1"_s)
        args.first() = QString::number(m_smallId);
    const CliRun r = cli(QStringList { u"report"_s } + args);
    QCOMPARE(r.exitCode, exit);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFile::exists(m_dir.filePath(u"x.html"_s)));
}

QTEST_GUILESS_MAIN(tst_ReportCommand)
#include "tst_reportcommand.moc"
