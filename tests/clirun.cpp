#include "clirun.h"

#include "testsupport.h"

#include <QJsonDocument>
#include <QProcess>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::TestSupport {

CliRun runCli(const QStringList &args, int timeoutMs)
{
    return runCli(args, QProcessEnvironment::systemEnvironment(), timeoutMs);
}

CliRun runCli(const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(cliPath(), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return { -2, QString::fromUtf8(p.readAllStandardOutput()), u"timeout"_s };
    }
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
        QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()) };
}

QList<QJsonObject> jsonLines(const QString &out)
{
    QList<QJsonObject> lines;
    for (const QString &l : out.split(u'\n', Qt::SkipEmptyParts))
        lines << QJsonDocument::fromJson(l.toUtf8()).object();
    return lines;
}

} // namespace CacheScope::TestSupport
