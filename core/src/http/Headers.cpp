#include "http/Headers.hpp"

#include <strings.h>

namespace monti::http {

const std::string* findHeader(const Request::Pairs& headers, std::string_view name) noexcept {
  for (const auto& header : headers) {
    const std::string& key = header.first;
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) return &header.second;
  }
  return nullptr;
}

}  // namespace monti::http
