#include "kv/InProcessLocks.hpp"

#include "kv/LockToken.hpp"

namespace monti::kv {

std::optional<std::string> InProcessLocks::tryAcquire(std::string_view name, std::chrono::milliseconds ttl) {
  const auto now = Clock::now();
  const std::lock_guard lock(mutex_);
  // Lock names are few (one per job or resource), so expired holders are replaced, never swept.
  auto it = holders_.find(name);
  if (it != holders_.end() && it->second.expiresAt > now) return std::nullopt;
  std::string token = newLockToken();
  Holder holder{token, now + ttl};
  if (it == holders_.end()) {
    holders_.emplace(std::string(name), std::move(holder));
  } else {
    it->second = std::move(holder);
  }
  return token;
}

void InProcessLocks::release(std::string_view name, std::string_view token) {
  const std::lock_guard lock(mutex_);
  auto it = holders_.find(name);
  if (it != holders_.end() && it->second.token == token) holders_.erase(it);
}

}  // namespace monti::kv
