#include "cliutil.h"
#include "commands.h"

#include "core/report/table.h"
#include "core/session/scenario.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

int scenariosCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Lists the demo scenarios the app's Scenarios menu and `run --scenario ID` play: id,\n"
        "title, timed steps and what to look for."_s);
    p.addHelpOption();
    p.addOption({ u"output"_s, u"table (default) or json (one array)."_s, u"FORMAT"_s });
    if (const std::optional<int> done = parseCommand(p, args, u"scenarios"_s))
        return *done;
    if (!p.positionalArguments().isEmpty())
        return fail(Error { u"is not an option of scenarios"_s, {}, 0, u"argument"_s,
            p.positionalArguments().first() });
    const Result<QString> output
        = choiceOption(p, u"output"_s, u"table"_s, { u"table"_s, u"json"_s });
    if (!output)
        return fail(output.error());

    QList<Error> errors;
    const QList<Scenario> scenarios = loadBuiltInScenarios(&errors);
    for (const Error &e : std::as_const(errors))
        fail(e, exitRuntime); // a broken preset is reported; the others are listed
    if (output.value() == u"json"_s) {
        QJsonArray list;
        for (const Scenario &s : scenarios) {
            QJsonArray steps;
            for (const ScenarioStep &step : s.steps)
                steps.append(QJsonObject { { u"at_ms"_s, step.atMs }, { u"note"_s, step.note },
                    { u"restart"_s, step.restart }, { u"set"_s, step.set } });
            list.append(QJsonObject { { u"id"_s, s.id }, { u"title"_s, s.title },
                { u"look_for"_s, s.lookFor }, { u"config"_s, s.config }, { u"steps"_s, steps } });
        }
        out() << QJsonDocument(list).toJson(QJsonDocument::Indented);
    } else {
        Table table({ u"id"_s, u"title"_s, u"steps"_s });
        table.setTextColumn(0);
        table.setTextColumn(1);
        table.setTextColumn(2);
        for (const Scenario &s : scenarios) {
            QStringList steps;
            for (const ScenarioStep &step : s.steps)
                steps << u"%1 s %2"_s.arg(double(step.atMs) / 1000.0).arg(step.note);
            table.addRow({ s.id, s.title, steps.isEmpty() ? u"-"_s : steps.join(u"; "_s) });
        }
        out() << table.toText() << u'\n';
        for (const Scenario &s : scenarios)
            out() << s.id << u": "_s << s.lookFor << u'\n';
    }
    out().flush();
    return errors.isEmpty() ? 0 : exitRuntime;
}

} // namespace CacheScope::Cli
