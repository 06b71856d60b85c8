#include "core/workload/traceformatdetector.h"

#include "core/workload/redismonitortracereader.h"

#include <QFileInfo>
#include <QtEndian>

#include <algorithm>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr qsizetype minBinaryRecords = 8;

bool isText(QByteArrayView sample)
{
    for (const char c : sample) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && u != '\n' && u != '\r' && u != '\t')
            return false;
    }
    return true;
}

} // namespace

TraceFormat TraceFormatDetector::fromName(const QString &path)
{
    QString name = QFileInfo(path).fileName().toLower();
    for (const QString &suffix : { u".gz"_s, u".xz"_s, u".zst"_s, u".zstd"_s }) {
        if (name.endsWith(suffix)) {
            name.chop(suffix.size());
            break;
        }
    }
    if (name.endsWith(u".txt"_s) || name.endsWith(u".lirs"_s))
        return TraceFormat::Txt;
    if (name.endsWith(u".csv"_s))
        return TraceFormat::Csv;
    if (name.endsWith(u".vscsi"_s))
        return TraceFormat::Vscsi;
    if (name.endsWith(u".monitor"_s))
        return TraceFormat::RedisMonitor;
    if (name.endsWith(u".sql"_s))
        return TraceFormat::Sql;
    // libCacheSim names them x.oracleGeneral, x.oracleGeneral.bin, x.oracleGeneral.sample10 ...
    if (name.contains(u".oraclegeneral"_s))
        return TraceFormat::OracleGeneral;
    return TraceFormat::Auto;
}

TraceFormat TraceFormatDetector::fromContent(QByteArrayView sample, bool whole, qint64 size)
{
    if (sample.isEmpty())
        return TraceFormat::Auto;
    if (isText(sample)) {
        if (looksLikeTxt(sample, whole))
            return TraceFormat::Txt;
        return looksLikeRedisMonitor(sample, whole) ? TraceFormat::RedisMonitor : TraceFormat::Auto;
    }
    const bool vscsi = looksLikeVscsi(sample, size);
    const bool oracle = looksLikeOracleGeneral(sample, size);
    if (vscsi && oracle)
        return TraceFormat::Auto;
    if (vscsi)
        return TraceFormat::Vscsi;
    if (oracle)
        return TraceFormat::OracleGeneral;
    return looksLikeU32Be(sample, size) ? TraceFormat::U32Be : TraceFormat::Auto;
}

bool TraceFormatDetector::looksLikeTxt(QByteArrayView sample, bool whole)
{
    qsizetype end = sample.size();
    if (!whole) {
        // The last line may be cut off by the sample's end: judge complete lines only.
        end = sample.lastIndexOf('\n');
        if (end < 0)
            return false;
    }
    bool anyKey = false;
    qsizetype pos = 0;
    while (pos < end) {
        qsizetype nl = sample.indexOf('\n', pos);
        if (nl < 0 || nl > end)
            nl = end;
        QByteArrayView line = sample.sliced(pos, nl - pos).trimmed();
        pos = nl + 1;
        if (line.isEmpty() || line == "*")
            continue;
        if (line.size() > 20)
            return false;
        for (const char c : line) {
            if (c < '0' || c > '9')
                return false;
        }
        anyKey = true;
    }
    return anyKey;
}

bool TraceFormatDetector::looksLikeRedisMonitor(QByteArrayView sample, bool whole)
{
    qsizetype end = sample.size();
    if (!whole) {
        end = sample.lastIndexOf('\n');
        if (end < 0)
            return false;
    }
    bool any = false;
    bool first = true;
    qsizetype pos = 0;
    while (pos < end) {
        qsizetype nl = sample.indexOf('\n', pos);
        if (nl < 0 || nl > end)
            nl = end;
        const QByteArrayView line = sample.sliced(pos, nl - pos).trimmed();
        pos = nl + 1;
        if (line.isEmpty())
            continue;
        if (first && line == "OK") {
            first = false;
            continue;
        }
        first = false;
        if (!RedisMonitorTraceReader::looksLikeMonitorLine(line.begin(), line.end()))
            return false;
        any = true;
    }
    return any;
}

bool TraceFormatDetector::looksLikeVscsi(QByteArrayView sample, qint64 size)
{
    for (const int version : { 1, 2 }) {
        const qsizetype recordSize = version == 1 ? 32 : 40;
        const qsizetype verOffset = version == 1 ? 14 : 2;
        const qsizetype records = sample.size() / recordSize;
        if (records < minBinaryRecords || (size >= 0 && size % recordSize != 0))
            continue;
        bool all = true;
        for (qsizetype i = 0; i < records && all; ++i)
            all = qFromLittleEndian<quint16>(sample.data() + i * recordSize + verOffset) >> 8
                == version;
        if (all)
            return true;
    }
    return false;
}

bool TraceFormatDetector::looksLikeOracleGeneral(QByteArrayView sample, qint64 size)
{
    constexpr qsizetype recordSize = 24;
    const qsizetype records = sample.size() / recordSize;
    if (records < minBinaryRecords || (size >= 0 && size % recordSize != 0))
        return false;
    quint32 previousTime = 0;
    for (qsizetype i = 0; i < records; ++i) {
        const char *record = sample.data() + i * recordSize;
        const quint32 time = qFromLittleEndian<quint32>(record);
        const quint32 objectSize = qFromLittleEndian<quint32>(record + 12);
        const qint64 next = qFromLittleEndian<qint64>(record + 16);
        if (objectSize == 0 || time < previousTime)
            return false;
        if (next != -1 && next != INT64_MAX && next <= i)
            return false;
        previousTime = time;
    }
    return true;
}

bool TraceFormatDetector::looksLikeU32Be(QByteArrayView sample, qint64 size)
{
    if (size >= 0 && size % 4 != 0)
        return false;
    const qsizetype count = std::min<qsizetype>(sample.size() / 4, 16384);
    if (count < 16)
        return false;
    std::vector<quint32> words(static_cast<std::size_t>(count), 0);
    qsizetype highZero = 0; // most significant byte 0: small keys, read the right way round
    qsizetype lowZero = 0; // least significant byte 0: what little-endian small keys look like
    for (qsizetype i = 0; i < count; ++i) {
        const char *p = sample.data() + 4 * i;
        words[std::size_t(i)] = qFromBigEndian<quint32>(p);
        highZero += p[0] == 0;
        lowZero += p[3] == 0;
    }
    if (lowZero * 2 > count && lowZero > 2 * highZero)
        return false;
    std::sort(words.begin(), words.end());
    qsizetype distinct = 0;
    qsizetype longestRun = 0;
    for (qsizetype i = 0; i < count;) {
        qsizetype j = i + 1;
        while (j < count && words[std::size_t(j)] == words[std::size_t(i)])
            ++j;
        ++distinct;
        longestRun = std::max(longestRun, j - i);
        i = j;
    }
    const qsizetype repeats = count - distinct;
    return distinct >= 2 && longestRun * 4 <= count && repeats * 16 >= count;
}

} // namespace CacheScope
