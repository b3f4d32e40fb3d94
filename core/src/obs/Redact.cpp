#include "obs/Redact.hpp"

#include <array>
#include <cctype>

namespace monti::obs {
namespace {

constexpr std::array<std::string_view, 4> kKeys{"password=", "secret=", "token=", "apikey="};

bool stopsValue(char c) { return c == '&' || c == ' ' || c == '"' || c == '\'' || c == ';' || c == ','; }

bool startsWithIgnoringCase(std::string_view text, std::size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string redactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    // user:password@ after "://"
    if (text.compare(i, 3, "://") == 0) {
      out.append("://");
      i += 3;
      const auto end = text.find_first_of(" /\"'", i);
      const auto at = text.find('@', i);
      const auto colon = text.find(':', i);
      if (at != std::string_view::npos && (end == std::string_view::npos || at < end) && colon < at) {
        out.append(text.substr(i, colon + 1 - i)).append("****");
        i = at;
      }
      continue;
    }
    bool masked = false;
    for (auto key : kKeys) {
      if (startsWithIgnoringCase(text, i, key)) {
        out.append(text.substr(i, key.size())).append("****");
        i += key.size();
        while (i < text.size() && !stopsValue(text[i]))
          ++i;
        masked = true;
        break;
      }
    }
    if (!masked) out += text[i++];
  }
  return out;
}

}  // namespace monti::obs
