#pragma once

#include "core/error.h"

namespace CacheScope {

/// Errors about a whole file, a text line or a binary record, with every field spelled out
/// (an aggregate left half-initialised trips -Wmissing-field-initializers).
inline Error fileError(const QString &file, const QString &message)
{
    return Error { message, file, 0, QString(), QString() };
}

inline Error lineError(const QString &file, qint64 line, const QString &field, const QString &value,
    const QString &message)
{
    return Error { message, file, line, field, value };
}

inline Error byteError(const QString &file, qint64 offset, const QString &field,
    const QString &value, const QString &message)
{
    return Error { message, file, 0, field, value, offset };
}

/// An invalid option value: "--keys: '0' must be at least 1".
inline Error optionError(const QString &option, const QString &value, const QString &message)
{
    return Error { message, QString(), 0, option, value };
}

} // namespace CacheScope
