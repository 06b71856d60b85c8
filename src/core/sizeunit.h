#pragma once

namespace CacheScope {

/// What capacity counts: objects (every object size 1) or bytes (objects carry sizes).
enum class SizeUnit { Objects, Bytes };

} // namespace CacheScope
