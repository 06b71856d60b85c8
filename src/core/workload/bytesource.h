#pragma once

#include "core/error.h"

#include <QByteArrayView>
#include <QFile>
#include <QString>

#include <memory>
#include <vector>

namespace CacheScope {

enum class Compression { None, Gzip, Xz, Zstd };

/// A trace file's bytes, decompressed on the fly. The compression is told by the magic bytes
/// (gzip 1f 8b, xz fd 37 7a 58 5a 00, zstd 28 b5 2f fd), never by the name, so a renamed or
/// suffix-less file still opens. Reads in chunks; never holds more than a buffer of the file.
class ByteSource
{
public:
    /// Opens `path`; the error names the file and the operating system's reason.
    static Result<std::unique_ptr<ByteSource>> open(const QString &path);
    virtual ~ByteSource();

    /// Reads up to `size` decoded bytes into `data`; returns how many, 0 at the end.
    Result<qsizetype> read(char *data, qsizetype size);
    /// The first `size` decoded bytes that read() has not returned yet (fewer at the end),
    /// without consuming them: format detection looks before the reader starts.
    Result<QByteArrayView> peek(qsizetype size);

    const QString &path() const { return m_path; }
    Compression compression() const { return m_compression; }
    /// File bytes consumed so far (compressed bytes for a compressed file).
    qint64 rawBytesRead() const { return m_rawRead; }
    qint64 fileSize() const { return m_fileSize; }
    /// Decoded bytes returned by read() so far: the offset of the next byte.
    qint64 position() const { return m_position; }
    /// The decoded size: exact for a plain file, extrapolated from the compression ratio so
    /// far for a compressed one (-1 before any byte is read).
    qint64 estimatedSize() const;

protected:
    ByteSource() = default;
    /// Reads decoded bytes; 0 only at the end of the data.
    virtual Result<qsizetype> decode(char *data, qsizetype size) = 0;
    /// Reads file bytes (the magic bytes already looked at come first); 0 at the end.
    Result<qsizetype> readRaw(char *data, qsizetype size);
    Error error(const QString &message) const;

private:
    Result<qsizetype> decodeOnce(char *data, qsizetype size);

    QString m_path;
    std::unique_ptr<QFile> m_file;
    QByteArray m_rawPrefix; // bytes read to look for a magic number
    qsizetype m_rawPrefixPos = 0;
    std::vector<char> m_peeked;
    qsizetype m_peekedPos = 0;
    Compression m_compression = Compression::None;
    qint64 m_rawRead = 0;
    qint64 m_fileSize = 0;
    qint64 m_position = 0;
    bool m_failed = false; // a decoder is not called again after an error
    Error m_error;
};

} // namespace CacheScope
