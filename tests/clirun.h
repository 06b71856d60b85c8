#pragma once

#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace CacheScope::TestSupport {

/// What one cachescope-cli process returned and printed.
struct CliRun
{
    int exitCode = -1; // -1 if it crashed, -2 if it timed out (err is then "timeout")
    QString out;
    QString err;
};

/// Runs cachescope-cli (cliPath()) with `args` and waits for it; kills it after `timeoutMs`.
CliRun runCli(const QStringList &args, int timeoutMs = 120000);
/// The same in the environment `env` (a password variable, a missing HOME).
CliRun runCli(const QStringList &args, const QProcessEnvironment &env, int timeoutMs = 120000);

/// The JSON objects of an output with one per line (`run --output json`).
QList<QJsonObject> jsonLines(const QString &out);

} // namespace CacheScope::TestSupport
