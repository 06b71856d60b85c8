#include "cliutil.h"
#include "commands.h"
#include "dboptions.h"

#include "core/db/demodatabase.h"

#include <QElapsedTimer>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

int demoDbCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Creates (or re-creates) the demo database: customers (100k rows), products (50k) and\n"
        "orders (1M) times --rows-scale, with indexes, deterministic from --seed. Without\n"
        "connection options it is the SQLite file the app and `run` use by default."_s);
    p.addHelpOption();
    addDatabaseOptions(p);
    p.addOptions({
        { u"rows-scale"_s, u"Multiply the row counts (default 1; 0.01 for a quick one)."_s,
            u"X"_s },
        { u"seed"_s, u"Seed of the generated data (default 42)."_s, u"S"_s },
        { u"quiet"_s, u"No progress output."_s },
    });
    if (const std::optional<int> done = parseCommand(p, args, u"demo-db"_s))
        return *done;
    Result<ConnectionSettings> settings = databaseSettings(p, true);
    if (!settings)
        return fail(settings.error());
    const auto scale = realOption(p, u"rows-scale"_s, defaultDemoRowsScale, 1e-6, maxDemoRowsScale);
    const auto seed = integerOption(p, u"seed"_s, qint64(defaultDemoSeed), 0);
    if (!scale)
        return fail(scale.error());
    if (!seed)
        return fail(seed.error());

    QTextStream err(stderr);
    const bool quiet = p.isSet(u"quiet"_s);
    int lastPercent = -1;
    QElapsedTimer timer;
    timer.start();
    const DemoProgress progress = [&](qint64 done, qint64 total) {
        const int percent = total ? int(done * 100 / total) : 100;
        if (!quiet && percent / 10 != lastPercent / 10) {
            err << "  " << percent << "% (" << done << " of " << total << " rows)" << Qt::endl;
            lastPercent = percent;
        }
    };
    if (!quiet)
        err << "creating the demo database at " << settings->description() << Qt::endl;
    const Result<void> created
        = createDemoDatabase(settings.value(), scale.value(), quint64(seed.value()), progress);
    if (!created)
        return fail(created.error(), exitRuntime);
    const DemoDatabaseInfo info = DemoDatabaseInfo::forScale(scale.value(), quint64(seed.value()));
    out() << u"demo database ready: "_s << settings->description() << u" ("_s << info.customers
          << u" customers, "_s << info.products << u" products, "_s << info.orders << u" orders, "_s
          << QString::number(timer.elapsed() / 1000.0, 'f', 1) << u" s)\n"_s;
    return 0;
}

} // namespace CacheScope::Cli
