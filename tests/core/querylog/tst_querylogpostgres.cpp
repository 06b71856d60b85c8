// Query logs written by a real PostgreSQL (scripts/pg: logging_collector, stderr + csvlog,
// log_line_prefix '%m|%u|%d|%c|', log_min_duration_statement = 0 for the role cachescope_log
// only). The test runs a known workload as cachescope_log through QPSQL (simple queries, QPSQL's
// prepared statements, a transaction, a temporary table, now()) and through libpq's extended
// protocol (PQexecParams, as JDBC or psycopg 3 send statements), waits for the server to write
// it, then reads both logs with the readers and checks its own session's statements, their
// parameters, templates and kinds against what it sent.

#include "core/db/connectionsettings.h"
#include "core/querylog/querylogreader.h"
#include "core/querylog/sqlnormalizer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <libpq-fe.h>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int logWaitMs = 20000; // the logging collector writes within milliseconds

PGconn *libpqHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid()
        || (qstrcmp(handle.typeName(), "pg_conn*") != 0
            && qstrcmp(handle.typeName(), "PGconn*") != 0))
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

} // namespace

class tst_QueryLogPostgres : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void readsWhatTheServerLogged_data();
    void readsWhatTheServerLogged();

private:
    bool exec(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql)) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return false;
        }
        return true;
    }
    /// The statements each log file holds for our session, in order.
    QList<LoggedStatement> ourStatements(const QString &path, QueryLogFormat expected);

    QString m_logDir;
    QString m_run; // unique per run: marks our session in logs that keep growing
    QString m_table;
    QSqlDatabase m_db;
    qint64 m_startUs = 0;
    bool m_ready = false;
};

void tst_QueryLogPostgres::initTestCase()
{
    m_logDir = qEnvironmentVariable("CACHESCOPE_PG_LOG_DIR");
    if (m_logDir.isEmpty())
        QSKIP("CACHESCOPE_PG_LOG_DIR is not set: start the test server with "
              "eval \"$(scripts/pg start)\" (it logs the role cachescope_log's statements)");
    const Result<ConnectionSettings> env = postgresSettingsFromEnvironment();
    QVERIFY2(env, qPrintable(env ? QString() : env.error().toString()));
    m_run = QString::number(QRandomGenerator::global()->generate64() >> 1, 36);
    m_table = u"qlog_"_s + m_run;
    m_db = QSqlDatabase::addDatabase(u"QPSQL"_s, u"tst-querylog"_s);
    m_db.setHostName(env->host);
    m_db.setPort(env->port);
    m_db.setDatabaseName(env->database);
    m_db.setUserName(u"cachescope_log"_s);
    m_db.setPassword(u"cachescope"_s);
    m_db.setConnectOptions(u"connect_timeout=5;application_name=tst_querylogpostgres"_s);
    QVERIFY2(m_db.open(), qPrintable(m_db.lastError().text()));
    m_startUs = QDateTime::currentMSecsSinceEpoch() * 1000;

    // The workload; the expected statements are in readsWhatTheServerLogged_data().
    QVERIFY(exec(u"SELECT 'qlog-%1' AS marker"_s.arg(m_run)));
    QVERIFY(exec(u"CREATE TABLE %1 (id int PRIMARY KEY, name text)"_s.arg(m_table)));
    QVERIFY(exec(u"INSERT INTO %1 VALUES (1, 'one'), (2, 'it''s')"_s.arg(m_table)));
    {
        // Qt 6.4's QPSQL sends "PREPARE qpsqlpstmt_N AS ... $1" and "EXECUTE qpsqlpstmt_N
        // (values)" as simple queries; the log has the EXECUTE with a "prepare:" DETAIL.
        QSqlQuery q(m_db);
        QVERIFY(q.prepare(u"SELECT name FROM %1 WHERE id = ?"_s.arg(m_table)));
        for (const int id : { 1, 2 }) {
            q.addBindValue(id);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QVERIFY(q.next());
        }
        QSqlQuery s(m_db);
        QVERIFY(s.prepare(u"SELECT id FROM %1 WHERE name = ?"_s.arg(m_table)));
        s.addBindValue(u"it's"_s);
        QVERIFY2(s.exec(), qPrintable(s.lastError().text()));
        QVERIFY(s.next());
        QCOMPARE(s.value(0).toInt(), 2);
    }
    QVERIFY(exec(u"SELECT id,\n       name\n  FROM %1\n WHERE id = 2"_s.arg(m_table)));
    QVERIFY(m_db.transaction());
    QVERIFY(exec(u"UPDATE %1 SET name = 'uno' WHERE id = 1"_s.arg(m_table)));
    QVERIFY(exec(u"SELECT name FROM %1 WHERE id = 1"_s.arg(m_table)));
    QVERIFY(m_db.commit());
    QVERIFY(exec(u"CREATE TEMP TABLE qlog_tmp (a int)"_s));
    QVERIFY(exec(u"INSERT INTO qlog_tmp VALUES (1)"_s));
    QVERIFY(exec(u"SELECT a FROM qlog_tmp"_s));
    QVERIFY(exec(u"SELECT now()"_s));
    {
        // The extended protocol with text parameters: a quote and a NULL.
        PGconn *conn = libpqHandle(m_db);
        QVERIFY(conn);
        const QByteArray sql
            = u"SELECT name FROM %1 WHERE id = $1 OR name = $2 OR name = $3"_s.arg(m_table)
                  .toUtf8();
        const char *values[3] = { "1", "O'Brien", nullptr };
        PGresult *r = PQexecParams(conn, sql.constData(), 3, nullptr, values, nullptr, nullptr, 0);
        const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        const QByteArray message = PQresultErrorMessage(r);
        PQclear(r);
        QVERIFY2(ok, message.constData());
    }
    QVERIFY(exec(u"DROP TABLE %1"_s.arg(m_table)));
    QVERIFY(exec(u"SELECT 'qlog-%1-end'"_s.arg(m_run)));
    m_ready = true;
}

void tst_QueryLogPostgres::cleanupTestCase()
{
    if (m_db.isOpen()) {
        if (!m_ready) // the workload drops its table when it gets that far
            QSqlQuery(m_db).exec(u"DROP TABLE IF EXISTS %1"_s.arg(m_table));
        m_db.close();
    }
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"tst-querylog"_s);
}

QList<LoggedStatement> tst_QueryLogPostgres::ourStatements(
    const QString &path, QueryLogFormat expected)
{
    // Wait until the server has written our last statement (the collector is asynchronous).
    const QByteArray end = u"SELECT 'qlog-%1-end'"_s.arg(m_run).toUtf8();
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(end))
            break;
        if (timer.elapsed() > logWaitMs) {
            qWarning(
                "%s does not hold our last statement after %d ms", qPrintable(path), logWaitMs);
            return {};
        }
        QThread::msleep(50);
    }
    Result<std::unique_ptr<QueryLogReader>> opened = QueryLogReader::open(path);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().toString()));
        return {};
    }
    QueryLogReader &reader = **opened;
    if (reader.format() != expected) {
        qWarning(
            "%s read as %s", qPrintable(path), qPrintable(queryLogFormatName(reader.format())));
        return {};
    }
    // Our session is the one that sent the marker; everything else (other runs, the server's own
    // messages) is left out.
    const QString marker = u"SELECT 'qlog-%1' AS marker"_s.arg(m_run);
    QList<LoggedStatement> all;
    QByteArray session;
    for (;;) {
        LoggedStatement s;
        const Result<bool> r = reader.next(s);
        if (!r) {
            qWarning("%s", qPrintable(r.error().toString()));
            return {};
        }
        if (!*r)
            break;
        if (s.text == marker)
            session = s.session;
        all << s;
    }
    QList<LoggedStatement> ours;
    bool started = false;
    for (const LoggedStatement &s : std::as_const(all)) {
        if (session.isEmpty() || s.session != session)
            continue;
        started = started || s.text == marker; // QPSQL's own set-up statements come before
        if (started)
            ours << s;
    }
    return ours;
}

void tst_QueryLogPostgres::readsWhatTheServerLogged_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("format");
    QTest::newRow("csvlog") << u"postgresql.csv"_s << int(QueryLogFormat::PgCsv);
    QTest::newRow("stderr") << u"postgresql.log"_s << int(QueryLogFormat::PgStderr);
}

void tst_QueryLogPostgres::readsWhatTheServerLogged()
{
    QVERIFY(m_ready);
    QFETCH(QString, file);
    QFETCH(int, format);
    const QList<LoggedStatement> ours
        = ourStatements(m_logDir + u'/' + file, QueryLogFormat(format));
    QVERIFY(!ours.isEmpty());

    const QString t = m_table;
    // What was sent, as the log's statements read back: QPSQL's EXECUTE bound into its prepared
    // text, PQexecParams' parameters bound as literals (the quote doubled, NULL as NULL).
    const QStringList expected {
        u"SELECT 'qlog-%1' AS marker"_s.arg(m_run),
        u"CREATE TABLE %1 (id int PRIMARY KEY, name text)"_s.arg(t),
        u"INSERT INTO %1 VALUES (1, 'one'), (2, 'it''s')"_s.arg(t),
        u"SELECT name FROM %1 WHERE id = 1"_s.arg(t),
        u"SELECT name FROM %1 WHERE id = 2"_s.arg(t),
        u"SELECT id FROM %1 WHERE name = 'it''s'"_s.arg(t),
        u"SELECT id,\n       name\n  FROM %1\n WHERE id = 2"_s.arg(t),
        u"BEGIN"_s,
        u"UPDATE %1 SET name = 'uno' WHERE id = 1"_s.arg(t),
        u"SELECT name FROM %1 WHERE id = 1"_s.arg(t),
        u"COMMIT"_s,
        u"CREATE TEMP TABLE qlog_tmp (a int)"_s,
        u"INSERT INTO qlog_tmp VALUES (1)"_s,
        u"SELECT a FROM qlog_tmp"_s,
        u"SELECT now()"_s,
        u"SELECT name FROM %1 WHERE id = '1' OR name = 'O''Brien' OR name = NULL"_s.arg(t),
        u"DROP TABLE %1"_s.arg(t),
        u"SELECT 'qlog-%1-end'"_s.arg(m_run),
    };
    // QPSQL's own PREPARE and DEALLOCATE around its EXECUTEs are statements too (Uncacheable);
    // they are not what the test sent.
    QStringList got;
    QList<LoggedStatement> kept;
    for (const LoggedStatement &s : ours) {
        const NormalizedStatement n = normalizeStatement(s.text);
        if (n.reason == u"DEALLOCATE"_s || n.reason == u"PREPARE"_s)
            continue;
        got << s.text;
        kept << s;
    }
    QCOMPARE(got, expected);

    // Every statement carries what the server logged with it.
    const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    for (const LoggedStatement &s : std::as_const(kept)) {
        QCOMPARE(s.user, QByteArray("cachescope_log"));
        QCOMPARE(s.database, QByteArray(qgetenv("CACHESCOPE_PG_DB")));
        QVERIFY2(s.durationUs >= 0, qPrintable(s.text)); // log_min_duration_statement = 0
        QVERIFY2(s.timeUs >= m_startUs - 60'000'000 && s.timeUs <= nowUs + 60'000'000,
            qPrintable(s.text));
        QVERIFY(s.line > 0);
    }
    for (qsizetype i = 1; i < kept.size(); ++i)
        QVERIFY(kept[i].line > kept[i - 1].line && kept[i].timeUs >= kept[i - 1].timeUs);

    // Templates: the prepared point query ran three times (twice prepared, once in the
    // transaction) with 1, 2, 1.
    StatementClassifier classifier;
    QHash<quint64, QStringList> parametersByTemplate;
    QList<NormalizedStatement> classified;
    for (const LoggedStatement &s : std::as_const(kept)) {
        classified << classifier.classify(s.session, s.text);
        parametersByTemplate[classified.last().templateId] += classified.last().parameters;
    }
    const NormalizedStatement point
        = normalizeStatement(u"select name from %1 where id = 0"_s.arg(t));
    QCOMPARE(point.templateText, u"select name from %1 where id = $1"_s.arg(t));
    QCOMPARE(
        parametersByTemplate.value(point.templateId), (QStringList { u"1"_s, u"2"_s, u"1"_s }));
    QCOMPARE(classified[5].parameters, QStringList { u"it's"_s });
    QCOMPARE(classified[15].parameters, (QStringList { u"1"_s, u"O'Brien"_s }));
    QCOMPARE(classified[15].tables, QStringList { t });
    QCOMPARE(classified[2].parameters, (QStringList { u"1,one"_s, u"2,it's"_s }));

    // Kinds, with the session rules.
    const auto kind = [&](int i) { return classified[i].kind; };
    QCOMPARE(kind(0), StatementKind::Read);
    QCOMPARE(kind(1), StatementKind::Uncacheable); // CREATE TABLE
    QCOMPARE(classified[1].reason, u"DDL"_s);
    QCOMPARE(kind(2), StatementKind::Write);
    QCOMPARE(classified[2].tables, QStringList { t });
    for (const int read : { 3, 4, 5, 6 }) {
        QCOMPARE(kind(read), StatementKind::Read);
        QCOMPARE(classified[read].tables, QStringList { t });
    }
    QCOMPARE(kind(7), StatementKind::Control); // BEGIN
    QCOMPARE(kind(8), StatementKind::Write);
    QCOMPARE(kind(9), StatementKind::Uncacheable);
    QCOMPARE(classified[9].reason, u"inside a transaction that wrote"_s);
    QCOMPARE(kind(10), StatementKind::Control); // COMMIT
    QCOMPARE(kind(12), StatementKind::Write);
    QCOMPARE(classified[12].reason, u"writes temporary table qlog_tmp"_s);
    QCOMPARE(kind(13), StatementKind::Uncacheable);
    QCOMPARE(classified[13].reason, u"reads temporary table qlog_tmp"_s);
    QCOMPARE(kind(14), StatementKind::Uncacheable);
    QCOMPARE(classified[14].reason, u"calls now()"_s);
    QCOMPARE(kind(15), StatementKind::Read);
    QCOMPARE(classifier.openTransactions(), 0);
}

QTEST_GUILESS_MAIN(tst_QueryLogPostgres)
#include "tst_querylogpostgres.moc"
