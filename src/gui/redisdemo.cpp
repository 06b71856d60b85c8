#include "redisdemo.h"

#include "core/monitor/localredis.h"
#include "core/session/queuedcontinuation.h"
#include "keycapturepanel.h"
#include "monitorpage.h"

#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

/// What a running demo owns; destroyed on a pool thread (the server's shutdown waits).
struct RedisDemo::Parts
{
    std::unique_ptr<LocalRedisServer> server;
    std::unique_ptr<RedisLoad> load;
    ~Parts()
    {
        load.reset(); // the load first: its connections would count errors otherwise
        server.reset();
    }
};

RedisDemo::RedisDemo(MonitorPage *page, QObject *parent)
    : RedisDemo(page, Options {}, parent)
{
}

RedisDemo::RedisDemo(MonitorPage *page, const Options &options, QObject *parent)
    : QObject(parent)
    , m_page(page)
    , m_options(options)
{
    connect(m_page, &MonitorPage::stateChanged, this, &RedisDemo::onPageState);
    connect(m_page, &MonitorPage::intervalShown, this, &RedisDemo::onInterval);
}

RedisDemo::~RedisDemo() = default; // m_parts' destructor shuts the server down

int RedisDemo::port() const { return m_parts && m_parts->server ? m_parts->server->port() : 0; }

RedisLoad::Counts RedisDemo::loadCounts() const
{
    return m_parts && m_parts->load ? m_parts->load->counts() : RedisLoad::Counts {};
}

void RedisDemo::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void RedisDemo::start()
{
    if (m_state != State::Idle)
        return;
    setState(State::Starting);
    emit message(tr("Watch a Redis: starting a local redis-server (maxmemory %1, %2)…")
                     .arg(m_options.maxmemory, m_options.policy));
    const quint64 generation = ++m_generation;
    const Options options = m_options;
    QFuture<Result<std::shared_ptr<Parts>>> task
        = QtConcurrent::run([options]() -> Result<std::shared_ptr<Parts>> {
              LocalRedisServer::Options serverOptions;
              serverOptions.maxmemory = options.maxmemory;
              serverOptions.policy = options.policy;
              auto parts = std::make_shared<Parts>();
              Result<std::unique_ptr<LocalRedisServer>> server
                  = LocalRedisServer::start(serverOptions);
              if (!server)
                  return server.error();
              parts->server = std::move(server.value());
              RedisLoadConfig load;
              load.server.host = parts->server->host();
              load.server.port = parts->server->port();
              load.ratePerSecond = options.ratePerSecond;
              Result<std::unique_ptr<RedisLoad>> started = RedisLoad::start(load);
              if (!started)
                  return started.error();
              parts->load = std::move(started.value());
              return parts;
          });
    thenQueued(task, this, [this, generation](const Result<std::shared_ptr<Parts>> &r) {
        if (generation != m_generation) { // stopped meanwhile: let it go, off this thread
            if (r)
                (void)QtConcurrent::run([parts = r.value()]() mutable { parts.reset(); });
            return;
        }
        if (!r) {
            setState(State::Idle);
            emit failed(tr("Watch a Redis"), r.error());
            return;
        }
        m_parts = r.value();
        setState(State::Running);
        emit message(tr("Watch a Redis: redis-server on %1:%2 (maxmemory %3, %4), driven by "
                        "CacheScope's cache-aside load (user, item and session keys, up to %L5 "
                        "GETs/s); key capture starts once it evicts; Disconnect in the Monitor "
                        "tab ends it")
                         .arg(m_parts->server->host())
                         .arg(m_parts->server->port())
                         .arg(m_options.maxmemory, m_options.policy)
                         .arg(m_options.ratePerSecond));
        m_pageWatching = false;
        m_captureStarted = false;
        m_page->setSource(MonitorPage::Source::Redis);
        m_page->setHost(m_parts->server->host());
        m_page->setPort(m_parts->server->port());
        m_page->setRedisDatabase(0);
        m_page->setPassword({});
        m_page->setIntervalMs(m_options.monitorIntervalMs);
        if (!m_page->connectToServer())
            stop();
    });
}

void RedisDemo::onPageState()
{
    if (m_state != State::Running)
        return;
    if (m_page->state() == MonitorPage::State::Monitoring)
        m_pageWatching = true;
    else if (m_page->state() == MonitorPage::State::Idle && m_pageWatching)
        stop(); // the user disconnected: the demo has served
}

void RedisDemo::onInterval(const MonitorInterval &r)
{
    if (m_state != State::Running || !m_pageWatching || m_captureStarted
        || m_options.captureSeconds <= 0 || r.counts.evictions == 0)
        return;
    // Full: the capture's what-if runs at the keys Redis holds, exactly.
    m_captureStarted = true;
    m_page->keyCapture()->setDurationSeconds(m_options.captureSeconds);
    m_page->keyCapture()->startCapture();
}

void RedisDemo::stop()
{
    if (m_state == State::Idle || m_state == State::Stopping)
        return;
    ++m_generation; // a start in flight is dropped when it lands
    setState(State::Stopping);
    std::shared_ptr<Parts> parts = std::move(m_parts);
    m_parts.reset();
    QFuture<bool> task = QtConcurrent::run([parts = std::move(parts)]() mutable {
        parts.reset(); // load stopped, server shut down
        return true;
    });
    thenQueued(task, this, [this](bool) {
        setState(State::Idle);
        emit message(tr("Watch a Redis: stopped the load and the local redis-server"));
    });
}

} // namespace CacheScope
