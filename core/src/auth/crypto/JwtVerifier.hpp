#pragma once
/// Verifying JWTs (compact JWS, RFC 7519/7515) against one expected algorithm and its key or key set.

#include "auth/crypto/JwsKey.hpp"
#include "auth/crypto/KeySet.hpp"
#include "auth/crypto/Result.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// Why a token was refused. Every reason means 401 to a client; the distinction is for logs and for
/// unknownKid, on which the caller refetches the JWKS once and tries again.
enum class VerifyError {
  kMalformed,       ///< not three base64url parts, oversized, non-canonical base64, non-JSON or duplicate
                    ///< members, `crit` header, non-numeric time claims
  kUnsupportedAlg,  ///< header alg is "none" (any case) or another algorithm Monti does not know
  kAlgMismatch,     ///< header alg is known but not the configured one (algorithm confusion)
  kBadSignature,
  kExpired,      ///< exp is past, beyond the leeway
  kNotYetValid,  ///< nbf or iat is in the future, beyond the leeway
  kMissingExp,
  kWrongIssuer,
  kWrongAudience,
  kUnknownKid,  ///< no key in the key set has the token's kid
};

/// "malformed", "unsupported_alg", … for logs and metrics.
std::string_view toString(VerifyError error) noexcept;

/// What a verifier accepts besides the signature.
struct JwtVerifierOptions {
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  std::string issuer;               ///< required `iss`; empty = not checked
  std::string audience;             ///< must equal `aud` or be one of its array items; empty = not checked
  std::chrono::seconds leeway{60};  ///< clock skew allowed on exp, nbf and iat
  Clock clock;                      ///< now; empty = system_clock::now (tests inject a fixed time)
};

/// Verified claims or the reason the token was refused.
using VerifyResult = Result<nlohmann::json, VerifyError>;

/// Verifies compact JWS tokens: structure, alg equal to the one configured algorithm, signature (HS256 in
/// constant time), then exp (required), nbf, iat, iss and aud. Keys are parsed once at construction.
/// Immutable; verify() is safe to call concurrently from any number of threads.
class JwtVerifier {
 public:
  /// Largest accepted token, in bytes.
  static constexpr std::size_t kMaxTokenBytes = 8192;

  /// Verifies with a single key; its algorithm is the only one accepted. A `kid` in tokens is ignored.
  /// Throws std::invalid_argument for a negative leeway (as does the key-set constructor).
  JwtVerifier(JwsKey key, JwtVerifierOptions options);

  /// Verifies with keys from a JWKS, chosen by the token's kid; only `alg` is accepted, and a key meant for
  /// another algorithm gives kAlgMismatch. Throws std::invalid_argument for HS256 or a null key set.
  JwtVerifier(JwsAlgorithm alg, std::shared_ptr<const KeySet> keys, JwtVerifierOptions options);

  /// The claims of `token` when it passes every check; otherwise the first failed check. Never throws.
  [[nodiscard]] VerifyResult verify(std::string_view token) const noexcept;

  /// The algorithm this verifier accepts.
  [[nodiscard]] JwsAlgorithm algorithm() const noexcept { return alg_; }

 private:
  [[nodiscard]] VerifyResult verifyOrThrow(std::string_view token) const;
  [[nodiscard]] Result<const JwsKey*, VerifyError> keyFor(const nlohmann::json& header) const;
  [[nodiscard]] std::optional<VerifyError> checkClaims(const nlohmann::json& claims) const;

  JwsAlgorithm alg_;
  std::optional<JwsKey> key_;
  std::shared_ptr<const KeySet> keySet_;
  JwtVerifierOptions options_;
};

}  // namespace monti::auth::crypto
