#pragma once

#include <QFuture>
#include <QMetaObject>
#include <QObject>

#include <utility>

namespace CacheScope {

/// future.then(context, f), but f always runs from context's event loop, never inside this
/// call. Qt 6.4 invokes a context continuation with Qt::AutoConnection, so when the task has
/// already finished (a tiny trace, an instant "connection refused") f would run before then()
/// returns, ahead of whatever the caller sets up after starting the task.
template <typename T, typename F> void thenQueued(QFuture<T> future, QObject *context, F &&f)
{
    future.then(context, [context, f = std::forward<F>(f)](const T &value) mutable {
        QMetaObject::invokeMethod(
            context, [f = std::move(f), value]() mutable { f(value); }, Qt::QueuedConnection);
    });
}

} // namespace CacheScope
