// The query-log readers (PostgreSQL csvlog and stderr logs, plain .sql) on the hand-written files
// of tests/data/querylog (see its README): the expected statements, lines, sessions, times and
// durations below were worked out from the files by hand; times with Python's datetime.

#include "core/querylog/pglogparsing.h"
#include "core/querylog/querylogreader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString dataDir = QStringLiteral(CACHESCOPE_TEST_DATA "/querylog/");

struct ReadAll
{
    QList<LoggedStatement> statements;
    std::optional<Error> error;
    QStringList notes;
    QueryLogFormat format = QueryLogFormat::Auto;
};

/// Opens and reads to the end (or the first error, after which next() must say false).
ReadAll readAll(const QString &path, const QueryLogOptions &options = {})
{
    ReadAll out;
    Result<std::unique_ptr<QueryLogReader>> opened = QueryLogReader::open(path, options);
    if (!opened) {
        out.error = opened.error();
        return out;
    }
    QueryLogReader &reader = **opened;
    out.format = reader.format();
    for (;;) {
        LoggedStatement s;
        const Result<bool> r = reader.next(s);
        if (!r) {
            out.error = r.error();
            const Result<bool> after = reader.next(s);
            if (!after || *after)
                qFatal("next() after an error did not say the end");
            break;
        }
        if (!*r)
            break;
        out.statements << s;
    }
    out.notes = reader.notes();
    return out;
}

QStringList texts(const QList<LoggedStatement> &statements)
{
    QStringList out;
    for (const LoggedStatement &s : statements)
        out << s.text;
    return out;
}

bool notesContain(const QStringList &notes, const QString &text)
{
    return std::any_of(
        notes.cbegin(), notes.cend(), [&](const QString &n) { return n.contains(text); });
}

} // namespace

class tst_QueryLogReader : public QObject
{
    Q_OBJECT

private slots:
    void formatNames();
    void sqlFile();
    void sqlFileGzip();
    void sqlUnterminatedQuote();
    void sqlUnterminatedDollarQuote();
    void stderrPgreplayPrefix();
    void stderrGzipReadsTheSame();
    void stderrDebianPrefixDetected();
    void stderrGivenPrefix();
    void stderrPrefixThatMatchesNothing();
    void csvlog13();
    void csvlog12DurationLines();
    void csvlogMalformedRow();
    void csvlogUnterminatedField();
    void unknownFormat();
    void detectedFromContent();
    void parameters();
    void timestamps();
    void prefixMatching();

private:
    QString copy(const QString &from, const QString &name)
    {
        const QString to = m_dir.filePath(name);
        QFile::remove(to);
        if (!QFile::copy(from, to))
            qFatal("cannot copy %s", qPrintable(from));
        return to;
    }
    QString write(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    QTemporaryDir m_dir;
};

void tst_QueryLogReader::formatNames()
{
    for (const QueryLogFormat f : { QueryLogFormat::Auto, QueryLogFormat::PgCsv,
             QueryLogFormat::PgStderr, QueryLogFormat::Sql }) {
        const Result<QueryLogFormat> parsed = parseQueryLogFormat(queryLogFormatName(f));
        QVERIFY(parsed);
        QCOMPARE(int(*parsed), int(f));
    }
    QCOMPARE(queryLogFormatName(QueryLogFormat::PgCsv), u"pglog-csv"_s);
    QCOMPARE(queryLogFormatName(QueryLogFormat::PgStderr), u"pglog"_s);
    const Result<QueryLogFormat> bad = parseQueryLogFormat(u"mysql"_s);
    QVERIFY(!bad);
    QCOMPARE(bad.error().field, u"--format"_s);
    QCOMPARE(bad.error().value, u"mysql"_s);
}

void tst_QueryLogReader::sqlFile()
{
    const ReadAll r = readAll(dataDir + u"statements.sql"_s);
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(int(r.format), int(QueryLogFormat::Sql));
    QCOMPARE(texts(r.statements),
        (QStringList { u"SELECT id,\n       name\n  FROM users\n WHERE id = 1"_s,
            u"INSERT INTO \"Order Items\" (\"Qty\", \"Note\") VALUES (3, 'a;b')"_s,
            u"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"_s,
            u"SELECT $tag$a;b$tag$, 'x;y', E'it\\'s;', \"semi;colon\" FROM t /* ; /* nested ; */ */"_s,
            u"SELECT 'it''s' -- the last statement has no semicolon"_s }));
    QList<qint64> lines;
    for (const LoggedStatement &s : r.statements) {
        lines << s.line;
        QCOMPARE(s.timeUs, -1);
        QCOMPARE(s.durationUs, -1);
        QVERIFY(s.session.isEmpty());
    }
    QCOMPARE(lines, (QList<qint64> { 2, 6, 7, 8, 11 }));
    QVERIFY2(notesContain(r.notes, u"1 psql meta-command"_s), qPrintable(r.notes.join(u'\n')));
}

void tst_QueryLogReader::sqlFileGzip()
{
    const ReadAll plain = readAll(dataDir + u"statements.sql"_s);
    const ReadAll packed = readAll(dataDir + u"statements.sql.gz"_s);
    QVERIFY(!packed.error);
    QCOMPARE(int(packed.format), int(QueryLogFormat::Sql)); // .sql under the .gz
    QCOMPARE(texts(packed.statements), texts(plain.statements));
    QCOMPARE(packed.statements.size(), 5);
}

void tst_QueryLogReader::sqlUnterminatedQuote()
{
    const QString path = dataDir + u"unterminated-quote.sql"_s;
    const ReadAll r = readAll(path);
    QCOMPARE(texts(r.statements), QStringList { u"SELECT 1"_s });
    QVERIFY(r.error);
    QCOMPARE(r.error->file, path);
    QCOMPARE(r.error->line, 2);
    QCOMPARE(r.error->field, u"statement"_s);
    QCOMPARE(r.error->value, u"SELECT 'abc;\nmore text"_s);
    QVERIFY2(r.error->message.contains(u"ends inside a quoted string"_s),
        qPrintable(r.error->toString()));
}

void tst_QueryLogReader::sqlUnterminatedDollarQuote()
{
    const ReadAll r = readAll(dataDir + u"unterminated-dollar.sql"_s);
    QCOMPARE(texts(r.statements), QStringList { u"SELECT 2"_s });
    QVERIFY(r.error);
    QCOMPARE(r.error->line, 3);
    QCOMPARE(r.error->value, u"DO $body$\nBEGIN\n  PERFORM 1;\nEND $$;"_s);
    QVERIFY2(r.error->message.contains(u"$body$"_s), qPrintable(r.error->toString()));
}

void tst_QueryLogReader::stderrPgreplayPrefix()
{
    const ReadAll r = readAll(dataDir + u"pgreplay.log"_s);
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(int(r.format), int(QueryLogFormat::PgStderr));
    QCOMPARE(texts(r.statements),
        (QStringList {
            u"SELECT o.id, o.total\n  FROM orders o\n WHERE o.customer_id = 42"_s,
            u"SELECT * FROM customers WHERE name = 'O''Brien' AND note = NULL AND id = '7'"_s,
            u"SELECT count(*) FROM \"Order Items\""_s,
            // '$1' in quotes stays; the bound value's own "$2" is not bound again.
            u"SELECT '$1', 'a $2 b' FROM t"_s,
            // QPSQL's EXECUTE with the DETAIL prepare: the prepared text, arguments bound.
            u"SELECT * FROM t WHERE id = 42 AND name = 'it''s'"_s,
            u"BEGIN"_s,
        }));
    const QList<LoggedStatement> &s = r.statements;
    QCOMPARE(s[0].line, 4);
    QCOMPARE(s[0].session, QByteArray("6632a0f1.2000"));
    QCOMPARE(s[0].user, QByteArray("app"));
    QCOMPARE(s[0].database, QByteArray("shop"));
    QCOMPARE(s[0].timeUs, Q_INT64_C(1714564801500000));
    QCOMPARE(s[0].durationUs, 512);
    QCOMPARE(s[1].line, 10);
    QCOMPARE(s[1].durationUs, 31);
    QCOMPARE(s[2].line, 12);
    QCOMPARE(s[2].session, QByteArray("6632a0f2.2100"));
    QCOMPARE(s[2].user, QByteArray("report"));
    QCOMPARE(s[2].durationUs, 3500); // the report session's "duration:" line, four lines later
    QCOMPARE(s[3].line, 13);
    QCOMPARE(s[3].durationUs, 40);
    QCOMPARE(s[4].line, 19);
    QCOMPARE(s[4].durationUs, 300);
    QCOMPARE(s[5].line, 22);
    QCOMPARE(s[5].durationUs, -1); // the app session's duration line is not the report's
    const QString notes = r.notes.join(u'\n');
    QVERIFY2(notesContain(r.notes, u"8 log messages that are not statements"_s), qPrintable(notes));
    QVERIFY2(notesContain(r.notes, u"2 parse/bind messages"_s), qPrintable(notes));
    QVERIFY2(notesContain(r.notes, u"1 'execute fetch from' message"_s), qPrintable(notes));
    QVERIFY2(notesContain(r.notes, u"1 duration line attached"_s), qPrintable(notes));
    QVERIFY2(notesContain(r.notes, u"1 duration line without a statement"_s), qPrintable(notes));
}

void tst_QueryLogReader::stderrGzipReadsTheSame()
{
    const ReadAll plain = readAll(dataDir + u"pgreplay.log"_s);
    const ReadAll packed = readAll(dataDir + u"pgreplay.log.gz"_s);
    QVERIFY(!packed.error);
    QCOMPARE(int(packed.format), int(QueryLogFormat::PgStderr));
    QCOMPARE(packed.statements.size(), plain.statements.size());
    for (qsizetype i = 0; i < plain.statements.size(); ++i) {
        QCOMPARE(packed.statements[i].text, plain.statements[i].text);
        QCOMPARE(packed.statements[i].line, plain.statements[i].line);
        QCOMPARE(packed.statements[i].timeUs, plain.statements[i].timeUs);
        QCOMPARE(packed.statements[i].durationUs, plain.statements[i].durationUs);
    }
}

void tst_QueryLogReader::stderrDebianPrefixDetected()
{
    const ReadAll r = readAll(dataDir + u"debian.log"_s);
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(int(r.format), int(QueryLogFormat::PgStderr));
    QCOMPARE(texts(r.statements),
        (QStringList { u"select 1"_s, u"update t set v = v + 1\nwhere id = 3"_s }));
    QCOMPARE(r.statements[0].session, QByteArray("901")); // %p stands for the session
    QCOMPARE(r.statements[0].user, QByteArray("app"));
    QCOMPARE(r.statements[0].database, QByteArray("shop"));
    QCOMPARE(r.statements[0].timeUs, Q_INT64_C(1714572001250000)); // CEST read as UTC
    QCOMPARE(r.statements[0].durationUs, 1250);
    QCOMPARE(r.statements[1].session, QByteArray("902"));
    QCOMPARE(r.statements[1].durationUs, 750); // past a line that is not the log's
    QVERIFY(notesContain(r.notes, u"time zone 'CEST' read as UTC"_s));
    QVERIFY(notesContain(r.notes, u"1 line without the log_line_prefix"_s));
}

void tst_QueryLogReader::stderrGivenPrefix()
{
    // pgBadger's recommended prefix: free text fields between literals that also occur in the
    // statement ("user=", ",db=").
    const QString prefix = u"%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h "_s;
    const QString path = write(u"custom.log"_s,
        "2024-05-01 12:00:01 UTC [123]: [1-1] user=app,db=shop,app=psql,client=127.0.0.1 LOG:  "
        "duration: 2.000 ms  statement: select 'user=x,db=y'\n"
        "2024-05-01 12:00:02 UTC [124]: [1-1] user=a b,db=my db,app=,client=[local] LOG:  "
        "statement: select 2\n");
    QueryLogOptions options;
    options.format = QueryLogFormat::PgStderr;
    options.logLinePrefix = prefix;
    const ReadAll r = readAll(path, options);
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(texts(r.statements), (QStringList { u"select 'user=x,db=y'"_s, u"select 2"_s }));
    QCOMPARE(r.statements[0].user, QByteArray("app"));
    QCOMPARE(r.statements[0].database, QByteArray("shop"));
    QCOMPARE(r.statements[0].session, QByteArray("123"));
    QCOMPARE(r.statements[0].timeUs, Q_INT64_C(1714564801000000));
    QCOMPARE(r.statements[0].durationUs, 2000);
    QCOMPARE(r.statements[1].user, QByteArray("a b"));
    QCOMPARE(r.statements[1].database, QByteArray("my db"));

    // Auto with the prefix given finds it too (the name says nothing).
    options.format = QueryLogFormat::Auto;
    QCOMPARE(int(readAll(path, options).format), int(QueryLogFormat::PgStderr));

    options.logLinePrefix = u"%m %z "_s;
    const ReadAll bad = readAll(path, options);
    QVERIFY(bad.error);
    QCOMPARE(bad.error->field, u"--log-prefix"_s);
    QVERIFY(bad.error->message.contains(u"'%z'"_s));
}

void tst_QueryLogReader::stderrPrefixThatMatchesNothing()
{
    QueryLogOptions options;
    options.format = QueryLogFormat::PgStderr;
    options.logLinePrefix = u"%t [%p]: [%l-1] "_s;
    const ReadAll r = readAll(dataDir + u"pgreplay.log"_s, options);
    QVERIFY(r.error);
    QVERIFY2(r.error->message.contains(u"'%t [%p]: [%l-1] '"_s), qPrintable(r.error->toString()));
    QVERIFY(r.error->message.contains(u"--log-prefix"_s));
    // A prefix that only fits the non-session lines opens, and says what it skipped.
    options.logLinePrefix = u"%m [%p] "_s;
    const ReadAll d = readAll(dataDir + u"debian.log"_s, options);
    QVERIFY(!d.error);
    QCOMPARE(d.statements.size(), 0);
    QVERIFY2(notesContain(d.notes, u"4 lines without the log_line_prefix '%m [%p] '"_s),
        qPrintable(d.notes.join(u'\n')));
}

void tst_QueryLogReader::csvlog13()
{
    const ReadAll r = readAll(dataDir + u"pg13.csv"_s);
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(int(r.format), int(QueryLogFormat::PgCsv));
    QCOMPARE(texts(r.statements),
        (QStringList { u"SELECT \"Name\", 'a,b'\n  FROM \"Users\"\n WHERE id = 1"_s,
            u"SELECT * FROM t WHERE a = 'say \"hi\"' AND b = NULL"_s }));
    QCOMPARE(r.statements[0].line, 2);
    QCOMPARE(r.statements[0].session, QByteArray("6632a0f1.c8"));
    QCOMPARE(r.statements[0].user, QByteArray("app"));
    QCOMPARE(r.statements[0].database, QByteArray("shop"));
    QCOMPARE(r.statements[0].timeUs, Q_INT64_C(1714564801500000));
    QCOMPARE(r.statements[0].durationUs, 512);
    QCOMPARE(r.statements[1].line, 6);
    QCOMPARE(r.statements[1].timeUs, Q_INT64_C(1714557601602000)); // "+02"
    QCOMPARE(r.statements[1].durationUs, 31);
    QVERIFY(notesContain(r.notes, u"2 log messages that are not statements"_s));
    QVERIFY(notesContain(r.notes, u"1 parse/bind message"_s));
}

void tst_QueryLogReader::csvlog12DurationLines()
{
    const ReadAll r = readAll(dataDir + u"pg12.csv"_s);
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(texts(r.statements), (QStringList { u"BEGIN"_s, u"UPDATE t SET v = 1"_s }));
    QCOMPARE(r.statements[0].durationUs, -1);
    QCOMPARE(r.statements[1].durationUs, 250);
    QVERIFY(notesContain(r.notes, u"1 duration line attached"_s));
}

void tst_QueryLogReader::csvlogMalformedRow()
{
    const QString path = dataDir + u"malformed.csv"_s;
    const ReadAll r = readAll(path);
    QCOMPARE(texts(r.statements), QStringList { u"select 1"_s });
    QVERIFY(r.error);
    QCOMPARE(r.error->toString(),
        path
            + u":2: columns: '20' a csvlog row has 23 (PostgreSQL 12), 24 (13) or 26 (14 to 17) "
              "columns"_s);
}

void tst_QueryLogReader::csvlogUnterminatedField()
{
    const ReadAll r = readAll(dataDir + u"unterminated.csv"_s);
    QCOMPARE(texts(r.statements), QStringList { u"select 1"_s });
    QVERIFY(r.error);
    QCOMPARE(r.error->line, 2);
    QCOMPARE(r.error->field, u"message"_s);
    QCOMPARE(r.error->value, u"statement: select\n  cut here"_s);
    QVERIFY(r.error->message.contains(u"no closing quote"_s));

    // A quote in the middle of a field after a closing one is malformed where it stands.
    const QString bad = write(u"bad-quote.csv"_s,
        "2024-05-01 12:00:01.500 UTC,\"app\"x,shop,1,,s.1,1,,,,0,LOG,00000,statement: select 1"
        ",,,,,,,,,,\n");
    const ReadAll b = readAll(bad);
    QVERIFY(b.error);
    QCOMPARE(b.error->field, u"user_name"_s);
    QCOMPARE(b.error->line, 1);
}

void tst_QueryLogReader::unknownFormat()
{
    const ReadAll r = readAll(dataDir + u"unknown.txt"_s);
    QVERIFY(r.error);
    QVERIFY2(r.error->message.contains(u"--format pglog-csv|pglog|sql"_s),
        qPrintable(r.error->toString()));
    const ReadAll empty = readAll(write(u"empty.log"_s, QByteArray()));
    QVERIFY(empty.error);
    QVERIFY(empty.error->message.contains(u"--format"_s));
    // An explicit format reads what it is told.
    QueryLogOptions options;
    options.format = QueryLogFormat::Sql;
    const ReadAll asSql = readAll(dataDir + u"unknown.txt"_s, options);
    QVERIFY(!asSql.error);
    QCOMPARE(texts(asSql.statements), QStringList { u"hello world\nthis is not a log"_s });
    const Result<std::unique_ptr<QueryLogReader>> missing
        = QueryLogReader::open(m_dir.filePath(u"missing.sql"_s));
    QVERIFY(!missing);
}

void tst_QueryLogReader::detectedFromContent()
{
    QCOMPARE(int(readAll(copy(dataDir + u"pgreplay.log"_s, u"server-log"_s)).format),
        int(QueryLogFormat::PgStderr));
    const ReadAll csv = readAll(copy(dataDir + u"pg13.csv"_s, u"server.log"_s));
    QCOMPARE(int(csv.format), int(QueryLogFormat::PgCsv));
    QCOMPARE(csv.statements.size(), 2);
    QCOMPARE(int(readAll(copy(dataDir + u"statements.sql"_s, u"queries.txt"_s)).format),
        int(QueryLogFormat::Sql));
    // The name wins over the content: a .csv is read as csvlog.
    const ReadAll wrong = readAll(copy(dataDir + u"statements.sql"_s, u"queries.csv"_s));
    QVERIFY(wrong.error);
    QCOMPARE(wrong.error->field, u"columns"_s);
}

void tst_QueryLogReader::parameters()
{
    QStringList literals;
    QVERIFY(
        PgLog::parseParameters(u"parameters: $1 = '42', $3 = NULL, $2 = 'a'', $2 = b'", literals));
    QCOMPARE(literals, (QStringList { u"'42'"_s, u"'a'', $2 = b'"_s, u"NULL"_s }));
    QCOMPARE(PgLog::bindParameters(u"select $1, $2, $3, $10, '$1', \"$2\" -- $3", literals),
        u"select '42', 'a'', $2 = b', NULL, $10, '$1', \"$2\" -- $3"_s);
    QVERIFY(!PgLog::parseParameters(u"parameters: $1 = '4", literals)); // cut off
    QVERIFY(!PgLog::parseParameters(u"prepare: select 1", literals));
    QVERIFY(!PgLog::parseParameters(u"parameters: $1 = 42", literals));

    QString out;
    QVERIFY(PgLog::bindSqlExecute(u"EXECUTE p (1, 'x,y', f(2, 3))",
        u"prepare: PREPARE p (int, text, int) AS select $1, $2, $3", out));
    QCOMPARE(out, u"select 1, 'x,y', f(2, 3)"_s);
    QVERIFY(PgLog::bindSqlExecute(u"execute s", u"prepare: select now()", out));
    QCOMPARE(out, u"select now()"_s);
    QVERIFY(!PgLog::bindSqlExecute(u"select 1", u"prepare: select 2", out));
    QVERIFY(!PgLog::bindSqlExecute(u"execute s(1", u"prepare: select $1", out));

    const PgLog::Message m = PgLog::parseMessage(u"duration: 12.5 ms  execute S_1/C_2: select 1");
    QCOMPARE(int(m.kind), int(PgLog::Message::Kind::Execute));
    QCOMPARE(m.durationUs, 12500);
    QCOMPARE(m.text.toString(), u"select 1"_s);
    QCOMPARE(
        int(PgLog::parseMessage(u"duration: 1.000 ms").kind), int(PgLog::Message::Kind::Duration));
    QCOMPARE(int(PgLog::parseMessage(u"duration: 1.000 ms  plan:\nQuery Text: x").kind),
        int(PgLog::Message::Kind::Other));
    QCOMPARE(int(PgLog::parseMessage(u"connection received: host=x").kind),
        int(PgLog::Message::Kind::Other));
}

void tst_QueryLogReader::timestamps()
{
    qint64 us = 0;
    bool known = false;
    QVERIFY(PgLog::parseTimestamp("2024-05-01 12:00:01.500 UTC", us, known));
    QCOMPARE(us, Q_INT64_C(1714564801500000));
    QVERIFY(known);
    QVERIFY(PgLog::parseTimestamp("2024-05-01 12:00:01 -03:30", us, known));
    QCOMPARE(us, Q_INT64_C(1714564801000000) + Q_INT64_C(12600000000));
    QVERIFY(PgLog::parseTimestamp("1714564801.500", us, known)); // %n
    QCOMPARE(us, Q_INT64_C(1714564801500000));
    QVERIFY(PgLog::parseTimestamp("1999-12-31 23:59:59.999999 PST", us, known));
    QVERIFY(!known);
    QCOMPARE(us, Q_INT64_C(946684799999999));
    QVERIFY(!PgLog::parseTimestamp("2024-13-01 12:00:00 UTC", us, known));
    QVERIFY(!PgLog::parseTimestamp("yesterday", us, known));
}

void tst_QueryLogReader::prefixMatching()
{
    const Result<PgLog::LinePrefix> p = PgLog::LinePrefix::compile(u"%m|%u|%d|%c|"_s);
    QVERIFY(p);
    PgLog::LinePrefix::Match m;
    const QByteArray line = "2024-05-01 12:00:01.500 UTC|u|d|65f0.1a|LOG:  statement: x|y";
    QVERIFY(p->match(line.cbegin(), line.cend(), m));
    QCOMPARE(m.session.toByteArray(), QByteArray("65f0.1a"));
    QCOMPARE(m.severity.toByteArray(), QByteArray("LOG"));
    QCOMPARE(m.message.toByteArray(), QByteArray("statement: x|y"));
    const QByteArray noSeverity = "2024-05-01 12:00:01.500 UTC|u|d|65f0.1a|hello";
    QVERIFY(!p->match(noSeverity.cbegin(), noSeverity.cend(), m));
    // %q: a process without a session stops there; %% is a percent sign; padding trims.
    const Result<PgLog::LinePrefix> q = PgLog::LinePrefix::compile(u"%%%t %q%-8u@%d "_s);
    QVERIFY(q);
    const QByteArray background = "%2024-05-01 12:00:01 UTC LOG:  checkpoint starting";
    QVERIFY(q->match(background.cbegin(), background.cend(), m));
    QCOMPARE(m.user.toByteArray(), QByteArray());
    const QByteArray session = "%2024-05-01 12:00:01 UTC bob     @db LOG:  statement: s";
    QVERIFY(q->match(session.cbegin(), session.cend(), m));
    QCOMPARE(m.user.toByteArray(), QByteArray("bob"));
    QCOMPARE(m.database.toByteArray(), QByteArray("db"));
    QVERIFY(!PgLog::LinePrefix::compile(u"%m %"_s));
}

QTEST_GUILESS_MAIN(tst_QueryLogReader)
#include "tst_querylogreader.moc"
