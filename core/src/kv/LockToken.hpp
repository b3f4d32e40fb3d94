#pragma once

#include <string>

namespace monti::kv {

/// 128 random bits in hex: proves who holds a lock. Thread-safe.
std::string newLockToken();

}  // namespace monti::kv
