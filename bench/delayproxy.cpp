// bench_delay_proxy: a TCP proxy that adds a fixed one-way delay, for benchmarks against a
// "remote" PostgreSQL on a machine without netem (bench/run-async-bench).
//
//   bench_delay_proxy --listen PORT --target HOST:PORT --delay-ms X
//
// Listens on 127.0.0.1:PORT (0 = a free port), prints "listening on <port>" once ready, and for
// every accepted client opens a connection to the target and forwards bytes both ways. Each chunk
// read from one side is written to the other side X ms (fractional allowed, 0 = at once) after it
// was read, per direction, so a request/response round trip gains 2X. Order within a direction
// is kept; many chunks are in flight at once, so the throughput is not bounded by the delay (a
// direction holds up to kMaxQueued bytes before its source stops being read).
// One thread: epoll, plus a timerfd armed at the earliest due chunk, plus a signalfd for
// SIGTERM/SIGINT (exit 0). An end of stream or an error on either side closes the pair (what was
// already read from the closing side is still delivered, after its delay).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::size_t kMaxQueued = 8 * 1024 * 1024; // per direction, then reading pauses
constexpr std::uint64_t kListenId = 0;
constexpr std::uint64_t kTimerId = 1;
constexpr std::uint64_t kSignalId = 2;
constexpr std::uint64_t kFirstPairId = 8; // epoll id = pairId * 2 + side

std::int64_t nowNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_delay_proxy: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

[[noreturn]] void usage(const char *msg)
{
    std::fprintf(stderr,
        "bench_delay_proxy: %s\n"
        "usage: bench_delay_proxy --listen PORT --target HOST:PORT --delay-ms X\n",
        msg);
    std::exit(2);
}

struct Chunk
{
    std::int64_t due;
    std::vector<char> data;
    std::size_t offset = 0;
};

// Bytes read from fd[side], to be written to fd[1 - side].
struct Direction
{
    std::deque<Chunk> chunks;
    std::size_t queued = 0;
    bool eof = false; // the source side ended: close the pair once drained
    bool blocked = false; // the destination returned EAGAIN: wait for EPOLLOUT
};

struct Pair
{
    int fd[2] = { -1, -1 }; // 0 = client, 1 = target
    std::uint32_t mask[2] = { 0, 0 };
    Direction dir[2];
    bool connecting = true; // the target connect() has not completed
};

struct Due
{
    std::int64_t due;
    std::uint64_t pair;
    int side;
    bool operator>(const Due &o) const { return due > o.due; }
};

class Proxy
{
public:
    Proxy(int listenFd, addrinfo *target, std::int64_t delayNs)
        : m_listen(listenFd)
        , m_target(target)
        , m_delay(delayNs)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0)
            die("epoll_create1");
        m_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (m_timer < 0)
            die("timerfd_create");
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0)
            die("sigprocmask");
        m_signal = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
        if (m_signal < 0)
            die("signalfd");
        add(m_listen, EPOLLIN, kListenId);
        add(m_timer, EPOLLIN, kTimerId);
        add(m_signal, EPOLLIN, kSignalId);
    }

    int run()
    {
        std::vector<epoll_event> events(256);
        for (;;) {
            const int n = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), -1);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                die("epoll_wait");
            }
            for (int i = 0; i < n; ++i) {
                const std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
                const std::uint32_t ev = events[static_cast<std::size_t>(i)].events;
                if (id == kListenId) {
                    acceptAll();
                } else if (id == kTimerId) {
                    std::uint64_t expirations = 0;
                    [[maybe_unused]] const ssize_t r
                        = read(m_timer, &expirations, sizeof expirations);
                } else if (id == kSignalId) {
                    return 0;
                } else {
                    onSocket(id / 2, static_cast<int>(id % 2), ev);
                }
            }
            fireDue();
        }
    }

private:
    void add(int fd, std::uint32_t mask, std::uint64_t id)
    {
        epoll_event ev {};
        ev.events = mask;
        ev.data.u64 = id;
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) < 0)
            die("epoll_ctl add");
    }

    void acceptAll()
    {
        for (;;) {
            const int c = accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return;
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;
                std::fprintf(stderr, "bench_delay_proxy: accept: %s\n", std::strerror(errno));
                return; // EMFILE and the like: try again on the next event
            }
            const int t
                = socket(m_target->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (t < 0) {
                std::fprintf(stderr, "bench_delay_proxy: socket: %s\n", std::strerror(errno));
                close(c);
                continue;
            }
            const int one = 1;
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            const bool connected = connect(t, m_target->ai_addr, m_target->ai_addrlen) == 0;
            if (!connected && errno != EINPROGRESS) {
                std::fprintf(
                    stderr, "bench_delay_proxy: connect to target: %s\n", std::strerror(errno));
                close(c);
                close(t);
                continue;
            }
            const std::uint64_t id = m_nextId++;
            auto p = std::make_unique<Pair>();
            p->fd[0] = c;
            p->fd[1] = t;
            p->connecting = !connected;
            add(c, 0, id * 2);
            add(t, 0, id * 2 + 1);
            Pair &ref = *p;
            m_pairs.emplace(id, std::move(p));
            updateMasks(id, ref);
        }
    }

    // What each fd should be watched for, from the pair's state.
    void updateMasks(std::uint64_t id, Pair &p)
    {
        for (int side = 0; side < 2; ++side) {
            std::uint32_t want = 0;
            const Direction &out = p.dir[side]; // read from this side
            const Direction &in = p.dir[1 - side]; // written to this side
            const bool canRead = !(side == 1 && p.connecting);
            if (canRead && !out.eof && out.queued < kMaxQueued)
                want |= EPOLLIN | EPOLLRDHUP;
            if ((side == 1 && p.connecting) || in.blocked)
                want |= EPOLLOUT;
            if (want != p.mask[side]) {
                epoll_event ev {};
                ev.events = want;
                ev.data.u64 = id * 2 + static_cast<std::uint64_t>(side);
                if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, p.fd[side], &ev) < 0)
                    die("epoll_ctl mod");
                p.mask[side] = want;
            }
        }
    }

    void closePair(std::uint64_t id)
    {
        auto it = m_pairs.find(id);
        if (it == m_pairs.end())
            return;
        for (int fd : it->second->fd)
            close(fd); // also removes it from the epoll set
        m_pairs.erase(it);
    }

    void onSocket(std::uint64_t id, int side, std::uint32_t ev)
    {
        auto it = m_pairs.find(id);
        if (it == m_pairs.end())
            return; // closed earlier in this batch
        Pair &p = *it->second;
        if (side == 1 && p.connecting) {
            if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                return;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(p.fd[1], SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                std::fprintf(
                    stderr, "bench_delay_proxy: connect to target: %s\n", std::strerror(err));
                closePair(id);
                return;
            }
            p.connecting = false;
            // Whatever the client sent meanwhile and is due now.
            if (!flush(id, p, 0))
                return;
            updateMasks(id, p);
            return;
        }
        if (ev & EPOLLOUT) {
            p.dir[1 - side].blocked = false;
            if (!flush(id, p, 1 - side))
                return;
        }
        // An error, or a hang-up on a side that is no longer read: level-triggered epoll would
        // report it again and again, so the pair goes now.
        const Direction &from = p.dir[side];
        if ((ev & EPOLLERR) || ((ev & EPOLLHUP) && (from.eof || from.queued >= kMaxQueued))) {
            closePair(id);
            return;
        }
        if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
            if (!readSide(id, p, side))
                return;
        }
        updateMasks(id, p);
    }

    // Reads what fd[side] has into timestamped chunks. False if the pair was closed.
    bool readSide(std::uint64_t id, Pair &p, int side)
    {
        Direction &d = p.dir[side];
        char buf[kReadSize];
        while (!d.eof && d.queued < kMaxQueued) {
            const ssize_t n = recv(p.fd[side], buf, sizeof buf, 0);
            if (n > 0) {
                const std::int64_t due = nowNs() + m_delay;
                d.chunks.push_back(Chunk { due, std::vector<char>(buf, buf + n), 0 });
                d.queued += static_cast<std::size_t>(n);
                if (m_delay > 0)
                    m_due.push(Due { due, id, side });
                if (static_cast<std::size_t>(n) < sizeof buf)
                    break; // drained for now (level-triggered epoll tells us about more)
                continue;
            }
            if (n == 0) {
                d.eof = true;
                break;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            closePair(id); // ECONNRESET and the like: drop the pair at once
            return false;
        }
        if (m_delay == 0)
            return flush(id, p, side);
        if (d.eof && d.chunks.empty()) {
            closePair(id);
            return false;
        }
        return true;
    }

    // Writes the due chunks of dir[side] to fd[1 - side]. False if the pair was closed.
    bool flush(std::uint64_t id, Pair &p, int side)
    {
        Direction &d = p.dir[side];
        const int dst = p.fd[1 - side];
        const bool dstReady = !(side == 0 && p.connecting);
        if (dstReady && !d.blocked) {
            const std::int64_t now = nowNs();
            while (!d.chunks.empty() && d.chunks.front().due <= now) {
                Chunk &c = d.chunks.front();
                const ssize_t n
                    = send(dst, c.data.data() + c.offset, c.data.size() - c.offset, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    if (errno == EAGAIN || errno == EWOULDBLOCK) {
                        d.blocked = true;
                        break;
                    }
                    closePair(id); // EPIPE, ECONNRESET
                    return false;
                }
                c.offset += static_cast<std::size_t>(n);
                d.queued -= static_cast<std::size_t>(n);
                if (c.offset == c.data.size())
                    d.chunks.pop_front();
            }
        }
        if (d.eof && d.chunks.empty()) {
            closePair(id);
            return false;
        }
        return true;
    }

    void fireDue()
    {
        const std::int64_t now = nowNs();
        while (!m_due.empty() && m_due.top().due <= now) {
            const Due e = m_due.top();
            m_due.pop();
            auto it = m_pairs.find(e.pair);
            if (it == m_pairs.end())
                continue;
            Pair &p = *it->second;
            if (flush(e.pair, p, e.side))
                updateMasks(e.pair, p);
        }
        const std::int64_t next = m_due.empty() ? 0 : m_due.top().due;
        if (next == m_armed)
            return;
        itimerspec its {}; // all zero disarms
        if (next != 0) {
            its.it_value.tv_sec = static_cast<time_t>(next / 1000000000);
            its.it_value.tv_nsec = static_cast<long>(next % 1000000000);
        }
        if (timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &its, nullptr) < 0)
            die("timerfd_settime");
        m_armed = next;
    }

    int m_listen;
    addrinfo *m_target;
    std::int64_t m_delay;
    int m_epoll = -1;
    int m_timer = -1;
    int m_signal = -1;
    std::int64_t m_armed = 0;
    std::uint64_t m_nextId = kFirstPairId;
    std::unordered_map<std::uint64_t, std::unique_ptr<Pair>> m_pairs;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> m_due;
};

} // namespace

int main(int argc, char **argv)
{
    long listenPort = -1;
    std::string target;
    double delayMs = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc)
            usage(("missing value for " + a).c_str());
        const char *v = argv[++i];
        char *end = nullptr;
        if (a == "--listen") {
            listenPort = std::strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || listenPort < 0 || listenPort > 65535)
                usage("bad --listen port");
        } else if (a == "--target") {
            target = v;
        } else if (a == "--delay-ms") {
            delayMs = std::strtod(v, &end);
            if (*v == '\0' || *end != '\0' || !std::isfinite(delayMs) || delayMs < 0
                || delayMs > 60000)
                usage("bad --delay-ms");
        } else {
            usage(("unknown option " + a).c_str());
        }
    }
    if (listenPort < 0 || target.empty() || delayMs < 0)
        usage("--listen, --target and --delay-ms are required");
    const std::size_t colon = target.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == target.size())
        usage("--target must be HOST:PORT");
    std::string host = target.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string port = target.substr(colon + 1);

    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        std::fprintf(stderr, "bench_delay_proxy: %s: %s\n", target.c_str(), gai_strerror(rc));
        return 1;
    }

    signal(SIGPIPE, SIG_IGN);
    // The timerfd wake-ups would otherwise come up to 50 us late (the default timer slack).
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    const int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        die("socket");
    const int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(listenPort));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
        die("bind 127.0.0.1:" + std::to_string(listenPort));
    if (listen(lfd, 512) < 0)
        die("listen");
    socklen_t len = sizeof addr;
    if (getsockname(lfd, reinterpret_cast<sockaddr *>(&addr), &len) < 0)
        die("getsockname");

    Proxy proxy(lfd, res, std::llround(delayMs * 1e6)); // signals blocked before "listening"
    std::printf("listening on %u\n", static_cast<unsigned>(ntohs(addr.sin_port)));
    std::fflush(stdout);
    const int rc = proxy.run();
    freeaddrinfo(res);
    return rc;
}
