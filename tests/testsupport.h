#pragma once

#include "core/policy/cachepolicy.h"
#include "core/workload/request.h"

#include <QString>

#include <vector>

namespace CacheScope::TestSupport {

/// Absolute path of a file in tests/data (the repository's copy of the shared traces).
QString dataPath(const QString &name);
/// The cachescope-cli binary built beside the tests.
QString cliPath();
/// Requests with size 1 from a list of keys.
std::vector<Request> requestsFromKeys(std::initializer_list<Key> keys);
std::vector<Request> requestsFromKeys(const std::vector<Key> &keys);
/// The keys of a shared trace, read independently of the project's readers (test oracle):
/// "lirs_multi1.trace" as decimal lines, "cache2k_web07.trace" as big-endian int32.
std::vector<Key> loadSharedTraceKeys(const QString &name);
/// Replays space-separated keys (size 1) through policy.access() and returns "<key>h" or
/// "<key>m" per request, then "-<victim>" for every key that request evicted:
/// "1m 2m 1h 3m-2". Hand-checked policy tests compare against such strings.
QString replay(CachePolicy &policy, const QString &keys);

} // namespace CacheScope::TestSupport
