#pragma once

#include "auth/AccountRepository.hpp"
#include "auth/crypto/JwtSigner.hpp"
#include "auth/crypto/JwtVerifier.hpp"
#include "config/CoreConfig.hpp"

#include <monti/data/Database.hpp>

#include <memory>
#include <optional>
#include <string>

namespace monti::auth {

/// What a successful refresh yields.
struct Rotation {
  std::int64_t userId = 0;
  std::string refreshToken;
};

/// Why a refresh token was refused. `reused` means a used token came back: its family is now revoked.
enum class RefreshFailure { invalid, reused };

/// Access tokens (JWT) and refresh tokens (opaque, stored hashed, single use, rotated in families).
/// Thread-safe.
class TokenService {
 public:
  /// Throws config::ConfigError for an unusable key configuration.
  TokenService(const config::AuthConfig& config, data::Database& database);

  /// A signed access token for `account` with claims sub, username, role, tenant, departments, locations,
  /// jti, iat, exp, iss, aud.
  std::string issueAccess(const Account& account) const;
  const crypto::JwtVerifier& verifier() const noexcept { return *verifier_; }
  std::chrono::seconds accessLifetime() const noexcept;

  /// A new refresh token in a new family (login), written inside `tx`.
  std::string startFamily(data::Transaction& tx, std::int64_t userId) const;
  /// Uses `token` once and returns its successor, or why not. A reused token revokes its family.
  std::variant<Rotation, RefreshFailure> rotate(const std::string& token);
  /// Revokes the family of `token` (logout). Unknown tokens are ignored.
  void revokeFamily(const std::string& token);
  /// Denies an access token until it expires (logout): stored for every node.
  void revokeAccess(const std::string& jti, std::chrono::system_clock::time_point expiresAt);

 private:
  std::string insertToken(data::Transaction& tx, std::int64_t userId, const std::string& family) const;

  const config::AuthConfig& config_;
  data::Database& database_;
  std::unique_ptr<crypto::JwtSigner> signer_;
  std::unique_ptr<crypto::JwtVerifier> verifier_;
};

}  // namespace monti::auth
