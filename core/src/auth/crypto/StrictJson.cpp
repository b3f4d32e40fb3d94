#include "auth/crypto/StrictJson.hpp"

#include <set>
#include <string>
#include <vector>

namespace monti::auth::crypto {

std::optional<nlohmann::json> parseStrictJsonObject(std::string_view text) {
  std::vector<std::set<std::string>> open;  // member names seen in each object being parsed
  bool duplicate = false;
  const nlohmann::json::parser_callback_t track =
      [&open, &duplicate](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start) {
          open.emplace_back();
        } else if (event == Event::object_end) {
          if (!open.empty()) open.pop_back();
        } else if (event == Event::key && !open.empty() && parsed.is_string()) {
          if (!open.back().insert(parsed.get<std::string>()).second) duplicate = true;
        }
        return true;
      };
  try {
    auto value = nlohmann::json::parse(text, track, false);
    if (duplicate || value.is_discarded() || !value.is_object()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace monti::auth::crypto
