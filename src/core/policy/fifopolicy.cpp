#include "core/policy/fifopolicy.h"

namespace CacheScope {

FifoPolicy::FifoPolicy(const PolicyConfig &config)
    : PolicyBase(config)
{
    if (config.sizeUnit == SizeUnit::Objects && config.capacity < (1 << 24)) {
        m_map.reserve(std::size_t(config.capacity) + 1);
        m_nodes.reserve(std::size_t(config.capacity) + 1);
    }
}

bool FifoPolicy::erase(Key key)
{
    const quint32 i = m_map.erase(key);
    if (i == KeyIndexMap::npos)
        return false;
    m_list.unlink(i);
    m_used -= m_nodes[i].size;
    m_nodes.release(i);
    return true;
}

} // namespace CacheScope
