#pragma once

#include "config/CoreConfig.hpp"

#include <monti/http/Response.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monti::http {

/// CORS rules from config: which origins may call, with or without credentials.
class CorsPolicy {
 public:
  explicit CorsPolicy(config::CorsConfig config);

  bool allows(std::string_view origin) const;
  /// Adds Access-Control-Allow-Origin (and friends) to an actual response when `origin` is allowed.
  void decorate(Response& response, std::string_view origin) const;
  /// A preflight answer (204). Carries the CORS headers only when the origin is allowed.
  Response preflight(std::string_view origin, const std::vector<std::string>& allowedMethods,
                     std::optional<std::string_view> requestedHeaders) const;

 private:
  config::CorsConfig config_;
  bool any_ = false;
};

}  // namespace monti::http
