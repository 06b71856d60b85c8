#include "appoptions.h"
#include "guiresources.h"
#include "heaptrimmer.h"
#include "mainwindow.h"

#include "buildinfo/buildinfo.h"

#include <QApplication>
#include <QScreen>
#include <QTextStream>

#include <span>
#include <string_view>

using namespace Qt::Literals::StringLiterals;

namespace {

// The same names as cachescope-cli, so both find the same demo database.
void setApplicationNames()
{
    QCoreApplication::setApplicationName(u"cachescope"_s);
    QCoreApplication::setOrganizationName(u"CacheScope"_s);
    QCoreApplication::setApplicationVersion(CacheScope::BuildInfo::versionText());
}

// --help, --version and --list-scenarios print and exit: they need no window, so they run on a
// QCoreApplication and work without a display (a QApplication without one ends the process).
bool onlyPrints(std::span<char *const> arguments)
{
    for (const char *a : arguments.subspan(1)) {
        const std::string_view arg(a);
        if (arg == "-h" || arg == "-?" || arg == "--help" || arg == "--help-all" || arg == "-v"
            || arg == "--version" || arg == "--list-scenarios")
            return true;
    }
    return false;
}

// What parseAppOptions() printed (help, version), the scenarios, or the error: the exit status.
int printOnly(const CacheScope::Result<CacheScope::AppOptions> &options)
{
    if (!options) {
        QTextStream(stderr) << "cachescope: " << options.error().toString() << Qt::endl;
        return 2;
    }
    if (options->listScenarios && !options->helpShown) {
        QTextStream out(stdout);
        for (const CacheScope::Scenario &s : CacheScope::loadBuiltInScenarios())
            out << s.id << "\t" << s.title << "\n    " << s.lookFor << "\n";
    }
    return 0;
}

} // namespace

// An exception escaping main ends the app with its message, which is all it could do there.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char *argv[])
{
    if (onlyPrints(std::span(argv, static_cast<std::size_t>(argc)))) {
        const QCoreApplication app(argc, argv);
        setApplicationNames();
        initCacheScopeResources();
        return printOnly(CacheScope::parseAppOptions(QCoreApplication::arguments()));
    }
    QApplication app(argc, argv);
    setApplicationNames();
    QGuiApplication::setApplicationDisplayName(u"CacheScope"_s);
    // The installed desktop entry (packaging/): Wayland compositors take the window's icon and
    // name from it.
    QGuiApplication::setDesktopFileName(u"io.github.cachescope.CacheScope"_s);
    initCacheScopeResources();

    const CacheScope::Result<CacheScope::AppOptions> options
        = CacheScope::parseAppOptions(QCoreApplication::arguments());
    if (!options || options->helpShown || options->listScenarios)
        return printOnly(options);

    CacheScope::MainWindowOptions windowOptions;
    windowOptions.demoDatabasePath = options->demoDatabase;
    windowOptions.demoRowsScale = options->demoRowsScale;
    windowOptions.useSettings = options->useSettings;
    windowOptions.historyPath = options->history;
    CacheScope::MainWindow window(windowOptions);
    if (const QScreen *screen = window.screen()) {
        const QSize available = screen->availableSize();
        if (window.width() > available.width() || window.height() > available.height())
            window.resize(window.size().boundedTo(available));
    }
    window.show();
    // Resident memory follows the live heap over hours of running (see HeapTrimmer).
    const CacheScope::HeapTrimmer trimmer(CacheScope::HeapTrimmer::defaultIntervalS());
    CacheScope::runAppOptions(window, *options);
    return QApplication::exec();
}
