#include "core/cache/versionboard.h"

#include <QFile>

#include <algorithm>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

/// Plain words, touched only through std::atomic_ref: the same layout in private memory and in
/// a file mapping shared between processes (lock-free 64-bit atomics work across them).
struct VersionBoard::Slot
{
    qint64 sequence; // odd while a writer changes the slot
    qint64 version;
    qint64 atNs; // when `version` was written
    qint64 previousAtNs; // when the version before it was written (0: unknown)
};
static_assert(sizeof(VersionBoard::Slot) == 32);
static_assert(std::atomic_ref<qint64>::is_always_lock_free);

namespace {

constexpr char boardMagic[8] = { 'C', 'S', 'V', 'B', 'O', 'A', 'R', 'D' };
constexpr qint64 headerBytes = 64; // magic, row count, padding to a cache line

struct Header
{
    char magic[8];
    qint64 rows;
};

qint64 clampRows(qint64 rows) { return std::clamp<qint64>(rows, 1, VersionBoard::maxRows); }

qint64 load(const qint64 &word, std::memory_order order = std::memory_order_relaxed)
{
    return std::atomic_ref<qint64>(const_cast<qint64 &>(word)).load(order);
}

void store(qint64 &word, qint64 value, std::memory_order order = std::memory_order_relaxed)
{
    std::atomic_ref<qint64>(word).store(value, order);
}

Error boardError(const QString &path, const QString &message)
{
    Error error;
    error.message = message;
    error.file = path;
    error.field = u"stale-board"_s;
    error.value = path;
    return error;
}

} // namespace

VersionBoard::VersionBoard(void *memory, qint64 bytes, Slot *first, qint64 rows)
    : m_memory(memory)
    , m_bytes(bytes)
    , m_slots(first)
    , m_rows(rows)
{
}

VersionBoard::~VersionBoard() { munmap(m_memory, size_t(m_bytes)); }

std::shared_ptr<VersionBoard> VersionBoard::inMemory(qint64 rows)
{
    rows = clampRows(rows);
    const qint64 bytes = rows * qint64(sizeof(Slot));
    // Anonymous pages are zero and take memory only once written: a board over a large
    // keyspace costs what the writes touched.
    void *memory
        = mmap(nullptr, size_t(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return nullptr;
    return std::shared_ptr<VersionBoard>(
        new VersionBoard(memory, bytes, static_cast<Slot *>(memory), rows));
}

Result<std::shared_ptr<VersionBoard>> VersionBoard::open(const QString &path, qint64 rows)
{
    rows = clampRows(rows);
    const qint64 bytes = headerBytes + rows * qint64(sizeof(Slot));
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return boardError(path, u"cannot open the version board: "_s + qt_error_string(errno));
    struct stat info
    {
    };
    if (fstat(fd, &info) != 0 || (info.st_size != 0 && info.st_size != bytes)) {
        ::close(fd);
        return boardError(path,
            u"not a version board for %1 rows (%2 bytes; another keyspace's, or another file)"_s
                .arg(rows)
                .arg(qint64(info.st_size)));
    }
    // Several instances may create it at once: the same size and the same header from each.
    if (info.st_size == 0 && ftruncate(fd, off_t(bytes)) != 0) {
        const QString reason = qt_error_string(errno);
        ::close(fd);
        return boardError(path, u"cannot size the version board: "_s + reason);
    }
    void *memory = mmap(nullptr, size_t(bytes), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd); // the mapping keeps the file
    if (memory == MAP_FAILED)
        return boardError(path, u"cannot map the version board: "_s + qt_error_string(errno));
    auto *header = static_cast<Header *>(memory);
    const bool blank = std::all_of(header->magic, header->magic + 8, [](char c) { return !c; });
    if (blank) {
        std::memcpy(header->magic, boardMagic, sizeof boardMagic);
        store(header->rows, rows);
    } else if (std::memcmp(header->magic, boardMagic, sizeof boardMagic) != 0
        || load(header->rows) != rows) {
        munmap(memory, size_t(bytes));
        return boardError(path, u"not a version board for %1 rows"_s.arg(rows));
    }
    auto *firstSlot = reinterpret_cast<Slot *>(static_cast<char *>(memory) + headerBytes);
    return std::shared_ptr<VersionBoard>(new VersionBoard(memory, bytes, firstSlot, rows));
}

VersionBoard::Slot *VersionBoard::slot(qint64 row) const noexcept
{
    return row >= 0 && row < m_rows ? m_slots + row : nullptr;
}

void VersionBoard::written(qint64 row, qint64 version, qint64 atNs) noexcept
{
    Slot *s = slot(row);
    if (!s)
        return;
    std::atomic_ref<qint64> sequence(s->sequence);
    qint64 seen = sequence.load(std::memory_order_relaxed);
    for (;;) { // take the slot: even -> odd
        if (seen & 1) {
            seen = sequence.load(std::memory_order_relaxed);
            continue;
        }
        if (sequence.compare_exchange_weak(
                seen, seen + 1, std::memory_order_acquire, std::memory_order_relaxed))
            break;
    }
    const qint64 known = load(s->version);
    if (version > known) {
        store(s->previousAtNs, version == known + 1 ? load(s->atNs) : 0);
        store(s->atNs, atNs);
        store(s->version, version);
    }
    sequence.store(seen + 2, std::memory_order_release);
}

qint64 VersionBoard::current(qint64 row) const noexcept
{
    const Slot *s = slot(row);
    return s ? load(s->version) : 0;
}

std::optional<qint64> VersionBoard::staleness(
    qint64 row, qint64 version, qint64 nowNs) const noexcept
{
    const Slot *s = slot(row);
    if (!s || load(s->version) <= version)
        return std::nullopt; // the common case: one load
    for (;;) {
        const qint64 before = load(s->sequence, std::memory_order_acquire);
        if (before & 1)
            continue;
        // Acquire loads: the sequence's second read cannot move before them (a fence would do
        // the same, but ThreadSanitizer does not support fences).
        const qint64 latest = load(s->version, std::memory_order_acquire);
        const qint64 at = load(s->atNs, std::memory_order_acquire);
        const qint64 previousAt = load(s->previousAtNs, std::memory_order_acquire);
        if (load(s->sequence) != before)
            continue;
        // One write behind: stale since the latest was written. Further behind: since the one
        // before it at least (when that time is known), else since the latest.
        const qint64 since = latest == version + 1 || previousAt == 0 ? at : previousAt;
        return std::max<qint64>(0, nowNs - since);
    }
}

} // namespace CacheScope
