#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace monti::events {

/// A committed business event, as subscribers and hooks receive it.
struct Event {
  std::string id;             ///< UUID; the idempotency key for at-least-once consumers
  std::int64_t sequence = 0;  ///< position in the outbox: increases in commit order
  std::string name;           ///< e.g. "agent.status_changed"
  std::string tenant;         ///< "" for events that belong to no tenant
  std::string aggregate;      ///< what changed, e.g. "agent:42"; order is kept per aggregate
  nlohmann::json payload;
  std::string createdAt;  ///< ISO 8601 UTC

  nlohmann::json toJson() const;
  /// Throws nlohmann::json::exception on a malformed document.
  static Event fromJson(const nlohmann::json& json);
};

/// True when `name` matches `pattern`: exact, "*" for all, or "prefix.*" for a family ("agent.*").
bool matches(std::string_view pattern, std::string_view name) noexcept;

}  // namespace monti::events
