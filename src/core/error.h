#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace CacheScope {

/// What went wrong, with where it came from: returned as a value, never thrown across threads.
struct Error
{
    QString message; // what is wrong, one sentence
    QString file; // trace, preset or connection the value came from
    qint64 line = 0; // 1-based; 0 when not from a line-oriented file
    QString field; // column, option or SQL parameter
    QString value; // the offending text, verbatim
    qint64 offset = -1; // byte offset in a binary file; -1 when not used

    /// "requests.csv:42: size: '-3' is not a non-negative integer"
    QString toString() const;
};

/// std::expected's spelling (has_value, value, error) so C++23 only needs an alias.
// The implicit move assignment is noexcept(false) when T's move can throw (QSqlDatabase has none
// but a copy), as std::expected's is: a throw there propagates, it does not terminate.
// NOLINTNEXTLINE(bugprone-exception-escape)
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {
    }
    bool has_value() const { return m_data.index() == 0; }
    explicit operator bool() const { return has_value(); }
    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }
    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_ok(false)
    {
    }
    bool has_value() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

} // namespace CacheScope
