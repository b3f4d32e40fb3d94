#pragma once

#include <monti/auth/Principal.hpp>
#include <monti/http/Request.hpp>

#include <optional>

namespace monti::auth {

/// Establishes who sent a request. Called concurrently from HTTP worker threads.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// nullopt when the request carries no credentials; throws http::Unauthorized when it carries
  /// credentials that are invalid, expired or revoked.
  virtual std::optional<Principal> authenticate(const http::Request& request) = 0;
};

/// Used until an identity provider is configured: nobody is authenticated, so only public routes answer.
class AnonymousOnly final : public Authenticator {
 public:
  std::optional<Principal> authenticate(const http::Request& request) override;
};

}  // namespace monti::auth
