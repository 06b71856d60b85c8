#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace CacheScope {

/// A timed change within a scenario: `set` is a partial config (configjson.h) applied live at
/// `atMs` after the start; `restart` stops the run and starts it again with the change (for
/// settings no live setter covers, such as the connection mode), continuing the same timeline.
struct ScenarioStep
{
    qint64 atMs = 0;
    QJsonObject set;
    bool restart = false;
    QString note; // the marker and log text: "single-flight off → on"
};

/// A demo preset from resources/scenarios/*.json: one click loads `config` (a partial run
/// config over the defaults; the database connection stays as the user set it apart from the
/// connection mode and simulated delay) and starts, then the steps run.
struct Scenario
{
    QString id; // "lru-100": what --scenario takes (the title works too)
    int order = 0; // position in the menu
    QString title; // "LRU of 100 entries, 10 workers"
    QString lookFor; // one line: what to watch in the charts
    QJsonObject config;
    QList<ScenarioStep> steps;
    /// `"needs": "postgres"`: it uses what only PostgreSQL has (the async pipeline); on SQLite
    /// scenarioRunConfig() refuses it, saying so.
    bool needsPostgres = false;
    /// `"fleet": {"instances": N}`: a Fleet-tab scenario of N instances (1..maxFleetInstances)
    /// sharing one Redis; its config is each instance's, its steps reach the running instances
    /// through their control channel. 0: a single run.
    int fleetInstances = 0;
    static constexpr int maxFleetInstances = 16;
};

/// Parses one preset; errors name the file and the field.
Result<Scenario> parseScenario(const QByteArray &json, const QString &source);

/// Every preset under :/scenarios, in menu order. Presets that fail to parse are reported in
/// `errors` and left out.
QList<Scenario> loadBuiltInScenarios(QList<Error> *errors = nullptr);

/// The scenario whose id or title is `name` (case-insensitive), or nullptr.
const Scenario *findScenario(const QList<Scenario> &scenarios, const QString &name);

} // namespace CacheScope
