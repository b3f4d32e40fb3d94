#pragma once
/// Public keys as JSON Web Keys (RFC 7517, RFC 7518 §6): RSA (n, e) and EC P-256 (x, y).

#include "auth/crypto/JwsAlgorithm.hpp"
#include "auth/crypto/OpenSsl.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace monti::auth::crypto {

/// The EVP_PKEY of a public JWK with kty "RSA" or "EC" (crv "P-256"); nullopt for other key types,
/// missing or non-canonical base64url members, or an EC point not on the curve. Never throws on bad
/// input. Thread-safe.
std::optional<PkeyPtr> publicKeyFromJwk(const nlohmann::json& jwk);

/// The public JWK of an RSA or P-256 key: {kty, n, e} or {kty, crv, x, y}, plus kid, alg and use "sig".
/// Throws std::invalid_argument for other key types.
nlohmann::json publicJwk(EVP_PKEY* key, const std::string& kid, JwsAlgorithm alg);

}  // namespace monti::auth::crypto
