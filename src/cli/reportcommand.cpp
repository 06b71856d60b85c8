// `cachescope-cli report ID [--compare ID2] --html FILE`: a recorded run (or two) as one
// self-contained HTML file (htmlReport).
#include "cliutil.h"
#include "commands.h"
#include "historyrecorder.h"

#include "core/report/htmlreport.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

int reportCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Writes one self-contained HTML file about a recorded run (see `cachescope-cli runs\n"
        "list`): its configuration, summary, latency percentiles, charts of hit ratio,\n"
        "throughput, latency and evictions over time, and the what-if ranking and LRU curve\n"
        "when it ran with --shadows. With --compare, two runs side by side: configuration\n"
        "changes, differences, charts overlaid. It opens in any browser, offline."_s);
    p.addHelpOption();
    p.addOptions({
        { u"html"_s, u"Write the report to FILE (- for standard output)."_s, u"FILE"_s },
        { u"compare"_s, u"Compare with this run: the report covers both."_s, u"ID2"_s },
        historyFileOption(),
    });
    p.addPositionalArgument(u"ID"_s, u"The run, as `cachescope-cli runs list` shows it."_s);
    const QString synopsis = u"ID [--compare ID2] --html FILE [options]"_s;
    if (!p.parse(QStringList { u"cachescope-cli report"_s } + args))
        return fail(p.errorText() + u" (see cachescope-cli report --help)"_s);
    if (p.isSet(u"help"_s)) {
        printHelp(p, u"report"_s, synopsis);
        return 0;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1)
        return fail(u"report takes one run id, got "_s + QString::number(pos.size())
            + u" (usage: cachescope-cli report "_s + synopsis + u')');
    if (!p.isSet(u"html"_s) || p.value(u"html"_s).isEmpty())
        return fail(u"report needs --html FILE (- for standard output)"_s);
    const Result<qint64> id = runIdArgument(pos.first());
    if (!id)
        return fail(id.error());
    std::optional<qint64> other;
    if (p.isSet(u"compare"_s)) {
        const Result<qint64> b = runIdArgument(p.value(u"compare"_s));
        if (!b)
            return fail(b.error());
        other = b.value();
    }

    // Reading never creates the history.
    const QString path = historyPath(p);
    if (!QFile::exists(path))
        return fail(Error { u"no run history yet (record one with `cachescope-cli run`)"_s, path, 0,
                        {}, {} },
            exitRuntime);
    const Result<std::unique_ptr<RunHistory>> history = RunHistory::open(path, false);
    if (!history)
        return fail(history.error(), exitRuntime);
    const Result<QString> html = htmlReportFromHistory(*history.value(), id.value(), other,
        u"cachescope-cli "_s + QCoreApplication::applicationVersion());
    if (!html)
        return fail(html.error(), exitRuntime);

    const QString file = p.value(u"html"_s);
    const QByteArray bytes = html->toUtf8();
    if (file == u"-"_s) {
        out() << *html;
        return 0;
    }
    QSaveFile save(file);
    if (!save.open(QIODevice::WriteOnly) || save.write(bytes) != bytes.size() || !save.commit())
        return fail(Error { u"cannot write the report: "_s + save.errorString(), file, 0, {}, {} },
            exitRuntime);
    note(u"report on run "_s + QString::number(id.value())
        + (other ? u" and run "_s + QString::number(*other) : QString()) + u" written to "_s
        + file);
    return 0;
}

} // namespace CacheScope::Cli
