#pragma once
/// The JWS algorithms Monti signs and verifies with (RFC 7518 §3).

#include <optional>
#include <string_view>

namespace monti::auth::crypto {

/// HMAC-SHA256, RSASSA-PKCS1-v1_5 with SHA-256, ECDSA P-256 with SHA-256.
enum class JwsAlgorithm { kHs256, kRs256, kEs256 };

/// The `alg` header value: "HS256", "RS256" or "ES256".
std::string_view toString(JwsAlgorithm alg) noexcept;

/// The algorithm named exactly (case-sensitively) by `name`; nullopt for "none" and everything else.
std::optional<JwsAlgorithm> parseJwsAlgorithm(std::string_view name) noexcept;

}  // namespace monti::auth::crypto
