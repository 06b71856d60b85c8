// The version board behind stale-read measurement: what counts as stale and for how long, a
// board shared through a file (two mappings see each other's writes, as two processes do), bad
// files refused with their name, and concurrent writers of one row.
#include "core/cache/versionboard.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <thread>
#include <vector>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

class tst_VersionBoard : public QObject
{
    Q_OBJECT

private slots:
    void staleAndAge();
    void sharedThroughAFile();
    void badFilesAreRefused();
    void concurrentWritersKeepTheNewest();
};

void tst_VersionBoard::staleAndAge()
{
    const std::shared_ptr<VersionBoard> board = VersionBoard::inMemory(100);
    QVERIFY(board);
    QCOMPARE(board->rows(), 100);
    QCOMPARE(board->current(5), 0);
    QVERIFY(!board->staleness(5, 3, 1'000)); // never written: whatever was read is current

    board->written(5, 4, 10'000);
    QCOMPARE(board->current(5), 4);
    QVERIFY(!board->staleness(5, 4, 20'000)); // read at the latest version
    QVERIFY(!board->staleness(5, 7, 20'000)); // newer than the board (another writer's)
    QCOMPARE(board->staleness(5, 3, 25'000).value(), 15'000); // one behind: since version 4

    board->written(5, 5, 30'000);
    QCOMPARE(board->staleness(5, 4, 31'000).value(), 1'000); // one behind: since version 5
    QCOMPARE(board->staleness(5, 3, 31'000).value(), 21'000); // two behind: since version 4
    board->written(5, 4, 40'000); // a late, older write changes nothing
    QCOMPARE(board->current(5), 5);
    QCOMPARE(board->staleness(5, 4, 41'000).value(), 11'000);

    board->written(5, 9, 50'000); // jumped versions: the one before is unknown, a lower bound
    QCOMPARE(board->staleness(5, 4, 51'000).value(), 1'000);

    // Rows outside the board are not measured; other rows are untouched.
    board->written(100, 3, 1);
    board->written(-1, 3, 1);
    QCOMPARE(board->current(100), 0);
    QVERIFY(!board->staleness(100, 0, 5));
    QCOMPARE(board->current(6), 0);
    QVERIFY(VersionBoard::inMemory(0)->rows() >= 1);
    QCOMPARE(VersionBoard::inMemory(VersionBoard::maxRows * 4)->rows(), VersionBoard::maxRows);
}

void tst_VersionBoard::sharedThroughAFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"versions.board"_s);
    Result<std::shared_ptr<VersionBoard>> a = VersionBoard::open(path, 1000);
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    Result<std::shared_ptr<VersionBoard>> b = VersionBoard::open(path, 1000);
    QVERIFY2(b, qPrintable(b ? QString() : b.error().toString()));
    (*a)->written(42, 8, 1'000);
    QCOMPARE((*b)->current(42), 8); // the other mapping (another instance) sees the write
    QCOMPARE((*b)->staleness(42, 7, 3'000).value(), 2'000);
    (*b)->written(999, 2, 5);
    QCOMPARE((*a)->current(999), 2);
    a->reset();
    // Reopened later: what was written is still there (the file outlives the runs).
    Result<std::shared_ptr<VersionBoard>> c = VersionBoard::open(path, 1000);
    QVERIFY(c);
    QCOMPARE((*c)->current(42), 8);
}

void tst_VersionBoard::badFilesAreRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"versions.board"_s);
    QVERIFY(VersionBoard::open(path, 1000));
    // Made for another keyspace: refused, naming the file and the rows asked for.
    const Result<std::shared_ptr<VersionBoard>> other = VersionBoard::open(path, 2000);
    QVERIFY(!other);
    QCOMPARE(other.error().field, u"stale-board"_s);
    QCOMPARE(other.error().file, path);
    QVERIFY2(other.error().message.contains(u"2000"_s), qPrintable(other.error().message));

    // A file that is not a board, of exactly a board's size: refused, left as it was.
    const QString text = dir.filePath(u"notes.txt"_s);
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(64 + 10 * 32, 'x'));
    f.close();
    const Result<std::shared_ptr<VersionBoard>> notBoard = VersionBoard::open(text, 10);
    QVERIFY(!notBoard);
    QVERIFY(notBoard.error().message.contains(u"not a version board"_s));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(64 + 10 * 32, 'x'));
    f.close();

    const Result<std::shared_ptr<VersionBoard>> noDir
        = VersionBoard::open(dir.filePath(u"missing/versions.board"_s), 10);
    QVERIFY(!noDir);
    QVERIFY2(noDir.error().message.contains(u"cannot open"_s), qPrintable(noDir.error().message));
}

void tst_VersionBoard::concurrentWritersKeepTheNewest()
{
    const std::shared_ptr<VersionBoard> board = VersionBoard::inMemory(4);
    constexpr int writers = 4;
    constexpr qint64 perWriter = 20'000;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&board, w] {
            // Interleaved versions: writer w publishes w+1, w+1+writers, ... out of order
            // with the others, as racing instances do.
            for (qint64 i = 0; i < perWriter; ++i) {
                const qint64 version = i * writers + w + 1;
                board->written(1, version, version * 10);
                const qint64 seen = board->current(1);
                if (seen < version)
                    qFatal("the board went back: %lld < %lld", seen, version);
            }
        });
    }
    std::thread reader([&board] {
        for (int i = 0; i < 50'000; ++i) {
            const qint64 now = 10 * writers * perWriter + 10;
            if (const auto age = board->staleness(1, 0, now); age && (*age < 0 || *age > now))
                qFatal("a torn slot: age %lld", *age);
        }
    });
    for (std::thread &t : threads)
        t.join();
    reader.join();
    QCOMPARE(board->current(1), writers * perWriter);
    QCOMPARE(board->current(0), 0);
}

QTEST_GUILESS_MAIN(tst_VersionBoard)
#include "tst_versionboard.moc"
