// SqlTemplate and the cache key scheme: ids, packing, what a write invalidates, and which
// custom SQL is accepted before any database sees it. The database side is in
// tst_sqlitedatabase and tst_postgresdatabase.

#include "core/db/cachekey.h"
#include "core/db/sqltemplate.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace CacheScope;

class tst_SqlTemplate : public QObject
{
    Q_OBJECT

private slots:
    void keyPacksTemplateIdAndParameter()
    {
        // Worked by hand: id 3 in the top byte, 1000 = 0x3E8 in the low 56 bits.
        QCOMPARE(cacheKey(3, 1000), Key(0x0300'0000'0000'03E8ULL));
        QCOMPARE(cacheKeyTemplateId(Key(0x0300'0000'0000'03E8ULL)), quint8(3));
        QCOMPARE(cacheKeyParameter(Key(0x0300'0000'0000'03E8ULL)), qint64(1000));
        // The largest parameter survives; one more wraps into the template id's neighbour (mod
        // 2^56).
        const qint64 largest = (qint64(1) << 56) - 1;
        QCOMPARE(cacheKeyParameter(cacheKey(1, largest)), largest);
        QCOMPARE(cacheKeyTemplateId(cacheKey(1, largest)), quint8(1));
        QCOMPARE(cacheKey(1, largest + 1), cacheKey(1, 0));
        // Raw keys (id 0) are the plain numbers traces use.
        QCOMPARE(cacheKey(0, 12345), Key(12345));
    }

    void builtInTemplatesHaveDistinctIds()
    {
        const QList<SqlTemplate> all = { SqlTemplate::point(), SqlTemplate::range(),
            SqlTemplate::aggregate(), SqlTemplate::write() };
        QList<quint8> ids;
        for (const SqlTemplate &t : all) {
            QVERIFY(!ids.contains(t.id()));
            ids.append(t.id());
            QCOMPARE(t.id(), quint8(t.kind()));
            QCOMPARE(*SqlTemplate::builtIn(t.name()), t);
            QVERIFY(t.sql().contains(u'?'));
            QCOMPARE(cacheKeyTemplateId(t.cacheKey(9)), t.id());
            QCOMPARE(cacheKeyParameter(t.cacheKey(9)), qint64(9));
        }
        QCOMPARE(ids, QList<quint8>({ 1, 2, 3, 4 }));
        QVERIFY(!SqlTemplate::point().isWrite());
        QVERIFY(SqlTemplate::write().isWrite());
        const auto unknown = SqlTemplate::builtIn(u"scan"_s);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().field, u"query"_s);
        QCOMPARE(unknown.error().value, u"scan"_s);
    }

    void writeInvalidatesThatCustomersReads()
    {
        const QList<Key> affected = SqlTemplate::write().affectedKeys(42);
        QCOMPARE(affected,
            QList<Key>({ Key(0x0100'0000'0000'002AULL), Key(0x0200'0000'0000'002AULL),
                Key(0x0300'0000'0000'002AULL) }));
        QVERIFY(!affected.contains(SqlTemplate::point().cacheKey(43)));
        QVERIFY(SqlTemplate::point().affectedKeys(42).isEmpty());
        QVERIFY(SqlTemplate::aggregate().affectedKeys(42).isEmpty());
    }

    void customTemplateAccepted_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("write");
        QTest::newRow("select") << u"SELECT * FROM t WHERE id = :key"_s << false;
        QTest::newRow("twice") << u"SELECT * FROM t WHERE a = :key OR b = :key"_s << false;
        QTest::newRow("cast and quoted colon")
            << u"SELECT x::text, 'at 10:30 :nope' FROM t WHERE id = :key -- :comment"_s << false;
        QTest::newRow("update") << u"  update t SET n = n + 1 WHERE id = :key"_s << true;
    }

    void customTemplateAccepted()
    {
        QFETCH(QString, sql);
        QFETCH(bool, write);
        const auto custom = SqlTemplate::custom(sql, 200);
        QVERIFY2(custom, qPrintable(custom ? QString() : custom.error().toString()));
        QCOMPARE(custom->kind(), TemplateKind::Custom);
        QCOMPARE(custom->id(), quint8(200));
        QCOMPARE(custom->sql(), sql);
        QCOMPARE(custom->isWrite(), write);
        QCOMPARE(custom->cacheKey(5), cacheKey(200, 5));
        QVERIFY(custom->affectedKeys(5).isEmpty()); // unknown effects: the caller must not cache
    }

    void customTemplateRejected_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("id");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << u"  "_s << 16 << u"sql"_s << u"is empty"_s;
        QTest::newRow("no placeholder") << u"SELECT 1"_s << 16 << u"sql"_s << u"has no :key"_s;
        QTest::newRow("only in a string")
            << u"SELECT ':key'"_s << 16 << u"sql"_s << u"has no :key"_s;
        QTest::newRow("other placeholder") << u"SELECT * FROM t WHERE id = :key AND x = :x"_s << 16
                                           << u"sql"_s << u"uses the placeholder :x"_s;
        QTest::newRow("built-in id") << u"SELECT * FROM t WHERE id = :key"_s << 4
                                     << u"template id"_s << u"is not a custom template id"_s;
    }

    void customTemplateRejected()
    {
        QFETCH(QString, sql);
        QFETCH(int, id);
        QFETCH(QString, field);
        QFETCH(QString, message);
        const auto custom = SqlTemplate::custom(sql, quint8(id));
        QVERIFY(!custom);
        QCOMPARE(custom.error().field, field);
        QVERIFY2(custom.error().message.startsWith(message), qPrintable(custom.error().message));
        if (field == "sql"_L1)
            QCOMPARE(custom.error().value, sql);
    }
};

QTEST_GUILESS_MAIN(tst_SqlTemplate)
#include "tst_sqltemplate.moc"
