#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace monti::agentsim {

/// An agent's onlineStatus as the agents API spells it.
enum class Status : std::uint8_t { offline, online, away, busy };

inline constexpr std::size_t kStatusCount = 4;

/// "offline", "online", "away" or "busy".
std::string_view statusName(Status status);

/// The Status for an API string; nullopt for anything else.
std::optional<Status> parseStatus(std::string_view text);

/// One simulated agent as the traffic phase sees it. Owned by exactly one worker thread.
struct SimAgent {
  std::int64_t id = 0;     // the server's agent id
  int number = 0;          // n in <prefix>_<n>
  std::size_t tenant = 0;  // index of the admin session that may act on it
  Status status = Status::offline;
  bool handlesTickets = true;  // viewers only change status
  std::uint32_t ticketsAssigned = 0;
  std::uint32_t ticketsResolved = 0;
};

}  // namespace monti::agentsim
