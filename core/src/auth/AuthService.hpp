#pragma once

#include "auth/AccountRepository.hpp"
#include "auth/AuditLog.hpp"
#include "auth/LoginThrottle.hpp"
#include "auth/RevocationList.hpp"
#include "auth/TokenService.hpp"
#include "auth/crypto/PasswordHasher.hpp"
#include "events/EventService.hpp"
#include "kv/KeyValue.hpp"

#include <monti/http/Request.hpp>

#include <nlohmann/json.hpp>

namespace monti::auth {

/// Login, refresh, logout and "who am I" (seed 001 §2.1, CONTRACT.md "Auth"). Thread-safe.
class AuthService {
 public:
  /// The bus channel on which logouts reach every node's RevocationList.
  static constexpr std::string_view kRevokedChannel = "monti:auth:revoked";

  struct Services {
    AccountRepository& accounts;
    TokenService& tokens;
    LoginThrottle& throttle;
    AuditLog& audit;
    RevocationList& revoked;
    kv::PubSub& bus;
    events::EventService* events;  ///< login/logout events; nullptr in tests
    const crypto::PasswordHasher& hasher;
  };

  explicit AuthService(const Services& services) : s_(services) {}

  /// {"username" | "email", "password"} → {accessToken, refreshToken, expiresIn, user}.
  /// 400 for a malformed body, 401 for wrong credentials (one message for unknown user and wrong
  /// password), 429 with Retry-After while the account or the IP is throttled.
  nlohmann::json login(const http::Request& request);
  /// {"refreshToken"} → the login shape with a new refresh token; 401 for an unknown, used or revoked token.
  nlohmann::json refresh(const http::Request& request);
  /// Revokes the access token (every node) and the refresh token's family when one is given.
  void logout(const http::Request& request);
  /// The caller's account (users) or key description (API keys), with permissions.
  nlohmann::json me(const http::Request& request);

  /// Creates the admin from MONTI_BOOTSTRAP_ADMIN_* when no admin exists; returns whether it did.
  bool bootstrapAdmin(const config::AuthConfig& config);

 private:
  nlohmann::json tokensFor(const Account& account, std::string refreshToken) const;
  void emit(const std::string& name, const Account& account, const http::Request& request);

  Services s_;
};

/// Validates a new password: 8..1024 characters. Throws BadRequest naming `field`.
void requireAcceptablePassword(const std::string& password, const std::string& field);

}  // namespace monti::auth
