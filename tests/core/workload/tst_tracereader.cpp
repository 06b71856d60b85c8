#include "core/workload/tracereader.h"
#include "core/workload/csvtracereader.h"
#include "core/workload/vscsitracereader.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <set>

using namespace CacheScope;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(CacheScope::TraceFormat)
Q_DECLARE_METATYPE(CacheScope::TraceOptions)

namespace {

enum class Packing { Plain, Gzip, Xz, Zstd };

QByteArray gzipBytes(const QByteArray &data)
{
    z_stream z {};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        qFatal("deflateInit2 failed");
    QByteArray out(qsizetype(deflateBound(&z, uLong(data.size()))) + 64, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        qFatal("deflate failed");
    out.truncate(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray xzBytes(const QByteArray &data)
{
    QByteArray out(data.size() + data.size() / 2 + 1024, Qt::Uninitialized);
    std::size_t used = 0;
    if (lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, nullptr,
            reinterpret_cast<const uint8_t *>(data.constData()), std::size_t(data.size()),
            reinterpret_cast<uint8_t *>(out.data()), &used, std::size_t(out.size()))
        != LZMA_OK)
        qFatal("lzma_easy_buffer_encode failed");
    out.truncate(qsizetype(used));
    return out;
}

QByteArray zstdBytes(const QByteArray &data)
{
    QByteArray out(qsizetype(ZSTD_compressBound(std::size_t(data.size()))), Qt::Uninitialized);
    const std::size_t n = ZSTD_compress(
        out.data(), std::size_t(out.size()), data.constData(), std::size_t(data.size()), 3);
    if (ZSTD_isError(n))
        qFatal("ZSTD_compress failed");
    out.truncate(qsizetype(n));
    return out;
}

QByteArray pack(const QByteArray &data, Packing packing)
{
    switch (packing) {
    case Packing::Gzip:
        return gzipBytes(data);
    case Packing::Xz:
        return xzBytes(data);
    case Packing::Zstd:
        return zstdBytes(data);
    case Packing::Plain:
        break;
    }
    return data;
}

QString suffix(Packing packing)
{
    switch (packing) {
    case Packing::Gzip:
        return u".gz"_s;
    case Packing::Xz:
        return u".xz"_s;
    case Packing::Zstd:
        return u".zst"_s;
    case Packing::Plain:
        break;
    }
    return {};
}

template <typename T> void appendLe(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, qsizetype(sizeof(T)));
}

void appendBe32(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

QByteArray oracleRecord(quint32 time, quint64 id, quint32 size, qint64 next = -1)
{
    QByteArray r;
    appendLe<quint32>(r, time);
    appendLe<quint64>(r, id);
    appendLe<quint32>(r, size);
    appendLe<qint64>(r, next);
    return r;
}

QByteArray vscsi1Record(quint32 len, quint64 lbn, quint64 tsUs)
{
    QByteArray r;
    appendLe<quint32>(r, 7); // sn
    appendLe<quint32>(r, len); // len
    appendLe<quint32>(r, 1); // nSG
    appendLe<quint16>(r, 0x28); // cmd: READ(10)
    appendLe<quint16>(r, 0x0100); // ver: 1 << 8
    appendLe<quint64>(r, lbn);
    appendLe<quint64>(r, tsUs);
    return r;
}

QByteArray vscsi2Record(quint32 len, quint64 lbn, quint64 tsUs)
{
    QByteArray r;
    appendLe<quint16>(r, 0x2a); // cmd: WRITE(10)
    appendLe<quint16>(r, 0x0200); // ver: 2 << 8
    appendLe<quint32>(r, 7); // sn
    appendLe<quint32>(r, len);
    appendLe<quint32>(r, 1); // nSG
    appendLe<quint64>(r, lbn);
    appendLe<quint64>(r, tsUs);
    appendLe<quint64>(r, 250); // rt
    return r;
}

std::vector<Key> keysOf(const std::vector<Request> &requests)
{
    std::vector<Key> keys;
    keys.reserve(requests.size());
    for (const Request &r : requests)
        keys.push_back(r.key);
    return keys;
}

/// What one sample file should read as: keys, sizes and times.
struct Expected
{
    std::vector<Key> keys;
    std::vector<quint32> sizes;
    std::vector<quint32> times;
};

/// Three small files per format with the requests worked out by hand.
struct Sample
{
    QString name;
    TraceOptions options;
    QByteArray bytes;
    Expected expected;
};

std::vector<Sample> formatSamples()
{
    std::vector<Sample> samples;
    samples.push_back({ u"keys.txt"_s, {}, "5\n17\n5\n0\n",
        { { 5, 17, 5, 0 }, { 1, 1, 1, 1 }, { 0, 0, 0, 0 } } });

    TraceOptions csv;
    csv.csv.header = true;
    csv.csv.sizeColumn = 2;
    csv.csv.timeColumn = 3;
    samples.push_back(
        { u"requests.csv"_s, csv, "key,size,time\n10,100,1000\n11,200,1003\n10,100,1010\n",
            { { 10, 11, 10 }, { 100, 200, 100 }, { 0, 3, 10 } } });

    QByteArray oracle
        = oracleRecord(50, 3, 4096, 2) + oracleRecord(52, 9, 512) + oracleRecord(60, 3, 4096);
    samples.push_back(
        { u"t.oracleGeneral"_s, {}, oracle, { { 3, 9, 3 }, { 4096, 512, 4096 }, { 0, 2, 10 } } });

    QByteArray v1 = vscsi1Record(4096, 1000, 5000000) + vscsi1Record(512, 2000, 7500000)
        + vscsi1Record(4096, 1000, 9000000);
    samples.push_back(
        { u"v1.vscsi"_s, {}, v1, { { 1000, 2000, 1000 }, { 4096, 512, 4096 }, { 0, 2, 4 } } });

    QByteArray v2 = vscsi2Record(8192, 77, 1000000) + vscsi2Record(8192, 78, 3000000);
    samples.push_back({ u"v2.vscsi"_s, {}, v2, { { 77, 78 }, { 8192, 8192 }, { 0, 2 } } });

    QByteArray be;
    for (quint32 k : { 1u, 0x01020304u, 0xffffffffu, 1u })
        appendBe32(be, k);
    TraceOptions u32;
    u32.format = TraceFormat::U32Be;
    samples.push_back({ u"keys.bin"_s, u32, be,
        { { 1, 0x01020304u, 0xffffffffu, 1 }, { 1, 1, 1, 1 }, { 0, 0, 0, 0 } } });
    return samples;
}

} // namespace

class tst_TraceReader : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void realLirsTrace();
    void realCache2kTrace();
    void realTracesCompressed_data();
    void realTracesCompressed();

    void everyFormat_data();
    void everyFormat();
    void txtLines_data();
    void txtLines();
    void csvVariants_data();
    void csvVariants();
    void csvStringKeys();
    void csvTimeUnits();
    void vscsiSkipsZeroLength();
    void longTraceAcrossBuffers();
    void streamingReads();

    void detection_data();
    void detection();
    void errors_data();
    void errors();
    void openErrors();
    void corruptCompression_data();
    void corruptCompression();

    void cancelAndProgress();
    void countUniqueUsesFirstSize();
    void formatNames();
    void queryLogsAreTraces();

private:
    QString write(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
};

void tst_TraceReader::initTestCase() { QVERIFY(m_dir.isValid()); }

QString tst_TraceReader::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
    return path;
}

void tst_TraceReader::realLirsTrace()
{
    const QString path = TestSupport::dataPath(u"lirs_multi1.trace"_s);
    const Result<LoadedTrace> trace = loadTrace(path);
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    QCOMPARE(trace->format, TraceFormat::Txt); // .trace, decided by content
    // Counts from /work/shared/traces/README.md.
    QCOMPARE(trace->requests.size(), std::size_t(15858));
    QCOMPARE(trace->uniqueObjects, 2606u);
    QCOMPARE(trace->uniqueBytes, 2606u);
    QCOMPARE(trace->requests.front().key, 0u);
    QCOMPARE(trace->requests.back().key, 19u);
    QCOMPARE(keysOf(trace->requests), TestSupport::loadSharedTraceKeys(u"lirs_multi1.trace"_s));
    for (const Request &r : trace->requests) {
        QCOMPARE(r.size, 1u);
        QCOMPARE(r.nextAccess, -1);
    }
}

void tst_TraceReader::realCache2kTrace()
{
    const QString path = TestSupport::dataPath(u"cache2k_web07.trace"_s);
    const Result<LoadedTrace> trace = loadTrace(path);
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    QCOMPARE(trace->format, TraceFormat::U32Be);
    QCOMPARE(trace->requests.size(), std::size_t(76118));
    QCOMPARE(trace->uniqueObjects, 20484u);
    QCOMPARE(trace->requests.front().key, 0u);
    QCOMPARE(trace->requests.back().key, 6u);
    QCOMPARE(keysOf(trace->requests), TestSupport::loadSharedTraceKeys(u"cache2k_web07.trace"_s));
}

void tst_TraceReader::realTracesCompressed_data()
{
    QTest::addColumn<QString>("trace");
    QTest::addColumn<int>("packing");
    QTest::addColumn<QString>("name");
    for (const QString &trace : { u"lirs_multi1.trace"_s, u"cache2k_web07.trace"_s }) {
        for (Packing p : { Packing::Gzip, Packing::Xz, Packing::Zstd }) {
            QTest::addRow("%s%s", qPrintable(trace), qPrintable(suffix(p)))
                << trace << int(p) << trace + suffix(p);
            // No compression suffix: the magic bytes alone must give it away.
            QTest::addRow("%s as %s, no suffix", qPrintable(trace), qPrintable(suffix(p)))
                << trace << int(p) << u"renamed-"_s + suffix(p).mid(1) + u'-' + trace;
        }
    }
}

void tst_TraceReader::realTracesCompressed()
{
    QFETCH(QString, trace);
    QFETCH(int, packing);
    QFETCH(QString, name);
    QFile original(TestSupport::dataPath(trace));
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray packed = pack(original.readAll(), Packing(packing));
    const QString path = write(name, packed);
    const Result<LoadedTrace> loaded = loadTrace(path);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
    QCOMPARE(loaded->format, trace.startsWith(u"lirs"_s) ? TraceFormat::Txt : TraceFormat::U32Be);
    QCOMPARE(keysOf(loaded->requests), TestSupport::loadSharedTraceKeys(trace));
}

void tst_TraceReader::everyFormat_data()
{
    QTest::addColumn<int>("sample");
    QTest::addColumn<int>("packing");
    const std::vector<Sample> samples = formatSamples();
    for (int i = 0; i < int(samples.size()); ++i) {
        for (Packing p : { Packing::Plain, Packing::Gzip, Packing::Xz, Packing::Zstd })
            QTest::addRow("%s%s", qPrintable(samples[std::size_t(i)].name), qPrintable(suffix(p)))
                << i << int(p);
    }
}

void tst_TraceReader::everyFormat()
{
    QFETCH(int, sample);
    QFETCH(int, packing);
    const Sample s = formatSamples()[std::size_t(sample)];
    const QString path = write(s.name + suffix(Packing(packing)), pack(s.bytes, Packing(packing)));
    const Result<LoadedTrace> trace = loadTrace(path, s.options);
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    QCOMPARE(keysOf(trace->requests), s.expected.keys);
    std::vector<quint32> sizes;
    std::vector<quint32> times;
    for (const Request &r : trace->requests) {
        sizes.push_back(r.size);
        times.push_back(r.time);
    }
    QCOMPARE(sizes, s.expected.sizes);
    QCOMPARE(times, s.expected.times);
    const std::set<Key> distinct(s.expected.keys.begin(), s.expected.keys.end());
    QCOMPARE(trace->uniqueObjects, quint64(distinct.size()));
}

void tst_TraceReader::txtLines_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<std::vector<Key>>("keys");
    QTest::newRow("LF") << QByteArray("1\n2\n3\n") << std::vector<Key> { 1, 2, 3 };
    QTest::newRow("CRLF") << QByteArray("1\r\n2\r\n3\r\n") << std::vector<Key> { 1, 2, 3 };
    QTest::newRow("no final newline") << QByteArray("1\n2\n3") << std::vector<Key> { 1, 2, 3 };
    QTest::newRow("CRLF, no final newline")
        << QByteArray("1\r\n2\r\n3\r") << std::vector<Key> { 1, 2, 3 };
    QTest::newRow("stars and blank lines")
        << QByteArray("*\n1\n\n*\n2\r\n\r\n   \n3\n*\n") << std::vector<Key> { 1, 2, 3 };
    QTest::newRow("blanks around keys")
        << QByteArray(" 1\n2 \t\n\t3\n") << std::vector<Key> { 1, 2, 3 };
    QTest::newRow("UTF-8 byte-order mark") << QByteArray("\xef\xbb\xbf"
                                                         "7\n8\n")
                                           << std::vector<Key> { 7, 8 };
    QTest::newRow("largest 64-bit key") << QByteArray("18446744073709551615\n00042\n")
                                        << std::vector<Key> { 18446744073709551615u, 42 };
}

void tst_TraceReader::txtLines()
{
    QFETCH(QByteArray, bytes);
    QFETCH(std::vector<Key>, keys);
    const Result<LoadedTrace> trace = loadTrace(write(u"lines.txt"_s, bytes));
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    QCOMPARE(keysOf(trace->requests), keys);
}

void tst_TraceReader::csvVariants_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("keyColumn");
    QTest::addColumn<int>("sizeColumn");
    QTest::addColumn<bool>("header");
    QTest::addColumn<QChar>("delimiter");
    QTest::addColumn<std::vector<Key>>("keys");
    QTest::addColumn<std::vector<quint32>>("sizes");

    QTest::newRow("one column") << QByteArray("4\n5\n4\n") << 1 << 0 << false << QChar(u',')
                                << std::vector<Key> { 4, 5, 4 } << std::vector<quint32> { 1, 1, 1 };
    QTest::newRow("header skipped") << QByteArray("id\n4\n5\n") << 1 << 0 << true << QChar(u',')
                                    << std::vector<Key> { 4, 5 } << std::vector<quint32> { 1, 1 };
    QTest::newRow("key in column 3, size in 1, CRLF")
        << QByteArray("100,x,4\r\n200,y,5\r\n\r\n") << 3 << 1 << false << QChar(u',')
        << std::vector<Key> { 4, 5 } << std::vector<quint32> { 100, 200 };
    QTest::newRow("semicolon delimiter")
        << QByteArray("7;64\n8;128\n") << 1 << 2 << false << QChar(u';')
        << std::vector<Key> { 7, 8 } << std::vector<quint32> { 64, 128 };
    QTest::newRow("tab delimiter")
        << QByteArray("7\t64\n8\t128\n") << 1 << 2 << false << QChar(u'\t')
        << std::vector<Key> { 7, 8 } << std::vector<quint32> { 64, 128 };
    QTest::newRow("quoted fields and blanks")
        << QByteArray("\"7\", 64 \n \"8\" ,\"128\"\n") << 1 << 2 << false << QChar(u',')
        << std::vector<Key> { 7, 8 } << std::vector<quint32> { 64, 128 };
    QTest::newRow("extra columns ignored")
        << QByteArray("1,2,3,4,\"unclosed\n") << 1 << 2 << false << QChar(u',')
        << std::vector<Key> { 1 } << std::vector<quint32> { 2 };
}

void tst_TraceReader::csvVariants()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, keyColumn);
    QFETCH(int, sizeColumn);
    QFETCH(bool, header);
    QFETCH(QChar, delimiter);
    QFETCH(std::vector<Key>, keys);
    QFETCH(std::vector<quint32>, sizes);
    TraceOptions options;
    options.csv.keyColumn = keyColumn;
    options.csv.sizeColumn = sizeColumn;
    options.csv.header = header;
    options.csv.delimiter = delimiter;
    const Result<LoadedTrace> trace = loadTrace(write(u"variant.csv"_s, bytes), options);
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    QCOMPARE(keysOf(trace->requests), keys);
    std::vector<quint32> got;
    for (const Request &r : trace->requests)
        got.push_back(r.size);
    QCOMPARE(got, sizes);
}

void tst_TraceReader::csvStringKeys()
{
    // Text keys hash to 64 bits; equal texts (quoted or not) meet, different texts do not;
    // decimal keys stay as they are.
    const QByteArray bytes = "user:1\nuser:2\n\"user:1\"\n42\n\"say \"\"hi\"\"\"\nsay \"hi\"\n-5\n";
    const Result<LoadedTrace> trace = loadTrace(write(u"strings.csv"_s, bytes));
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    const std::vector<Key> keys = keysOf(trace->requests);
    QCOMPARE(keys.size(), std::size_t(7));
    QCOMPARE(keys[0], keys[2]);
    QVERIFY(keys[0] != keys[1]);
    QCOMPARE(keys[3], 42u);
    QCOMPARE(keys[4], keys[5]); // "say ""hi""" unquotes to say "hi"
    QVERIFY(keys[6] != 5u);
    const QByteArray one = "user:1";
    QCOMPARE(keys[0], CsvTraceReader::hashKey(one.constData(), one.constData() + one.size()));
    QCOMPARE(trace->uniqueObjects, 5u);
}

void tst_TraceReader::vscsiSkipsZeroLength()
{
    // A command that moves no data (len 0) is not a request, as in libCacheSim.
    const QByteArray bytes
        = vscsi1Record(4096, 1, 0) + vscsi1Record(0, 2, 1) + vscsi1Record(512, 3, 2);
    const Result<LoadedTrace> trace = loadTrace(write(u"zero.vscsi"_s, bytes));
    QVERIFY2(trace, qPrintable(trace ? QString() : trace.error().toString()));
    QCOMPARE(keysOf(trace->requests), (std::vector<Key> { 1, 3 }));
    QCOMPARE(VscsiTraceReader::detectVersion(bytes), 1);
    QCOMPARE(VscsiTraceReader::detectVersion(vscsi2Record(1, 1, 1)), 2);
    QCOMPARE(VscsiTraceReader::detectVersion(QByteArray(40, '\0')), 0);
}

void tst_TraceReader::longTraceAcrossBuffers()
{
    // Several MiB, so lines and records straddle the 1 MiB read buffers and compressed input
    // is refilled many times.
    std::mt19937_64 rng(7);
    std::vector<Key> keys(400000);
    QByteArray text;
    QByteArray binary;
    for (Key &k : keys) {
        k = rng() % 1000003;
        text += QByteArray::number(k) + (k % 3 == 0 ? "\r\n" : "\n");
        appendBe32(binary, quint32(k));
    }
    for (Packing p : { Packing::Plain, Packing::Gzip, Packing::Xz, Packing::Zstd }) {
        const Result<LoadedTrace> t = loadTrace(write(u"long.txt"_s + suffix(p), pack(text, p)));
        QVERIFY2(t, qPrintable(t ? QString() : t.error().toString()));
        QCOMPARE(keysOf(t->requests), keys);
        TraceOptions u32;
        u32.format = TraceFormat::U32Be;
        const Result<LoadedTrace> b
            = loadTrace(write(u"long.bin"_s + suffix(p), pack(binary, p)), u32);
        QVERIFY2(b, qPrintable(b ? QString() : b.error().toString()));
        QCOMPARE(keysOf(b->requests), keys);
    }
}

void tst_TraceReader::streamingReads()
{
    const QString path = TestSupport::dataPath(u"cache2k_web07.trace"_s);
    Result<std::unique_ptr<TraceReader>> opened = TraceReader::open(path);
    QVERIFY(opened);
    TraceReader &reader = **opened;
    QCOMPARE(reader.format(), TraceFormat::U32Be);
    QCOMPARE(reader.path(), path);
    QCOMPARE(reader.fileSize(), 304472);
    std::vector<Request> out;
    qsizetype calls = 0;
    for (;;) {
        const Result<qsizetype> n = reader.read(out, 1000);
        QVERIFY(n);
        QVERIFY(*n <= 1000);
        if (*n == 0)
            break;
        ++calls;
    }
    QCOMPARE(out.size(), std::size_t(76118));
    QCOMPARE(calls, 77); // 76 full batches and one of 118
    QCOMPARE(reader.bytesConsumed(), 304472);
    QCOMPARE(keysOf(out), TestSupport::loadSharedTraceKeys(u"cache2k_web07.trace"_s));
}

void tst_TraceReader::detection_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<TraceFormat>("format");

    QByteArray oracle;
    for (quint32 i = 0; i < 20; ++i)
        oracle += oracleRecord(100 + i, i % 5, 64, i < 15 ? qint64(i + 5) : -1);
    QByteArray v1;
    QByteArray v2;
    for (quint32 i = 0; i < 20; ++i) {
        v1 += vscsi1Record(4096, i % 4, i);
        v2 += vscsi2Record(4096, i % 4, i);
    }
    QByteArray be;
    for (quint32 i = 0; i < 64; ++i)
        appendBe32(be, i % 16);

    QTest::newRow(".txt") << u"a.txt"_s << QByteArray("1\n") << TraceFormat::Txt;
    QTest::newRow(".lirs") << u"a.lirs"_s << QByteArray("1\n") << TraceFormat::Txt;
    QTest::newRow(".csv") << u"a.csv"_s << QByteArray("1\n") << TraceFormat::Csv;
    QTest::newRow(".vscsi") << u"a.vscsi"_s << v2 << TraceFormat::Vscsi;
    QTest::newRow(".oracleGeneral") << u"a.oracleGeneral"_s << oracle << TraceFormat::OracleGeneral;
    QTest::newRow(".oracleGeneral.bin")
        << u"a.oracleGeneral.bin"_s << oracle << TraceFormat::OracleGeneral;
    QTest::newRow(".oracleGeneral.zst")
        << u"a.oracleGeneral.zst"_s << zstdBytes(oracle) << TraceFormat::OracleGeneral;
    QTest::newRow(".bin, 24-byte records") << u"a.bin"_s << oracle << TraceFormat::OracleGeneral;
    QTest::newRow(".trace, vscsi v1 records") << u"a.trace"_s << v1 << TraceFormat::Vscsi;
    QTest::newRow(".trace, vscsi v2 records") << u"a.trace"_s << v2 << TraceFormat::Vscsi;
    QTest::newRow(".trace, decimal lines")
        << u"a.trace"_s << QByteArray("1\n*\n2\r\n") << TraceFormat::Txt;
    QTest::newRow(".trace, big-endian keys") << u"a.trace"_s << be << TraceFormat::U32Be;
    QTest::newRow(".trace.gz, big-endian keys")
        << u"a.trace.gz"_s << gzipBytes(be) << TraceFormat::U32Be;
    QTest::newRow("no extension, decimal lines")
        << u"keys"_s << QByteArray("3\n4\n") << TraceFormat::Txt;
    QTest::newRow(".TXT.XZ") << u"A.TXT.XZ"_s << xzBytes("9\n") << TraceFormat::Txt;
}

void tst_TraceReader::detection()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(TraceFormat, format);
    const Result<std::unique_ptr<TraceReader>> reader = TraceReader::open(write(name, bytes));
    QVERIFY2(reader, qPrintable(reader ? QString() : reader.error().toString()));
    QCOMPARE((*reader)->format(), format);
}

void tst_TraceReader::errors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<TraceOptions>("options");
    QTest::addColumn<QString>("message"); // PATH stands for the file's path

    const TraceOptions none;
    TraceOptions u32;
    u32.format = TraceFormat::U32Be;
    TraceOptions sized;
    sized.csv.sizeColumn = 2;
    TraceOptions timed;
    timed.csv.timeColumn = 2;
    TraceOptions badDelimiter;
    badDelimiter.format = TraceFormat::Csv;
    badDelimiter.csv.delimiter = u'"';
    TraceOptions keyColumn0;
    keyColumn0.format = TraceFormat::Csv;
    keyColumn0.csv.keyColumn = 0;
    const QString ambiguous
        = u"PATH: cannot tell the trace format from the file name or content; "
          u"pass --format with txt, csv, oraclegeneral, vscsi, u32be, redis-monitor, pglog-csv, pglog or sql"_s;

    QTest::newRow("txt: word") << u"bad.txt"_s << QByteArray("1\n2\nabc\n") << none
                               << u"PATH:3: key: 'abc' is not a non-negative integer"_s;
    QTest::newRow("txt: negative, CRLF") << u"bad.txt"_s << QByteArray("1\r\n-3\r\n") << none
                                         << u"PATH:2: key: '-3' is not a non-negative integer"_s;
    QTest::newRow("txt: two numbers") << u"bad.txt"_s << QByteArray("1 2\n") << none
                                      << u"PATH:1: key: '1 2' is not a non-negative integer"_s;
    QTest::newRow("txt: too large")
        << u"bad.txt"_s << QByteArray("\n18446744073709551616\n") << none
        << u"PATH:2: key: '18446744073709551616' is larger than "
           u"18446744073709551615"_s;
    QTest::newRow("txt.gz: line numbers survive decompression")
        << u"bad.txt.gz"_s << gzipBytes("1\n*\n\n4x\n") << none
        << u"PATH:4: key: '4x' is not a non-negative integer"_s;
    QTest::newRow("txt: empty file")
        << u"empty.txt"_s << QByteArray() << none << u"PATH: contains no requests"_s;
    QTest::newRow("txt: only markers")
        << u"stars.txt"_s << QByteArray("*\n\n*\r\n") << none << u"PATH: contains no requests"_s;
    QTest::newRow("auto: empty .trace")
        << u"empty.trace"_s << QByteArray() << none << u"PATH: contains no requests"_s;
    QTest::newRow("auto: empty .trace.xz")
        << u"empty.trace.xz"_s << xzBytes({}) << none << u"PATH: contains no requests"_s;

    QTest::newRow("u32be: truncated") << u"keys.bin"_s << QByteArray(10, '\1') << u32
                                      << u"PATH:byte 8: truncated record: only 2 of 4 bytes"_s;
    QTest::newRow("u32be: truncated, compressed")
        << u"keys.bin.zst"_s << zstdBytes(QByteArray(10, '\1')) << u32
        << u"PATH:byte 8: truncated record: only 2 of 4 bytes"_s;
    QTest::newRow("oraclegeneral: truncated")
        << u"t.oracleGeneral"_s << oracleRecord(1, 1, 1) + QByteArray(10, '\0') << none
        << u"PATH:byte 24: truncated record: only 10 of 24 bytes"_s;
    QTest::newRow("oraclegeneral: size 0")
        << u"t.oracleGeneral"_s << oracleRecord(1, 1, 1) + oracleRecord(1, 2, 0) << none
        << u"PATH:byte 24: size: '0' must be at least 1"_s;
    QTest::newRow("vscsi: truncated")
        << u"t.vscsi"_s << vscsi2Record(1, 1, 1) + vscsi2Record(1, 1, 1).left(30) << none
        << u"PATH:byte 40: truncated record: only 30 of 40 bytes"_s;
    QTest::newRow("vscsi: no version") << u"t.vscsi"_s << QByteArray(64, '\0') << none
                                       << u"PATH:byte 0: not a vscsi trace: the first record's "
                                          u"version is neither 1 nor 2"_s;

    QTest::newRow("csv: missing size column")
        << u"t.csv"_s << QByteArray("1,2\n3\n") << sized
        << u"PATH:2: size: needs column 2 but the line has 1 column"_s;
    QTest::newRow("csv: missing key column") << u"t.csv"_s << QByteArray("a,b,c,d\n1,2\n") << [] {
        TraceOptions o;
        o.csv.keyColumn = 3;
        o.csv.header = true;
        return o;
    }() << u"PATH:2: key: needs column 3 but the line has 2 columns"_s;
    QTest::newRow("csv: bad size") << u"t.csv"_s << QByteArray("1,abc\n") << sized
                                   << u"PATH:1: size: 'abc' is not a non-negative integer"_s;
    QTest::newRow("csv: size 0") << u"t.csv"_s << QByteArray("1,5\n2,0\n") << sized
                                 << u"PATH:2: size: '0' must be at least 1"_s;
    QTest::newRow("csv: size too large")
        << u"t.csv"_s << QByteArray("1,4294967296\n") << sized
        << u"PATH:1: size: '4294967296' is larger than 4294967295"_s;
    QTest::newRow("csv: bad time") << u"t.csv"_s << QByteArray("1,12\n2,-4\n") << timed
                                   << u"PATH:2: time: '-4' is not a non-negative number"_s;
    QTest::newRow("csv: empty key")
        << u"t.csv"_s << QByteArray("1,2\n,3\n") << sized << u"PATH:2: key: '' is empty"_s;
    QTest::newRow("csv: unclosed quote") << u"t.csv"_s << QByteArray("\"abc,1\n") << none
                                         << u"PATH:1: column 1: '\"abc,1' has no closing quote"_s;
    QTest::newRow("csv: text after quote") << u"t.csv"_s << QByteArray("1,\"2\"x,3\n") << sized
                                           << u"PATH:1: column 2: '\"2\"x' has text after the "
                                              u"closing quote"_s;
    QTest::newRow("csv: header only") << u"t.csv"_s << QByteArray("key\n") << [] {
        TraceOptions o;
        o.csv.header = true;
        return o;
    }() << u"PATH: contains no requests"_s;
    QTest::newRow("csv option: delimiter")
        << u"t.csv"_s << QByteArray("1\n") << badDelimiter
        << u"--csv-delimiter: '\"' must be one ASCII character other "
           u"than a quote or a line break"_s;
    QTest::newRow("csv option: key column") << u"t.csv"_s << QByteArray("1\n") << keyColumn0
                                            << u"--csv-key-col: '0' must be at least 1"_s;

    QByteArray random(4096, Qt::Uninitialized);
    std::mt19937 rng(1);
    for (char &c : random)
        c = char(rng());
    QTest::newRow("auto: random bytes") << u"blob.trace"_s << random << none << ambiguous;
    QTest::newRow("auto: random bytes, gzip")
        << u"blob.gz"_s << gzipBytes(random) << none << ambiguous;
    QTest::newRow("auto: zeros") << u"zeros.bin"_s << QByteArray(4096, '\0') << none << ambiguous;
    QTest::newRow("auto: csv text in a .trace")
        << u"t.trace"_s << QByteArray("1,2\n3,4\n") << none << ambiguous;
    QTest::newRow("auto: tiny binary")
        << u"t.dat"_s << QByteArray("\0\0\0\1", 4) << none << ambiguous;
    QByteArray le;
    for (quint32 i = 0; i < 64; ++i)
        appendLe<quint32>(le, i % 16);
    QTest::newRow("auto: little-endian keys") << u"le.trace"_s << le << none << ambiguous;
}

void tst_TraceReader::errors()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(TraceOptions, options);
    QFETCH(QString, message);
    const QString path = write(name, bytes);
    const Result<LoadedTrace> trace = loadTrace(path, options);
    QVERIFY(!trace);
    QCOMPARE(trace.error().toString(), QString(message).replace(u"PATH"_s, path));
}

void tst_TraceReader::openErrors()
{
    const QString missing = m_dir.filePath(u"missing.trace"_s);
    Result<LoadedTrace> trace = loadTrace(missing);
    QVERIFY(!trace);
    QCOMPARE(
        trace.error().toString(), missing + u": cannot open the file: No such file or directory"_s);
    QCOMPARE(trace.error().file, missing);

    const QString directory = m_dir.path();
    trace = loadTrace(directory);
    QVERIFY(!trace);
    QCOMPARE(trace.error().toString(),
        directory + u": cannot open the file: file to open is a directory"_s);
}

void tst_TraceReader::corruptCompression_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QByteArray lines;
    for (int i = 0; i < 20000; ++i)
        lines += QByteArray::number(i * 7919 % 100000) + '\n';
    const QByteArray gz = gzipBytes(lines);
    const QByteArray xz = xzBytes(lines);
    const QByteArray zst = zstdBytes(lines);
    QTest::newRow("gzip, truncated") << u"t.txt.gz"_s << gz.left(gz.size() / 2)
                                     << u"PATH: the gzip data ends early (truncated file)"_s;
    QTest::newRow("xz, truncated") << u"t.txt.xz"_s << xz.left(xz.size() / 2)
                                   << u"PATH: the xz data ends early (truncated file)"_s;
    QTest::newRow("zstd, truncated") << u"t.txt.zst"_s << zst.left(zst.size() / 2)
                                     << u"PATH: the zstd data ends early (truncated file)"_s;
    QByteArray badGz = gz;
    badGz[3] = char(0xe0); // reserved flag bits
    QTest::newRow("gzip, bad header")
        << u"t.txt.gz"_s << badGz << u"PATH: corrupt gzip data: unknown header flags set"_s;
    QByteArray badXz = xz;
    badXz[6] = char(0x77); // stream flags
    QTest::newRow("xz, bad header")
        << u"t.txt.xz"_s << badXz
        << u"PATH: corrupt xz data: a header, block or checksum is invalid"_s;
    QByteArray badZst = zst;
    badZst[4] = char(0xff); // frame header descriptor with the reserved bit
    QTest::newRow("zstd, bad header")
        << u"t.txt.zst"_s << badZst << u"PATH: corrupt zstd data: Unsupported frame parameter"_s;
}

void tst_TraceReader::corruptCompression()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const QString path = write(name, bytes);
    const Result<LoadedTrace> trace = loadTrace(path);
    QVERIFY(!trace);
    QCOMPARE(trace.error().toString(), QString(message).replace(u"PATH"_s, path));
}

void tst_TraceReader::cancelAndProgress()
{
    const QString path = TestSupport::dataPath(u"lirs_multi1.trace"_s);
    std::atomic<bool> cancel { true };
    Result<LoadedTrace> trace = loadTrace(path, {}, &cancel);
    QVERIFY(!trace);
    QCOMPARE(trace.error().toString(), path + u": cancelled"_s);

    cancel = false;
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
    int calls = 0;
    trace = loadTrace(path, {}, &cancel, [&](qint64 done, qint64 total) {
        QVERIFY(done >= lastDone);
        lastDone = done;
        lastTotal = total;
        ++calls;
    });
    QVERIFY(trace);
    QVERIFY(calls >= 1);
    QCOMPARE(lastTotal, 63319);
    QCOMPARE(lastDone, 63319);
}

void tst_TraceReader::countUniqueUsesFirstSize()
{
    const std::vector<Request> requests { { 1, -1, 10, 0 }, { 2, -1, 20, 0 }, { 1, -1, 99, 0 },
        { 3, -1, 5, 0 }, { 2, -1, 1, 0 } };
    quint64 objects = 0;
    quint64 bytes = 0;
    countUnique(requests, &objects, &bytes);
    QCOMPARE(objects, 3u);
    QCOMPARE(bytes, 35u); // 10 + 20 + 5: later sizes of a key do not count
    countUnique({}, &objects, &bytes);
    QCOMPARE(objects, 0u);
    QCOMPARE(bytes, 0u);
}

void tst_TraceReader::queryLogsAreTraces()
{
    // A .csv whose first field is a PostgreSQL time is a csvlog, not a key trace; a stderr log
    // is told by its content; a .sql by its name. Their cacheable reads are the requests.
    const QByteArray csvlog
        = "2026-12-03 10:00:00.100 UTC,\"app\",\"db\",100,\"127.0.0.1:5000\",6571a2b3.64,1,"
          "\"SELECT\",2026-12-03 10:00:00 UTC,3/1,0,LOG,00000,\"duration: 0.050 ms  statement: "
          "SELECT v FROM t WHERE id = 1\",,,,,,,,,\"psql\",\"client backend\",,0\n"
          "2026-12-03 10:00:02.100 UTC,\"app\",\"db\",100,\"127.0.0.1:5000\",6571a2b3.64,2,"
          "\"SELECT\",2026-12-03 10:00:00 UTC,3/2,0,LOG,00000,\"duration: 0.050 ms  statement: "
          "SELECT v FROM t WHERE id = 1\",,,,,,,,,\"psql\",\"client backend\",,0\n";
    const Result<LoadedTrace> csv = loadTrace(write(u"postgresql.csv"_s, csvlog));
    QVERIFY2(csv, qPrintable(csv ? QString() : csv.error().toString()));
    QCOMPARE(csv->format, TraceFormat::PgLogCsv);
    QCOMPARE(csv->requests.size(), std::size_t(2));
    QCOMPARE(csv->requests[0].key, csv->requests[1].key); // one template, one parameter
    QCOMPARE(csv->requests[1].time, 2u); // seconds since the first statement
    QCOMPARE(csv->uniqueObjects, 1u);

    const QByteArray stderrLog = "2026-12-03 10:00:00.100 UTC|app|db|6571a2b3.64|LOG:  statement: "
                                 "SELECT v FROM t WHERE id = 7\n"
                                 "2026-12-03 10:00:00.200 UTC|app|db|6571a2b3.64|LOG:  statement: "
                                 "UPDATE t SET v = 1 WHERE id = 7\n"
                                 "2026-12-03 10:00:00.300 UTC|app|db|6571a2b3.64|LOG:  statement: "
                                 "SELECT v FROM t WHERE id = 7\n";
    const Result<LoadedTrace> log = loadTrace(write(u"server.log"_s, stderrLog));
    QVERIFY2(log, qPrintable(log ? QString() : log.error().toString()));
    QCOMPARE(log->format, TraceFormat::PgLog);
    QCOMPARE(log->requests.size(), std::size_t(2)); // the write is not a request ...
    QVERIFY(log->requests[0].key != log->requests[1].key); // ... it made the read a new object
    QVERIFY(log->notes.join(u' ').contains(u"1 writes invalidated"_s));

    // A key trace named .csv stays a key trace.
    const Result<LoadedTrace> keys = loadTrace(write(u"keys.csv"_s, "1\n2\n1\n"));
    QVERIFY(keys);
    QCOMPARE(keys->format, TraceFormat::Csv);
}

void tst_TraceReader::formatNames()
{
    for (TraceFormat f : { TraceFormat::Auto, TraceFormat::Txt, TraceFormat::Csv,
             TraceFormat::OracleGeneral, TraceFormat::Vscsi, TraceFormat::U32Be }) {
        const Result<TraceFormat> parsed = parseTraceFormat(traceFormatName(f));
        QVERIFY(parsed);
        QCOMPARE(*parsed, f);
    }
    QCOMPARE(traceFormatName(TraceFormat::OracleGeneral), u"oraclegeneral"_s);
    QCOMPARE(*parseTraceFormat(u"oracleGeneral"_s), TraceFormat::OracleGeneral);
    QCOMPARE(*parseTraceFormat(u"TXT"_s), TraceFormat::Txt);
    QCOMPARE(traceFormatNames(),
        (QStringList { u"auto"_s, u"txt"_s, u"csv"_s, u"oraclegeneral"_s, u"vscsi"_s, u"u32be"_s,
            u"redis-monitor"_s, u"pglog-csv"_s, u"pglog"_s, u"sql"_s }));
    const Result<TraceFormat> bad = parseTraceFormat(u"parquet"_s);
    QVERIFY(!bad);
    QCOMPARE(bad.error().toString(),
        u"--format: 'parquet' is not a trace format; use auto, txt, "
        u"csv, oraclegeneral, vscsi, u32be, redis-monitor, pglog-csv, pglog or sql"_s);
}

void tst_TraceReader::csvTimeUnits()
{
    // Whole seconds since the first request's second, whatever the column's unit, so that the
    // trace's second boundaries stay where they were (Redis's LRU clock counts them).
    const struct
    {
        quint32 divisor;
        QByteArray text;
    } cases[] = {
        { 1, "a,1700000000.9\nb,1700000001.1\nc,1700000062\n" },
        { 1000, "a,1700000000900\nb,1700000001100\nc,1700000062000\n" },
        { 1000000, "a,1700000000900000\nb,1700000001100000\nc,1700000062000000\n" },
    };
    for (const auto &c : cases) {
        TraceOptions options;
        options.format = TraceFormat::Csv;
        options.csv.timeColumn = 2;
        options.csv.timeDivisor = c.divisor;
        const auto loaded = loadTrace(write(u"t.csv"_s, c.text), options);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
        QCOMPARE(loaded->requests.size(), std::size_t(3));
        QCOMPARE(loaded->requests[0].time, 0u);
        QCOMPARE(loaded->requests[1].time, 1u);
        QCOMPARE(loaded->requests[2].time, 62u);
    }
    TraceOptions bad;
    bad.format = TraceFormat::Csv;
    bad.csv.timeColumn = 2;
    bad.csv.timeDivisor = 7;
    const auto rejected = loadTrace(write(u"t.csv"_s, "a,1\n"), bad);
    QVERIFY(!rejected);
    QCOMPARE(rejected.error().field, u"--csv-time-unit"_s);
}

QTEST_GUILESS_MAIN(tst_TraceReader)
#include "tst_tracereader.moc"
