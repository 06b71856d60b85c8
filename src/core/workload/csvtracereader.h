#pragma once

#include "core/workload/bytesource.h"
#include "core/workload/linereader.h"
#include "core/workload/tracereader.h"

#include <string>
#include <vector>

namespace CacheScope {

/// Delimited text with a key column and optional size and time columns (1-based). Fields may
/// be quoted ("a,b", "" for a quote) within one line. Decimal keys are used as they are; any
/// other key text is hashed to 64 bits (FNV-1a, then mixKey). Times are seconds, stored
/// relative to the first request and saturated to 0 .. 2^32-1; a fraction is dropped.
class CsvTraceReader final : public TraceReader
{
public:
    /// Checks columns and delimiter before a file is opened; errors name the option.
    static Result<void> validate(const CsvOptions &options);
    /// The 64-bit key of a non-numeric key text.
    static Key hashKey(const char *begin, const char *end);

    CsvTraceReader(std::unique_ptr<ByteSource> source, const CsvOptions &options);

    Result<qsizetype> read(std::vector<Request> &out, qsizetype max) override;
    qint64 bytesConsumed() const override { return m_source->rawBytesRead(); }
    qint64 estimatedRequests() const override;

private:
    struct Field
    {
        const char *begin = nullptr;
        const char *end = nullptr;
    };

    /// Splits the current line into m_fields (only the columns we need); false on a quoting error.
    bool split(const char *begin, const char *end, Error &error);
    Error fieldError(const QString &field, const Field &value, const QString &message) const;

    std::unique_ptr<ByteSource> m_source;
    LineReader m_lines;
    qint64 m_requests = 0; // returned so far, for estimatedRequests()
    CsvOptions m_options;
    char m_delimiter;
    bool m_trim;
    int m_lastColumn;
    std::vector<Field> m_fields; // 1-based column - 1
    std::vector<std::string> m_unescaped; // quoted fields holding "" live here
    int m_columns = 0; // columns seen on the current line
    bool m_skipHeader;
    quint64 m_firstTime = 0;
    bool m_started = false;
};

} // namespace CacheScope
