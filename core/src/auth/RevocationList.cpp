#include "auth/RevocationList.hpp"

#include <mutex>

namespace monti::auth {

void RevocationList::add(std::string jti, Clock::time_point expiresAt) {
  std::unique_lock lock(mutex_);
  entries_[std::move(jti)] = expiresAt;
}

void RevocationList::replace(const std::vector<std::pair<std::string, Clock::time_point>>& entries) {
  std::unordered_map<std::string, Clock::time_point> fresh;
  for (auto& [jti, expiresAt] : entries)
    fresh.emplace(jti, expiresAt);
  std::unique_lock lock(mutex_);
  entries_.swap(fresh);
}

bool RevocationList::revoked(std::string_view jti) const {
  std::shared_lock lock(mutex_);
  return entries_.find(std::string(jti)) != entries_.end();
}

std::size_t RevocationList::prune(Clock::time_point now) {
  std::unique_lock lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second <= now ? entries_.erase(it) : std::next(it);
  }
  return entries_.size();
}

}  // namespace monti::auth
