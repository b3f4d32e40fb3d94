#include "http/Cors.hpp"

#include <algorithm>

namespace monti::http {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

CorsPolicy::CorsPolicy(config::CorsConfig config) : config_(std::move(config)) {
  any_ = std::find(config_.allowedOrigins.begin(), config_.allowedOrigins.end(), "*") != config_.allowedOrigins.end();
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  return any_ || std::find(config_.allowedOrigins.begin(), config_.allowedOrigins.end(), origin) !=
                     config_.allowedOrigins.end();
}

void CorsPolicy::decorate(Response& response, std::string_view origin) const {
  if (!allows(origin)) return;
  // A wildcard config still echoes the origin: with credentials '*' is invalid, and Vary keeps caches honest.
  response.setHeader("Access-Control-Allow-Origin", std::string(origin));
  response.setHeader("Vary", "Origin");
  if (config_.allowCredentials) response.setHeader("Access-Control-Allow-Credentials", "true");
  response.setHeader("Access-Control-Expose-Headers",
                     "X-Correlation-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
}

Response CorsPolicy::preflight(std::string_view origin, const std::vector<std::string>& allowedMethods,
                               std::optional<std::string_view> requestedHeaders) const {
  Response response = Response::noContent();
  if (!allows(origin)) return response;
  decorate(response, origin);
  response.setHeader("Access-Control-Allow-Methods", join(allowedMethods));
  response.setHeader("Access-Control-Allow-Headers",
                     requestedHeaders ? std::string(*requestedHeaders)
                                      : std::string("Authorization, Content-Type, X-Correlation-ID, Accept-Version"));
  response.setHeader("Access-Control-Max-Age", std::to_string(config_.maxAge.count()));
  return response;
}

}  // namespace monti::http
