#pragma once

#include "core/engine/runconfig.h"
#include "core/error.h"

#include <QJsonObject>
#include <QString>

namespace CacheScope {

/// A run configuration as the JSON the app saves, loads and ships as scenario presets:
/// {"database": {...}, "workload": {...}, "queryMix": {...}, "customSql", "writeRatio", "threads",
///  "loadModel": "closed"|"open", "targetRate", "thinkTimeMs", "cache": {...}}.
/// The database password is never written.
QJsonObject runConfigToJson(const RunConfig &config);

/// Overlays the fields present in `json` on `base` (a preset names only what it changes).
/// A field of the wrong type or an unknown enum value is an Error naming the field, e.g.
/// "cache.capacity"; `source` (a file name) goes to Error::file. Ranges are left to
/// RunConfig::validate().
Result<RunConfig> runConfigFromJson(
    const QJsonObject &json, const RunConfig &base, const QString &source = {});

/// Reads a configuration file (runConfigToJson()'s format) over `base`. Errors name the file,
/// and the field and value, or the JSON syntax error and its byte offset.
Result<RunConfig> loadRunConfig(const QString &path, const RunConfig &base);
/// Writes runConfigToJson(config), indented, through a QSaveFile.
Result<void> saveRunConfig(const RunConfig &config, const QString &path);

/// The key distribution fields of two specs are equal (WorkloadSpec has no operator==).
bool sameWorkload(const WorkloadSpec &a, const WorkloadSpec &b);

/// "objects" / "bytes".
QString sizeUnitName(SizeUnit unit);

} // namespace CacheScope
