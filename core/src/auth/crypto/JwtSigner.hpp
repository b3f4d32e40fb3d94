#pragma once
/// Issuing JWTs as compact JWS (RFC 7519, RFC 7515 §7.1).

#include "auth/crypto/JwsKey.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace monti::auth::crypto {

/// Signs claims into `header.payload.signature` with one key. Immutable; sign() is safe to call
/// concurrently.
class JwtSigner {
 public:
  /// `key` must be able to sign (std::invalid_argument otherwise). A non-empty `kid` goes into every
  /// header so verifiers with a JWKS can pick the key.
  explicit JwtSigner(JwsKey key, std::string kid = {});

  /// The compact JWS of `claims` (a JSON object; std::invalid_argument otherwise) with header
  /// {"alg", "typ": "JWT", "kid"?}. The caller sets iss, aud, exp, iat and the rest.
  [[nodiscard]] std::string sign(const nlohmann::json& claims) const;

  /// The algorithm of the tokens this signer makes.
  [[nodiscard]] JwsAlgorithm algorithm() const noexcept { return key_.algorithm(); }

 private:
  JwsKey key_;
  std::string encodedHeader_;
};

}  // namespace monti::auth::crypto
