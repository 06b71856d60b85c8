#pragma once

#include <QStringList>

namespace CacheScope::Cli {

/// Each sub-command takes its arguments without the command name and returns the exit status.
int simulateCommand(const QStringList &args);
int runCommand(const QStringList &args);
int demoDbCommand(const QStringList &args);
int benchCacheCommand(const QStringList &args);

} // namespace CacheScope::Cli
