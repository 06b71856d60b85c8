#include "cliutil.h"

#include <cmath>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

int fail(const Error &error, int status) { return fail(error.toString(), status); }

int fail(const QString &message, int status)
{
    QTextStream err(stderr);
    err << "cachescope-cli: " << message << Qt::endl;
    return status;
}

void note(const QString &message)
{
    QTextStream err(stderr);
    err << "cachescope-cli: note: " << message << Qt::endl;
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

bool parseOrFail(QCommandLineParser &parser, const QStringList &args, const QString &command)
{
    QStringList full = args;
    full.prepend(u"cachescope-cli "_s + command);
    if (!parser.parse(full)) {
        fail(parser.errorText() + u" (see cachescope-cli "_s + command + u" --help)"_s);
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        fail(u"unexpected argument '"_s + parser.positionalArguments().constFirst()
            + u"' (see cachescope-cli "_s + command + u" --help)"_s);
        return false;
    }
    return true;
}

std::optional<int> parseCommand(QCommandLineParser &parser, const QStringList &args,
    const QString &command, const QString &synopsis)
{
    if (!parseOrFail(parser, args, command))
        return exitUsage;
    if (parser.isSet(u"help"_s)) {
        printHelp(parser, command, synopsis);
        return 0;
    }
    return std::nullopt;
}

void printHelp(const QCommandLineParser &parser, const QString &command, const QString &synopsis)
{
    QString text = parser.helpText();
    const qsizetype eol = text.indexOf(u'\n');
    text.replace(0, eol,
        u"Usage: cachescope-cli "_s + command + u' '
            + (synopsis.isEmpty() ? u"[options]"_s : synopsis));
    out() << text;
}

Result<qint64> integerOption(
    const QCommandLineParser &parser, const QString &name, qint64 fallback, qint64 min, qint64 max)
{
    if (!parser.isSet(name))
        return fallback;
    const QString text = parser.value(name).trimmed();
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    const QString option = u"--"_s + name;
    if (!ok)
        return Error { u"is not an integer"_s, {}, 0, option, text };
    if (v < min)
        return Error { u"must be at least "_s + QString::number(min), {}, 0, option, text };
    if (v > max)
        return Error { u"must be at most "_s + QString::number(max), {}, 0, option, text };
    return v;
}

Result<double> realOption(
    const QCommandLineParser &parser, const QString &name, double fallback, double min, double max)
{
    if (!parser.isSet(name))
        return fallback;
    const QString text = parser.value(name).trimmed();
    bool ok = false;
    const double v = text.toDouble(&ok);
    const QString option = u"--"_s + name;
    if (!ok || !std::isfinite(v))
        return Error { u"is not a number"_s, {}, 0, option, text };
    if (v < min || v > max)
        return Error { u"must be between "_s + QString::number(min) + u" and "_s
                + QString::number(max),
            {}, 0, option, text };
    return v;
}

Result<QString> choiceOption(const QCommandLineParser &parser, const QString &name,
    const QString &fallback, const QStringList &allowed)
{
    const QString v = parser.isSet(name) ? parser.value(name).trimmed() : fallback;
    if (!allowed.contains(v))
        return Error { u"must be one of: "_s + allowed.join(u", "_s), {}, 0, u"--"_s + name, v };
    return v;
}

} // namespace CacheScope::Cli
