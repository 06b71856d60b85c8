#include "core/cache/epoch.h"

namespace CacheScope {

/// One thread's slot. Records are never freed: a thread that exits marks its record free and
/// the next new thread takes it, so their number is the most threads ever alive at once.
struct alignas(64) Record
{
    std::atomic<quint64> pinned { 0 }; // 0: not reading; otherwise the epoch seen on entry
    std::atomic<bool> taken { false };
    Record *next = nullptr; // set before the record is published, then constant
    unsigned depth = 0; // nesting of guards; the owning thread's alone
    unsigned index = 0;
};

namespace {

alignas(64) std::atomic<quint64> g_epoch { 1 };
alignas(64) std::atomic<Record *> g_records { nullptr };
std::atomic<unsigned> g_recordCount { 0 };

Record *takeRecord()
{
    for (Record *r = g_records.load(std::memory_order_acquire); r; r = r->next) {
        bool expected = false;
        if (!r->taken.load(std::memory_order_relaxed)
            && r->taken.compare_exchange_strong(expected, true, std::memory_order_acquire))
            return r;
    }
    auto *r = new Record; // reachable from g_records for the life of the process
    r->taken.store(true, std::memory_order_relaxed);
    r->index = g_recordCount.fetch_add(1, std::memory_order_relaxed);
    Record *head = g_records.load(std::memory_order_relaxed);
    do
        r->next = head;
    while (!g_records.compare_exchange_weak(
        head, r, std::memory_order_release, std::memory_order_relaxed));
    return r;
}

/// Gives the thread's record back when the thread exits.
struct Holder
{
    Record *record = nullptr;
    ~Holder()
    {
        if (!record)
            return;
        record->depth = 0;
        record->pinned.store(0, std::memory_order_release);
        record->taken.store(false, std::memory_order_release);
    }
};

thread_local Holder t_holder;

Record *threadRecord()
{
    Holder &h = t_holder;
    if (!h.record) [[unlikely]]
        h.record = takeRecord();
    return h.record;
}

} // namespace

quint64 Epoch::current() { return g_epoch.load(std::memory_order_seq_cst); }

bool Epoch::tryAdvance()
{
    quint64 e = g_epoch.load(std::memory_order_seq_cst);
    for (Record *r = g_records.load(std::memory_order_acquire); r; r = r->next) {
        const quint64 pinned = r->pinned.load(std::memory_order_seq_cst);
        if (pinned != 0 && pinned != e)
            return false; // a reader still runs in an older epoch
    }
    g_epoch.compare_exchange_strong(e, e + 1, std::memory_order_seq_cst);
    return true;
}

unsigned Epoch::threadIndex() { return threadRecord()->index; }

unsigned EpochGuard::threadIndex() const { return m_record->index; }

EpochGuard::EpochGuard()
    : m_record(threadRecord())
{
    // The seq_cst store orders the announcement before every pointer load of the read (an
    // xchg on x86, to this thread's own line). A stale epoch read here only holds reclamation
    // back: tryAdvance() waits for a pinned thread to see the current epoch.
    if (m_record->depth++ == 0)
        m_record->pinned.store(g_epoch.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
}

EpochGuard::~EpochGuard()
{
    if (--m_record->depth == 0)
        m_record->pinned.store(0, std::memory_order_release);
}

} // namespace CacheScope
