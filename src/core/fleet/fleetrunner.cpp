#include "core/fleet/fleetrunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

FleetRunner::FleetRunner(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_grace.setSingleShot(true);
    connect(&m_grace, &QTimer::timeout, this, [this] { emitReadyGroups(false); });
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        for (const auto &instance : m_instances) {
            if (!instance->exited && instance->process->state() != QProcess::NotRunning)
                instance->process->kill();
        }
    });
}

FleetRunner::~FleetRunner()
{
    for (const auto &instance : m_instances) {
        instance->process->disconnect(this);
        if (instance->process->state() != QProcess::NotRunning) {
            instance->process->kill();
            instance->process->waitForFinished(2000);
        }
    }
}

Result<void> FleetRunner::start()
{
    if (m_started)
        return Error { u"already started"_s, {}, 0, u"fleet"_s, {} };
    if (m_options.instances < 1 || m_options.instances > maxInstances)
        return Error { u"must be between 1 and %1"_s.arg(maxInstances), {}, 0, u"instances"_s,
            QString::number(m_options.instances) };
    if (m_options.program.isEmpty())
        return Error { u"no program to start"_s, {}, 0, u"program"_s, {} };
    if (m_options.intervalMs < 1)
        return Error { u"must be positive"_s, {}, 0, u"intervalMs"_s,
            QString::number(m_options.intervalMs) };
    QStringList arguments = m_options.arguments;
    if (m_options.staleBoard) {
        m_boardDir = std::make_unique<QTemporaryDir>();
        if (!m_boardDir->isValid())
            return Error { u"cannot create a temporary directory for the version board: "_s
                    + m_boardDir->errorString(),
                {}, 0, u"staleBoard"_s, m_boardDir->path() };
        arguments << u"--stale-board"_s << staleBoardPath();
    }
    if (m_options.control)
        arguments << u"--control"_s << u"stdin"_s;
    m_started = true;
    m_starting = true;
    m_clock.start();
    for (int i = 0; i < m_options.instances; ++i) {
        auto instance = std::make_unique<Instance>();
        instance->process = new QProcess(this);
        QProcess *process = instance->process;
        process->setProgram(m_options.program);
        // Each its own key streams over the same hot set, as the instances of one application.
        process->setArguments(arguments + QStringList { u"--instance"_s, QString::number(i) });
        connect(process, &QProcess::readyReadStandardOutput, this, [this, i] { readOutput(i); });
        connect(process, &QProcess::readyReadStandardError, this, [this, i] { readErrors(i); });
        connect(process, &QProcess::finished, this, [this, i](int code, QProcess::ExitStatus st) {
            childEnded(i, code, st == QProcess::CrashExit);
        });
        connect(process, &QProcess::errorOccurred, this, [this, i](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart)
                childError(i);
        });
        m_instances.push_back(std::move(instance));
    }
    for (const auto &instance : m_instances)
        instance->process->start();
    m_starting = false;
    // Children that failed to start ended inside the loop: the owner hears of the end from
    // its event loop, never from inside start().
    QTimer::singleShot(0, this, [this] { checkEnd(); });
    return {};
}

void FleetRunner::stop()
{
    bool any = false;
    for (const auto &instance : m_instances) {
        if (instance->exited)
            continue;
        const qint64 pid = instance->process->processId();
        if (pid > 0)
            ::kill(pid_t(pid), SIGINT);
        else
            instance->process->kill();
        any = true;
    }
    if (any && !m_killTimer.isActive())
        m_killTimer.start(m_options.stopTimeoutMs);
}

int FleetRunner::control(const QJsonObject &change)
{
    if (!m_options.control)
        return 0;
    const QByteArray line = QJsonDocument(change).toJson(QJsonDocument::Compact) + '\n';
    int reached = 0;
    for (const auto &instance : m_instances) {
        if (instance->exited || instance->process->state() != QProcess::Running)
            continue;
        if (instance->process->write(line) == line.size())
            ++reached;
    }
    return reached;
}

bool FleetRunner::isRunning() const { return m_started && !m_finishedEmitted; }

QString FleetRunner::staleBoardPath() const
{
    return m_boardDir ? m_boardDir->filePath(u"versions.board"_s) : QString();
}

qint64 FleetRunner::processId(int index) const
{
    if (index < 0 || index >= int(m_instances.size()))
        return 0;
    return m_instances[index]->process->processId();
}

QStringList FleetRunner::lastStderr(int index) const
{
    if (index < 0 || index >= int(m_instances.size()))
        return {};
    return m_instances[index]->stderrTail;
}

std::optional<QJsonObject> FleetRunner::finalLine(int index) const
{
    if (index < 0 || index >= int(m_instances.size()))
        return std::nullopt;
    return m_instances[index]->final;
}

QList<int> FleetRunner::failedInstances() const
{
    QList<int> failed;
    for (int i = 0; i < int(m_instances.size()); ++i) {
        if (m_instances[i]->failed)
            failed << i;
    }
    return failed;
}

void FleetRunner::readOutput(int index)
{
    Instance &instance = *m_instances[index];
    instance.out += instance.process->readAllStandardOutput();
    qsizetype start = 0;
    for (qsizetype end = instance.out.indexOf('\n'); end >= 0;
         end = instance.out.indexOf('\n', start)) {
        takeLine(index, instance.out.mid(start, end - start));
        start = end + 1;
    }
    instance.out.remove(0, start); // a partial line waits for the rest
}

void FleetRunner::readErrors(int index)
{
    Instance &instance = *m_instances[index];
    instance.err += instance.process->readAllStandardError();
    qsizetype start = 0;
    for (qsizetype end = instance.err.indexOf('\n'); end >= 0;
         end = instance.err.indexOf('\n', start)) {
        const QString line = QString::fromUtf8(instance.err.mid(start, end - start)).trimmed();
        start = end + 1;
        if (line.isEmpty())
            continue;
        instance.stderrTail << line;
        while (instance.stderrTail.size() > std::max(1, m_options.stderrLines))
            instance.stderrTail.removeFirst();
        emit instanceStderr(index, line);
    }
    instance.err.remove(0, start);
}

void FleetRunner::takeLine(int index, const QByteArray &bytes)
{
    Instance &instance = *m_instances[index];
    if (bytes.trimmed().isEmpty())
        return;
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (!doc.isObject()) { // not a line of `run --output json`: kept with the stderr lines
        instance.stderrTail << u"stdout: "_s + QString::fromUtf8(bytes).trimmed();
        while (instance.stderrTail.size() > std::max(1, m_options.stderrLines))
            instance.stderrTail.removeFirst();
        return;
    }
    const QJsonObject line = doc.object();
    emit instanceLine(index, line);
    if (line.contains(u"marker"_s) || !line.contains(u"t_ms"_s))
        return;

    FleetPart part { line, {} };
    const QJsonObject buckets = line[u"latency_buckets"_s].toObject();
    for (auto it = buckets.begin(); it != buckets.end(); ++it) {
        Result<LatencyBuckets> parsed = parseLatencyBuckets(it.value(), it.key());
        if (!parsed) // that kind falls back to the count-weighted mean
            continue;
        // Cumulative in the child: the interval is the difference to the previous line's.
        part.buckets[it.key()] = line[u"final"_s].toBool()
            ? parsed.value()
            : subtractBuckets(parsed.value(), instance.cumulative.value(it.key()));
        instance.cumulative[it.key()] = std::move(parsed.value());
    }
    if (line[u"final"_s].toBool()) {
        instance.final = line;
        m_finalParts[index] = std::move(part);
        emitReadyGroups(false); // it will not deliver later intervals
        return;
    }
    const int interval = instance.intervals++;
    if (interval < m_nextGroup)
        return; // its group's total is out already
    Group &group = m_groups[interval];
    if (group.parts.isEmpty())
        group.deadlineMs = m_clock.elapsed() + 2 * m_options.intervalMs;
    group.parts[index] = std::move(part);
    emitReadyGroups(false);
}

bool FleetRunner::ended(int index) const
{
    return m_instances[index]->exited || m_instances[index]->final.has_value();
}

void FleetRunner::emitReadyGroups(bool graceOver)
{
    m_grace.stop();
    while (true) {
        const auto found = m_groups.find(m_nextGroup);
        if (found == m_groups.end())
            return;
        Group &group = found->second;
        bool complete = true;
        for (int i = 0; i < int(m_instances.size()); ++i) {
            if (!group.parts.contains(i) && !ended(i))
                complete = false;
        }
        const qint64 now = m_clock.elapsed();
        if (!complete && !graceOver && now < group.deadlineMs) {
            m_grace.start(int(std::min<qint64>(group.deadlineMs - now, 3'600'000)));
            return;
        }
        emitGroup(m_nextGroup, group);
        m_groups.erase(found);
        ++m_nextGroup;
    }
}

namespace {

/// "instances_reporting" and "missing" of a total over `parts` of `instances`.
void addReporting(QJsonObject &total, const QMap<int, FleetPart> &parts, int instances)
{
    total[u"instances_reporting"_s] = qint64(parts.size());
    QJsonArray missing;
    for (int i = 0; i < instances; ++i) {
        if (!parts.contains(i))
            missing.append(i);
    }
    if (!missing.isEmpty())
        total[u"missing"_s] = missing;
}

} // namespace

void FleetRunner::emitGroup(int interval, Group &group)
{
    QJsonObject total = sumFleetLines(group.parts.values());
    addReporting(total, group.parts, int(m_instances.size()));
    emit intervalTotal(interval, total);
}

void FleetRunner::childEnded(int index, int exitCode, bool crashed)
{
    Instance &instance = *m_instances[index];
    if (instance.exited)
        return;
    readOutput(index);
    readErrors(index);
    if (!instance.out.isEmpty()) { // a last line without its newline
        takeLine(index, instance.out);
        instance.out.clear();
    }
    if (!instance.err.isEmpty()) {
        instance.err += '\n';
        readErrors(index);
    }
    instance.exited = true;
    if (crashed || exitCode != 0) {
        instance.failed = true;
        emit instanceFailed(index,
            describeFailure(index,
                crashed ? u"crashed (killed by a signal)"_s
                        : u"exited with status %1"_s.arg(exitCode)));
    }
    emitReadyGroups(false);
    checkEnd();
}

void FleetRunner::childError(int index)
{
    Instance &instance = *m_instances[index];
    if (instance.exited)
        return;
    instance.exited = true;
    instance.failed = true;
    emit instanceFailed(
        index, describeFailure(index, u"failed to start: "_s + instance.process->errorString()));
    if (!m_starting) {
        emitReadyGroups(false);
        checkEnd();
    }
}

QString FleetRunner::describeFailure(int index, const QString &what) const
{
    QString message = u"instance %1 %2"_s.arg(index).arg(what);
    const QStringList &tail = m_instances[index]->stderrTail;
    if (!tail.isEmpty())
        message += u": "_s + tail.last();
    return message;
}

void FleetRunner::checkEnd()
{
    if (m_starting || m_finishedEmitted || !m_started)
        return;
    for (const auto &instance : m_instances) {
        if (!instance->exited)
            return;
    }
    m_killTimer.stop();
    emitReadyGroups(true);
    QJsonObject total = sumFleetLines(m_finalParts.values());
    total[u"final"_s] = true;
    addReporting(total, m_finalParts, int(m_instances.size()));
    m_finalTotal = total;
    m_finishedEmitted = true;
    emit finalTotal(total);
    emit finished();
}

} // namespace CacheScope
