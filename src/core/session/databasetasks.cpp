#include "databasetasks.h"

#include "queuedcontinuation.h"

#include <QFuture>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

DatabaseTasks::DatabaseTasks(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(2); // one test and one demo creation at a time
    m_progressTimer.setInterval(150);
    connect(&m_progressTimer, &QTimer::timeout, this, [this] {
        if (m_progress && m_progress->total.load() > 0)
            emit demoProgress(m_progress->done.load(), m_progress->total.load());
    });
}

DatabaseTasks::~DatabaseTasks()
{
    if (m_progress)
        m_progress->cancel = true;
    m_pool.waitForDone();
}

void DatabaseTasks::testConnection(const ConnectionSettings &settings)
{
    const quint64 generation = ++m_testGeneration;
    m_testing = true;
    auto task = QtConcurrent::run(&m_pool, [settings] {
        // readDemoDatabaseInfo() opens its own connection on this thread and closes it.
        const Result<std::optional<DemoDatabaseInfo>> info = readDemoDatabaseInfo(settings);
        if (!info)
            return std::make_pair(false, info.error().toString());
        if (!info->has_value())
            return std::make_pair(true,
                tr("connected to %1; no demo tables yet (Start creates them)")
                    .arg(settings.description()));
        const DemoDatabaseInfo &d = **info;
        return std::make_pair(true,
            tr("connected to %1; demo tables present (%2 customers, %3 orders)")
                .arg(settings.description())
                .arg(d.customers)
                .arg(d.orders));
    });
    thenQueued(task, this, [this, generation](const std::pair<bool, QString> &result) {
        if (generation != m_testGeneration)
            return; // a newer Test superseded this one
        m_testing = false;
        emit connectionTested(result.first, result.second);
    });
}

void DatabaseTasks::prepareDemo(const ConnectionSettings &settings, double rowsScale)
{
    if (m_progress)
        m_progress->cancel = true; // a newer request supersedes a running one
    const quint64 generation = ++m_prepareGeneration;
    auto progress = std::make_shared<Progress>();
    m_progress = progress;
    m_preparing = true;
    m_progressTimer.start();
    auto task = QtConcurrent::run(&m_pool, [settings, rowsScale, progress] {
        return ensureDemoDatabase(
            settings, rowsScale, defaultDemoSeed,
            [progress](qint64 done, qint64 total) {
                progress->done.store(done);
                progress->total.store(total);
            },
            &progress->cancel);
    });
    thenQueued(task, this, [this, generation](const Result<DemoDatabaseInfo> &result) {
        if (generation != m_prepareGeneration)
            return;
        m_preparing = false;
        m_progressTimer.stop();
        m_progress.reset();
        if (result)
            emit demoReady(result.value());
        else
            emit demoFailed(result.error());
    });
}

void DatabaseTasks::cancelPrepare()
{
    if (m_progress)
        m_progress->cancel = true;
}

} // namespace CacheScope
