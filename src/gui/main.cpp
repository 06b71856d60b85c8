#include "appoptions.h"
#include "guiresources.h"
#include "heaptrimmer.h"
#include "mainwindow.h"

#include <QApplication>
#include <QScreen>
#include <QTextStream>

using namespace Qt::Literals::StringLiterals;

// An exception escaping main ends the app with its message, which is all it could do there.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // The same names as cachescope-cli, so both find the same demo database.
    QCoreApplication::setApplicationName(u"cachescope"_s);
    QCoreApplication::setOrganizationName(u"CacheScope"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
    QGuiApplication::setApplicationDisplayName(u"CacheScope"_s);
    initCacheScopeResources();

    const CacheScope::Result<CacheScope::AppOptions> options
        = CacheScope::parseAppOptions(QCoreApplication::arguments());
    if (!options) {
        QTextStream(stderr) << "cachescope: " << options.error().toString() << Qt::endl;
        return 2;
    }
    if (options->helpShown)
        return 0;
    if (options->listScenarios) {
        QTextStream out(stdout);
        for (const CacheScope::Scenario &s : CacheScope::loadBuiltInScenarios())
            out << s.id << "\t" << s.title << "\n    " << s.lookFor << "\n";
        return 0;
    }

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
