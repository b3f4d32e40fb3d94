#pragma once
/// Fresh signing key pairs in PEM and JWK form: for tests (which make their own keys, JWKS and tokens)
/// and for tooling that provisions RS256/ES256 keys.

#include <nlohmann/json.hpp>

#include <string>

namespace monti::auth::crypto {

/// A key pair and its public half as a JWK.
struct GeneratedKeyPair {
  std::string privatePem;    ///< unencrypted PKCS#8
  std::string publicPem;     ///< SubjectPublicKeyInfo
  nlohmann::json publicJwk;  ///< {kty, …, kid, alg, use: "sig"}
};

/// A new RSA key pair for RS256 (`bits` ≥ 2048, else std::invalid_argument). Thread-safe; takes tens of
/// milliseconds or more.
GeneratedKeyPair generateRsaKeyPair(const std::string& kid, unsigned int bits = 2048);

/// A new P-256 key pair for ES256. Thread-safe.
GeneratedKeyPair generateEcKeyPair(const std::string& kid);

}  // namespace monti::auth::crypto
