#pragma once

#include "auth/crypto/JwtVerifier.hpp"
#include "config/CoreConfig.hpp"

#include <monti/obs/Logger.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace monti::auth {

/// Verifies tokens of an external OIDC provider (AWS IAM Identity Center, Zitadel, Keycloak) against its
/// JWKS, from a file or a URL (fetched with libcurl, TLS verified). A token signed with a key the cached
/// JWKS does not have triggers one refetch (at most every oidc.refetch_interval), so the provider can rotate
/// keys.
/// Thread-safe: verifiers are swapped atomically, verifies never wait for a fetch in progress elsewhere.
class ExternalTokens {
 public:
  /// Loads the JWKS once; throws config::ConfigError when it cannot be read or holds no usable key.
  ExternalTokens(const config::OidcConfig& config, std::chrono::seconds leeway, obs::Logger& logger);

  crypto::VerifyResult verify(std::string_view token);

 private:
  std::shared_ptr<const crypto::JwtVerifier> current() const;
  void reload();
  std::string fetchJwks() const;

  const config::OidcConfig& config_;
  std::chrono::seconds leeway_;
  obs::Logger& logger_;
  mutable std::mutex mutex_;
  std::shared_ptr<const crypto::JwtVerifier> verifier_;
  std::chrono::steady_clock::time_point lastFetch_{};
};

/// GET `url` with libcurl (TLS verified, redirects off, 5 s timeout, at most 1 MiB). Throws
/// std::runtime_error naming the URL and the reason.
std::string httpGet(const std::string& url);

}  // namespace monti::auth
