// Query-log reading speed (issue #15): a 1 M-statement PostgreSQL log, parsed (QueryLogReader)
// and parsed + normalized (StatementClassifier: template, parameters, tables, kind), in
// statements per second, against `wc -l` reading the same file: the floor any line reader pays.
// Formats: csvlog, stderr ('%m|%u|%d|%c|'), and .sql. The logs are written here, in
// PostgreSQL's own layout, from a mix of twenty statement shapes over random parameters.
//
//   cmake --preset release && cmake --build build/release --target bench_querylog
//   build/release/bench/bench_querylog [STATEMENTS]      (default 1000000)
#include "core/querylog/querylogreader.h"
#include "core/querylog/sqlnormalizer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>
#include <random>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray statement(std::mt19937_64 &rng, int shape)
{
    const auto n = [&](int max) { return QByteArray::number(int(rng() % unsigned(max)) + 1); };
    switch (shape % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
        return "SELECT id, name, email FROM customers WHERE id = " + n(100000);
    case 4:
    case 5:
        return "SELECT * FROM orders WHERE customer_id = " + n(100000)
            + " ORDER BY ordered_at DESC LIMIT 10";
    case 6:
        return "SELECT p.name, sum(o.quantity) FROM orders o JOIN products p ON p.id = "
               "o.product_id\n"
               "  WHERE o.ordered_at > '2026-11-"
            + n(28) + "'\n  GROUP BY p.name ORDER BY 2 DESC LIMIT 20";
    case 7:
        return "SELECT name, price FROM products WHERE id IN (" + n(5000) + ", " + n(5000) + ", "
            + n(5000) + ")";
    case 8:
        return "UPDATE customers SET last_seen = '2026-12-03 10:00:00' WHERE id = " + n(100000);
    case 9:
        return "INSERT INTO orders (customer_id, product_id, quantity, ordered_at) VALUES ("
            + n(100000) + ", " + n(5000) + ", " + n(5) + ", now())";
    case 10:
        return "SELECT count(*) FROM orders WHERE customer_id = " + n(100000);
    case 11:
        return "SELECT c.name FROM customers c WHERE c.email = 'user" + n(100000) + "@example.com'";
    case 12:
        return "/* app:list */ SELECT id, title FROM posts WHERE author_id = " + n(20000)
            + " AND published ORDER BY id DESC LIMIT 20";
    case 13:
        return "SELECT * FROM sessions WHERE token = '" + QByteArray::number(rng(), 16) + "'";
    case 14:
        return "SELECT id FROM carts WHERE customer_id = " + n(100000) + " FOR UPDATE";
    case 15:
        return "BEGIN";
    case 16:
        return "COMMIT";
    case 17:
        return "SELECT tag, count(*) FROM post_tags WHERE post_id = " + n(50000) + " GROUP BY tag";
    case 18:
        return "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'";
    default:
        return "SELECT value FROM settings WHERE key = 'feature_" + n(200) + "'";
    }
}

QByteArray csvQuoted(const QByteArray &text)
{
    QByteArray q = text;
    q.replace('"', "\"\"");
    return '"' + q + '"';
}

/// Writes `count` statements as a csvlog, a stderr log and a .sql file.
void writeLogs(const QString &dir, qint64 count)
{
    QFile csv(dir + u"/postgresql.csv"_s);
    QFile err(dir + u"/postgresql.log"_s);
    QFile sql(dir + u"/app.sql"_s);
    (void)csv.open(QIODevice::WriteOnly);
    (void)err.open(QIODevice::WriteOnly);
    (void)sql.open(QIODevice::WriteOnly);
    std::mt19937_64 rng(42);
    QByteArray csvBuf, errBuf, sqlBuf;
    for (qint64 i = 0; i < count; ++i) {
        const int session = int(rng() % 64);
        const QByteArray s = statement(rng, int(rng() % 20));
        const qint64 ms = i / 10;
        const QByteArray time = "2026-12-03 "
            + QByteArray::number(10 + ms / 3600000).rightJustified(2, '0') + ':'
            + QByteArray::number(ms / 60000 % 60).rightJustified(2, '0') + ':'
            + QByteArray::number(ms / 1000 % 60).rightJustified(2, '0') + '.'
            + QByteArray::number(ms % 1000).rightJustified(3, '0') + " UTC";
        const QByteArray sid = "6571a2b3." + QByteArray::number(0x3000 + session, 16);
        const QByteArray duration
            = "duration: 0." + QByteArray::number(10 + i % 900) + " ms  statement: ";
        csvBuf += time + ",\"app\",\"appdb\"," + QByteArray::number(12288 + session)
            + ",\"127.0.0.1:5" + QByteArray::number(1000 + session) + "\"," + sid + ','
            + QByteArray::number(i / 64 + 1) + ",\"SELECT\",2026-12-03 10:00:00 UTC,3/"
            + QByteArray::number(i) + ",0,LOG,00000," + csvQuoted(duration + s)
            + ",,,,,,,,,\"app\",\"client backend\",,0\n";
        QByteArray continued = s;
        continued.replace('\n', "\n\t");
        errBuf += time + "|app|appdb|" + sid + "|LOG:  " + duration + continued + '\n';
        sqlBuf += s + ";\n";
        if (csvBuf.size() > (1 << 22)) {
            csv.write(csvBuf);
            err.write(errBuf);
            sql.write(sqlBuf);
            csvBuf.clear();
            errBuf.clear();
            sqlBuf.clear();
        }
    }
    csv.write(csvBuf);
    err.write(errBuf);
    sql.write(sqlBuf);
}

double wcSeconds(const QString &path)
{
    QElapsedTimer t;
    t.start();
    QProcess wc;
    wc.start(u"wc"_s, { u"-l"_s, path });
    wc.waitForFinished(-1);
    return double(t.nsecsElapsed()) / 1e9;
}

struct Pass
{
    qint64 statements = 0;
    double seconds = 0;
    qint64 templates = 0;
};

Pass readLog(const QString &path, QueryLogFormat format, bool normalize)
{
    QueryLogOptions options;
    options.format = format;
    Pass pass;
    QElapsedTimer t;
    t.start();
    auto reader = QueryLogReader::open(path, options);
    if (!reader) {
        QTextStream(stderr) << reader.error().toString() << Qt::endl;
        return pass;
    }
    StatementClassifier classifier;
    QSet<quint64> templates;
    LoggedStatement s;
    for (;;) {
        const Result<bool> got = (*reader)->next(s);
        if (!got) {
            QTextStream(stderr) << got.error().toString() << Qt::endl;
            break;
        }
        if (!*got)
            break;
        ++pass.statements;
        if (normalize)
            templates.insert(classifier.classify(s.session, s.text).templateId);
    }
    pass.seconds = double(t.nsecsElapsed()) / 1e9;
    pass.templates = templates.size();
    return pass;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 count = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1'000'000;
    QTemporaryDir dir;
    writeLogs(dir.path(), count);
    QTextStream out(stdout);
    out << "statements: " << count << "\n\n"
        << QString(u"%1 %2 %3 %4 %5 %6 %7\n"_s)
               .arg(u"format"_s, -10)
               .arg(u"MB"_s, 7)
               .arg(u"wc -l s"_s, 8)
               .arg(u"parse s"_s, 8)
               .arg(u"+normalize s"_s, 13)
               .arg(u"stmts/s (both)"_s, 15)
               .arg(u"x wc -l"_s, 8);
    const struct
    {
        QString name;
        QString file;
        QueryLogFormat format;
    } logs[] = {
        { u"pglog-csv"_s, u"postgresql.csv"_s, QueryLogFormat::PgCsv },
        { u"pglog"_s, u"postgresql.log"_s, QueryLogFormat::PgStderr },
        { u"sql"_s, u"app.sql"_s, QueryLogFormat::Sql },
    };
    for (const auto &log : logs) {
        const QString path = dir.filePath(log.file);
        const double mb = double(QFile(path).size()) / 1e6;
        wcSeconds(path); // the page cache holds the file for every pass
        const double wc = wcSeconds(path);
        const Pass parse = readLog(path, log.format, false);
        const Pass both = readLog(path, log.format, true);
        out << QString(u"%1 %2 %3 %4 %5 %6 %7\n"_s)
                   .arg(log.name, -10)
                   .arg(mb, 7, 'f', 1)
                   .arg(wc, 8, 'f', 3)
                   .arg(parse.seconds, 8, 'f', 3)
                   .arg(both.seconds, 13, 'f', 3)
                   .arg(double(both.statements) / both.seconds, 15, 'f', 0)
                   .arg(both.seconds / wc, 8, 'f', 1);
        if (parse.statements != count || both.statements != count)
            out << "  (read " << both.statements << " of " << count << " statements!)\n";
        out << "  templates: " << both.templates << '\n';
        out.flush();
    }
    return 0;
}
