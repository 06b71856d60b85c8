#pragma once

#include "core/error.h"
#include "core/policy/cachepolicy.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace CacheScope {

/// One row per policy: read by the CLI, the GUI and the conformance test.
struct PolicyInfo
{
    QString id; // libCacheSim's name: "lru", "s3fifo"
    QString displayName; // "S3-FIFO"
    QString summary; // one line for --help and tooltips
    bool needsFuture = false; // offline only (opt): requests must carry nextAccess
    std::unique_ptr<CachePolicy> (*create)(const PolicyConfig &) = nullptr;
};

/// Every policy, in display order.
const std::vector<PolicyInfo> &policyRegistry();
/// The row for an id (case-sensitive, ids are lowercase), or nullptr.
const PolicyInfo *findPolicy(QStringView id);
/// All ids, comma-separated, for error messages and --help.
QString policyIdList();
/// Validates the id and the configuration (capacity > 0) and creates the policy.
Result<std::unique_ptr<CachePolicy>> createPolicy(QStringView id, const PolicyConfig &config);

} // namespace CacheScope
