#include "runcontrol.h"

#include "core/engine/queryengine.h"
#include "core/session/livechange.h"

#include <QSocketNotifier>
#include <QTextStream>

#include <cerrno>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

Result<void> applyControl(QueryEngine &engine, const LiveChange &change)
{
    if (change.invalidation || change.l2TtlMs) {
        L2Settings l2 = engine.config().l2;
        if (change.invalidation)
            l2.invalidation = *change.invalidation;
        if (change.l2TtlMs)
            l2.ttlMs = *change.l2TtlMs;
        if (Result<void> r = engine.setL2(l2); !r)
            return r;
    }
    if (change.writeRatio) {
        if (Result<void> r = engine.setWriteRatio(*change.writeRatio); !r)
            return r;
    }
    if (change.threads) {
        if (Result<void> r = engine.setThreads(*change.threads); !r)
            return r;
    }
    if (change.capacity) {
        if (Result<void> r
            = engine.setCacheCapacity(change.capacity->first, change.capacity->second);
            !r)
            return r;
    }
    if (change.policy) {
        if (Result<void> r = engine.setCachePolicy(*change.policy); !r)
            return r;
    }
    return {};
}

StdinControl::StdinControl(QueryEngine &engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_notifier(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
{
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinControl::readable);
}

StdinControl::~StdinControl() = default;

void StdinControl::readable()
{
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) { // end of input (or an error): no more changes, the run goes on
        m_notifier->setEnabled(false);
        if (!m_buffer.trimmed().isEmpty())
            applyLine(std::exchange(m_buffer, {}));
        return;
    }
    m_buffer.append(chunk, n);
    for (qsizetype end = m_buffer.indexOf('\n'); end >= 0; end = m_buffer.indexOf('\n')) {
        const QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 1);
        applyLine(line);
    }
    if (m_buffer.size() > 1 << 20) // a megabyte without a newline is not a control line
        applyLine(std::exchange(m_buffer, {}));
}

void StdinControl::applyLine(const QByteArray &line)
{
    ++m_lineNumber;
    if (line.trimmed().isEmpty())
        return;
    const Result<LiveChange> change = parseLiveChange(line);
    Result<void> applied = change ? applyControl(m_engine, *change) : Result<void>(change.error());
    if (!applied)
        QTextStream(stderr) << "cachescope-cli: control: stdin:" << m_lineNumber << ": "
                            << applied.error().toString() << Qt::endl;
    if (change && change->stop)
        emit stopRequested();
}

} // namespace CacheScope::Cli
