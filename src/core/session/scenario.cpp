#include "scenario.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

// resources/scenarios.qrc is compiled into the static library cachescope_core; registering it
// here, where the presets are read, keeps its object in every binary that reads them.
static void initScenarioResources() { Q_INIT_RESOURCE(scenarios); }

namespace CacheScope {
namespace {

Error scenarioError(const QString &source, const QString &field, const QString &message)
{
    Error e;
    e.message = message;
    e.file = source;
    e.field = field;
    return e;
}

} // namespace

Result<Scenario> parseScenario(const QByteArray &json, const QString &source)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        Error e = scenarioError(source, {}, u"is not valid JSON: "_s + parseError.errorString());
        e.offset = parseError.offset;
        return e;
    }
    if (!doc.isObject())
        return scenarioError(source, {}, u"is not a JSON object"_s);
    const QJsonObject o = doc.object();
    Scenario s;
    s.id = o.value(u"id"_s).toString();
    s.title = o.value(u"title"_s).toString();
    s.lookFor = o.value(u"lookFor"_s).toString();
    s.order = o.value(u"order"_s).toInt(1000);
    s.config = o.value(u"config"_s).toObject();
    if (const QJsonValue needs = o.value(u"needs"_s); !needs.isUndefined()) {
        if (needs.toString() != u"postgres"_s)
            return scenarioError(source, u"needs"_s, u"must be \"postgres\" when given"_s);
        s.needsPostgres = true;
    }
    if (const QJsonValue fleet = o.value(u"fleet"_s); !fleet.isUndefined()) {
        if (!fleet.isObject())
            return scenarioError(source, u"fleet"_s, u"is not an object"_s);
        const QJsonValue instances = fleet.toObject().value(u"instances"_s);
        s.fleetInstances = instances.toInt(0);
        if (!instances.isDouble() || instances.toDouble() != s.fleetInstances
            || s.fleetInstances < 1 || s.fleetInstances > Scenario::maxFleetInstances)
            return scenarioError(source, u"fleet.instances"_s,
                u"is not an integer from 1 to %1"_s.arg(Scenario::maxFleetInstances));
    }
    if (s.id.isEmpty())
        return scenarioError(source, u"id"_s, u"is missing"_s);
    if (s.title.isEmpty())
        return scenarioError(source, u"title"_s, u"is missing"_s);
    if (s.lookFor.isEmpty())
        return scenarioError(source, u"lookFor"_s, u"is missing"_s);
    if (!o.value(u"config"_s).isObject())
        return scenarioError(source, u"config"_s, u"is not an object"_s);
    const QJsonArray steps = o.value(u"steps"_s).toArray();
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QJsonObject step = steps.at(i).toObject();
        const QString field = u"steps[%1]"_s.arg(i);
        ScenarioStep st;
        st.atMs = step.value(u"atMs"_s).toInteger(-1);
        st.set = step.value(u"set"_s).toObject();
        st.restart = step.value(u"restart"_s).toBool(false);
        st.note = step.value(u"note"_s).toString();
        if (st.atMs < 0)
            return scenarioError(source, field + u".atMs"_s, u"is not a non-negative integer"_s);
        if (st.note.isEmpty())
            return scenarioError(source, field + u".note"_s, u"is missing"_s);
        if (st.set.isEmpty())
            return scenarioError(source, field + u".set"_s, u"is missing or empty"_s);
        s.steps.append(st);
    }
    std::stable_sort(s.steps.begin(), s.steps.end(),
        [](const ScenarioStep &a, const ScenarioStep &b) { return a.atMs < b.atMs; });
    return s;
}

QList<Scenario> loadBuiltInScenarios(QList<Error> *errors)
{
    static const bool registered = [] {
        initScenarioResources();
        return true;
    }();
    Q_UNUSED(registered);
    QList<Scenario> out;
    const QDir dir(u":/scenarios"_s);
    for (const QString &name : dir.entryList({ u"*.json"_s }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            if (errors)
                errors->append(scenarioError(file.fileName(), {}, file.errorString()));
            continue;
        }
        Result<Scenario> s = parseScenario(file.readAll(), file.fileName());
        if (s)
            out.append(s.value());
        else if (errors)
            errors->append(s.error());
    }
    std::stable_sort(out.begin(), out.end(),
        [](const Scenario &a, const Scenario &b) { return a.order < b.order; });
    return out;
}

const Scenario *findScenario(const QList<Scenario> &scenarios, const QString &name)
{
    for (const Scenario &s : scenarios) {
        if (s.id.compare(name, Qt::CaseInsensitive) == 0
            || s.title.compare(name, Qt::CaseInsensitive) == 0)
            return &s;
    }
    return nullptr;
}

} // namespace CacheScope
