#include "historyrecorder.h"

#include "cliutil.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

QCommandLineOption historyFileOption()
{
    return { u"history"_s,
        u"The run history's file (default: history.sqlite in the app's data "
        "location, or $CACHESCOPE_HISTORY)."_s,
        u"FILE"_s };
}

void addHistoryOptions(QCommandLineParser &p)
{
    p.addOptions({
        { u"name"_s, u"Label the run in the run history (`cachescope-cli runs list`)."_s,
            u"NAME"_s },
        historyFileOption(),
        { u"no-history"_s, u"Do not record this run in the run history."_s },
        { u"keep"_s, u"Runs the history keeps; older ones are deleted (default 200)."_s, u"N"_s },
    });
}

QString historyPath(const QCommandLineParser &p)
{
    return p.isSet(u"history"_s) ? p.value(u"history"_s) : RunHistory::defaultPath();
}

HistoryRecorder::HistoryRecorder(std::unique_ptr<RunHistory> history, QString name, int keep)
    : m_history(std::move(history))
    , m_name(std::move(name))
    , m_keep(keep)
{
}

Result<std::unique_ptr<HistoryRecorder>> HistoryRecorder::fromOptions(const QCommandLineParser &p)
{
    const Result<qint64> keep = integerOption(p, u"keep"_s, RunHistory::defaultKeep, 1, 1000000);
    if (!keep)
        return keep.error();
    if (p.isSet(u"no-history"_s)) {
        if (p.isSet(u"history"_s) || p.isSet(u"name"_s))
            return Error { u"--no-history records nothing: drop --history and --name"_s, {}, 0,
                u"no-history"_s, {} };
        return std::unique_ptr<HistoryRecorder>();
    }
    const QString path = historyPath(p);
    Result<std::unique_ptr<RunHistory>> history = RunHistory::open(path);
    if (!history) {
        if (p.isSet(u"history"_s))
            return history.error();
        note(u"this run is not recorded in the run history: "_s + history.error().toString());
        return std::unique_ptr<HistoryRecorder>();
    }
    return std::unique_ptr<HistoryRecorder>(
        new HistoryRecorder(std::move(history.value()), p.value(u"name"_s), int(keep.value())));
}

void HistoryRecorder::failed(const Error &error)
{
    note(u"the run history stopped recording this run: "_s + error.toString());
    m_history.reset();
}

void HistoryRecorder::begin(RunStart start)
{
    if (!m_history)
        return;
    start.name = m_name;
    const Result<qint64> id = m_history->begin(start);
    if (!id)
        return failed(id.error());
    m_id = id.value();
}

void HistoryRecorder::point(qint64 tMs, const QJsonObject &point)
{
    if (!m_history || m_id == 0)
        return;
    if (const Result<bool> kept = m_history->addPoint(m_id, tMs, point); !kept)
        failed(kept.error());
}

void HistoryRecorder::finish(qint64 durationMs, const QJsonObject &summary)
{
    if (!m_history || m_id == 0)
        return;
    if (const Result<void> done = m_history->finish(m_id, durationMs, summary, m_keep); !done)
        return failed(done.error());
    note(u"recorded as run %1 in %2 (cachescope-cli runs show %1)"_s.arg(m_id).arg(
        m_history->path()));
}

} // namespace CacheScope::Cli
