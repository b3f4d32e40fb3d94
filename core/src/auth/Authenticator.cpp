#include "auth/Authenticator.hpp"

#include <monti/http/Errors.hpp>

namespace monti::auth {

std::optional<Principal> AnonymousOnly::authenticate(const http::Request& request) {
  if (request.header("Authorization") || request.header("X-API-Key")) {
    throw http::Unauthorized("credentials cannot be verified: no identity provider is configured");
  }
  return std::nullopt;
}

}  // namespace monti::auth
