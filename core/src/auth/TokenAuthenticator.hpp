#pragma once

#include "auth/AuditLog.hpp"
#include "auth/Authenticator.hpp"
#include "auth/ExternalTokens.hpp"
#include "auth/RevocationList.hpp"
#include "auth/crypto/JwtVerifier.hpp"
#include "config/CoreConfig.hpp"

#include <monti/data/Database.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace monti::auth {

/// Establishes the caller from `Authorization: Bearer <JWT>` (Monti's own tokens, or an external OIDC
/// provider's when configured) or an API key (`Authorization: ApiKey <key>` or `X-API-Key`).
/// A token that is malformed, badly signed, expired, for another issuer or audience, or revoked → 401.
/// Thread-safe; a JWT costs no I/O (revocations are in memory); API keys are cached for a few seconds.
class TokenAuthenticator final : public Authenticator {
 public:
  /// `audit` (may be null) records API-key use: once per key and node per cache period, not per request.
  TokenAuthenticator(const crypto::JwtVerifier& ownTokens, ExternalTokens* externalTokens,
                     const config::OidcConfig& oidc, const RevocationList& revoked, data::Database& database,
                     AuditLog* audit = nullptr);

  std::optional<Principal> authenticate(const http::Request& request) override;

 private:
  Principal fromOwnClaims(const nlohmann::json& claims) const;
  Principal fromExternalClaims(const nlohmann::json& claims) const;
  Principal fromApiKey(const std::string& key);

  const crypto::JwtVerifier& own_;
  ExternalTokens* external_;
  const config::OidcConfig& oidc_;
  const RevocationList& revoked_;
  data::Database& database_;
  AuditLog* audit_;

  struct CachedKey {
    std::optional<Principal> principal;  ///< nullopt: no such (valid) key
    std::chrono::steady_clock::time_point until;
  };
  std::mutex keysMutex_;
  std::unordered_map<std::string, CachedKey> keys_;  // by key hash
};

/// The jti and exp of an access token that was already verified.
struct AccessTokenId {
  std::string jti;
  std::chrono::system_clock::time_point expiresAt;
};
/// Reads the jti and exp of a verified token's claims.
AccessTokenId accessTokenId(const nlohmann::json& claims);

}  // namespace monti::auth
