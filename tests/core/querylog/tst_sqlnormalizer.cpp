// The SQL normalizer (templates, parameters, tables, kinds) and the session classifier, on
// hand-written statements whose expected templates were worked out from the rules in
// src/core/querylog/sqlnormalizer.h.

#include "core/querylog/sqllexer.h"
#include "core/querylog/sqlnormalizer.h"

#include <QTest>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(CacheScope::StatementKind)

namespace {

/// FNV-1a 64 then splitmix64's finaliser, written out again here so the test does not read the
/// normalizer's own hash: the id is a function of the template text alone.
quint64 referenceId(const QByteArray &text)
{
    quint64 h = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

} // namespace

class tst_SqlNormalizer : public QObject
{
    Q_OBJECT

private slots:
    void templates_data();
    void templates();
    void sameTemplateDifferentKeys();
    void templateIdIsStable();
    void lexerTokens();
    void tables_data();
    void tables();
    void kinds_data();
    void kinds();
    void transactionThatWrote();
    void temporaryTables();
    void anyTextIsAResult();
};

void tst_SqlNormalizer::templates_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("templateText");
    QTest::addColumn<QStringList>("parameters");

    QTest::newRow("spaces and case")
        << u"SELECT *  FROM t\n\tWHERE id=2;"_s << u"select * from t where id = $1"_s
        << QStringList { u"2"_s };
    QTest::newRow("strings") << u"select 'it''s', E'a\\'b\\n', $$x;y$$, $tag$ $$ $tag$"_s
                             << u"select $1, $2, $3, $4"_s
                             << QStringList { u"it's"_s, u"a'b\n"_s, u"x;y"_s, u" $$ "_s };
    QTest::newRow("quoted identifiers")
        << u"SELECT \"Name\" FROM \"MySchema\".\"Users\" WHERE \"id\" = 5"_s
        << u"select \"Name\" from \"MySchema\".\"Users\" where \"id\" = $1"_s
        << QStringList { u"5"_s };
    QTest::newRow("numbers and signs")
        << u"select 1.5e3, .5, -1, a-1, a - -2, 0x1F, (-3) from t"_s
        << u"select $1, $2, $3, a - $4, a - $5, $6, ($7) from t"_s
        << QStringList { u"1.5e3"_s, u".5"_s, u"-1"_s, u"1"_s, u"-2"_s, u"0x1F"_s, u"-3"_s };
    QTest::newRow("comments") << u"select /* a /* nested */ b */ 1 -- trailing\n from t"_s
                              << u"select $1 from t"_s << QStringList { u"1"_s };
    QTest::newRow("in list") << u"select * from t where id IN (1, 2,3) and name = 'x'"_s
                             << u"select * from t where id in (...) and name = $2"_s
                             << QStringList { u"1,2,3"_s, u"x"_s };
    QTest::newRow("in list with a column")
        << u"select * from t where id in (1, a)"_s << u"select * from t where id in ($1, a)"_s
        << QStringList { u"1"_s };
    QTest::newRow("values rows") << u"INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')"_s
                                 << u"insert into t(a, b) values (...), (...)"_s
                                 << QStringList { u"1,x"_s, u"2,y"_s };
    QTest::newRow("casts and placeholders")
        << u"select $1::int, '5'::text, x::date from t where a = $2 and b = 3"_s
        << u"select $1::int, $3::text, x::date from t where a = $2 and b = $4"_s
        << QStringList { u"5"_s, u"3"_s };
    QTest::newRow("typed literals")
        << u"select * from t where d > DATE '2024-01-01' and i < interval '1 day'"_s
        << u"select * from t where d > $1 and i < $2"_s
        << QStringList { u"2024-01-01"_s, u"1 day"_s };
    QTest::newRow("booleans and null")
        << u"update t set flag = TRUE, x = NULL where id = 7"_s
        << u"update t set flag = $1, x = null where id = $2"_s << QStringList { u"true"_s, u"7"_s };
    QTest::newRow("function call") << u"SELECT count(*), lower(name) FROM t"_s
                                   << u"select count(*), lower(name) from t"_s << QStringList {};
    QTest::newRow("operators") << u"select a->>'k', b <> 1, c>=2 from t"_s
                               << u"select a ->> $1, b <> $2, c >= $3 from t"_s
                               << QStringList { u"k"_s, u"1"_s, u"2"_s };
    QTest::newRow("unterminated string")
        << u"select 'abc"_s << u"select $1"_s << QStringList { u"abc"_s };
}

void tst_SqlNormalizer::templates()
{
    QFETCH(QString, sql);
    QFETCH(QString, templateText);
    QFETCH(QStringList, parameters);
    const NormalizedStatement st = normalizeStatement(sql);
    QCOMPARE(st.templateText, templateText);
    QCOMPARE(st.parameters, parameters);
    QCOMPARE(st.templateId, referenceId(templateText.toUtf8()));
}

void tst_SqlNormalizer::sameTemplateDifferentKeys()
{
    const NormalizedStatement a = normalizeStatement(u"select * from t where id = 1"_s);
    const NormalizedStatement b = normalizeStatement(u"SELECT *  FROM t WHERE id=2;"_s);
    const NormalizedStatement c = normalizeStatement(u"select * from t where id = '1'"_s);
    QCOMPARE(a.templateText, b.templateText);
    QCOMPARE(a.templateId, b.templateId);
    QVERIFY(a.parameterKey != b.parameterKey);
    // The same values give the same key; a string '1' is the same value as the number 1 here
    // (parameters are text), which is what a cache keyed on the bound text would see too.
    QCOMPARE(a.parameterKey, normalizeStatement(u"select * from t where id = 1;"_s).parameterKey);
    QCOMPARE(a.parameterKey, c.parameterKey);
    // Order matters.
    QVERIFY(normalizeStatement(u"select 1, 2"_s).parameterKey
        != normalizeStatement(u"select 2, 1"_s).parameterKey);
}

void tst_SqlNormalizer::templateIdIsStable()
{
    // Worked out once with an independent FNV-1a/splitmix64 (Python), so a change of the hash
    // or of the template's spelling shows here.
    const NormalizedStatement st = normalizeStatement(u"select * from t where id = 42"_s);
    QCOMPARE(st.templateText, u"select * from t where id = $1"_s);
    QCOMPARE(st.templateId, Q_UINT64_C(0xed0f86b68499838e));
    QCOMPARE(st.parameterKey, Q_UINT64_C(0xb5363283727150c3));
}

void tst_SqlNormalizer::lexerTokens()
{
    const QString sql = u"select e'\\'' || $a$x$a$ from \"q\"\"x\" where a::int = $12 -- c"_s;
    const QList<SqlToken> tokens = tokenizeSql(sql);
    QList<SqlTokenType> types;
    for (const SqlToken &t : tokens)
        types << t.type;
    using T = SqlTokenType;
    QCOMPARE(types,
        (QList<T> { T::Word, T::String, T::Operator, T::DollarString, T::Word, T::QuotedIdentifier,
            T::Word, T::Word, T::Cast, T::Word, T::Operator, T::Placeholder }));
    QCOMPARE(sqlStringValue(sql, tokens[1]), u"'"_s);
    QCOMPARE(sqlStringValue(sql, tokens[3]), u"x"_s);
    QCOMPARE(sqlIdentifierValue(sql, tokens[5]), u"q\"x"_s);
    QCOMPARE(sqlQuoted(u"it's"), u"'it''s'"_s);
}

void tst_SqlNormalizer::tables_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("tables");

    QTest::newRow("from list, joins, subqueries")
        << u"select * from a, b as bb, Public.C join d on d.id = a.id left join (select * from "
           "e) x on true where a.id in (select id from f)"_s
        << QStringList { u"a"_s, u"b"_s, u"public.c"_s, u"d"_s, u"e"_s, u"f"_s };
    QTest::newRow("quoted") << u"select * from \"S\".\"T\" t"_s << QStringList { u"S.T"_s };
    QTest::newRow("cte is no table")
        << u"with recent as (select * from orders where ts > 5) select * from recent join "
           "users u on u.id = recent.uid"_s
        << QStringList { u"orders"_s, u"users"_s };
    QTest::newRow("extract from") << u"select extract(year from d) from t"_s
                                  << QStringList { u"t"_s };
    QTest::newRow("function in from")
        << u"select * from generate_series(1, 10) g"_s << QStringList {};
    QTest::newRow("is distinct from")
        << u"select a is distinct from b from t"_s << QStringList { u"t"_s };
    QTest::newRow("each once") << u"select * from t join t t2 on true"_s << QStringList { u"t"_s };
    QTest::newRow("update writes its target")
        << u"update t set a = 1 from u where t.id = u.id"_s << QStringList { u"t"_s };
    QTest::newRow("delete") << u"delete from only t using u where t.id = u.id"_s
                            << QStringList { u"t"_s };
    QTest::newRow("insert select")
        << u"insert into s.t (a) select a from u"_s << QStringList { u"s.t"_s };
    QTest::newRow("truncate") << u"TRUNCATE TABLE a, ONLY b"_s << QStringList { u"a"_s, u"b"_s };
    QTest::newRow("merge")
        << u"merge into t using s on t.id = s.id when matched then update set v = s.v when not "
           "matched then insert values (s.id, s.v)"_s
        << QStringList { u"t"_s };
    QTest::newRow("data-modifying cte")
        << u"with x as (delete from t returning *) select * from x"_s << QStringList { u"t"_s };
    QTest::newRow("table command") << u"TABLE t"_s << QStringList { u"t"_s };
    QTest::newRow("for update of")
        << u"select * from t for update of t"_s << QStringList { u"t"_s };
}

void tst_SqlNormalizer::tables()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, tables);
    QCOMPARE(normalizeStatement(sql).tables, tables);
}

void tst_SqlNormalizer::kinds_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<StatementKind>("kind");
    QTest::addColumn<QString>("reason");

    const auto R = StatementKind::Read;
    const auto W = StatementKind::Write;
    const auto U = StatementKind::Uncacheable;
    const auto C = StatementKind::Control;
    QTest::newRow("select") << u"select * from t"_s << R << QString();
    QTest::newRow("parenthesised select") << u"(select 1) union (select 2)"_s << R << QString();
    QTest::newRow("with select") << u"with a as (select 1) select * from a"_s << R << QString();
    QTest::newRow("values") << u"VALUES (1, 2)"_s << R << QString();
    QTest::newRow("table") << u"table t"_s << R << QString();
    QTest::newRow("insert") << u"insert into t values (now())"_s << W << QString();
    QTest::newRow("update") << u"UPDATE t SET a = random()"_s << W << QString();
    QTest::newRow("delete") << u"delete from t"_s << W << QString();
    QTest::newRow("truncate") << u"truncate t"_s << W << QString();
    QTest::newRow("merge") << u"merge into t using s on true when matched then delete"_s << W
                           << QString();
    QTest::newRow("with insert") << u"with a as (select 1) insert into t select * from a"_s << W
                                 << QString();
    QTest::newRow("now()") << u"select now()"_s << U << u"calls now()"_s;
    QTest::newRow("qualified now()") << u"select pg_catalog.now()"_s << U << u"calls now()"_s;
    QTest::newRow("current_timestamp")
        << u"SELECT * FROM t WHERE ts < CURRENT_TIMESTAMP"_s << U << u"calls current_timestamp"_s;
    QTest::newRow("random()") << u"select * from t order by random() limit 1"_s << U
                              << u"calls random()"_s;
    QTest::newRow("nextval") << u"select nextval('s')"_s << U << u"calls nextval()"_s;
    QTest::newRow("column named now") << u"select now from t"_s << R << QString();
    QTest::newRow("for update") << u"select * from t where id = 1 for update"_s << U
                                << u"SELECT ... FOR UPDATE"_s;
    QTest::newRow("for share") << u"select * from t for share"_s << U << u"SELECT ... FOR SHARE"_s;
    QTest::newRow("for no key update")
        << u"select * from t for no key update"_s << U << u"SELECT ... FOR NO KEY UPDATE"_s;
    QTest::newRow("for key share")
        << u"select * from t for key share"_s << U << u"SELECT ... FOR KEY SHARE"_s;
    QTest::newRow("select into") << u"select * into t2 from t"_s << U << u"SELECT ... INTO"_s;
    QTest::newRow("create") << u"CREATE TABLE x (a int)"_s << U << u"DDL"_s;
    QTest::newRow("alter") << u"alter table x add b int"_s << U << u"DDL"_s;
    QTest::newRow("drop") << u"drop table x"_s << U << u"DDL"_s;
    QTest::newRow("grant") << u"grant select on x to y"_s << U << u"DDL"_s;
    QTest::newRow("comment") << u"comment on table x is 'y'"_s << U << u"DDL"_s;
    QTest::newRow("copy") << u"copy t from stdin"_s << U << u"COPY"_s;
    QTest::newRow("set") << u"SET search_path = x"_s << U << u"SET"_s;
    QTest::newRow("reset") << u"reset all"_s << U << u"RESET"_s;
    QTest::newRow("show") << u"show work_mem"_s << U << u"SHOW"_s;
    QTest::newRow("listen") << u"listen c"_s << U << u"LISTEN"_s;
    QTest::newRow("notify") << u"notify c, 'x'"_s << U << u"NOTIFY"_s;
    QTest::newRow("vacuum") << u"vacuum analyze t"_s << U << u"VACUUM"_s;
    QTest::newRow("analyze") << u"analyze t"_s << U << u"ANALYZE"_s;
    QTest::newRow("call") << u"call p(1)"_s << U << u"CALL"_s;
    QTest::newRow("do") << u"do $$ begin perform 1; end $$"_s << U << u"DO"_s;
    QTest::newRow("explain") << u"explain select * from t"_s << U << u"EXPLAIN"_s;
    QTest::newRow("prepare") << u"prepare p as select 1"_s << U << u"PREPARE"_s;
    QTest::newRow("execute") << u"execute p(1)"_s << U << u"EXECUTE"_s;
    QTest::newRow("deallocate") << u"deallocate p"_s << U << u"DEALLOCATE"_s;
    QTest::newRow("lock") << u"lock table t in exclusive mode"_s << U << u"LOCK"_s;
    QTest::newRow("begin") << u"BEGIN"_s << C << QString();
    QTest::newRow("start transaction")
        << u"start transaction isolation level serializable"_s << C << QString();
    QTest::newRow("commit") << u"commit"_s << C << QString();
    QTest::newRow("end") << u"end"_s << C << QString();
    QTest::newRow("rollback") << u"rollback"_s << C << QString();
    QTest::newRow("abort") << u"abort"_s << C << QString();
    QTest::newRow("savepoint") << u"savepoint s"_s << C << QString();
    QTest::newRow("release") << u"release savepoint s"_s << C << QString();
    QTest::newRow("empty") << u"  -- nothing\n"_s << U << u"empty statement"_s;
    QTest::newRow("gibberish") << u"frobnicate the table"_s << U
                               << u"unrecognised statement FROBNICATE"_s;
}

void tst_SqlNormalizer::kinds()
{
    QFETCH(QString, sql);
    QFETCH(StatementKind, kind);
    QFETCH(QString, reason);
    const NormalizedStatement st = normalizeStatement(sql);
    QCOMPARE(int(st.kind), int(kind));
    QCOMPARE(st.reason, reason);
}

void tst_SqlNormalizer::transactionThatWrote()
{
    StatementClassifier c;
    const QByteArray a = "a";
    const QByteArray b = "b";
    QCOMPARE(int(c.classify(a, u"BEGIN"_s).kind), int(StatementKind::Control));
    QCOMPARE(c.openTransactions(), 1);
    // A read before the write in the transaction is still a read.
    QCOMPARE(int(c.classify(a, u"select * from t where id = 1"_s).kind), int(StatementKind::Read));
    QCOMPARE(
        int(c.classify(a, u"update t set v = 2 where id = 1"_s).kind), int(StatementKind::Write));
    NormalizedStatement st = c.classify(a, u"select * from t where id = 1"_s);
    QCOMPARE(int(st.kind), int(StatementKind::Uncacheable));
    QCOMPARE(st.reason, u"inside a transaction that wrote"_s);
    // Another session is not inside a's transaction.
    QCOMPARE(int(c.classify(b, u"select * from t where id = 1"_s).kind), int(StatementKind::Read));
    // ROLLBACK TO SAVEPOINT stays in the transaction.
    QCOMPARE(int(c.classify(a, u"rollback to savepoint s1"_s).kind), int(StatementKind::Control));
    QCOMPARE(int(c.classify(a, u"select 1 from t"_s).kind), int(StatementKind::Uncacheable));
    QCOMPARE(c.openTransactions(), 1);
    QCOMPARE(int(c.classify(a, u"COMMIT"_s).kind), int(StatementKind::Control));
    QCOMPARE(c.openTransactions(), 0);
    QCOMPARE(int(c.classify(a, u"select * from t where id = 1"_s).kind), int(StatementKind::Read));
    // Without BEGIN (autocommit) a write does not taint the next read.
    QCOMPARE(int(c.classify(b, u"delete from t"_s).kind), int(StatementKind::Write));
    QCOMPARE(int(c.classify(b, u"select * from t"_s).kind), int(StatementKind::Read));
    // START TRANSACTION ... ROLLBACK, DDL counts as a change.
    c.classify(b, u"start transaction"_s);
    c.classify(b, u"create index on t (v)"_s);
    QCOMPARE(int(c.classify(b, u"select * from t"_s).kind), int(StatementKind::Uncacheable));
    c.classify(b, u"rollback"_s);
    QCOMPARE(int(c.classify(b, u"select * from t"_s).kind), int(StatementKind::Read));
}

void tst_SqlNormalizer::temporaryTables()
{
    StatementClassifier c;
    const QByteArray s = "s";
    NormalizedStatement st = c.classify(s, u"CREATE TEMP TABLE tmp_x (a int)"_s);
    QCOMPARE(int(st.kind), int(StatementKind::Uncacheable));
    QCOMPARE(st.reason, u"DDL"_s);
    st = c.classify(s, u"select * from tmp_x join t on true"_s);
    QCOMPARE(int(st.kind), int(StatementKind::Uncacheable));
    QCOMPARE(st.reason, u"reads temporary table tmp_x"_s);
    st = c.classify(s, u"select * from pg_temp.tmp_x"_s);
    QCOMPARE(st.reason, u"reads temporary table tmp_x"_s);
    st = c.classify(s, u"insert into tmp_x values (1)"_s);
    QCOMPARE(int(st.kind), int(StatementKind::Write));
    QCOMPARE(st.reason, u"writes temporary table tmp_x"_s);
    // Another session has no such temporary table: a table of that name there is a real one.
    QCOMPARE(int(c.classify("other", u"select * from tmp_x"_s).kind), int(StatementKind::Read));
    // A schema-qualified name is not the temporary table.
    QCOMPARE(int(c.classify(s, u"select * from public.tmp_x"_s).kind), int(StatementKind::Read));
    c.classify(s, u"drop table tmp_x"_s);
    QCOMPARE(int(c.classify(s, u"select * from tmp_x"_s).kind), int(StatementKind::Read));

    st = c.classify(s, u"select * into temporary table t2 from t"_s);
    QCOMPARE(st.reason, u"SELECT ... INTO"_s);
    QCOMPARE(c.classify(s, u"select * from t2"_s).reason, u"reads temporary table t2"_s);
    c.classify(s, u"CREATE LOCAL TEMPORARY TABLE IF NOT EXISTS \"Tmp\" (a int)"_s);
    QCOMPARE(c.classify(s, u"select * from \"Tmp\""_s).reason, u"reads temporary table Tmp"_s);
    QCOMPARE(int(c.classify(s, u"select * from tmp"_s).kind), int(StatementKind::Read));
    c.classify(s, u"discard all"_s);
    QCOMPARE(int(c.classify(s, u"select * from t2"_s).kind), int(StatementKind::Read));
}

void tst_SqlNormalizer::anyTextIsAResult()
{
    // Unterminated constructs run to the end; odd bytes are tokens; nothing crashes.
    for (const QString &sql : QStringList { u"select \"abc"_s, u"select $$abc"_s,
             u"select /* abc"_s, u"((((("_s, u")))"_s, u"select E'\\"_s, u"-"_s, u"$"_s, u"::"_s,
             u"in ("_s, u"values (1,"_s, u"with"_s, u"with x as"_s, u"from"_s, u"select * from"_s,
             u"update"_s, QString(u"x\u00e9\U0001F600"_s + QChar(0)) }) {
        const NormalizedStatement st = normalizeStatement(sql);
        QVERIFY(st.templateId == referenceId(st.templateText.toUtf8()));
    }
}

QTEST_GUILESS_MAIN(tst_SqlNormalizer)
#include "tst_sqlnormalizer.moc"
