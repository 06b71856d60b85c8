#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

namespace CacheScope {
class QueryEngine;
struct LiveChange;
}

namespace CacheScope::Cli {

/// Applies a parsed control line (parseLiveChange) to a running engine through its live
/// setters (each validates and emits its marker); the first refusal is the error.
Result<void> applyControl(QueryEngine &engine, const LiveChange &change);

/// Reads control lines from stdin without blocking the event loop (a socket notifier on fd 0):
/// each line is parsed (parseLiveChange) and applied (applyControl); a bad or refused line is
/// reported on stderr with its number, and the run goes on. End of input is ignored.
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
