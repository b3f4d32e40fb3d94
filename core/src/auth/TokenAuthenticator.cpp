#include "auth/TokenAuthenticator.hpp"

#include "auth/AccountRepository.hpp"
#include "auth/Roles.hpp"
#include "auth/crypto/Digest.hpp"
#include "data/PgArray.hpp"

#include <monti/http/Errors.hpp>

#include <strings.h>

namespace monti::auth {
namespace {

constexpr auto kApiKeyCacheTime = std::chrono::seconds(10);

std::vector<std::string> stringList(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

std::string claimString(const nlohmann::json& claims, const std::string& name) {
  const auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

AccessTokenId accessTokenId(const nlohmann::json& claims) {
  const auto exp = claims.value("exp", std::int64_t{0});
  return {claimString(claims, "jti"), std::chrono::system_clock::time_point(std::chrono::seconds(exp))};
}

TokenAuthenticator::TokenAuthenticator(const crypto::JwtVerifier& ownTokens, ExternalTokens* externalTokens,
                                       const config::OidcConfig& oidc, const RevocationList& revoked,
                                       data::Database& database, AuditLog* audit)
    : own_(ownTokens), external_(externalTokens), oidc_(oidc), revoked_(revoked), database_(database), audit_(audit) {}

std::optional<Principal> TokenAuthenticator::authenticate(const http::Request& request) {
  const auto authorization = request.header("Authorization");
  if (const auto apiKey = request.header("X-API-Key")) return fromApiKey(std::string(*apiKey));
  if (!authorization) return std::nullopt;
  if (startsWithIgnoringCase(*authorization, "ApiKey ")) return fromApiKey(std::string(authorization->substr(7)));
  if (!startsWithIgnoringCase(*authorization, "Bearer ")) {
    throw http::Unauthorized("unsupported authorization scheme (use Bearer or ApiKey)");
  }
  const auto token = authorization->substr(7);
  auto own = own_.verify(token);
  if (own) {
    const auto id = accessTokenId(own.value());
    if (id.jti.empty() || revoked_.revoked(id.jti)) throw http::Unauthorized("the token was revoked");
    Principal p = fromOwnClaims(own.value());
    p.tokenId = id.jti;
    p.expiresAt = std::chrono::duration_cast<std::chrono::seconds>(id.expiresAt.time_since_epoch()).count();
    return p;
  }
  if (external_ != nullptr) {
    auto external = external_->verify(token);
    if (external) {
      Principal p = fromExternalClaims(external.value());
      const auto exp = external.value().find("exp");
      if (exp != external.value().end() && exp->is_number_integer()) p.expiresAt = exp->get<std::int64_t>();
      return p;
    }
  }
  throw http::Unauthorized("invalid or expired token");
}

Principal TokenAuthenticator::fromOwnClaims(const nlohmann::json& claims) const {
  Principal p;
  p.id = claimString(claims, "sub");
  p.username = claimString(claims, "username");
  p.role = claimString(claims, "role");
  p.tenant = claimString(claims, "tenant");
  p.departments = stringList(claims.value("departments", nlohmann::json::array()));
  p.locations = stringList(claims.value("locations", nlohmann::json::array()));
  p.permissions = permissionsFor(p.role);
  if (p.id.empty() || p.tenant.empty()) throw http::Unauthorized("the token lacks sub or tenant");
  return p;
}

Principal TokenAuthenticator::fromExternalClaims(const nlohmann::json& claims) const {
  Principal p;
  p.id = "oidc:" + claimString(claims, "sub");
  p.username = claimString(claims, "preferred_username");
  if (p.username.empty()) p.username = claimString(claims, "email");
  // A role claim may be a string or a list (Keycloak, Zitadel); the first known role wins.
  for (const auto& role : stringList(claims.value(oidc_.roleClaim, nlohmann::json()))) {
    if (isKnownRole(role)) {
      p.role = role;
      break;
    }
  }
  p.tenant = claimString(claims, oidc_.tenantClaim);
  if (p.tenant.empty()) p.tenant = oidc_.defaultTenant;
  p.departments = stringList(claims.value(oidc_.departmentsClaim, nlohmann::json::array()));
  p.locations = stringList(claims.value(oidc_.locationsClaim, nlohmann::json::array()));
  p.permissions = permissionsFor(p.role);
  return p;
}

Principal TokenAuthenticator::fromApiKey(const std::string& key) {
  const auto hash = crypto::sha256Hex(key);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(keysMutex_);
    if (auto it = keys_.find(hash); it != keys_.end() && it->second.until > now) {
      if (!it->second.principal) throw http::Unauthorized("invalid API key");
      return *it->second.principal;
    }
  }
  auto rows = database_.exec(
      "UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL "
      "AND (expires_at IS NULL OR expires_at > now()) RETURNING id, tenant_id, name, permissions",
      {hash});
  std::optional<Principal> principal;
  if (!rows.empty()) {
    Principal p;
    p.id = "apikey:" + rows[0].string(0);
    p.tenant = rows[0].string(1);
    p.username = rows[0].string(2);
    p.role = "service";
    p.permissions = data::parseTextArray(rows[0].text(3));
    if (audit_ != nullptr) {
      audit_->record({p.tenant, p.id, "api_key.used", p.id, "", "", {{"name", p.username}}});
    }
    principal = std::move(p);
  }
  std::lock_guard lock(keysMutex_);
  if (keys_.size() > 10'000) keys_.clear();  // bounded: a flood of random keys must not grow memory
  keys_[hash] = CachedKey{principal, now + kApiKeyCacheTime};
  if (!principal) throw http::Unauthorized("invalid API key");
  return *principal;
}

}  // namespace monti::auth
