#include "core/workload/bytesource.h"

#include "core/workload/traceerror.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

namespace {

constexpr qsizetype rawBufferSize = qsizetype(1) << 18;
/// xz(1) compresses with dictionaries of at most 1.5 GiB; a header asking for more (up to
/// 4 GiB) is refused before the decoder allocates it.
constexpr std::uint64_t xzMemoryLimit = std::uint64_t(1600) << 20;

QString describe(lzma_ret rc)
{
    switch (rc) {
    case LZMA_FORMAT_ERROR:
        return u"not in the xz format"_s;
    case LZMA_OPTIONS_ERROR:
        return u"unsupported options"_s;
    case LZMA_DATA_ERROR:
        return u"a header, block or checksum is invalid"_s;
    case LZMA_MEM_ERROR:
        return u"out of memory"_s;
    case LZMA_MEMLIMIT_ERROR:
        return u"the dictionary is larger than xz(1) makes (needs more than 1600 MiB)"_s;
    default:
        return u"liblzma error "_s + QString::number(int(rc));
    }
}

/// Decoded bytes straight from the file.
class PlainSource final : public ByteSource
{
protected:
    Result<qsizetype> decode(char *data, qsizetype size) override { return readRaw(data, size); }
};

/// Base of the three decompressors: a raw input buffer refilled from the file.
class CompressedSource : public ByteSource
{
protected:
    CompressedSource()
        : m_in(rawBufferSize)
    {
    }

    /// Moves the unread input to the front and tops the buffer up to at least `atLeast` bytes
    /// (fewer at the end of the file).
    Result<void> refill(const unsigned char *&next, std::size_t &avail, std::size_t atLeast = 1)
    {
        if (avail > 0 && next != m_in.data())
            std::memmove(m_in.data(), next, avail);
        next = m_in.data();
        while (avail < atLeast && !m_eof) {
            const Result<qsizetype> n = readRaw(
                reinterpret_cast<char *>(m_in.data()) + avail, qsizetype(m_in.size() - avail));
            if (!n)
                return n.error();
            if (*n == 0)
                m_eof = true;
            avail += std::size_t(*n);
        }
        return {};
    }

    std::vector<unsigned char> m_in;
    bool m_eof = false;
    bool m_done = false;
};

class GzipSource final : public CompressedSource
{
public:
    GzipSource() { m_ok = inflateInit2(&m_z, 15 + 16) == Z_OK; } // 16: gzip header only
    ~GzipSource() override
    {
        if (m_ok)
            inflateEnd(&m_z);
    }
    bool isValid() const { return m_ok; }

protected:
    Result<qsizetype> decode(char *data, qsizetype size) override
    {
        if (m_done)
            return qsizetype(0);
        const uInt want = uInt(std::min<qsizetype>(size, INT_MAX));
        m_z.next_out = reinterpret_cast<Bytef *>(data);
        m_z.avail_out = want;
        while (m_z.avail_out > 0) {
            if (m_z.avail_in == 0 && !m_eof && !topUp(1))
                return m_error;
            const int rc = inflate(&m_z, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                // gzip(1) decodes concatenated members and ignores what follows the last one.
                if (!topUp(2))
                    return m_error;
                if (m_z.avail_in >= 2 && m_z.next_in[0] == 0x1f && m_z.next_in[1] == 0x8b) {
                    inflateReset(&m_z);
                    continue;
                }
                m_done = true;
                break;
            }
            if (rc != Z_OK && rc != Z_BUF_ERROR)
                return error(u"corrupt gzip data: "_s + QString::fromUtf8(m_z.msg ? m_z.msg : "?"));
            if (m_z.avail_in == 0 && m_eof) {
                if (m_z.avail_out < want)
                    break; // return what we have; the next call reports the truncation
                return error(u"the gzip data ends early (truncated file)"_s);
            }
        }
        return qsizetype(want - m_z.avail_out);
    }

private:
    bool topUp(std::size_t atLeast)
    {
        const unsigned char *next = m_z.next_in;
        std::size_t avail = m_z.avail_in;
        const Result<void> r = refill(next, avail, atLeast);
        m_z.next_in = const_cast<Bytef *>(next);
        m_z.avail_in = uInt(avail);
        if (!r)
            m_error = r.error();
        return r.has_value();
    }

    z_stream m_z {};
    bool m_ok = false;
    Error m_error;
};

class XzSource final : public CompressedSource
{
public:
    XzSource() { m_ok = lzma_stream_decoder(&m_s, xzMemoryLimit, LZMA_CONCATENATED) == LZMA_OK; }
    ~XzSource() override { lzma_end(&m_s); }
    bool isValid() const { return m_ok; }

protected:
    Result<qsizetype> decode(char *data, qsizetype size) override
    {
        if (m_done)
            return qsizetype(0);
        m_s.next_out = reinterpret_cast<uint8_t *>(data);
        m_s.avail_out = std::size_t(size);
        while (m_s.avail_out > 0) {
            if (m_s.avail_in == 0 && !m_eof) {
                const unsigned char *next = m_s.next_in;
                std::size_t avail = m_s.avail_in;
                const Result<void> r = refill(next, avail);
                if (!r)
                    return r.error();
                m_s.next_in = next;
                m_s.avail_in = avail;
            }
            // LZMA_CONCATENATED only reports the end when told the input is finished.
            const lzma_ret rc
                = lzma_code(&m_s, m_s.avail_in == 0 && m_eof ? LZMA_FINISH : LZMA_RUN);
            if (rc == LZMA_STREAM_END) {
                m_done = true;
                break;
            }
            if (rc == LZMA_OK)
                continue;
            if (rc == LZMA_BUF_ERROR) {
                if (m_s.avail_out < std::size_t(size))
                    break;
                return error(u"the xz data ends early (truncated file)"_s);
            }
            return error(u"corrupt xz data: "_s + describe(rc));
        }
        return qsizetype(std::size_t(size) - m_s.avail_out);
    }

private:
    lzma_stream m_s = LZMA_STREAM_INIT;
    bool m_ok = false;
};

class ZstdSource final : public CompressedSource
{
public:
    ZstdSource()
        : m_ds(ZSTD_createDStream())
    {
        if (m_ds)
            ZSTD_initDStream(m_ds);
    }
    ~ZstdSource() override { ZSTD_freeDStream(m_ds); }
    bool isValid() const { return m_ds != nullptr; }

protected:
    Result<qsizetype> decode(char *data, qsizetype size) override
    {
        if (m_done)
            return qsizetype(0);
        ZSTD_outBuffer out { data, std::size_t(size), 0 };
        while (out.pos < out.size) {
            if (m_inPos == m_inSize && !m_eof) {
                const unsigned char *next = m_in.data();
                std::size_t avail = 0;
                const Result<void> r = refill(next, avail);
                if (!r)
                    return r.error();
                m_inPos = 0;
                m_inSize = avail;
            }
            if (m_inPos == m_inSize && m_eof && m_pending == 0) {
                m_done = true; // every frame decoded and flushed
                break;
            }
            ZSTD_inBuffer in { m_in.data(), m_inSize, m_inPos };
            const std::size_t before = out.pos;
            const std::size_t rc = ZSTD_decompressStream(m_ds, &out, &in);
            m_inPos = in.pos;
            if (ZSTD_isError(rc))
                return error(u"corrupt zstd data: "_s + QString::fromUtf8(ZSTD_getErrorName(rc)));
            m_pending = rc;
            if (m_inPos == m_inSize && m_eof && out.pos == before && rc != 0) {
                if (out.pos > 0)
                    break;
                return error(u"the zstd data ends early (truncated file)"_s);
            }
        }
        return qsizetype(out.pos);
    }

private:
    ZSTD_DStream *m_ds = nullptr;
    std::size_t m_inPos = 0;
    std::size_t m_inSize = 0;
    std::size_t m_pending = 0; // ZSTD_decompressStream's last answer: 0 = frame complete
};

template <typename Source>
Result<std::unique_ptr<ByteSource>> make(const QString &path, const char *library)
{
    auto source = std::make_unique<Source>();
    if (!source->isValid())
        return fileError(
            path, u"cannot start the "_s + QString::fromLatin1(library) + u" decoder"_s);
    return std::unique_ptr<ByteSource>(std::move(source));
}

} // namespace

ByteSource::~ByteSource() = default;

Result<std::unique_ptr<ByteSource>> ByteSource::open(const QString &path)
{
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return fileError(path, u"cannot open the file: "_s + file->errorString());

    QByteArray magic(6, Qt::Uninitialized);
    qsizetype got = 0;
    while (got < magic.size()) {
        const qint64 n = file->read(magic.data() + got, magic.size() - got);
        if (n < 0)
            return fileError(path, u"cannot read the file: "_s + file->errorString());
        if (n == 0)
            break;
        got += n;
    }
    magic.truncate(got);

    Compression compression = Compression::None;
    if (magic.startsWith("\x1f\x8b"))
        compression = Compression::Gzip;
    else if (magic.startsWith(QByteArrayView("\xfd"
                                             "7zXZ\0",
                 6)))
        compression = Compression::Xz;
    else if (magic.startsWith("\x28\xb5\x2f\xfd"))
        compression = Compression::Zstd;

    Result<std::unique_ptr<ByteSource>> made = compression == Compression::Gzip
        ? make<GzipSource>(path, "zlib")
        : compression == Compression::Xz   ? make<XzSource>(path, "liblzma")
        : compression == Compression::Zstd ? make<ZstdSource>(path, "zstd")
                                           : std::unique_ptr<ByteSource>(new PlainSource);
    if (!made)
        return made;
    ByteSource &source = **made;
    source.m_path = path;
    source.m_fileSize = file->size();
    source.m_file = std::move(file);
    source.m_rawPrefix = magic;
    source.m_compression = compression;
    return made;
}

Result<qsizetype> ByteSource::read(char *data, qsizetype size)
{
    qsizetype n = 0;
    if (m_peekedPos < qsizetype(m_peeked.size())) {
        n = std::min(size, qsizetype(m_peeked.size()) - m_peekedPos);
        std::memcpy(data, m_peeked.data() + m_peekedPos, std::size_t(n));
        m_peekedPos += n;
        if (m_peekedPos == qsizetype(m_peeked.size())) {
            m_peeked.clear();
            m_peekedPos = 0;
        }
    } else {
        Result<qsizetype> r = decodeOnce(data, size); // moved on error
        if (!r)
            return r;
        n = *r;
    }
    m_position += n;
    return n;
}

Result<QByteArrayView> ByteSource::peek(qsizetype size)
{
    while (qsizetype(m_peeked.size()) - m_peekedPos < size) {
        const qsizetype have = qsizetype(m_peeked.size());
        const qsizetype want = size - (have - m_peekedPos);
        m_peeked.resize(std::size_t(have + want));
        const Result<qsizetype> r = decodeOnce(m_peeked.data() + have, want);
        m_peeked.resize(std::size_t(have + (r ? *r : 0)));
        if (!r)
            return r.error();
        if (*r == 0)
            break;
    }
    return QByteArrayView(
        m_peeked.data() + m_peekedPos, std::min(size, qsizetype(m_peeked.size()) - m_peekedPos));
}

qint64 ByteSource::estimatedSize() const
{
    if (m_compression == Compression::None)
        return m_fileSize;
    if (m_rawRead == 0)
        return -1;
    return qint64(double(m_position) * double(m_fileSize) / double(m_rawRead));
}

Result<qsizetype> ByteSource::decodeOnce(char *data, qsizetype size)
{
    if (m_failed)
        return m_error;
    Result<qsizetype> r = decode(data, size);
    if (!r) {
        m_failed = true;
        m_error = r.error();
    }
    return r;
}

Result<qsizetype> ByteSource::readRaw(char *data, qsizetype size)
{
    qsizetype n = 0;
    if (m_rawPrefixPos < m_rawPrefix.size()) {
        n = std::min(size, m_rawPrefix.size() - m_rawPrefixPos);
        std::memcpy(data, m_rawPrefix.constData() + m_rawPrefixPos, std::size_t(n));
        m_rawPrefixPos += n;
    } else {
        const qint64 r = m_file->read(data, size);
        if (r < 0)
            return error(u"cannot read the file: "_s + m_file->errorString());
        n = qsizetype(r);
    }
    m_rawRead += n;
    return n;
}

Error ByteSource::error(const QString &message) const { return fileError(m_path, message); }

} // namespace CacheScope
