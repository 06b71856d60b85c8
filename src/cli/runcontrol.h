#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>

class QSocketNotifier;

namespace CacheScope {
class QueryEngine;
}

namespace CacheScope::Cli {

/// Applies one live change to a running engine, as `run --control stdin` reads them (one JSON
/// object per line, e.g. from `fleet` or the app's Fleet page): "invalidation" (none, pubsub,
/// tracking), "write_ratio", "l2_ttl_ms", "threads", "capacity" ("1000", "64MB"), "policy",
/// "stop": true. Every key is applied in turn; the first that is refused is the error (the
/// ones before it stay applied). `stop` is set when the object asks the run to stop.
Result<void> applyControl(QueryEngine &engine, const QJsonObject &change, bool *stop);

/// Reads control lines from stdin without blocking the event loop (a socket notifier on fd 0):
/// each line is applied with applyControl(); a line that is not a JSON object, or a refused
/// change, is reported on stderr naming the line, and the run goes on. End of input is ignored.
class StdinControl : public QObject
{
    Q_OBJECT

public:
    StdinControl(QueryEngine &engine, QObject *parent = nullptr);
    ~StdinControl() override;

signals:
    void stopRequested();

private:
    void readable();
    void applyLine(const QByteArray &line);

    QueryEngine &m_engine;
    QSocketNotifier *m_notifier;
    QByteArray m_buffer;
    qint64 m_lineNumber = 0;
};

} // namespace CacheScope::Cli
