#include "auth/TokenService.hpp"

#include "auth/crypto/Digest.hpp"
#include "auth/crypto/Random.hpp"

#include <monti/config/ConfigError.hpp>

#include <fstream>
#include <sstream>

namespace monti::auth {
namespace {

using Clock = std::chrono::system_clock;

std::int64_t epochSeconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string readPem(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config::ConfigError("config: auth.jwt_private_key_file: cannot read \"" + path + "\"");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

crypto::JwsKey signingKey(const config::AuthConfig& config) {
  try {
    if (config.jwtAlgorithm == "HS256") return crypto::JwsKey::hmac(config.jwtSecret);
    const auto alg = config.jwtAlgorithm == "RS256" ? crypto::JwsAlgorithm::kRs256 : crypto::JwsAlgorithm::kEs256;
    if (config.jwtPrivateKeyFile.empty()) {
      throw config::ConfigError("config: auth.jwt_private_key_file is required for " + config.jwtAlgorithm);
    }
    return crypto::JwsKey::fromPrivatePem(alg, readPem(config.jwtPrivateKeyFile));
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("config: access token key: ") + e.what());
  }
}

}  // namespace

TokenService::TokenService(const config::AuthConfig& config, data::Database& database)
    : config_(config), database_(database) {
  auto key = signingKey(config);
  signer_ = std::make_unique<crypto::JwtSigner>(key);
  verifier_ = std::make_unique<crypto::JwtVerifier>(
      key, crypto::JwtVerifierOptions{
               config.issuer, config.audience, std::chrono::duration_cast<std::chrono::seconds>(config.leeway), {}});
}

std::chrono::seconds TokenService::accessLifetime() const noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(config_.jwtExpiry);
}

std::string TokenService::issueAccess(const Account& account) const {
  const auto now = Clock::now();
  return signer_->sign({{"sub", std::to_string(account.id)},
                        {"username", account.username},
                        {"role", account.role},
                        {"tenant", account.tenant},
                        {"departments", account.departments},
                        {"locations", account.locations},
                        {"jti", crypto::randomToken()},
                        {"iat", epochSeconds(now)},
                        {"exp", epochSeconds(now + accessLifetime())},
                        {"iss", config_.issuer},
                        {"aud", config_.audience}});
}

std::string TokenService::insertToken(data::Transaction& tx, std::int64_t userId, const std::string& family) const {
  std::string token = crypto::randomToken();
  tx.exec(
      "INSERT INTO refresh_tokens (user_id, family, token_hash, expires_at) "
      "VALUES ($1, $2::uuid, $3, now() + $4::bigint * interval '1 millisecond')",
      {userId, family, crypto::sha256Hex(token), static_cast<std::int64_t>(config_.refreshTokenExpiry.count())});
  return token;
}

std::string TokenService::startFamily(data::Transaction& tx, std::int64_t userId) const {
  const auto family = tx.exec("SELECT gen_random_uuid()::text")[0].string(0);
  return insertToken(tx, userId, family);
}

std::variant<Rotation, RefreshFailure> TokenService::rotate(const std::string& token) {
  const auto hash = crypto::sha256Hex(token);
  auto tx = database_.begin();
  auto used = tx->exec(
      "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL "
      "AND expires_at > now() RETURNING user_id, family::text",
      {hash});
  if (used.empty()) {
    // Presented again after use: somebody else has (had) it. End every session of that login.
    auto reused = tx->exec(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family = "
        "(SELECT family FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL) AND revoked_at IS NULL "
        "RETURNING id",
        {hash});
    tx->commit();
    return reused.empty() ? RefreshFailure::invalid : RefreshFailure::reused;
  }
  Rotation rotation{used[0].int64(0), insertToken(*tx, used[0].int64(0), used[0].string(1))};
  tx->commit();
  return rotation;
}

void TokenService::revokeFamily(const std::string& token) {
  database_.exec(
      "UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND family = "
      "(SELECT family FROM refresh_tokens WHERE token_hash = $1)",
      {crypto::sha256Hex(token)});
}

void TokenService::revokeAccess(const std::string& jti, std::chrono::system_clock::time_point expiresAt) {
  database_.exec("INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING",
                 {jti, epochSeconds(expiresAt)});
}

}  // namespace monti::auth
