#include "core/policy/fifopolicy.h"

namespace CacheScope {

// Out of line on purpose: the vtable, and with it the accessBatch() loop, is then compiled here,
// in a small translation unit where GCC inlines find() and the map probes into the loop. Emitted
// in policyregistry.cpp, among every other policy, the loop called KeyIndexMap::find().
FifoPolicy::FifoPolicy(const PolicyConfig &config)
    : LinkedPolicy(config)
{
}

} // namespace CacheScope
