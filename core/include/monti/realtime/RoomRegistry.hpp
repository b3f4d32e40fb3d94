#pragma once
/// Realtime rooms a plugin offers, each with the rule that decides who may join.

#include <monti/auth/Principal.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace monti::realtime {

/// Values of the `{placeholders}` in a room pattern, e.g. {"id", "42"} for "agent:{id}".
using RoomParams = std::vector<std::pair<std::string, std::string>>;
/// Decides whether `user` may join the room. Called concurrently from event-loop threads.
using JoinRule = std::function<bool(const auth::Principal& user, const RoomParams& params)>;

class RoomRegistry {
 public:
  virtual ~RoomRegistry() = default;
  /// Declares a room pattern such as "agents:department:{name}". Throws RegistrationError when the
  /// pattern is malformed, already declared, or has no rule.
  virtual void room(std::string_view pattern, JoinRule mayJoin) = 0;
};

}  // namespace monti::realtime
