#pragma once

#include <QString>

namespace CacheScope::BuildInfo {

/// The project's version (CMake's PROJECT_VERSION), e.g. "0.1.0".
const char *version();

/// The source tree's git revision when it was built (`git rev-parse --short HEAD`, taken at build
/// time, not configure time), or "unknown" outside a git checkout (a source tarball).
const char *gitRevision();

/// What `--version` prints after the program's name, and the app's About box:
/// "0.1.0 (git 1c151df)".
inline QString versionText()
{
    return QString::fromLatin1(version()) + QStringLiteral(" (git ")
        + QString::fromLatin1(gitRevision()) + QLatin1Char(')');
}

} // namespace CacheScope::BuildInfo
