#include <monti/events/Event.hpp>

namespace monti::events {

nlohmann::json Event::toJson() const {
  return {{"id", id},           {"sequence", sequence},  {"name", name}, {"tenant", tenant}, {"aggregate", aggregate},
          {"payload", payload}, {"createdAt", createdAt}};
}

Event Event::fromJson(const nlohmann::json& json) {
  Event event;
  event.id = json.at("id").get<std::string>();
  event.sequence = json.at("sequence").get<std::int64_t>();
  event.name = json.at("name").get<std::string>();
  event.tenant = json.at("tenant").get<std::string>();
  event.aggregate = json.at("aggregate").get<std::string>();
  event.payload = json.at("payload");
  event.createdAt = json.at("createdAt").get<std::string>();
  return event;
}

bool matches(std::string_view pattern, std::string_view name) noexcept {
  if (pattern == "*" || pattern == name) return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    const auto prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot: "agent."
    return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix;
  }
  return false;
}

}  // namespace monti::events
