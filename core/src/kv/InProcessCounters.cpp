#include "kv/InProcessCounters.hpp"

#include <algorithm>

namespace monti::kv {

std::int64_t InProcessCounters::increment(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl) {
  const auto now = Clock::now();
  const std::lock_guard lock(mutex_);
  auto it = counters_.find(key);
  if (it != counters_.end() && it->second.expiresAt <= now) {
    counters_.erase(it);
    it = counters_.end();
  }
  if (it == counters_.end()) {
    if (counters_.size() >= sweepAt_) sweep(now);
    it = counters_.emplace(std::string(key), Counter{0, now + ttl}).first;
  }
  it->second.value += by;
  return it->second.value;
}

void InProcessCounters::sweep(Clock::time_point now) {
  std::erase_if(counters_, [now](const auto& entry) { return entry.second.expiresAt <= now; });
  sweepAt_ = std::max<std::size_t>(1024, counters_.size() * 2);  // amortised: sweeps get rarer as live keys grow
}

}  // namespace monti::kv
