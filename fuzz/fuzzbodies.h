#pragma once

// The body of every fuzz target, shared by the libFuzzer executables (fuzz/fuzz_<name>.cpp,
// built by the `fuzz` preset) and by the plain regression test that replays tests/data/fuzz/
// in the normal build (tests/core/workload/tst_fuzzregressions.cpp). Header-only and free of
// libFuzzer: each body takes the input bytes, must never crash, leak or trip a sanitizer
// whatever they are, and checks a few invariants with FUZZ_CHECK (abort with a message).

#include "core/db/sqltemplate.h"
#include "core/error.h"
#include "core/monitor/memcachedstats.h"
#include "core/monitor/redisinfo.h"
#include "core/querylog/pglogparsing.h"
#include "core/querylog/querylogreader.h"
#include "core/querylog/sqllexer.h"
#include "core/querylog/sqlnormalizer.h"
#include "core/cache/redistier.h"
#include "core/report/expectations.h"
#include "core/workload/bytesource.h"
#include "core/workload/csvtracereader.h"
#include "core/workload/redismonitortracereader.h"
#include "core/workload/traceformatdetector.h"
#include "core/workload/tracereader.h"
#include "core/workload/vscsitracereader.h"

// The configuration JSON moves from src/gui to src/core/session (the session branch); its
// target and body exist once it is there (fuzz/CMakeLists.txt tests for the same file).
#if __has_include("core/session/configjson.h")
#include "core/session/configjson.h"
#include "core/session/livechange.h"
#include "core/session/scenario.h"
#define CACHESCOPE_FUZZ_CONFIGJSON 1
#include <QJsonObject>
#endif

#include <QByteArray>
#include <QByteArrayView>
#include <QDir>
#include <QFile>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <memory>
#include <vector>

#include <lzma.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(                                                                          \
                stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition);         \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace CacheScope::Fuzz {

/// Bounds that keep one input fast and small whatever it decodes to (a few bytes of zstd can
/// stand for a gigabyte): reading stops there, which is not an error.
constexpr std::size_t maxRequests = std::size_t(1) << 20;
constexpr qint64 maxDecodedBytes = qint64(1) << 26;

/// The readers take a path: the input is written to one file per process (and per name, so
/// the detector's extension rules see the name) in the temporary directory.
class InputFile
{
public:
    InputFile(const std::uint8_t *data, std::size_t size, const char *name = "input")
        : m_path(QDir::tempPath() + QStringLiteral("/cachescope-fuzz-")
            + QString::number(qint64(::getpid())) + QLatin1Char('-') + QLatin1String(name))
    {
        const QByteArray local = QFile::encodeName(m_path);
        std::FILE *f = std::fopen(local.constData(), "wb");
        FUZZ_CHECK(f != nullptr);
        FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, f) == size);
        FUZZ_CHECK(std::fclose(f) == 0);
    }
    ~InputFile() { std::remove(QFile::encodeName(m_path).constData()); }
    InputFile(const InputFile &) = delete;
    InputFile &operator=(const InputFile &) = delete;

    const QString &path() const { return m_path; }

private:
    QString m_path;
};

inline bool startsCompressed(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView head(data, qsizetype(std::min<std::size_t>(size, 6)));
    return head.startsWith("\x1f\x8b") || head.startsWith("\x28\xb5\x2f\xfd")
        || head.startsWith(QByteArrayView("\xfd"
                                          "7zXZ\0",
            6));
}

/// Every error says what is wrong.
inline void checkError(const Error &error) { FUZZ_CHECK(!error.message.isEmpty()); }

/// Opens the input as `options` say and reads it in batches of varying size (partial records
/// and lines across calls), checking what read() promises.
inline void readTrace(const QString &path, const TraceOptions &options, bool plain)
{
    Result<std::unique_ptr<TraceReader>> opened = TraceReader::open(path, options);
    if (!opened) {
        checkError(opened.error());
        return;
    }
    TraceReader &reader = **opened;
    FUZZ_CHECK(reader.format() != TraceFormat::Auto);
    FUZZ_CHECK(options.format == TraceFormat::Auto || reader.format() == options.format);
    static constexpr qsizetype batches[] = { 1, 7, 4096, 65536 };
    std::vector<Request> out;
    for (std::size_t i = 0; out.size() < maxRequests; ++i) {
        const qsizetype max = batches[i % std::size(batches)];
        const std::size_t before = out.size();
        const Result<qsizetype> n = reader.read(out, max);
        if (!n) {
            checkError(n.error());
            return;
        }
        FUZZ_CHECK(*n >= 0 && *n <= max);
        FUZZ_CHECK(out.size() == before + std::size_t(*n));
        (void)reader.estimatedRequests();
        if (plain)
            FUZZ_CHECK(reader.bytesConsumed() <= reader.fileSize());
        if (*n == 0) {
            // The end stays the end.
            const Result<qsizetype> again = reader.read(out, max);
            FUZZ_CHECK(again && *again == 0);
            break;
        }
    }
    for (const Request &r : out) {
        FUZZ_CHECK(r.size >= 1);
        FUZZ_CHECK(r.nextAccess == -1);
    }
}

/// A trace read as one format (txt, oraclegeneral, vscsi, u32be): the input is the file, which
/// may be compressed (its magic bytes decide, as for a real trace).
inline int traceAs(TraceFormat format, const std::uint8_t *data, std::size_t size)
{
    const InputFile file(data, size);
    TraceOptions options;
    options.format = format;
    readTrace(file.path(), options, !startsCompressed(data, size));
    return 0;
}

/// Redis MONITOR output: the reader as traceAs() does, then the detector's line rule on every
/// line (it must never read past the line).
inline int redisMonitor(const std::uint8_t *data, std::size_t size)
{
    traceAs(TraceFormat::RedisMonitor, data, size);
    const QByteArrayView text(data, qsizetype(size));
    (void)TraceFormatDetector::looksLikeRedisMonitor(text, true);
    (void)TraceFormatDetector::looksLikeRedisMonitor(text, false);
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype nl = text.indexOf('\n', pos);
        if (nl < 0)
            nl = text.size();
        const QByteArray line = text.sliced(pos, nl - pos).toByteArray(); // exact-size copy
        (void)RedisMonitorTraceReader::looksLikeMonitorLine(
            line.constData(), line.constData() + line.size());
        pos = nl + 1;
    }
    return 0;
}

/// `plain` gzip-, xz- or zstd-compressed (fast levels), as a file would be.
inline QByteArray compress(const QByteArray &plain, int packing)
{
    QByteArray out;
    if (packing == 1) {
        z_stream z {};
        FUZZ_CHECK(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
        out.resize(qsizetype(deflateBound(&z, uLong(plain.size()))) + 64);
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
        z.avail_in = uInt(plain.size());
        z.next_out = reinterpret_cast<Bytef *>(out.data());
        z.avail_out = uInt(out.size());
        FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
        out.truncate(qsizetype(z.total_out));
        deflateEnd(&z);
    } else if (packing == 2) {
        out.resize(plain.size() + plain.size() / 2 + 1024);
        std::size_t used = 0;
        FUZZ_CHECK(
            lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, nullptr,
                reinterpret_cast<const uint8_t *>(plain.constData()), std::size_t(plain.size()),
                reinterpret_cast<uint8_t *>(out.data()), &used, std::size_t(out.size()))
            == LZMA_OK);
        out.truncate(qsizetype(used));
    } else if (packing == 3) {
        out.resize(qsizetype(ZSTD_compressBound(std::size_t(plain.size()))));
        const std::size_t n = ZSTD_compress(
            out.data(), std::size_t(out.size()), plain.constData(), std::size_t(plain.size()), 1);
        FUZZ_CHECK(!ZSTD_isError(n));
        out.truncate(qsizetype(n));
    } else {
        out = plain;
    }
    return out;
}

/// Valid compressed streams of any content, and inputs large enough to cross the readers'
/// 1 MiB buffers and the decoders' 256 KiB input buffer. Byte 0: bits 0-1 the compression
/// (none, gzip, xz, zstd), bits 2-4 the format (txt, csv, oraclegeneral, vscsi, u32be, then
/// txt, csv, u32be again), bits 5-7 how often the rest is repeated (4^0 to 4^7 times, at most
/// 2 MiB); the rest is the content.
inline int packed(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    static constexpr TraceFormat formats[]
        = { TraceFormat::Txt, TraceFormat::Csv, TraceFormat::OracleGeneral, TraceFormat::Vscsi,
              TraceFormat::U32Be, TraceFormat::Txt, TraceFormat::Csv, TraceFormat::U32Be };
    const int packing = data[0] & 3;
    const TraceFormat format = formats[(data[0] >> 2) & 7];
    const QByteArray content(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const qsizetype times = std::min(qsizetype(1) << (((data[0] >> 5) & 7) * 2),
        std::max<qsizetype>(1, (qsizetype(2) << 20) / content.size()));
    const QByteArray file = compress(content.repeated(times), packing);
    const InputFile input(
        reinterpret_cast<const std::uint8_t *>(file.constData()), std::size_t(file.size()));
    TraceOptions options;
    options.format = format;
    readTrace(input.path(), options, packing == 0);
    return 0;
}

/// CSV with its options: the first 4 bytes choose the key, size and time columns, the header
/// flag and the delimiter (out-of-range values included, which validate() must refuse), the
/// rest is the file.
inline int csv(const std::uint8_t *data, std::size_t size)
{
    if (size < 4)
        return 0;
    CsvOptions csv;
    const bool wide = data[0] & 0x40;
    csv.keyColumn = (data[0] & 0x3f) % 9 - 1; // -1 .. 7
    csv.sizeColumn = wide ? data[1] * 40 : data[1] % 9 - 1; // up to 10200, as the CLI allows
    csv.timeColumn = data[2] % 9 - 1;
    csv.header = data[0] & 0x80;
    csv.delimiter = QChar(char16_t(data[3] == 0xff ? 0x2c6 : data[3])); // one non-ASCII
    const Result<void> valid = CsvTraceReader::validate(csv);
    if (!valid)
        checkError(valid.error());
    const InputFile file(data + 4, size - 4);
    TraceOptions options;
    options.format = TraceFormat::Csv;
    options.csv = csv;
    readTrace(file.path(), options, !startsCompressed(data + 4, size - 4));
    if (csv.keyColumn >= 1 && csv.sizeColumn >= 0 && csv.timeColumn >= 0) {
        // The key hash is defined on any bytes.
        (void)CsvTraceReader::hashKey(
            reinterpret_cast<const char *>(data), reinterpret_cast<const char *>(data + size));
    }
    return 0;
}

/// Decompression on its own: the input is the file; peeks and reads of varying sizes must
/// agree with each other and end cleanly (or with an Error).
inline int byteSource(const std::uint8_t *data, std::size_t size)
{
    const InputFile file(data, size);
    Result<std::unique_ptr<ByteSource>> opened = ByteSource::open(file.path());
    if (!opened) {
        checkError(opened.error());
        return 0;
    }
    ByteSource &source = **opened;
    FUZZ_CHECK((source.compression() != Compression::None) == startsCompressed(data, size));
    static constexpr qsizetype chunks[] = { 1, 3, 4096, 100000 };
    std::vector<char> buffer(100000);
    for (std::size_t i = 0; source.position() < maxDecodedBytes; ++i) {
        const qsizetype want = chunks[i % std::size(chunks)];
        const Result<QByteArrayView> peeked = source.peek(want / 2 + 1);
        if (!peeked) {
            checkError(peeked.error());
            return 0;
        }
        FUZZ_CHECK(peeked->size() <= want / 2 + 1);
        const QByteArray copy = peeked->toByteArray();
        const qint64 before = source.position();
        const Result<qsizetype> n = source.read(buffer.data(), want);
        if (!n) {
            checkError(n.error());
            return 0;
        }
        FUZZ_CHECK(*n >= 0 && *n <= want);
        FUZZ_CHECK(source.position() == before + *n);
        // What peek() showed is what read() returns.
        FUZZ_CHECK(QByteArrayView(buffer.data(), std::min(*n, copy.size()))
            == QByteArrayView(copy).first(std::min(*n, copy.size())));
        if (source.compression() == Compression::None) {
            FUZZ_CHECK(source.position() <= qint64(size));
            FUZZ_CHECK(
                *n == 0 || QByteArrayView(buffer.data(), *n) == QByteArrayView(data + before, *n));
        }
        (void)source.estimatedSize();
        if (*n == 0) {
            if (source.compression() == Compression::None)
                FUZZ_CHECK(source.position() == qint64(size));
            break;
        }
    }
    FUZZ_CHECK(source.rawBytesRead() <= source.fileSize());
    return 0;
}

/// Format detection: the content rules on the input (the first byte says whether it is the
/// whole data and whether its size is known), the name rules and --format parsing on the input
/// as text, then a whole open with --format auto, read through.
inline int detect(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::uint8_t flags = data[0];
    const QByteArrayView sample(data + 1, qsizetype(size - 1));
    const bool whole = flags & 1;
    const qint64 decodedSize = flags & 2 ? -1 : sample.size() + (flags >> 2);
    const TraceFormat format = TraceFormatDetector::fromContent(sample, whole, decodedSize);
    FUZZ_CHECK(format != TraceFormat::Csv); // never guessed from content
    FUZZ_CHECK(format == TraceFormatDetector::fromContent(sample, whole, decodedSize));
    (void)TraceFormatDetector::looksLikeTxt(sample, whole);
    (void)TraceFormatDetector::looksLikeRedisMonitor(sample, whole);
    (void)TraceFormatDetector::looksLikeVscsi(sample, decodedSize);
    (void)TraceFormatDetector::looksLikeOracleGeneral(sample, decodedSize);
    (void)TraceFormatDetector::looksLikeU32Be(sample, decodedSize);
    (void)VscsiTraceReader::detectVersion(sample);

    const QString text = QString::fromUtf8(sample.first(std::min<qsizetype>(sample.size(), 256)));
    (void)TraceFormatDetector::fromName(text);
    const Result<TraceFormat> parsed = parseTraceFormat(text);
    if (parsed)
        FUZZ_CHECK(traceFormatName(*parsed).compare(text, Qt::CaseInsensitive) == 0);
    else
        checkError(parsed.error());

    // The whole pipeline with --format auto on a name that says nothing ("input").
    const InputFile file(data + 1, size - 1);
    const bool plain = !startsCompressed(data + 1, size - 1);
    readTrace(file.path(), TraceOptions {}, plain);
    if (plain) {
        // loadTrace() reserves from an estimate and counts unique keys; a plain input is small.
        const Result<LoadedTrace> loaded = loadTrace(file.path());
        if (loaded) {
            FUZZ_CHECK(!loaded->requests.empty());
            FUZZ_CHECK(
                loaded->uniqueObjects >= 1 && loaded->uniqueObjects <= loaded->requests.size());
        } else {
            checkError(loaded.error());
        }
    }
    return 0;
}

/// SQL templates: the input (UTF-8, invalid sequences included) as a custom template and as a
/// built-in name; placeholders are found outside quotes and comments.
inline int sqlTemplate(const std::uint8_t *data, std::size_t size)
{
    const QString sql = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<SqlTemplate> custom = SqlTemplate::custom(sql);
    if (custom) {
        FUZZ_CHECK(custom->kind() == TemplateKind::Custom);
        FUZZ_CHECK(custom->sql() == sql);
        const QString positional = custom->positionalSql();
        FUZZ_CHECK(positional.contains(QStringLiteral("$1")));
        FUZZ_CHECK(custom->affectedKeys(42).isEmpty());
        (void)custom->cacheKey(-1);
    } else {
        checkError(custom.error());
    }
    const Result<SqlTemplate> builtIn = SqlTemplate::builtIn(sql);
    if (builtIn)
        FUZZ_CHECK(builtIn->kind() != TemplateKind::Custom && !builtIn->positionalSql().isEmpty());
    else
        checkError(builtIn.error());
    return 0;
}

/// A Redis INFO reply (any bytes, as a server or something pretending to be one sends them):
/// parsed, then read as a monitor sample for database 0 and 3.
inline int redisInfo(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<RedisInfo> info = parseRedisInfo(text);
    if (!info) {
        checkError(info.error());
        FUZZ_CHECK(info.error().line >= 1);
        return 0;
    }
    for (const RedisInfo::Database &db : info->keyspace)
        FUZZ_CHECK(db.index >= 0 && db.keys >= 0 && db.expires >= 0);
    for (const int db : { 0, 3 }) {
        const Result<MonitorSample> sample = redisSampleFromInfo(*info, db);
        if (!sample) {
            checkError(sample.error());
            FUZZ_CHECK(!sample.error().field.isEmpty());
            continue;
        }
        FUZZ_CHECK(sample->keys >= 0 && sample->memoryBytes >= 0 && sample->clients >= 0);
        FUZZ_CHECK(sample->memoryLimitBytes >= 0 && sample->uptimeSeconds >= 0);
    }
    return 0;
}

/// A memcached stats reply (any bytes): completeness, the parse, and the stats read as a
/// monitor sample both as `stats` and as `stats items`.
inline int memcachedStats(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));
    const bool complete = isCompleteMemcachedReply(text);
    const Result<MemcachedStats> stats = parseMemcachedStats(text);
    if (!stats) {
        checkError(stats.error());
        return 0;
    }
    // What parses ends with END; with CRLF line ends that is also a complete reply.
    if (text.endsWith("\r\nEND\r\n") || text == "END\r\n")
        FUZZ_CHECK(complete);
    const Result<MonitorSample> sample = memcachedSampleFromStats(*stats, *stats);
    if (!sample) {
        checkError(sample.error());
        return 0;
    }
    FUZZ_CHECK(sample->operations == sample->gets + sample->sets);
    FUZZ_CHECK(sample->keys >= 0 && sample->memoryBytes >= 0 && sample->memoryLimitBytes >= 0);
    for (std::size_t i = 1; i < sample->slabEvictions.size(); ++i)
        FUZZ_CHECK(sample->slabEvictions[i - 1].first < sample->slabEvictions[i].first);
    return 0;
}

/// --expect's threshold list: what parses has fields, columns inside the text, and its
/// description parses again to the same fields and comparisons; evaluation against a summary
/// never throws and a missing field is never met.
inline int expectations(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<QList<Expectation>> list = parseExpectations(text);
    if (!list) {
        checkError(list.error());
        FUZZ_CHECK(list.error().message.startsWith(QStringLiteral("column ")));
        return 0;
    }
    FUZZ_CHECK(!list->isEmpty());
    const QJsonObject summary { { QStringLiteral("hit_ratio"), 0.5 },
        { QStringLiteral("latency_us"),
            QJsonObject {
                { QStringLiteral("hit"), QJsonObject { { QStringLiteral("p99"), 3.0 } } } } } };
    for (const Expectation &e : *list) {
        FUZZ_CHECK(!e.path.isEmpty() && e.column >= 1 && e.column <= text.size());
        const Result<QList<Expectation>> again = parseExpectations(e.describe());
        FUZZ_CHECK(again && again->size() == 1);
        FUZZ_CHECK(again->front().path == e.path && again->front().op == e.op);
    }
    const QList<ExpectationResult> results = evaluateExpectations(*list, summary);
    FUZZ_CHECK(results.size() == list->size());
    for (const ExpectationResult &r : results)
        FUZZ_CHECK(r.measured || !r.met);
    (void)checkExpectationFields(*list, summary);
    return 0;
}

/// A value read from the Redis second tier (another program may have written it): decodes or
/// is an Error; what decodes encodes back to a value that decodes to the same rows.
inline int l2Value(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<CachedResult> value = decodeCachedResult(bytes);
    if (!value) {
        checkError(value.error());
        return 0;
    }
    FUZZ_CHECK(value->sizeBytes >= 0);
    const Result<CachedResult> again = decodeCachedResult(encodeCachedResult(*value));
    FUZZ_CHECK(again);
    FUZZ_CHECK(again->sizeBytes == value->sizeBytes);
    FUZZ_CHECK(again->rows.size() == value->rows.size());
    return 0;
}

#ifdef CACHESCOPE_FUZZ_CONFIGJSON
/// The configuration JSON (saved configurations and scenario presets): the input is the file,
/// loaded over the defaults. What loads, validated, is written and read back to the same JSON.
inline int configJson(const std::uint8_t *data, std::size_t size)
{
    const InputFile file(data, size, "config.json");
    const RunConfig base;
    const Result<RunConfig> loaded = loadRunConfig(file.path(), base);
    if (!loaded) {
        checkError(loaded.error());
        return 0;
    }
    const Result<void> valid = loaded->validate();
    if (!valid)
        checkError(valid.error());
    const QJsonObject json = runConfigToJson(*loaded);
    const Result<RunConfig> again = runConfigFromJson(json, base);
    if (!again)
        std::fprintf(stderr, "%s\n", qPrintable(again.error().toString()));
    FUZZ_CHECK(again);
    FUZZ_CHECK(runConfigToJson(*again) == json);
    FUZZ_CHECK(sameWorkload(again->workload, loaded->workload));
    return 0;
}

/// Scenario files (`run --scenario FILE.json`, the presets): what parses has an id, a title, a
/// look-for line and steps in time order; its configuration and every step's change load over
/// the defaults, or fail naming the file.
inline int scenario(const std::uint8_t *data, std::size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<Scenario> parsed = parseScenario(json, QStringLiteral("fuzz.json"));
    if (!parsed) {
        checkError(parsed.error());
        FUZZ_CHECK(parsed.error().file == QStringLiteral("fuzz.json"));
        return 0;
    }
    FUZZ_CHECK(!parsed->id.isEmpty() && !parsed->title.isEmpty() && !parsed->lookFor.isEmpty());
    Result<RunConfig> config = runConfigFromJson(parsed->config, RunConfig {}, parsed->id);
    qint64 previous = -1;
    for (const ScenarioStep &step : parsed->steps) {
        FUZZ_CHECK(step.atMs >= previous && !step.note.isEmpty() && !step.set.isEmpty());
        previous = step.atMs;
        if (!config)
            break;
        config = runConfigFromJson(step.set, config.value(), parsed->id);
    }
    if (!config)
        checkError(config.error());
    else if (const Result<void> valid = config->validate(); !valid)
        checkError(valid.error());
    return 0;
}

/// Control lines of `run --control stdin` (parseLiveChange): what parses is within the ranges
/// the engine's setters accept.
inline int liveChange(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView line(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<LiveChange> change = parseLiveChange(line);
    if (!change) {
        checkError(change.error());
        return 0;
    }
    FUZZ_CHECK(!change->writeRatio || validateWriteRatio(*change->writeRatio));
    FUZZ_CHECK(!change->threads || validateThreads(*change->threads));
    FUZZ_CHECK(!change->l2TtlMs || *change->l2TtlMs >= 0);
    FUZZ_CHECK(!change->capacity
        || validateCacheCapacity(change->capacity->first, change->capacity->second));
    FUZZ_CHECK(!change->policy || !change->policy->isEmpty());
    return 0;
}
#endif

/// Invalidation messages from Redis (the listener): a pub/sub payload "origin name name ..."
/// and, the same bytes, a key name as Redis's tracking reports it. Keys found name themselves
/// back exactly; the run's own messages give nothing.
inline int invalidationMessage(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QByteArrayView prefix("cachescope:");
    for (const Key key : publishedKeys(bytes, prefix, "me")) {
        const QByteArray name = redisKeyName(prefix, key);
        FUZZ_CHECK(bytes.contains(name));
        FUZZ_CHECK(keyFromRedisName(name, prefix) == key);
    }
    if (const std::optional<Key> key = keyFromRedisName(bytes, prefix))
        FUZZ_CHECK(redisKeyName(prefix, *key) == bytes);
    const QByteArray own = "me " + bytes.toByteArray();
    FUZZ_CHECK(publishedKeys(own, prefix, "me").isEmpty());
    return 0;
}

/// Query logs: byte 0 bits 0-1 pick the format (auto, pglog-csv, pglog, sql), bits 2-3 the file
/// name the auto rules see (input.log, input.csv, input.sql.gz, input), bit 4 a custom
/// log_line_prefix: the rest's first line (up to 64 bytes) then. The rest is the file (gzip/xz/
/// zstd when it starts with their magic bytes). Every statement also goes through the
/// classifier, so the normalizer sees real-looking statements.
inline int queryLog(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    static constexpr QueryLogFormat formats[] = { QueryLogFormat::Auto, QueryLogFormat::PgCsv,
        QueryLogFormat::PgStderr, QueryLogFormat::Sql };
    static const char *const names[] = { "input.log", "input.csv", "input.sql.gz", "input" };
    QueryLogOptions options;
    options.format = formats[data[0] & 3];
    const char *name = names[(data[0] >> 2) & 3];
    const std::uint8_t *content = data + 1;
    std::size_t length = size - 1;
    if (data[0] & 0x10) {
        const auto *nl = static_cast<const std::uint8_t *>(
            std::memchr(content, '\n', std::min<std::size_t>(length, 64)));
        if (!nl)
            return 0;
        options.logLinePrefix
            = QString::fromUtf8(reinterpret_cast<const char *>(content), qsizetype(nl - content));
        length -= std::size_t(nl + 1 - content);
        content = nl + 1;
        if (options.logLinePrefix.isEmpty())
            return 0;
    }
    const InputFile file(content, length, name);
    Result<std::unique_ptr<QueryLogReader>> opened = QueryLogReader::open(file.path(), options);
    if (!opened) {
        checkError(opened.error());
        return 0;
    }
    QueryLogReader &reader = **opened;
    FUZZ_CHECK(reader.format() != QueryLogFormat::Auto);
    FUZZ_CHECK(options.format == QueryLogFormat::Auto || reader.format() == options.format);
    const bool plain = !startsCompressed(content, length);
    StatementClassifier classifier;
    qint64 lastLine = 0;
    qint64 textBytes = 0;
    for (std::size_t n = 0; n < maxRequests && textBytes < maxDecodedBytes; ++n) {
        LoggedStatement s;
        const Result<bool> r = reader.next(s);
        if (!r) {
            checkError(r.error());
            const Result<bool> after = reader.next(s);
            FUZZ_CHECK(after && !*after); // finished after an error
            break;
        }
        if (plain)
            FUZZ_CHECK(reader.bytesConsumed() <= reader.fileSize());
        if (!*r) {
            const Result<bool> again = reader.next(s);
            FUZZ_CHECK(again && !*again); // the end stays the end
            break;
        }
        // Statements come in file order, each from a line of the file (a .sql line may hold
        // several).
        FUZZ_CHECK(s.line >= 1 && s.line >= lastLine);
        FUZZ_CHECK(reader.format() == QueryLogFormat::Sql || s.line > lastLine);
        lastLine = s.line;
        FUZZ_CHECK(s.durationUs >= -1);
        textBytes += s.text.size();
        if (s.text.size() <= 4096)
            (void)classifier.classify(s.session, s.text);
    }
    (void)reader.notes();
    FUZZ_CHECK(classifier.openTransactions() >= 0);
    return 0;
}

/// The SQL tokenizer and normalizer on any text, the parameter binding and the log_line_prefix
/// matcher on the same bytes.
inline int sqlNormalizer(const std::uint8_t *data, std::size_t size)
{
    const QString sql = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<SqlToken> tokens = tokenizeSql(sql);
    qsizetype previousEnd = 0;
    for (const SqlToken &t : tokens) {
        FUZZ_CHECK(t.begin >= previousEnd && t.end > t.begin && t.end <= sql.size());
        previousEnd = t.end;
        if (t.type == SqlTokenType::String || t.type == SqlTokenType::DollarString)
            (void)sqlStringValue(sql, t);
        if (t.type == SqlTokenType::QuotedIdentifier)
            (void)sqlIdentifierValue(sql, t);
    }
    const NormalizedStatement st = normalizeStatement(sql);
    const NormalizedStatement again = normalizeStatement(sql);
    FUZZ_CHECK(st.templateText == again.templateText && st.templateId == again.templateId
        && st.parameters == again.parameters && st.parameterKey == again.parameterKey);
    FUZZ_CHECK(st.templateText.size() <= 2 * sql.size() + 16 * st.parameters.size() + 8);
    FUZZ_CHECK(st.kind != StatementKind::Uncacheable || !st.reason.isEmpty());
    FUZZ_CHECK(st.tables.size() == QSet<QString>(st.tables.cbegin(), st.tables.cend()).size());
    // The same statement in two sessions, then a session that begins, writes and reads.
    StatementClassifier classifier;
    (void)classifier.classify("a", sql);
    (void)classifier.classify("b", sql);
    (void)classifier.classify("c", QStringLiteral("BEGIN"));
    (void)classifier.classify("c", sql);
    (void)classifier.classify("c", sql);
    FUZZ_CHECK(classifier.openTransactions() <= 3);

    // The log pieces on the same text.
    QStringList literals;
    if (PgLog::parseParameters(sql, literals))
        FUZZ_CHECK(!literals.isEmpty());
    (void)PgLog::bindParameters(sql, { QStringLiteral("'x'"), QString(), QStringLiteral("NULL") });
    QString bound;
    (void)PgLog::bindSqlExecute(sql, sql, bound);
    (void)PgLog::parseMessage(sql);
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    qint64 us = 0;
    bool zoneKnown = false;
    (void)PgLog::parseTimestamp(bytes, us, zoneKnown);
    const qsizetype nl = bytes.indexOf('\n');
    if (nl > 0 && nl <= 64) {
        const Result<PgLog::LinePrefix> prefix
            = PgLog::LinePrefix::compile(QString::fromUtf8(bytes.first(nl)));
        if (prefix) {
            PgLog::LinePrefix::Match m;
            if (prefix->match(bytes.cbegin() + nl + 1, bytes.cend(), m))
                FUZZ_CHECK(!m.severity.isEmpty());
        } else {
            checkError(prefix.error());
        }
    }
    return 0;
}

} // namespace CacheScope::Fuzz
