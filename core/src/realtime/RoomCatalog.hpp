#pragma once

#include "plugin/Catalog.hpp"

#include <monti/realtime/RoomRegistry.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monti::realtime {

/// The longest room name a client may use.
inline constexpr std::size_t kMaxRoomNameBytes = 200;

/// A room name a client sent, resolved against the declared patterns.
struct RoomMatch {
  const JoinRule* mayJoin = nullptr;
  const Aggregator* aggregator = nullptr;  ///< nullptr: raw events are sent
  RoomParams params;
};

/// The rooms the plugins declared, resolved by name. Read-only after construction, so loop threads share it.
class RoomCatalog {
 public:
  explicit RoomCatalog(const plugin::Catalog& catalog);

  /// The declared room `room` belongs to, or nullopt when none matches or the name is not acceptable
  /// (empty, over kMaxRoomNameBytes, control characters or ',').
  std::optional<RoomMatch> find(std::string_view room) const;

 private:
  struct Pattern {
    std::vector<std::string> segments;  // "{name}" segments are placeholders
    const JoinRule* mayJoin;
    const Aggregator* aggregator;
  };
  std::vector<Pattern> patterns_;
};

/// The hub's key for a room: rooms are per tenant, so "acme/agents:all" and "globex/agents:all" differ.
std::string roomKey(std::string_view tenant, std::string_view room);
/// The room name part of a key.
std::string_view roomOfKey(std::string_view key);

}  // namespace monti::realtime
