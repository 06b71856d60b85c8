#include "historywriter.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

/// The history's own thread: opens the file on first use, writes what it is sent.
class HistoryWriter::Worker : public QObject
{
public:
    Worker(QString path, int keep)
        : m_path(std::move(path))
        , m_keep(keep)
    {
    }

    // Each returns an error to report (on the owner's thread), if any.
    std::optional<Error> begin(quint64 ticket, const RunStart &start)
    {
        if (!m_history) {
            Result<std::unique_ptr<RunHistory>> opened = RunHistory::open(m_path);
            if (!opened)
                return opened.error();
            m_history = std::move(opened.value());
        }
        const Result<qint64> id = m_history->begin(start);
        if (!id)
            return id.error();
        m_ids.insert(ticket, { id.value(), start.kind });
        return std::nullopt;
    }
    std::optional<Error> point(quint64 ticket, qint64 tMs, const QJsonObject &point)
    {
        const auto run = m_ids.constFind(ticket);
        if (!m_history || run == m_ids.cend())
            return std::nullopt;
        if (const Result<bool> kept = m_history->addPoint(run->first, tMs, point); !kept) {
            m_ids.remove(ticket); // this run is not recorded further
            return kept.error();
        }
        return std::nullopt;
    }
    /// The id and kind recorded (id 0: the run was not being recorded), or an error.
    Result<std::pair<qint64, QString>> finish(
        quint64 ticket, qint64 durationMs, const QJsonObject &summary)
    {
        const std::pair<qint64, QString> run = m_ids.take(ticket);
        if (!m_history || run.first == 0)
            return run;
        if (const Result<void> done = m_history->finish(run.first, durationMs, summary, m_keep);
            !done)
            return done.error();
        return run;
    }
    void close() { m_history.reset(); }

private:
    QString m_path;
    int m_keep;
    std::unique_ptr<RunHistory> m_history;
    QHash<quint64, std::pair<qint64, QString>> m_ids; // ticket -> run id, kind
};

HistoryWriter::HistoryWriter(QString historyPath, QObject *parent, int keep)
    : QObject(parent)
    , m_path(std::move(historyPath))
    , m_worker(new Worker(m_path, keep))
{
    m_thread.setObjectName(u"CacheScope run history"_s);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

HistoryWriter::~HistoryWriter()
{
    // The connection is closed on the thread that opened it.
    QMetaObject::invokeMethod(
        m_worker, [this] { m_worker->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void HistoryWriter::flush()
{
    QMetaObject::invokeMethod(
        m_worker, [] {}, Qt::BlockingQueuedConnection);
}

quint64 HistoryWriter::begin(const RunStart &start)
{
    const quint64 ticket = ++m_lastTicket;
    QMetaObject::invokeMethod(m_worker, [this, ticket, start] {
        if (const std::optional<Error> e = m_worker->begin(ticket, start))
            QMetaObject::invokeMethod(this, [this, e] { emit failed(*e); });
    });
    return ticket;
}

void HistoryWriter::point(quint64 ticket, qint64 tMs, const QJsonObject &point)
{
    QMetaObject::invokeMethod(m_worker, [this, ticket, tMs, point] {
        if (const std::optional<Error> e = m_worker->point(ticket, tMs, point))
            QMetaObject::invokeMethod(this, [this, e] { emit failed(*e); });
    });
}

void HistoryWriter::finish(quint64 ticket, qint64 durationMs, const QJsonObject &summary)
{
    QMetaObject::invokeMethod(m_worker, [this, ticket, durationMs, summary] {
        const Result<std::pair<qint64, QString>> run
            = m_worker->finish(ticket, durationMs, summary);
        QMetaObject::invokeMethod(this, [this, ticket, run] {
            if (!run)
                emit failed(run.error());
            else if (run->first > 0)
                emit recorded(ticket, run->first, run->second);
        });
    });
}

quint64 HistoryWriter::record(const RunStart &start, qint64 durationMs, const QJsonObject &summary)
{
    const quint64 ticket = begin(start);
    finish(ticket, durationMs, summary);
    return ticket;
}

} // namespace CacheScope
