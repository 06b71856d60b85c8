#include "memcachedsource.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTcpSocket>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

/// A stats reply is a few KiB; more than this is not memcached talking.
constexpr qsizetype maxReplyBytes = qsizetype(4) * 1024 * 1024;

} // namespace

MemcachedSource::MemcachedSource(MemcachedSettings settings)
    : m_settings(std::move(settings))
{
}

MemcachedSource::~MemcachedSource() { disconnect(); }

QString MemcachedSource::address() const
{
    return m_settings.host + u':' + QString::number(m_settings.port);
}

void MemcachedSource::disconnect()
{
    if (m_socket)
        m_socket->abort();
    m_socket.reset();
}

Result<QByteArray> MemcachedSource::request(const QByteArray &line, bool oneLine)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        disconnect();
        return monitorError(u"lost the connection to memcached at "_s + address());
    }
    auto lost = [this](const QString &why) {
        const QString text = u"lost the connection to memcached at "_s + address() + u": "_s + why;
        disconnect();
        return monitorError(text);
    };
    m_socket->write(line + "\r\n");
    const QDeadlineTimer deadline(m_settings.commandTimeoutMs);
    QByteArray reply;
    while (true) {
        reply += m_socket->readAll();
        if (oneLine ? reply.endsWith("\r\n") : isCompleteMemcachedReply(reply))
            return reply;
        if (reply.size() > maxReplyBytes)
            return lost(u"a reply of over 4 MiB to '"_s + QString::fromUtf8(line) + u'\'');
        if (deadline.hasExpired())
            return lost(u"no reply to '"_s + QString::fromUtf8(line) + u"' within "_s
                + QString::number(m_settings.commandTimeoutMs) + u" ms"_s);
        if (!m_socket->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))
            && m_socket->state() != QAbstractSocket::ConnectedState)
            return lost(m_socket->errorString());
    }
}

Result<MemcachedStats> MemcachedSource::stats(const QByteArray &line)
{
    const Result<QByteArray> reply = request(line);
    if (!reply)
        return reply.error();
    Result<MemcachedStats> parsed = parseMemcachedStats(*reply);
    if (!parsed) {
        Error e = parsed.error();
        e.file = u"memcached at "_s + address() + u": "_s + QString::fromUtf8(line);
        return e;
    }
    return parsed;
}

Result<MonitorServerInfo> MemcachedSource::connect()
{
    disconnect();
    m_socket = std::make_unique<QTcpSocket>();
    m_socket->connectToHost(m_settings.host, quint16(m_settings.port));
    if (!m_socket->waitForConnected(m_settings.connectTimeoutMs)) {
        const QString why = m_socket->error() == QAbstractSocket::SocketTimeoutError
            ? u"no answer within "_s + QString::number(m_settings.connectTimeoutMs) + u" ms"_s
            : m_socket->errorString();
        disconnect();
        return monitorError(u"cannot connect to memcached at "_s + address() + u": "_s + why);
    }
    MonitorServerInfo info;
    info.source = kind();
    info.address = address();
    const Result<QByteArray> version = request("version", true);
    if (!version)
        return version.error();
    if (!version->startsWith("VERSION ")) {
        const QString text = QString::fromUtf8(version->trimmed()).left(200);
        disconnect();
        return monitorError(u"memcached at "_s + address() + u" answered 'version' with '"_s + text
            + u"': is it memcached?"_s);
    }
    info.version = QString::fromUtf8(version->mid(8).trimmed());
    const Result<MemcachedStats> general = stats("stats");
    if (!general)
        return general.error();
    info.settings.append({ u"limit_maxbytes"_s, general->value(u"limit_maxbytes"_s) });
    if (const Result<MemcachedStats> slabs = stats("stats slabs"); slabs) {
        info.settings.append({ u"active_slabs"_s, slabs->value(u"active_slabs"_s) });
        info.settings.append({ u"total_malloced"_s, slabs->value(u"total_malloced"_s) });
    }
    return info;
}

Result<MonitorSample> MemcachedSource::poll()
{
    std::vector<qint64> roundTrips;
    roundTrips.reserve(roundTripsPerPoll);
    for (int i = 0; i < roundTripsPerPoll; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (const Result<QByteArray> version = request("version", true); !version)
            return version.error();
        roundTrips.push_back(timer.nsecsElapsed());
    }
    const Result<MemcachedStats> general = stats("stats");
    if (!general)
        return general.error();
    const Result<MemcachedStats> items = stats("stats items");
    if (!items)
        return items.error();
    Result<MonitorSample> sample = memcachedSampleFromStats(*general, *items);
    if (sample)
        sample->roundTripNs = std::move(roundTrips);
    return sample;
}

} // namespace CacheScope
