#include "runcontrol.h"

#include "core/engine/capacity.h"
#include "core/engine/queryengine.h"

#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTextStream>

#include <cerrno>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope::Cli {

namespace {

Error controlError(const QString &field, const QJsonValue &value, const QString &message)
{
    const QString shown = value.isString()
        ? value.toString()
        : QString::fromUtf8(
            QJsonDocument(QJsonObject { { u"v"_s, value } }).toJson(QJsonDocument::Compact))
              .mid(5)
              .chopped(1);
    return Error { message, {}, 0, field, shown };
}

/// A whole number in a JSON value (a number with no fraction, or a string of digits).
std::optional<qint64> wholeNumber(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d == double(qint64(d)))
            return qint64(d);
        return std::nullopt;
    }
    bool ok = false;
    const qint64 n = v.toString().toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

} // namespace

Result<void> applyControl(QueryEngine &engine, const QJsonObject &change, bool *stop)
{
    for (auto it = change.begin(); it != change.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        Result<void> applied;
        if (key == u"invalidation"_s) {
            const Result<L2Invalidation> mode = parseInvalidation(v.toString());
            if (!mode)
                return mode.error();
            L2Settings l2 = engine.config().l2;
            l2.invalidation = *mode;
            applied = engine.setL2(l2);
        } else if (key == u"l2_ttl_ms"_s) {
            const std::optional<qint64> ttl = wholeNumber(v);
            if (!ttl || *ttl < 0)
                return controlError(key, v, u"must be 0 or a positive number of milliseconds"_s);
            L2Settings l2 = engine.config().l2;
            l2.ttlMs = *ttl;
            applied = engine.setL2(l2);
        } else if (key == u"write_ratio"_s) {
            if (!v.isDouble())
                return controlError(key, v, u"must be a number between 0 and 1"_s);
            applied = engine.setWriteRatio(v.toDouble());
        } else if (key == u"threads"_s) {
            const std::optional<qint64> threads = wholeNumber(v);
            if (!threads || *threads < 1 || *threads > maxWorkerThreads)
                return controlError(
                    key, v, u"must be a whole number from 1 to %1"_s.arg(maxWorkerThreads));
            applied = engine.setThreads(int(*threads));
        } else if (key == u"capacity"_s) {
            const QString text
                = v.isDouble() ? QString::number(v.toDouble(), 'f', 0) : v.toString();
            const Result<std::pair<qint64, SizeUnit>> capacity = parseCacheCapacity(text, key);
            if (!capacity)
                return capacity.error();
            applied = engine.setCacheCapacity(capacity->first, capacity->second);
        } else if (key == u"policy"_s) {
            applied = engine.setCachePolicy(v.toString());
        } else if (key == u"stop"_s) {
            if (v.toBool() && stop)
                *stop = true;
        } else {
            return controlError(key, v,
                u"is not a live setting (invalidation, write_ratio, l2_ttl_ms, threads, "
                "capacity, policy, stop)"_s);
        }
        if (!applied)
            return applied;
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
    if (m_buffer.size() > 1 << 20) { // a megabyte without a newline is not a control line
        applyLine(std::exchange(m_buffer, {}));
    }
}

void StdinControl::applyLine(const QByteArray &line)
{
    ++m_lineNumber;
    if (line.trimmed().isEmpty())
        return;
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    QTextStream err(stderr);
    if (!doc.isObject()) {
        err << "cachescope-cli: control: stdin:" << m_lineNumber << ": not a JSON object ("
            << (parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                             : u"another JSON value"_s)
            << ")" << Qt::endl;
        return;
    }
    bool stop = false;
    if (Result<void> applied = applyControl(m_engine, doc.object(), &stop); !applied)
        err << "cachescope-cli: control: stdin:" << m_lineNumber << ": "
            << applied.error().toString() << Qt::endl;
    if (stop)
        emit stopRequested();
}

} // namespace CacheScope::Cli
