#include "keycapturepanel.h"

#include "livechart.h"
#include "monitormodels.h"

#include "core/monitor/monitorsource.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QTableView>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {
namespace {

constexpr int pollIntervalMs = 500;

QString captureRatio(std::optional<double> ratio)
{
    return ratio ? formatValue(*ratio * 100.0, ValueUnit::Percent) : u"n/a"_s;
}

QString countText(quint64 n) { return QLocale().toString(n); }

/// The capture's thread ends within a poll (or a connect's timeout): wait for it on a pool
/// thread, never on the GUI's.
void disposeOffThread(std::unique_ptr<RedisCapture> capture)
{
    if (!capture)
        return;
    std::shared_ptr<RedisCapture> shared(std::move(capture));
    QThreadPool::globalInstance()->start([shared] { shared->stop(); });
}

} // namespace

KeyCapturePanel::KeyCapturePanel(QWidget *parent)
    : QGroupBox(tr("Key capture (MONITOR)"), parent)
{
    setObjectName(u"keyCapturePanel"_s);
    auto *form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_durationSpin = new QSpinBox(this);
    m_durationSpin->setObjectName(u"captureDurationSpin"_s);
    m_durationSpin->setRange(5, 3600);
    m_durationSpin->setValue(120);
    m_durationSpin->setSuffix(tr(" s"));
    m_durationSpin->setToolTip(tr("The capture stops by itself after this long"));
    form->addRow(tr("Capture &for"), m_durationSpin);

    m_depthSpin = new QSpinBox(this);
    m_depthSpin->setObjectName(u"capturePrefixDepthSpin"_s);
    m_depthSpin->setRange(1, 8);
    m_depthSpin->setToolTip(
        tr("Key segments (split on ':') that make a prefix: 1 groups user:42:cart as user:*"));
    form->addRow(tr("Prefix &depth"), m_depthSpin);

    auto *buttons = new QHBoxLayout;
    m_startButton = new QPushButton(tr("Capture &keys"), this);
    m_startButton->setObjectName(u"captureStartButton"_s);
    m_startButton->setToolTip(tr("Attach a MONITOR client and replay every read through Redis's "
                                 "own eviction models and the policy registry"));
    m_stopButton = new QPushButton(tr("Sto&p capture"), this);
    m_stopButton->setObjectName(u"captureStopButton"_s);
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_stopButton);
    form->addRow(buttons);

    // Where the user switches it on, what it costs the server.
    auto *cost = new QLabel(tr("<small>MONITOR sends every command the Redis runs to "
                               "CacheScope: Redis documents about half its throughput lost while "
                               "a MONITOR client is attached. Capture a bounded sample.</small>"),
        this);
    cost->setObjectName(u"captureCostLabel"_s);
    cost->setWordWrap(true);
    form->addRow(cost);

    m_statusLabel = new QLabel(tr("Connect to a Redis to capture its keys"), this);
    m_statusLabel->setObjectName(u"captureStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    form->addRow(m_statusLabel);

    m_prefixes = new MonitorRowsModel({ tr("key prefix"), tr("reads"), tr("share"), tr("writes"),
                                          tr("keys"), tr("shadow hit ratio") },
        this);
    m_topKeys = new MonitorRowsModel({ tr("key"), tr("reads"), tr("overcount at most") }, this);

    // The prefixes at a glance beside the charts (the Key prefixes tab has every column):
    // prefix, share of reads, the own policy's hit ratio.
    m_prefixGlance = new QTableView(this);
    m_prefixGlance->setObjectName(u"prefixGlanceView"_s);
    m_prefixGlance->setModel(m_prefixes);
    for (const int hidden : { 1, 3, 4 })
        m_prefixGlance->setColumnHidden(hidden, true);
    m_prefixGlance->verticalHeader()->hide();
    m_prefixGlance->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 2);
    m_prefixGlance->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_prefixGlance->horizontalHeader()->setStretchLastSection(true);
    m_prefixGlance->setSelectionMode(QAbstractItemView::NoSelection);
    m_prefixGlance->setFocusPolicy(Qt::NoFocus);
    m_prefixGlance->setMinimumHeight(6 * (fontMetrics().height() + 2) + 8);
    m_prefixGlance->setToolTip(tr("Key prefixes by reads; every column in the Key prefixes tab"));
    form->addRow(m_prefixGlance);
    // "once warm": over the reads after the model first held its capacity, the figure to hold
    // against a Redis that was full before the capture began.
    m_whatIf = new MonitorRowsModel(
        { tr("what-if"), tr("policy"), tr("keys"), tr("hit ratio"), tr("once warm") }, this);

    m_pollTimer.setInterval(pollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &KeyCapturePanel::poll);
    connect(m_startButton, &QPushButton::clicked, this, [this] { startCapture(); });
    connect(m_stopButton, &QPushButton::clicked, this, &KeyCapturePanel::stopCapture);
    updateControls();
}

KeyCapturePanel::~KeyCapturePanel()
{
    // No signals from here: the page that listens is being destroyed.
    m_pollTimer.stop();
    disposeOffThread(std::move(m_capture));
}

void KeyCapturePanel::setServer(const RedisSettings &server)
{
    if (m_capture && m_server
        && (m_server->host != server.host || m_server->port != server.port
            || m_server->database != server.database))
        stopCapture();
    const bool first = !m_server;
    m_server = server;
    if (first && !m_capture)
        m_statusLabel->setText(tr("Ready: %1:%2").arg(server.host).arg(server.port));
    updateControls();
}

void KeyCapturePanel::clearServer()
{
    stopCapture();
    m_haveTotals = false;
    if (m_server && !m_last)
        m_statusLabel->setText(tr("Connect to a Redis to capture its keys"));
    m_server.reset();
    updateControls();
}

void KeyCapturePanel::setMeasuredTotals(quint64 hits, quint64 misses)
{
    m_hits = hits;
    m_misses = misses;
    m_haveTotals = true;
    if (m_capture && !m_baseSet) {
        m_baseHits = hits;
        m_baseMisses = misses;
        m_baseSet = true;
    }
}

void KeyCapturePanel::setDurationSeconds(int seconds) { m_durationSpin->setValue(seconds); }

void KeyCapturePanel::setPrefixDepth(int depth) { m_depthSpin->setValue(depth); }

bool KeyCapturePanel::startCapture()
{
    if (m_capture)
        return true;
    if (!m_server) {
        emit errorOccurred(
            tr("Key capture"), monitorError(tr("connect the Monitor tab to a Redis first")));
        return false;
    }
    RedisCaptureOptions options;
    options.server = *m_server;
    options.maxDurationMs = qint64(m_durationSpin->value()) * 1000;
    options.prefixDepth = m_depthSpin->value();
    options.shadows = true;
    options.publishIntervalMs = pollIntervalMs;
    auto capture = std::make_unique<RedisCapture>(options);
    if (const Result<void> started = capture->start(); !started) {
        emit errorOccurred(tr("Key capture: could not start"), started.error());
        return false;
    }
    m_capture = std::move(capture);
    // The measured hit ratio counts from the monitor's totals now; the next interval sets
    // them when none came yet.
    m_baseHits = m_hits;
    m_baseMisses = m_misses;
    m_baseSet = m_haveTotals;
    m_last.reset();
    m_prefixes->clear();
    m_topKeys->clear();
    m_whatIf->clear();
    m_statusLabel->setText(tr("Connecting a MONITOR client…"));
    m_pollTimer.start();
    updateControls();
    emit messageLogged(tr("Key capture: MONITOR on %1:%2 for %3 s, prefixes of depth %4 (the "
                          "server runs at about half its throughput meanwhile)")
                           .arg(options.server.host)
                           .arg(options.server.port)
                           .arg(m_durationSpin->value())
                           .arg(options.prefixDepth));
    emit capturingChanged(true);
    return true;
}

void KeyCapturePanel::stopCapture()
{
    if (!m_capture)
        return;
    m_pollTimer.stop();
    const RedisCaptureSnapshot last = m_capture->snapshot();
    disposeOffThread(std::move(m_capture));
    show(last);
    m_statusLabel->setText(tr("Stopped: %1").arg(statusText()));
    emit messageLogged(tr("Key capture: stopped after %L1 commands, %L2 reads")
                           .arg(last.commands)
                           .arg(last.reads));
    updateControls();
    emit capturingChanged(false);
}

std::optional<double> KeyCapturePanel::measuredHitRatio() const
{
    if (!m_baseSet)
        return std::nullopt;
    const quint64 hits = m_hits - std::min(m_hits, m_baseHits);
    const quint64 misses = m_misses - std::min(m_misses, m_baseMisses);
    return hits + misses ? std::optional(double(hits) / double(hits + misses)) : std::nullopt;
}

QString KeyCapturePanel::statusText() const
{
    if (!m_last)
        return m_statusLabel->text();
    const RedisCaptureSnapshot &s = *m_last;
    QString text = tr("%1 commands: %2 keys read, %3 writes, %4 other")
                       .arg(countText(s.commands), countText(s.reads), countText(s.writes),
                           countText(s.others));
    if (s.malformed)
        text += tr(", %1 malformed lines skipped").arg(countText(s.malformed));
    if (s.capacityKeys > 0)
        text += tr(". What-if at %1 keys%2")
                    .arg(countText(quint64(s.capacityKeys)),
                        s.capacityEstimated ? tr(" (estimated from used_memory per key)")
                                            : QString());
    return text;
}

void KeyCapturePanel::poll()
{
    if (!m_capture)
        return;
    const RedisCaptureSnapshot snapshot = m_capture->snapshot();
    if (snapshot.state == RedisCaptureSnapshot::State::Connecting)
        return;
    show(snapshot);
    if (snapshot.finished())
        finish(snapshot);
    else
        m_statusLabel->setText(tr("Capturing: %1").arg(statusText()));
}

void KeyCapturePanel::show(const RedisCaptureSnapshot &s)
{
    if (s.state == RedisCaptureSnapshot::State::Connecting
        || s.state == RedisCaptureSnapshot::State::Failed)
        return;
    m_last = s;
    QList<QStringList> rows;
    rows.reserve(qsizetype(s.prefixes.size()));
    for (const KeyPrefixStats::Row &row : s.prefixes)
        rows.append({ row.prefix, countText(row.reads),
            formatValue(row.share * 100.0, ValueUnit::Percent), countText(row.writes),
            (row.keysEstimated ? u"~"_s : QString()) + countText(quint64(row.keys)),
            captureRatio(row.hitRatio()) });
    m_prefixes->setRows(rows);

    rows.clear();
    for (const TopKeys::Entry &k : s.topKeys)
        rows.append({ QString::fromUtf8(k.key), countText(k.count), countText(k.error) });
    m_topKeys->setRows(rows);

    rows.clear();
    if (s.capacityKeys > 0) {
        const QString capacity = countText(quint64(s.capacityKeys))
            + (s.capacityEstimated ? tr(" (estimated)") : QString());
        rows.append({ tr("measured by Redis"), s.maxmemoryPolicy, capacity,
            captureRatio(measuredHitRatio()), QString() });
        for (const RedisCaptureReadout &r : s.readouts) {
            const QString label = r.label == u"own policy"_s
                ? tr("its own policy (%1)").arg(s.maxmemoryPolicy)
                : r.label;
            rows.append({ label, tr("%1 (%2 samples)").arg(r.policy).arg(r.samples),
                countText(quint64(r.capacity)), captureRatio(r.hitRatio()),
                captureRatio(r.warmHitRatio()) });
        }
        if (s.shadows) {
            int rank = 0;
            for (const ShadowPolicyStats &p : s.shadows->policies) {
                if (p.requests == 0)
                    continue;
                rows.append(
                    { rank == 0 ? tr("best of the registry") : tr("registry #%1").arg(rank + 1),
                        p.policy, countText(quint64(p.capacity)), captureRatio(p.hitRatio),
                        QString() });
                ++rank;
            }
        }
    }
    m_whatIf->setRows(rows);
}

void KeyCapturePanel::finish(const RedisCaptureSnapshot &s)
{
    m_pollTimer.stop();
    disposeOffThread(std::move(m_capture));
    if (s.state == RedisCaptureSnapshot::State::Failed) {
        const Error error = s.error.value_or(monitorError(tr("the capture failed")));
        m_statusLabel->setText(tr("Capture failed: %1").arg(error.toString()));
        emit errorOccurred(tr("Key capture"), error);
    } else {
        m_statusLabel->setText(tr("Finished (%1): %2").arg(s.stopReason, statusText()));
        emit messageLogged(tr("Key capture: finished (%1) after %L2 commands, %L3 reads")
                               .arg(s.stopReason)
                               .arg(s.commands)
                               .arg(s.reads));
    }
    for (const QString &note : s.notes)
        emit messageLogged(tr("Key capture: note: %1").arg(note));
    updateControls();
    emit capturingChanged(false);
}

void KeyCapturePanel::updateControls()
{
    const bool capturing = m_capture != nullptr;
    m_startButton->setEnabled(m_server.has_value() && !capturing);
    m_stopButton->setEnabled(capturing);
    m_durationSpin->setEnabled(!capturing);
    m_depthSpin->setEnabled(!capturing);
}

} // namespace CacheScope
