#pragma once
/// JSON parsing for untrusted token parts: objects only, no duplicate member names.

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace monti::auth::crypto {

/// Parses `text` as a JSON object; nullopt when it is not valid JSON, not an object, or any object in it
/// repeats a member name (parsers disagree on which duplicate wins, so `{"alg":"RS256","alg":"none"}` is
/// refused). Never throws on bad input. Thread-safe.
std::optional<nlohmann::json> parseStrictJsonObject(std::string_view text);

}  // namespace monti::auth::crypto
