#include "auth/crypto/KeySet.hpp"

#include "auth/crypto/Jwk.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

std::optional<std::string> stringMember(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

/// The algorithm a JWK is for, or nullopt when Monti cannot use it for signatures.
std::optional<JwsAlgorithm> algorithmOf(const nlohmann::json& jwk) {
  const auto kty = stringMember(jwk, "kty");
  if (!kty || (*kty != "RSA" && *kty != "EC")) return std::nullopt;
  if (jwk.contains("use") && stringMember(jwk, "use") != "sig") return std::nullopt;
  const JwsAlgorithm natural = *kty == "RSA" ? JwsAlgorithm::kRs256 : JwsAlgorithm::kEs256;
  if (!jwk.contains("alg")) return natural;
  const auto alg = stringMember(jwk, "alg");
  if (!alg || parseJwsAlgorithm(*alg) != natural) return std::nullopt;
  return natural;
}

std::optional<JwsKey> usableKey(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return std::nullopt;
  const auto alg = algorithmOf(jwk);
  if (!alg) return std::nullopt;
  auto key = publicKeyFromJwk(jwk);
  if (!key) return std::nullopt;
  try {
    return JwsKey::fromPublicKey(*alg, share(std::move(*key)));
  } catch (const std::invalid_argument&) {
    return std::nullopt;  // e.g. an RSA key below 2048 bits
  }
}

}  // namespace

KeySet KeySet::fromJwks(std::string_view jwksJson) {
  const auto document = nlohmann::json::parse(jwksJson, nullptr, false);
  if (document.is_discarded()) throw std::invalid_argument("JWKS: the document is not valid JSON");
  const auto keys = document.is_object() ? document.find("keys") : document.end();
  if (!document.is_object() || keys == document.end() || !keys->is_array()) {
    throw std::invalid_argument("JWKS: expected an object with a \"keys\" array");
  }
  KeySet set;
  std::optional<JwsKey> anonymous;
  std::size_t anonymousCount = 0;
  for (const auto& jwk : *keys) {
    auto key = usableKey(jwk);
    if (!key) continue;
    const auto kid = stringMember(jwk, "kid").value_or("");
    if (kid.empty()) {
      ++anonymousCount;
      anonymous = std::move(key);
    } else {
      set.keys_.emplace(kid, std::move(*key));  // the first key with a kid wins
    }
  }
  if (set.keys_.empty() && anonymousCount == 1) set.keys_.emplace("", std::move(*anonymous));
  return set;
}

const JwsKey* KeySet::find(std::string_view kid) const noexcept {
  if (kid.empty()) return keys_.size() == 1 ? &keys_.begin()->second : nullptr;
  const auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace monti::auth::crypto
