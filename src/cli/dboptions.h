#pragma once

#include "core/db/connectionsettings.h"
#include "core/error.h"

#include <QCommandLineParser>

namespace CacheScope::Cli {

/// --driver, --database, --host, --port, --user, --password-env, --connection, --db-delay-ms:
/// shared by `run` and `demo-db`.
void addDatabaseOptions(QCommandLineParser &parser);
/// The settings those options describe. Without --database, SQLite uses the default demo file
/// (created on first use by `run`); PostgreSQL defaults to the CACHESCOPE_PG_* variables when
/// set (scripts/pg), else 127.0.0.1:5432, database "cachescope".
Result<ConnectionSettings> databaseSettings(const QCommandLineParser &parser, bool forCreation);
/// The PostgreSQL part of those: --host, --port, --database, --user and --password-env (each
/// defaulting to its CACHESCOPE_PG_* variable) into `settings`; also `monitor --postgres`'s.
Result<void> readPostgresOptions(const QCommandLineParser &parser, ConnectionSettings &settings);

} // namespace CacheScope::Cli
