#pragma once

#include <chrono>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace monti::auth {

/// Access-token ids (jti) revoked before they expire, held in memory so that checking one costs no I/O
/// per request. Every node learns of a logout through the bus at once and resynchronises from the
/// revoked_tokens table periodically, so a missed message heals within one period. Thread-safe.
class RevocationList {
 public:
  using Clock = std::chrono::system_clock;

  void add(std::string jti, Clock::time_point expiresAt);
  /// Replaces the whole list (a resync from the database).
  void replace(const std::vector<std::pair<std::string, Clock::time_point>>& entries);
  bool revoked(std::string_view jti) const;
  /// Drops entries whose token has expired anyway; returns how many are left.
  std::size_t prune(Clock::time_point now);

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> entries_;
};

}  // namespace monti::auth
